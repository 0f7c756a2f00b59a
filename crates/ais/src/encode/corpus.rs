//! A deterministic mix of realistic sentences for benchmarks and
//! differential tests: no sample file needed, no `rand` dependency.

use super::{
    encode_class_b, encode_class_b_extended, encode_long_range, encode_position,
    encode_static_part_a, encode_static_part_b, encode_static_voyage,
};
use crate::message::{
    ClassBExtended, ClassBPosition, CraftInfo, Dimensions, LongRangeReport, PositionReport,
    StaticPartA, StaticPartB, StaticVoyage, Timestamp,
};

const NAMES: [&str; 8] = [
    "EVER DIADEM",
    "MAERSK ESSEX",
    "NORDIC PRIDE",
    "STELLA POLARIS",
    "PILOT 7",
    "HAVEN (TUG)",
    "CMA CGM TAGE",
    "ROSINANTE",
];
const PORTS: [&str; 6] = [
    "NEW YORK",
    "ROTTERDAM",
    "SINGAPORE",
    "HAMBURG",
    "LE HAVRE",
    "",
];

/// xorshift64*: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u32) -> u32 {
        (((self.next_u64() >> 32) * u64::from(n)) >> 32) as u32
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: u32) -> bool {
        self.below(n) == 0
    }
}

/// About `lines` `!AIVDM` lines in a real feed's proportions: mostly class A
/// positions, then class B positions, then two-line static and voyage data.
/// Every "not available" code turns up now and then.
pub fn sample_lines(seed: u64, lines: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(lines + 1);
    while out.len() < lines {
        let channel = if rng.one_in(2) { 'A' } else { 'B' };
        match rng.below(20) {
            0..=14 => out.push(encode_position(&position(&mut rng), channel)),
            15..=17 => out.push(encode_class_b(&class_b(&mut rng), channel)),
            _ => {
                let seq = rng.below(10) as u8;
                out.extend(encode_static_voyage(&static_voyage(&mut rng), seq, channel));
            }
        }
    }
    out
}

/// `lines` lines of the rarer encoded types, in equal parts: extended class
/// B reports (19), static data parts A and B (24), long-range reports (27).
/// Not part of [`sample_lines`], so benchmark figures keep their meaning.
pub fn class_b_static_lines(seed: u64, lines: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..lines)
        .map(|k| {
            let channel = if rng.one_in(2) { 'A' } else { 'B' };
            let (mmsi, name) = (mmsi(&mut rng), name(&mut rng));
            match k % 4 {
                0 => encode_class_b_extended(&class_b_extended(&mut rng), channel),
                1 => encode_static_part_a(
                    &StaticPartA {
                        repeat: 0,
                        mmsi,
                        shipname: name,
                    },
                    channel,
                ),
                2 => encode_static_part_b(&static_part_b(&mut rng, mmsi), channel),
                _ => encode_long_range(&long_range(&mut rng), channel),
            }
        })
        .collect()
}

/// A random class A position report with realistic values.
pub fn position(rng: &mut Rng) -> PositionReport {
    let rot_raw = match rng.below(8) {
        0 => -128,
        1 => 0,
        _ => (rng.below(255) as i32 - 127) as i8,
    };
    let (lon, lat) = lon_lat(rng);
    PositionReport {
        msg_type: 1 + rng.below(3) as u8,
        repeat: if rng.one_in(10) { 1 } else { 0 },
        mmsi: mmsi(rng),
        nav_status: [0, 0, 0, 1, 5, 15][rng.below(6) as usize],
        rot_raw,
        // Recomputed by the decoder from rot_raw; the encoder ignores it.
        rot: None,
        sog: (!rng.one_in(20)).then(|| rng.below(300) as f32 / 10.0),
        accuracy: rng.one_in(2),
        lon,
        lat,
        cog: (!rng.one_in(20)).then(|| rng.below(3600) as f32 / 10.0),
        heading: (!rng.one_in(5)).then(|| rng.below(360) as u16),
        timestamp: timestamp(rng),
        maneuver: 0,
        raim: rng.one_in(3),
        radio: rng.below(1 << 19),
    }
}

/// One report in twenty without a second: mostly "not available", and the
/// manual, dead reckoning and inoperative codes that real feeds carry too.
fn timestamp(rng: &mut Rng) -> Timestamp {
    if rng.one_in(20) {
        Timestamp::from_raw(60 + rng.below(4) as u8)
    } else {
        Timestamp::Second(rng.below(60) as u8)
    }
}

fn class_b(rng: &mut Rng) -> ClassBPosition {
    let (lon, lat) = lon_lat(rng);
    ClassBPosition {
        repeat: 0,
        mmsi: mmsi(rng),
        reserved: 0,
        sog: (!rng.one_in(10)).then(|| rng.below(200) as f32 / 10.0),
        accuracy: rng.one_in(2),
        lon,
        lat,
        cog: (!rng.one_in(10)).then(|| rng.below(3600) as f32 / 10.0),
        heading: (!rng.one_in(2)).then(|| rng.below(360) as u16),
        timestamp: timestamp(rng),
        regional: 0,
        cs: rng.one_in(2),
        display: false,
        dsc: rng.one_in(2),
        band: rng.one_in(2),
        msg22: rng.one_in(2),
        assigned: false,
        raim: rng.one_in(3),
        radio: rng.below(1 << 20),
    }
}

