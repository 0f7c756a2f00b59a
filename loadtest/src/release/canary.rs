//! A canary the way Argo Rollouts runs one with the chart's analysis: the
//! new instances (one ingest, one ships) get 5, 25, 50 then 100 % of the
//! traffic through nginx weights; at each step the analysis measures the new
//! instances over one interval; a step advances on successful measurements,
//! more than `failureLimit` failed ones abort (all traffic back to the stable
//! instances), and repeated "no data" pauses the rollout: no data is never
//! a success.

use std::time::Duration;

use anyhow::bail;
use tokio::time::Instant;

use super::{
    Options,
    analysis::{self, FAILURE_LIMIT, Measurement, Scrape, Verdict},
    fleet::{Fleet, Role},
    steps::Timeline,
};

/// Argo's inconclusiveLimit in the chart.
const INCONCLUSIVE_LIMIT: u32 = 3;
const STEPS: [u32; 4] = [5, 25, 50, 100];

#[derive(Debug)]
pub enum Ending {
    /// Every step passed; the canary now takes all traffic.
    Promoted,
    /// Analysis failed: the canary has no traffic since `at`.
    Aborted { at: Instant },
}

#[derive(Debug)]
pub struct Canary {
    /// (name, role) of each new instance.
    pub new: Vec<(String, Role)>,
    pub measurements: Vec<Measurement>,
}

impl Canary {
    /// Starts one new ingest and one new ships instance, ready but without
    /// traffic; `extra_env` goes to both (the failing canary's fault drill).
    pub async fn start(
        fleet: &mut Fleet,
        version: &str,
        extra_env: &[(&str, String)],
        t: &mut Timeline,
    ) -> anyhow::Result<Self> {
        let mut new = Vec::new();
        for role in [Role::Ingest, Role::Ships] {
            let name = fleet.add(role, version, 0, extra_env).await?;
            t.note(format!("{name} ({version}) ready, no traffic yet"));
            new.push((name, role));
        }
        Ok(Self {
            new,
            measurements: Vec::new(),
        })
    }

    /// Walks the steps until promotion or abort.
    pub async fn run(
        &mut self,
        fleet: &mut Fleet,
        o: &Options,
        t: &mut Timeline,
    ) -> anyhow::Result<Ending> {
        for pct in STEPS {
            self.weigh(fleet, pct).await?;
            t.note(format!("canary at {pct} % of the traffic"));
            let (mut ok, mut failed, mut unknown) = (0, 0, 0);
            while ok < o.measurements {
                let m = self.measure(fleet, o.interval, o.judge_latency).await;
                t.note(format!(
                    "analysis: {:?} (gRPC errors {}, HTTP 5xx {}, gRPC p99 {}, HTTP p99 {})",
                    m.verdict,
                    show(m.grpc_error_ratio, ""),
                    show(m.http_error_ratio, ""),
                    show(m.grpc_p99_s, " s"),
                    show(m.http_p99_s, " s")
                ));
                let verdict = m.verdict;
                self.measurements.push(m);
                match verdict {
                    Verdict::Successful => ok += 1,
                    Verdict::Failed => failed += 1,
                    Verdict::Inconclusive => unknown += 1,
                }
                if failed > FAILURE_LIMIT {
                    self.weigh(fleet, 0).await?;
                    let at = Instant::now();
                    t.note("aborted: the canary is out of the balancer, all traffic on the stable instances".to_owned());
                    return Ok(Ending::Aborted { at });
                }
                if unknown > INCONCLUSIVE_LIMIT {
                    bail!("canary paused at {pct} %: {unknown} measurements without data");
                }
            }
        }
        Ok(Ending::Promoted)
    }

    /// Gives the canary `pct` % of each service's traffic: stable
    /// instances weigh 100 - pct each, the canary pct times their number.
    async fn weigh(&self, fleet: &mut Fleet, pct: u32) -> anyhow::Result<()> {
        let mut weights = Vec::new();
        for (canary, role) in &self.new {
            let stable = fleet.names(|i| i.role == *role && !self.is_new(&i.name));
            weights.push((canary.clone(), pct * stable.len().max(1) as u32));
            weights.extend(stable.into_iter().map(|s| (s, 100 - pct)));
        }
        fleet.set_weights(&weights).await?;
        Ok(())
    }

    fn is_new(&self, name: &str) -> bool {
        self.new.iter().any(|(n, _)| n == name)
    }

    /// The new instances' counters, summed as a query selecting the new
    /// pods would sum them.
    pub async fn scrape(&self, fleet: &Fleet) -> Scrape {
        let mut s = Scrape::default();
        for (name, _) in &self.new {
            if let Some(text) = fleet.scrape(name).await {
                s.add(&text);
            }
        }
        s
    }

    async fn measure(&self, fleet: &Fleet, interval: Duration, judge_latency: bool) -> Measurement {
        let before = self.scrape(fleet).await;
        tokio::time::sleep(interval).await;
        analysis::measure(&before, &self.scrape(fleet).await, judge_latency)
    }

    /// Promotion: the canary's release replaces every stable instance, new
    /// ones started (ready first) before the old ones, which already have
    /// no traffic, are stopped.
    pub async fn promote(
        &self,
        fleet: &mut Fleet,
        version: &str,
        t: &mut Timeline,
    ) -> anyhow::Result<()> {
        for (canary, role) in &self.new {
            let stable = fleet.names(|i| i.role == *role && !self.is_new(&i.name));
            fleet.set_weights(&[(canary.clone(), 100)]).await?;
            for _ in 1..stable.len() {
                let name = fleet.add(*role, version, 100, &[]).await?;
                t.note(format!("{name} ({version}) ready, in the balancer"));
            }
            for old in stable {
                fleet.remove(&old).await?;
                t.note(format!("{old} drained and exited 0"));
            }
        }
        Ok(())
    }

    /// Stops the canary's instances (after an abort).
    pub async fn stop(&self, fleet: &mut Fleet, t: &mut Timeline) -> anyhow::Result<()> {
        for (name, _) in &self.new {
            fleet.remove(name).await?;
            t.note(format!("{name} drained and exited 0"));
        }
        Ok(())
    }
}

/// Calls started by the new instances between two scrapes (health and
/// reflection left out): after an abort, there must be none.
pub fn calls_started(before: &Scrape, after: &Scrape) -> u64 {
    analysis::started(before, after)
}

fn show(v: Option<f64>, unit: &str) -> String {
    v.map_or_else(|| "no data".to_owned(), |v| format!("{v:.4}{unit}"))
}
