//! Reconciliation: is every accepted position present once, and in order
//! per vessel, in what a reader saw (a track, or a live stream)?

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

/// A position as sent or as seen: how it is recognised, and where it was.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub observed_at_ms: i64,
    pub lat: f64,
    pub lon: f64,
}

/// Positions per vessel: sent in send order, or seen in arrival order.
pub type PerVessel = BTreeMap<u32, Vec<Point>>;

/// Problems are listed up to this many, to say what went wrong.
const EXAMPLES: usize = 5;
/// Seen coordinates may differ from sent ones by rounding only.
const SAME_PLACE_DEG: f64 = 1e-6;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reconciliation {
    /// Where the positions were read from ("track", "live grpc", ...).
    pub source: String,
    pub vessels: u64,
    pub expected: u64,
    pub found: u64,
    /// Accepted, never seen.
    pub missing: u64,
    /// Seen more than once.
    pub duplicated: u64,
    /// Seen after a later observation of the same vessel.
    pub out_of_order: u64,
    /// Seen for one of our vessels but never sent (or not accepted).
    pub unexpected: u64,
    /// Seen at another place than the one sent.
    pub moved: u64,
    pub examples: Vec<String>,
}

impl Reconciliation {
    pub fn is_clean(&self) -> bool {
        self.missing + self.duplicated + self.out_of_order + self.unexpected + self.moved == 0
    }

    fn note(&mut self, what: String) {
        if self.examples.len() < EXAMPLES {
            self.examples.push(what);
        }
    }
}

/// Compares what was accepted with what a reader saw, vessel by vessel.
/// Vessels absent from `seen` count as seen nothing.
pub fn reconcile(source: &str, expected: &PerVessel, seen: &PerVessel) -> Reconciliation {
    let mut r = Reconciliation {
        source: source.to_owned(),
        vessels: expected.len() as u64,
        ..Reconciliation::default()
    };
    let empty = Vec::new();
    for (mmsi, sent) in expected {
        let got = seen.get(mmsi).unwrap_or(&empty);
        vessel(&mut r, *mmsi, sent, got);
    }
    for (mmsi, got) in seen {
        if !expected.contains_key(mmsi) {
            r.unexpected += got.len() as u64;
            r.note(format!("{mmsi}: {} positions, none sent", got.len()));
        }
    }
    r
}

fn vessel(r: &mut Reconciliation, mmsi: u32, sent: &[Point], got: &[Point]) {
    r.expected += sent.len() as u64;
    let by_time: HashMap<i64, &Point> = sent.iter().map(|p| (p.observed_at_ms, p)).collect();
    let mut count: HashMap<i64, u32> = HashMap::new();
    let mut latest = i64::MIN;
    for p in got {
        let n = count.entry(p.observed_at_ms).or_default();
        *n += 1;
        if *n > 1 {
            r.duplicated += 1;
            r.note(format!("{mmsi}@{}: seen {n} times", p.observed_at_ms));
            continue;
        }
        if p.observed_at_ms < latest {
            r.out_of_order += 1;
            r.note(format!("{mmsi}@{}: after {latest}", p.observed_at_ms));
        }
        latest = latest.max(p.observed_at_ms);
        match by_time.get(&p.observed_at_ms) {
            None => {
                r.unexpected += 1;
                r.note(format!("{mmsi}@{}: never sent", p.observed_at_ms));
            }
            Some(s) => {
                r.found += 1;
                if (s.lat - p.lat).abs() > SAME_PLACE_DEG || (s.lon - p.lon).abs() > SAME_PLACE_DEG
                {
                    r.moved += 1;
                    r.note(format!(
                        "{mmsi}@{}: sent at {},{} seen at {},{}",
                        p.observed_at_ms, s.lat, s.lon, p.lat, p.lon
                    ));
                }
            }
        }
    }
    for p in sent {
        if !count.contains_key(&p.observed_at_ms) {
            r.missing += 1;
            r.note(format!("{mmsi}@{}: missing", p.observed_at_ms));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(t: i64) -> Point {
        Point {
            observed_at_ms: t,
            lat: 59.0 + t as f64 / 1e6,
            lon: 10.0,
        }
    }

    fn one(mmsi: u32, times: &[i64]) -> PerVessel {
        BTreeMap::from([(mmsi, times.iter().map(|t| p(*t)).collect())])
    }

    #[test]
    fn everything_once_in_order_is_clean() {
        let sent = one(1, &[1000, 2000, 3000]);
        let r = reconcile("track", &sent, &sent.clone());
        assert!(r.is_clean(), "{r:?}");
        assert_eq!((r.expected, r.found, r.vessels), (3, 3, 1));
    }

    #[test]
    fn missing_duplicated_and_reordered_positions_are_counted() {
        let sent = one(1, &[1000, 2000, 3000, 4000]);
        let seen = one(1, &[1000, 3000, 2000, 3000]);
        let r = reconcile("live", &sent, &seen);
        assert_eq!(r.missing, 1, "{r:?}");
        assert_eq!(r.duplicated, 1, "{r:?}");
        assert_eq!(r.out_of_order, 1, "{r:?}");
        assert_eq!(r.found, 3);
        assert!(!r.is_clean());
        assert!(!r.examples.is_empty());
    }

    #[test]
    fn positions_nobody_sent_and_moved_positions_are_counted() {
        let sent = one(1, &[1000, 2000]);
        let mut seen = one(1, &[1000, 2000, 2500]);
        seen.get_mut(&1).unwrap()[0].lat += 0.01;
        seen.insert(2, vec![p(5)]);
        let r = reconcile("track", &sent, &seen);
        assert_eq!(r.unexpected, 2, "{r:?}");
        assert_eq!(r.moved, 1, "{r:?}");
        assert_eq!(r.missing, 0);
    }

    #[test]
    fn a_vessel_never_seen_is_all_missing() {
        let sent = one(1, &[1000, 2000]);
        let r = reconcile("track", &sent, &PerVessel::new());
        assert_eq!((r.missing, r.found), (2, 0));
    }
}
