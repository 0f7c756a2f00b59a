//! What one release step measured, judged against the zero-downtime rules.

use std::{collections::BTreeMap, fmt::Write as _};

use serde::Serialize;

use super::analysis::Measurement;
use crate::{reconcile::Reconciliation, report::Report, stats::Latency};

/// Error kinds a live subscriber counts when its stream ends and it
/// subscribes again: a replica going away, not a failed request.
const LIVE: &str = "live_";

#[derive(Debug, Clone, Serialize)]
pub struct StepOutcome {
    pub step: String,
    /// What the harness did, with seconds since the step began.
    pub timeline: Vec<String>,
    /// Ingest calls' positions and queries made.
    pub positions_sent: u64,
    pub positions_accepted: u64,
    pub reads: u64,
    /// Requests that failed as a client sees it, by kind.
    pub failures: BTreeMap<String, u64>,
    /// Requests retried because they never reached a server (a balancer
    /// reload closing connections; see `crate::retry`), by first failure.
    pub retried: BTreeMap<String, u64>,
    /// Live streams that ended and were subscribed again.
    pub live_resubscribes: u64,
    pub ingest_ack_p50_ms: f64,
    pub ingest_ack_p99_ms: f64,
    pub read_p50_ms: f64,
    pub read_p99_ms: f64,
    /// Accepted positions found in PostgreSQL through ships.
    pub track: Reconciliation,
    pub live: Vec<Reconciliation>,
    pub analysis: Vec<Measurement>,
    /// Steps 2 and 3: how the canary ended ("promoted" or "aborted").
    pub canary: Option<String>,
    /// Step 3: seconds from the abort to the last failed request.
    pub errors_stopped_after_s: Option<f64>,
    /// Step 3: calls the aborted canary got in the second interval after
    /// the abort (the first is when its errors must stop).
    pub canary_calls_after_abort: Option<u64>,
    pub analysis_interval_s: f64,
    /// Requests nginx logged as failed, and its error log (first lines).
    pub balancer_problems: Vec<String>,
    pub balancer_problem_count: usize,
    /// Requests nginx logged in the step.
    pub balancer_requests: usize,
    pub report: Report,
}

impl StepOutcome {
    pub fn new(step: &str, timeline: Vec<String>, report: Report) -> Self {
        let c = &report.counters;
        let failures: BTreeMap<String, u64> = c
            .errors
            .iter()
            .filter(|(k, _)| !k.starts_with(LIVE))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        let live_resubscribes = c
            .errors
            .iter()
            .filter(|(k, _)| k.starts_with(LIVE))
            .map(|(_, v)| v)
            .sum();
        let lat = |k: Latency| report.latency.get(&k).cloned().unwrap_or_default();
        let (ack, read) = (lat(Latency::IngestAck), lat(Latency::GetVessel));
        let (track, live): (Vec<_>, Vec<_>) = report
            .reconciliations
            .iter()
            .cloned()
            .partition(|r| r.source == "track");
        Self {
            step: step.to_owned(),
            timeline,
            positions_sent: c.positions_sent,
            positions_accepted: c.positions_accepted,
            reads: c.reads,
            failures,
            retried: c.retries.clone(),
            live_resubscribes,
            ingest_ack_p50_ms: ack.p50_ms,
            ingest_ack_p99_ms: ack.p99_ms,
            read_p50_ms: read.p50_ms,
            read_p99_ms: read.p99_ms,
            track: track.into_iter().next().unwrap_or_default(),
            live,
            analysis: Vec::new(),
            canary: None,
            errors_stopped_after_s: None,
            canary_calls_after_abort: None,
            analysis_interval_s: 0.0,
            balancer_problems: Vec::new(),
            balancer_problem_count: 0,
            balancer_requests: 0,
            report,
        }
    }

    pub fn failed_requests(&self) -> u64 {
        self.failures.values().sum::<u64>() + self.report.unanswered
    }

