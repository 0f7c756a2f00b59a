//! The simulated port: vessels on four lanes (approach, anchorage, berth,
//! departure) and the reports they send, in the order they are due.
//!
//! Time is an offset from the start of the run; the simulator never reads a
//! clock, so the same seed and epoch give the same reports, byte for byte.
//! Each position a vessel sends carries a distinct observation second
//! (reports of one vessel are at least [`MIN_INTERVAL`] apart), which is
//! how the rest of the tool recognises it downstream: `(mmsi, observed_at_ms)`.

use std::{cmp::Reverse, collections::BinaryHeap, time::Duration};

use porttrack_ais::{
    PositionReport, StaticVoyage, Timestamp,
    encode::{corpus::Rng, encode_position, encode_static_voyage},
};

/// Where the simulated port is (Oslo's inner fairway).
const PORT_LAT: f64 = 59.90;
const PORT_LON: f64 = 10.73;
/// First MMSI handed out: Norway's MID, far from real test fixtures.
pub const FIRST_MMSI: u32 = 257_100_000;
/// Static and voyage data, as class A stations send it.
pub const STATIC_INTERVAL: Duration = Duration::from_secs(360);
/// NMEA observations have one-second resolution, so one vessel never
/// reports twice within a second.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// What a vessel is doing; decides its speed and its reporting interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Approach,
    Anchor,
    Berth,
    Depart,
}

impl Lane {
    const ALL: [Lane; 4] = [Lane::Approach, Lane::Anchor, Lane::Berth, Lane::Depart];

    /// Knots and AIS navigational status (0 under way, 1 at anchor, 5 moored).
    fn motion(self) -> (f64, u8) {
        match self {
            Lane::Approach => (12.0, 0),
            Lane::Anchor => (0.1, 1),
            Lane::Berth => (0.0, 5),
            Lane::Depart => (16.0, 0),
        }
    }
}

/// ITU-R M.1371 class A reporting interval for a speed and status.
pub fn report_interval(sog_knots: f64, nav_status: u8) -> Duration {
    let at_rest = matches!(nav_status, 1 | 5);
    match sog_knots {
        s if at_rest && s <= 3.0 => Duration::from_secs(180),
        s if s <= 14.0 => Duration::from_secs(10),
        s if s <= 23.0 => Duration::from_secs(6),
        _ => Duration::from_secs(2),
    }
}

/// How often vessels report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// Each vessel at its real AIS interval.
    Realistic,
    /// Vessels take turns so that the port as a whole sends this many
    /// positions per second.
    Aggregate(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    pub vessels: u32,
    pub seed: u64,
    /// Wall-clock milliseconds of offset zero.
    pub epoch_ms: i64,
    pub pace: Pace,
    /// Send static and voyage data (type 5) too.
    pub static_data: bool,
    /// Share of positions followed by a corrupted copy (bad checksum).
    pub malformed_share: f64,
    /// Share of positions sent twice (as a second receiver would).
    pub duplicate_share: f64,
}

#[derive(Debug, Clone)]
struct Vessel {
    mmsi: u32,
    lane: Lane,
    /// Bearing from the port (degrees) and distance along the lane at t=0 (nm).
    bearing: f64,
    start_nm: f64,
}

/// One report: a position, or static data, as the feed sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct Emission {
    /// When it is due, from the start of the run.
    pub at: Duration,
    pub mmsi: u32,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Position(Fix),
    Static,
}

/// A position as sent, and how to recognise it once stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    pub lat: f64,
    pub lon: f64,
    pub sog_knots: f64,
    pub cog_deg: f64,
    pub nav_status: u8,
    /// The observation instant downstream sees: whole seconds for NMEA.
    pub observed_at_ms: i64,
    pub duplicate: bool,
    pub malformed: bool,
}

