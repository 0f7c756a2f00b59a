//! The end of a run: a human summary and the same numbers as JSON.

use std::{collections::BTreeMap, fmt::Write as _, time::Duration};

use serde::Serialize;

use crate::{
    reconcile::Reconciliation,
    scenario::Scenario,
    stages::Stages,
    stats::{Latency, Snapshot, Summary},
    target::Target,
};

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scenario: String,
    pub target: String,
    pub finished_at: String,
    pub vessels: u32,
    /// Seconds the traffic ran.
    pub duration_s: f64,
    /// Positions per second the scenario asked for (absent: real intervals).
    pub target_rate: Option<f64>,
    /// Positions per second sent and accepted, over the traffic's duration.
    pub sent_rate: f64,
    pub accepted_rate: f64,
    pub counters: Snapshot,
    pub latency: BTreeMap<Latency, Summary>,
    pub reconciliations: Vec<Reconciliation>,
    /// Positions never answered (a request still open when the run ended).
    pub unanswered: u64,
    /// The suite's side of the end-to-end time, when its `/metrics` could
    /// be read (one process, as `porttrack up` is, or ships' own address).
    pub stages: Option<Stages>,
}

impl Report {
    pub fn new(
        scenario: &Scenario,
        target: &Target,
        traffic: Duration,
        counters: Snapshot,
        latency: BTreeMap<Latency, Summary>,
        reconciliations: Vec<Reconciliation>,
        unanswered: u64,
    ) -> Self {
        let secs = traffic.as_secs_f64().max(1e-9);
        Self {
            scenario: scenario.name.clone(),
            target: target.http.clone(),
            finished_at: crate::drivers::rest::rfc3339(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64),
            ),
            vessels: scenario.vessels,
            duration_s: secs,
            target_rate: scenario.rate,
            sent_rate: counters.positions_sent as f64 / secs,
            accepted_rate: counters.positions_accepted as f64 / secs,
            counters,
            latency,
            reconciliations,
            unanswered,
            stages: None,
        }
    }

    pub fn with_stages(mut self, stages: Option<Stages>) -> Self {
        self.stages = stages;
        self
    }

    /// Every reconciliation clean, no request left unanswered.
    pub fn is_clean(&self) -> bool {
        self.unanswered == 0 && self.reconciliations.iter().all(Reconciliation::is_clean)
    }

    pub fn human(&self) -> String {
        let c = &self.counters;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "scenario {} against {}: {} vessels, {:.1} s of traffic",
            self.scenario, self.target, self.vessels, self.duration_s
        );
        let _ = writeln!(
            s,
            "positions: {} sent ({:.0}/s{}), {} accepted ({:.0}/s), {} failed; {} static, {} duplicates, {} malformed, {} lines",
            c.positions_sent,
            self.sent_rate,
            self.target_rate
                .map(|r| format!(", target {r:.0}/s"))
                .unwrap_or_default(),
            c.positions_accepted,
            self.accepted_rate,
            c.positions_failed,
            c.static_sent,
            c.duplicates_sent,
            c.malformed_sent,
            c.lines_sent,
        );
        let _ = writeln!(
            s,
            "reads: {}; live positions received: {}",
            c.reads, c.live_received
        );
        let _ = writeln!(
            s,
            "{:<18} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "latency (ms)", "count", "p50", "p99", "p99.9", "max"
        );
        for (k, v) in &self.latency {
            let name = serde_json::to_value(k)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "{name:<18} {:>9} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
                v.count, v.p50_ms, v.p99_ms, v.p999_ms, v.max_ms
            );
        }
        if let Some(st) = &self.stages {
            let _ = writeln!(
                s,
                "{}",
                stages_line(st, self.latency.get(&Latency::EndToEndLive))
            );
        }
        if c.errors.is_empty() {
            let _ = writeln!(s, "errors: none");
        } else {
            let list: Vec<String> = c.errors.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let _ = writeln!(s, "errors: {}", list.join(", "));
        }
        for r in &self.reconciliations {
            let verdict = if r.is_clean() { "clean" } else { "NOT CLEAN" };
            let _ = writeln!(
                s,
                "reconciliation ({}): {verdict}: {} expected, {} found, {} missing, {} duplicated, {} out of order, {} unexpected, {} moved",
                r.source,
                r.expected,
                r.found,
                r.missing,
                r.duplicated,
                r.out_of_order,
                r.unexpected,
                r.moved
            );
            for e in &r.examples {
                let _ = writeln!(s, "    {e}");
            }
        }
        if self.unanswered > 0 {
            let _ = writeln!(s, "unanswered positions: {}", self.unanswered);
        }
        s
    }
}

/// One line: how the live end-to-end time splits between the broker hop
/// (publish to apply, as ships measured it) and the rest of the path.
fn stages_line(st: &Stages, live: Option<&Summary>) -> String {
    let ms = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
    let mut line = format!(
        "stages (suite's /metrics, {} applied): publish → applied in ships (broker hop and consumer) mean {:.2} ms, p50 ~{} ms, p99 ~{} ms",
        st.applied,
        st.publish_to_apply_mean_ms,
        ms(st.publish_to_apply_p50_ms),
        ms(st.publish_to_apply_p99_ms),
    );
    if let Some(live) = live {
        let _ = write!(
            line,
            "; rest of the path (feed → ingest → publish, applied → subscriber) mean {:.2} ms of {:.2} ms",
            st.rest_mean_ms(live.mean_ms),
            live.mean_ms
        );
    }
    if let Some(ack) = st.produce_ack_mean_ms {
        let _ = write!(
            line,
            "; ingest's produce acknowledged after {ack:.2} ms mean"
        );
    }
    let _ = write!(
        line,
        "; positions skipped by lagging live subscribers: {}",
        st.live_skipped
    );
    line
}