    /// Nothing accepted lost, duplicated or reordered in PostgreSQL; live
    /// feeds clean too unless a stream ended (the gap a re-subscription
    /// leaves is reported, not counted as loss: live feeds do not resume).
    pub fn nothing_lost(&self) -> bool {
        let live_ok = self.live_resubscribes > 0 || self.live.iter().all(Reconciliation::is_clean);
        self.track.is_clean() && self.track.expected > 0 && live_ok
    }

    /// Steps 1, 2 and 4: no failed request and nothing lost.
    pub fn zero_downtime(&self) -> bool {
        self.failed_requests() == 0
            && self.report.counters.positions_failed == 0
            && self.nothing_lost()
    }

    /// Step 3 (an aborted canary): clients saw the errors, the abort took
    /// all traffic off the canary and the errors stopped within one
    /// analysis interval, and nothing accepted was lost. Every other step:
    /// [`StepOutcome::zero_downtime`].
    pub fn passes(&self) -> bool {
        match self.errors_stopped_after_s {
            Some(stopped) => {
                self.failed_requests() > 0
                    && self.canary_calls_after_abort == Some(0)
                    && stopped <= self.analysis_interval_s
                    && self.nothing_lost()
            }
            // A healthy canary must be promoted, not aborted.
            None => self.zero_downtime() && self.canary.as_deref() != Some("aborted"),
        }
    }

    pub fn human(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "== {} ==", self.step);
        for t in &self.timeline {
            let _ = writeln!(s, "  {t}");
        }
        let _ = writeln!(
            s,
            "  requests: {} positions sent, {} accepted, {} reads; failed requests: {} {:?}; retried (never reached a server): {} {:?}",
            self.positions_sent,
            self.positions_accepted,
            self.reads,
            self.failed_requests(),
            self.failures,
            self.retried.values().sum::<u64>(),
            self.retried
        );
        let _ = writeln!(
            s,
            "  latency: ingest ack p50 {:.1} ms p99 {:.1} ms; get vessel p50 {:.1} ms p99 {:.1} ms",
            self.ingest_ack_p50_ms, self.ingest_ack_p99_ms, self.read_p50_ms, self.read_p99_ms
        );
        let t = &self.track;
        let _ = writeln!(
            s,
            "  positions: {} accepted, {} found in PostgreSQL; {} missing, {} duplicated, {} out of order, {} unexpected",
            t.expected, t.found, t.missing, t.duplicated, t.out_of_order, t.unexpected
        );
        for r in &self.live {
            let _ = writeln!(
                s,
                "  {}: {} of {} seen, {} missing, {} duplicated, {} out of order{}",
                r.source,
                r.found,
                r.expected,
                r.missing,
                r.duplicated,
                r.out_of_order,
                if self.live_resubscribes > 0 {
                    " (re-subscribed: the gap is not loss)"
                } else {
                    ""
                }
            );
        }
        if self.live_resubscribes > 0 {
            let _ = writeln!(
                s,
                "  live streams re-subscribed: {}",
                self.live_resubscribes
            );
        }
        for e in t.examples.iter() {
            let _ = writeln!(s, "    {e}");
        }
        if let Some(c) = &self.canary {
            let _ = writeln!(s, "  canary {c} after {} measurements", self.analysis.len());
        }
        if let Some(stopped) = self.errors_stopped_after_s {
            let _ = writeln!(
                s,
                "  errors stopped {stopped:.2} s after the abort (interval {:.0} s); calls reaching the canary in the interval after that: {}",
                self.analysis_interval_s,
                self.canary_calls_after_abort.unwrap_or_default()
            );
        }
        if self.balancer_problem_count > 0 || self.balancer_requests == 0 {
            let _ = writeln!(
                s,
                "  nginx logged {} requests, {} of them failed or errors:",
                self.balancer_requests, self.balancer_problem_count
            );
            for l in &self.balancer_problems {
                let _ = writeln!(s, "    {l}");
            }
        }
        let _ = writeln!(
            s,
            "  verdict: {}",
            if self.passes() { "pass" } else { "FAIL" }
        );
        s
    }
}