#[derive(Debug)]
pub struct Simulator {
    cfg: SimConfig,
    vessels: Vec<Vessel>,
    /// (due, vessel index, is static); smallest due first.
    queue: BinaryHeap<Reverse<(Duration, u32, bool)>>,
    rng: Rng,
    static_seq: u8,
}

impl Simulator {
    pub fn new(cfg: SimConfig) -> Self {
        let mut rng = Rng::new(cfg.seed);
        let vessels: Vec<Vessel> = (0..cfg.vessels)
            .map(|i| Vessel {
                mmsi: FIRST_MMSI + i,
                lane: Lane::ALL[rng.below(4) as usize],
                bearing: 180.0 + f64::from(rng.below(900)) / 10.0,
                start_nm: 0.5 + f64::from(rng.below(150)) / 10.0,
            })
            .collect();
        let mut queue = BinaryHeap::new();
        for (i, v) in vessels.iter().enumerate() {
            let i = i as u32;
            let first = match cfg.pace {
                Pace::Realistic => phase(&mut rng, interval_of(v)),
                Pace::Aggregate(rate) => Duration::from_secs_f64(f64::from(i) / rate),
            };
            queue.push(Reverse((first, i, false)));
            if cfg.static_data {
                queue.push(Reverse((phase(&mut rng, STATIC_INTERVAL), i, true)));
            }
        }
        Self {
            cfg,
            vessels,
            queue,
            rng,
            static_seq: 0,
        }
    }

    /// Seconds between two reports of one vessel in aggregate pace.
    pub fn aggregate_interval(vessels: u32, rate: f64) -> Duration {
        Duration::from_secs_f64(f64::from(vessels) / rate)
    }

    pub fn config(&self) -> &SimConfig {
        &self.cfg
    }

    /// The next report due, or `None` past `until`.
    pub fn next_until(&mut self, until: Duration) -> Option<Emission> {
        let Reverse((at, i, is_static)) = *self.queue.peek()?;
        if at > until {
            return None;
        }
        self.queue.pop();
        let (mmsi, interval) = (
            self.vessels[i as usize].mmsi,
            interval_of(&self.vessels[i as usize]),
        );
        let next = at
            + match (is_static, self.cfg.pace) {
                (true, _) => STATIC_INTERVAL,
                (false, Pace::Realistic) => interval,
                (false, Pace::Aggregate(rate)) => Self::aggregate_interval(self.cfg.vessels, rate),
            };
        self.queue.push(Reverse((next, i, is_static)));
        let kind = if is_static {
            Kind::Static
        } else {
            Kind::Position(self.fix(i, at))
        };
        Some(Emission { at, mmsi, kind })
    }

    fn fix(&mut self, i: u32, at: Duration) -> Fix {
        let v = &self.vessels[i as usize];
        let (sog, nav_status) = v.lane.motion();
        // Moving lanes run back and forth along their bearing, 0.5 to 16 nm out.
        let travelled = sog * at.as_secs_f64() / 3600.0;
        let span = 15.5;
        let along = (v.start_nm + travelled) % (2.0 * span);
        let (dist, outbound) = if along < span {
            (0.5 + along, true)
        } else {
            (0.5 + 2.0 * span - along, false)
        };
        let inbound_lane = v.lane == Lane::Approach;
        let cog = if outbound != inbound_lane {
            v.bearing
        } else {
            (v.bearing + 180.0) % 360.0
        };
        let (lat, lon) = offset(dist, v.bearing);
        let wall_ms = self.cfg.epoch_ms + at.as_millis() as i64;
        let observed_at_ms = wall_ms - wall_ms.rem_euclid(1000);
        Fix {
            // AIS carries 1/10000 minute: send what the decoder will give back.
            lat: quantise(lat),
            lon: quantise(lon),
            sog_knots: sog,
            cog_deg: (cog * 10.0).round() / 10.0 % 360.0,
            nav_status,
            observed_at_ms,
            duplicate: self.rng.chance(self.cfg.duplicate_share),
            malformed: self.rng.chance(self.cfg.malformed_share),
        }
    }

