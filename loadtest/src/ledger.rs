//! Every position the run sent, keyed the way it comes back
//! (`(mmsi, observed_at_ms)`), with its intended send time (for end-to-end
//! latency) and whether the transport confirmed it (for reconciliation).

use std::{collections::HashMap, sync::Mutex};

use tokio::time::Instant;

use crate::{
    reconcile::{PerVessel, Point},
    sim::Fix,
};

pub type Key = (u32, i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    InFlight,
    Accepted,
    Failed,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    intended: Instant,
    point: Point,
    state: State,
}

#[derive(Debug, Default)]
pub struct Ledger {
    entries: Mutex<HashMap<Key, Entry>>,
}

impl Ledger {
    pub fn sent(&self, mmsi: u32, fix: &Fix, intended: Instant) -> Key {
        let key = (mmsi, fix.observed_at_ms);
        let entry = Entry {
            intended,
            point: Point {
                observed_at_ms: fix.observed_at_ms,
                lat: fix.lat,
                lon: fix.lon,
            },
            state: State::InFlight,
        };
        self.lock().insert(key, entry);
        key
    }

    /// Records what the transport said about these positions.
    pub fn settle(&self, keys: impl IntoIterator<Item = (Key, State)>) {
        let mut entries = self.lock();
        for (key, state) in keys {
            if let Some(e) = entries.get_mut(&key) {
                e.state = state;
            }
        }
    }

    /// When the position seen as `(mmsi, observed_at_ms)` should have left.
    pub fn intended(&self, key: Key) -> Option<Instant> {
        self.lock().get(&key).map(|e| e.intended)
    }

    pub fn count(&self, state: State) -> u64 {
        self.lock().values().filter(|e| e.state == state).count() as u64
    }

    /// Accepted positions per vessel, oldest first.
    pub fn accepted(&self) -> PerVessel {
        let mut out = PerVessel::new();
        for ((mmsi, _), e) in self.lock().iter() {
            if e.state == State::Accepted {
                out.entry(*mmsi).or_default().push(e.point);
            }
        }
        for points in out.values_mut() {
            points.sort_by_key(|p| p.observed_at_ms);
        }
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(t: i64) -> Fix {
        Fix {
            lat: 59.0,
            lon: 10.0,
            sog_knots: 0.0,
            cog_deg: 0.0,
            nav_status: 5,
            observed_at_ms: t,
            duplicate: false,
            malformed: false,
        }
    }

    #[test]
    fn only_accepted_positions_are_expected_oldest_first() {
        let l = Ledger::default();
        let now = Instant::now();
        let a = l.sent(1, &fix(2000), now);
        let b = l.sent(1, &fix(1000), now);
        let c = l.sent(2, &fix(1000), now);
        let d = l.sent(3, &fix(1000), now);
        l.settle([
            (a, State::Accepted),
            (b, State::Accepted),
            (c, State::Failed),
        ]);
        let acc = l.accepted();
        assert_eq!(acc.len(), 1);
        let times: Vec<i64> = acc[&1].iter().map(|p| p.observed_at_ms).collect();
        assert_eq!(times, [1000, 2000]);
        assert_eq!(l.count(State::InFlight), 1);
        assert_eq!(l.intended(d), Some(now));
        assert_eq!(l.intended((9, 9)), None);
    }
}
