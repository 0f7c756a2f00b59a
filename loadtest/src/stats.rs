//! What a run measures, shared by every task while it runs and readable at
//! any moment ([`Stats::snapshot`]), so a harness can watch live counters.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
    time::Duration,
};

use hdrhistogram::Histogram;
use serde::Serialize;

/// Latencies are kept in microseconds, up to ten minutes, 3 significant digits.
const MAX_US: u64 = 600_000_000;

/// The latencies a run records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Latency {
    /// Intended send to acknowledgement (gRPC, REST), per position.
    IngestAck,
    /// Intended send to a live subscriber receiving it.
    EndToEndLive,
    /// Intended send to a query (get vessel) returning it.
    EndToEndQuery,
    GetVessel,
    VesselsInBox,
    Nearest,
    Track,
}

/// Monotonic counters; each field is read and written without a lock.
#[derive(Debug, Default)]
pub struct Counters {
    /// Positions handed to a transport (each once, duplicates not counted).
    pub positions_sent: AtomicU64,
    /// Positions a transport confirmed: written to the socket for NMEA,
    /// acknowledged for gRPC and REST.
    pub positions_accepted: AtomicU64,
    /// Positions refused (listed as rejections) or lost to a failed request.
    pub positions_failed: AtomicU64,
    pub static_sent: AtomicU64,
    pub lines_sent: AtomicU64,
    pub duplicates_sent: AtomicU64,
    pub malformed_sent: AtomicU64,
    pub reads: AtomicU64,
    /// Positions of our vessels received by live subscribers (all of them).
    pub live_received: AtomicU64,
}

#[derive(Debug, Default)]
pub struct Stats {
    pub counters: Counters,
    histograms: Mutex<HashMap<Latency, Histogram<u64>>>,
    errors: Mutex<BTreeMap<String, u64>>,
    retries: Mutex<BTreeMap<String, u64>>,
}

/// The counters at one instant.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Snapshot {
    pub positions_sent: u64,
    pub positions_accepted: u64,
    pub positions_failed: u64,
    pub static_sent: u64,
    pub lines_sent: u64,
    pub duplicates_sent: u64,
    pub malformed_sent: u64,
    pub reads: u64,
    pub live_received: u64,
    pub errors: BTreeMap<String, u64>,
    /// Requests retried (see [`crate::retry`]), by what failed first.
    pub retries: BTreeMap<String, u64>,
}

/// A latency distribution, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub count: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Stats {
    pub fn record(&self, what: Latency, d: Duration) {
        let us = (d.as_micros() as u64).clamp(1, MAX_US);
        let mut h = self.histograms.lock().unwrap_or_else(|e| e.into_inner());
        h.entry(what)
            .or_insert_with(|| Histogram::new_with_bounds(1, MAX_US, 3).expect("valid bounds"))
            .saturating_record(us);
    }

    /// Counts an error under a short, stable kind ("grpc_unavailable", ...).
    pub fn error(&self, kind: impl Into<String>) {
        let mut e = self.errors.lock().unwrap_or_else(|e| e.into_inner());
        *e.entry(kind.into()).or_default() += 1;
    }

    /// Counts a retried request under the kind of its failed attempt.
    pub fn retry(&self, kind: impl Into<String>) {
        let mut r = self.retries.lock().unwrap_or_else(|e| e.into_inner());
        *r.entry(kind.into()).or_default() += 1;
    }

    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Relaxed);
    }

    pub fn snapshot(&self) -> Snapshot {
        let c = &self.counters;
        Snapshot {
            positions_sent: c.positions_sent.load(Relaxed),
            positions_accepted: c.positions_accepted.load(Relaxed),
            positions_failed: c.positions_failed.load(Relaxed),
            static_sent: c.static_sent.load(Relaxed),
            lines_sent: c.lines_sent.load(Relaxed),
            duplicates_sent: c.duplicates_sent.load(Relaxed),
            malformed_sent: c.malformed_sent.load(Relaxed),
            reads: c.reads.load(Relaxed),
            live_received: c.live_received.load(Relaxed),
            errors: self
                .errors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
            retries: self
                .retries
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        }
    }

    pub fn summaries(&self) -> BTreeMap<Latency, Summary> {
        let h = self.histograms.lock().unwrap_or_else(|e| e.into_inner());
        h.iter().map(|(k, h)| (*k, summarise(h))).collect()
    }

    pub fn summary(&self, what: Latency) -> Option<Summary> {
        let h = self.histograms.lock().unwrap_or_else(|e| e.into_inner());
        h.get(&what).map(summarise)
    }
}

fn summarise(h: &Histogram<u64>) -> Summary {
    let ms = |us: u64| us as f64 / 1000.0;
    Summary {
        count: h.len(),
        p50_ms: ms(h.value_at_quantile(0.50)),
        p99_ms: ms(h.value_at_quantile(0.99)),
        p999_ms: ms(h.value_at_quantile(0.999)),
        max_ms: ms(h.max()),
        mean_ms: h.mean() / 1000.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_recorded_values() {
        let s = Stats::default();
        for ms in 1..=1000 {
            s.record(Latency::IngestAck, Duration::from_millis(ms));
        }
        let sum = s.summary(Latency::IngestAck).unwrap();
        assert_eq!(sum.count, 1000);
        assert!((sum.p50_ms - 500.0).abs() < 1.0, "{sum:?}");
        assert!((sum.p99_ms - 990.0).abs() < 1.0, "{sum:?}");
        assert!((sum.max_ms - 1000.0).abs() < 1.0, "{sum:?}");
        assert!(s.summary(Latency::Track).is_none());
    }

    #[test]
    fn errors_are_counted_by_kind() {
        let s = Stats::default();
        s.error("tcp_write");
        s.error("tcp_write");
        s.error("grpc_unavailable");
        Stats::add(&s.counters.positions_sent, 3);
        let snap = s.snapshot();
        assert_eq!(snap.errors["tcp_write"], 2);
        assert_eq!(snap.errors["grpc_unavailable"], 1);
        assert_eq!(snap.positions_sent, 3);
    }
}