    /// NMEA lines for `e`: the report, then its duplicate and its corrupted
    /// copy when the simulator chose them.
    pub fn nmea(&mut self, e: &Emission) -> Vec<String> {
        match &e.kind {
            Kind::Position(f) => {
                let line = encode_position(&position_report(e.mmsi, f), 'A');
                let mut lines = vec![line.clone()];
                if f.duplicate {
                    lines.push(line.clone());
                }
                if f.malformed {
                    lines.push(corrupt(&line));
                }
                lines
            }
            Kind::Static => {
                self.static_seq = (self.static_seq + 1) % 10;
                encode_static_voyage(&static_voyage(e.mmsi), self.static_seq, 'B')
            }
        }
    }
}

trait Chance {
    fn chance(&mut self, p: f64) -> bool;
}

impl Chance for Rng {
    fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && f64::from(self.below(1_000_000)) < p * 1_000_000.0
    }
}

fn interval_of(v: &Vessel) -> Duration {
    let (sog, status) = v.lane.motion();
    report_interval(sog, status).max(MIN_INTERVAL)
}

/// A random start within the first interval, so vessels do not all report
/// in the same millisecond.
fn phase(rng: &mut Rng, interval: Duration) -> Duration {
    let ms = interval.as_millis().max(1) as u32;
    Duration::from_millis(u64::from(rng.below(ms)))
}

fn quantise(deg: f64) -> f64 {
    (deg * 600_000.0).round() / 600_000.0
}

/// A point `nm` nautical miles from the port along `bearing` (flat-earth
/// approximation, fine at harbour scale).
fn offset(nm: f64, bearing: f64) -> (f64, f64) {
    let b = bearing.to_radians();
    let dlat = nm * b.cos() / 60.0;
    let dlon = nm * b.sin() / (60.0 * PORT_LAT.to_radians().cos());
    (PORT_LAT + dlat, PORT_LON + dlon)
}

/// The AIS message for a fix; the UTC second comes from its observation time.
pub fn position_report(mmsi: u32, f: &Fix) -> PositionReport {
    PositionReport {
        msg_type: 1,
        repeat: 0,
        mmsi,
        nav_status: f.nav_status,
        rot_raw: 0,
        rot: Some(0.0),
        sog: Some(f.sog_knots as f32),
        accuracy: true,
        lon: Some(f.lon),
        lat: Some(f.lat),
        cog: Some(f.cog_deg as f32),
        heading: Some(f.cog_deg.round() as u16 % 360),
        timestamp: Timestamp::Second((f.observed_at_ms.rem_euclid(60_000) / 1000) as u8),
        maneuver: 0,
        raim: false,
        radio: 0,
    }
}

fn static_voyage(mmsi: u32) -> StaticVoyage {
    StaticVoyage {
        repeat: 0,
        mmsi,
        ais_version: 0,
        imo: 9_000_000 + mmsi % 1_000_000,
        callsign: format!("LT{}", mmsi % 10_000),
        shipname: format!("LOADTEST {}", mmsi % 1_000_000),
        ship_type: 70,
        dimensions: porttrack_ais::Dimensions {
            to_bow: 120,
            to_stern: 30,
            to_port: 12,
            to_starboard: 12,
        },
        epfd: 1,
        eta_month: 0,
        eta_day: 0,
        eta_hour: 24,
        eta_minute: 60,
        draught: 7.5,
        destination: "NOOSL".to_owned(),
        dte: false,
    }
}

/// The same line with its checksum wrong: a receiver's bit error.
pub fn corrupt(line: &str) -> String {
    let (body, sum) = line.rsplit_once('*').unwrap_or((line, "00"));
    let sum = u8::from_str_radix(sum.trim(), 16).unwrap_or(0) ^ 0x5A;
    format!("{body}*{sum:02X}")
}

#[cfg(test)]
mod tests;