fn class_b_extended(rng: &mut Rng) -> ClassBExtended {
    let b = class_b(rng);
    ClassBExtended {
        repeat: b.repeat,
        mmsi: b.mmsi,
        reserved: 0,
        sog: b.sog,
        accuracy: b.accuracy,
        lon: b.lon,
        lat: b.lat,
        cog: b.cog,
        heading: b.heading,
        timestamp: b.timestamp,
        regional: 0,
        shipname: name(rng),
        ship_type: [30, 36, 37, 52, 0][rng.below(5) as usize],
        dimensions: dimensions(rng),
        epfd: [0, 1, 1, 7][rng.below(4) as usize],
        raim: b.raim,
        dte: rng.one_in(2),
        assigned: false,
    }
}

fn static_part_b(rng: &mut Rng, mmsi: u32) -> StaticPartB {
    // One in five an auxiliary craft, which names its mothership.
    let auxiliary = rng.one_in(5);
    let callsign: String = (0..6)
        .map(|_| char::from(b'A' + rng.below(26) as u8))
        .collect();
    StaticPartB {
        repeat: 0,
        mmsi: if auxiliary {
            980_000_000 + mmsi % 1_000_000
        } else {
            mmsi
        },
        ship_type: [36, 37, 52, 0][rng.below(4) as usize],
        vendor_id: ["SRT", "TRU", "", "GAR"][rng.below(4) as usize].to_owned(),
        model: rng.below(16) as u8,
        serial: rng.below(1 << 20),
        callsign,
        craft: if auxiliary {
            CraftInfo::Mothership(self::mmsi(rng))
        } else {
            CraftInfo::Dimensions(dimensions(rng))
        },
    }
}

fn long_range(rng: &mut Rng) -> LongRangeReport {
    LongRangeReport {
        repeat: 0,
        mmsi: mmsi(rng),
        accuracy: rng.one_in(2),
        raim: rng.one_in(3),
        nav_status: [0, 0, 1, 5, 15][rng.below(5) as usize],
        lon: (!rng.one_in(20)).then(|| f64::from(rng.below(216_001) as i32 - 108_000) / 600.0),
        lat: (!rng.one_in(20)).then(|| f64::from(rng.below(108_001) as i32 - 54_000) / 600.0),
        sog: (!rng.one_in(10)).then(|| rng.below(63) as u8),
        cog: (!rng.one_in(10)).then(|| rng.below(360) as u16),
        gnss: rng.one_in(2),
    }
}

fn name(rng: &mut Rng) -> String {
    NAMES[rng.below(NAMES.len() as u32) as usize].to_owned()
}

fn dimensions(rng: &mut Rng) -> Dimensions {
    Dimensions {
        to_bow: rng.below(30) as u16,
        to_stern: rng.below(10) as u16,
        to_port: rng.below(5) as u8,
        to_starboard: rng.below(5) as u8,
    }
}

fn static_voyage(rng: &mut Rng) -> StaticVoyage {
    let name = NAMES[rng.below(NAMES.len() as u32) as usize];
    let callsign: String = (0..5)
        .map(|_| char::from(b'A' + rng.below(26) as u8))
        .collect();
    StaticVoyage {
        repeat: 0,
        mmsi: mmsi(rng),
        ais_version: rng.below(3) as u8,
        imo: if rng.one_in(4) {
            0
        } else {
            9_000_000 + rng.below(999_999)
        },
        callsign,
        shipname: name.to_owned(),
        ship_type: [30, 52, 60, 70, 71, 80, 89, 0][rng.below(8) as usize],
        dimensions: Dimensions {
            to_bow: rng.below(300) as u16,
            to_stern: rng.below(100) as u16,
            to_port: rng.below(30) as u8,
            to_starboard: rng.below(30) as u8,
        },
        epfd: [0, 1, 1, 7][rng.below(4) as usize],
        eta_month: rng.below(13) as u8,
        eta_day: rng.below(32) as u8,
        eta_hour: rng.below(25) as u8,
        eta_minute: rng.below(61) as u8,
        draught: rng.below(200) as f32 / 10.0,
        destination: PORTS[rng.below(PORTS.len() as u32) as usize].to_owned(),
        dte: rng.one_in(2),
    }
}

/// Real-looking MMSIs: a maritime identification digit prefix (201-775).
fn mmsi(rng: &mut Rng) -> u32 {
    (201 + rng.below(575)) * 1_000_000 + rng.below(1_000_000)
}

/// Positions in 1/10000 minute; one in 30 not available.
fn lon_lat(rng: &mut Rng) -> (Option<f64>, Option<f64>) {
    let lon = (!rng.one_in(30))
        .then(|| f64::from(rng.below(216_000_001) as i32 - 108_000_000) / 600_000.0);
    let lat = (!rng.one_in(30))
        .then(|| f64::from(rng.below(108_000_001) as i32 - 54_000_000) / 600_000.0);
    (lon, lat)
}
