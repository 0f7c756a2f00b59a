//! The four steps, each under its own run of the load generator (so each
//! has its own counters, latencies and reconciliation): steady traffic,
//! the step's actions, steady traffic, then stop, settle and reconcile.

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use porttrack_testkit::servers::{OwnBroker, fresh_postgres};
use tokio::time::Instant;

use super::{
    Options, ReleaseReport, StepOutcome,
    canary::{self, Canary, Ending},
    fleet::{Env, Fleet},
    schema,
};
use crate::{LoadTest, Target, stats::Stats};

/// What the harness did, stamped with the time since the step began.
#[derive(Debug)]
pub struct Timeline {
    start: Instant,
    pub notes: Vec<String>,
}

impl Timeline {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            notes: Vec::new(),
        }
    }

    pub fn note(&mut self, what: String) {
        let line = format!("{:6.1} s  {what}", self.start.elapsed().as_secs_f64());
        eprintln!("  {line}");
        self.notes.push(line);
    }
}

struct Harness {
    o: Options,
    fleet: Fleet,
    broker: OwnBroker,
    target: Target,
}

/// Runs the four steps; `done` sees each step's outcome as it ends.
pub async fn run(o: Options, mut done: impl FnMut(&StepOutcome)) -> anyhow::Result<ReleaseReport> {
    let broker = tokio::task::block_in_place(|| OwnBroker::start(true));
    let env = Env {
        bin: o.bin.clone(),
        brokers: broker.brokers(),
        database_url: fresh_postgres().await,
        drain_delay: o.drain_delay,
    };
    let fleet = Fleet::start(env, o.ingest, o.ships, "v1").await?;
    let target = Target {
        http: format!("http://{}", fleet.nginx.http),
        grpc: format!("http://{}", fleet.nginx.grpc),
        // NMEA does not go through the balancer (no acknowledgement).
        nmea: fleet.nginx.http,
        token: None,
    };
    let mut h = Harness {
        o,
        fleet,
        broker,
        target,
    };
    let mut report = ReleaseReport {
        started_at: crate::drivers::rest::rfc3339(now_ms()),
        rate: h.o.rate,
        ingest_instances: h.o.ingest,
        ships_instances: h.o.ships,
        analysis_interval_s: h.o.interval.as_secs_f64(),
        steps: Vec::new(),
    };
    for step in h.o.steps.clone() {
        let outcome = h.step(step).await?;
        done(&outcome);
        report.steps.push(outcome);
    }
    Ok(report)
}

impl Harness {
    async fn step(&mut self, n: u32) -> anyhow::Result<StepOutcome> {
        let name = match n {
            1 => "1. rolling update",
            2 => "2. canary 5-25-50-100 %",
            3 => "3. failing canary",
            _ => "4. rollback to the previous release on the newer schema, broker restart",
        };
        eprintln!("== {name} ==");
        let mut t = Timeline::new();
        self.fleet.nginx.take_problems();
        let load = LoadTest::start(self.o.scenario(), self.target.clone())
            .await
            .context("starting the load")?;
        let watch = FailureWatch::start(load.stats().clone());
        tokio::time::sleep(self.o.steady).await;
        t.note("steady traffic".to_owned());
        let mut extra = StepExtra::default();
        match n {
            1 => self.roll("v2", &mut t).await?,
            2 => extra = self.canary(&mut t).await?,
            3 => extra = self.failing_canary(&mut t).await?,
            _ => self.rollback(&mut t).await?,
        }
        tokio::time::sleep(self.o.steady).await;
        t.note("stopping the traffic; settling and reconciling".to_owned());
        let last_failure = watch.stop().await;
        let report = load.stop().await;
        let casualties = self.fleet.casualties();
        anyhow::ensure!(casualties.is_empty(), "{name}: {}", casualties.join("\n"));
        let mut outcome = StepOutcome::new(name, t.notes, report);
        outcome.analysis = extra.analysis;
        outcome.canary_calls_after_abort = extra.calls_after_abort;
        outcome.canary = extra.canary.map(str::to_owned);
        outcome.analysis_interval_s = self.o.interval.as_secs_f64();
        let (requests, problems) = self.fleet.nginx.take_problems();
        outcome.balancer_requests = requests;
        outcome.balancer_problem_count = problems.len();
        outcome.balancer_problems = problems.into_iter().take(30).collect();
        if let Some(abort) = extra.aborted_at {
            outcome.errors_stopped_after_s = Some(
                last_failure.map_or(0.0, |l| l.saturating_duration_since(abort).as_secs_f64()),
            );
        }
        Ok(outcome)
    }

    /// Replaces every instance, one at a time: the new one ready and in the
    /// balancer before the old one is told to stop (maxSurge 1,
    /// maxUnavailable 0).
    async fn roll(&mut self, version: &str, t: &mut Timeline) -> anyhow::Result<()> {
        let old: Vec<_> = self
            .fleet
            .instances
            .iter()
            .map(|i| (i.name.clone(), i.role))
            .collect();
        for (name, role) in old {
            let new = self.fleet.add(role, version, 100, &[]).await?;
            t.note(format!("{new} ({version}) ready, in the balancer"));
            self.fleet.remove(&name).await?;
            t.note(format!(
                "{name} SIGTERM, out of the balancer, drained, exited 0"
            ));
        }
        Ok(())
    }

    async fn canary(&mut self, t: &mut Timeline) -> anyhow::Result<StepExtra> {
        let mut c = Canary::start(&mut self.fleet, "v3", &[], t).await?;
        let ending = match c.run(&mut self.fleet, &self.o, t).await? {
            Ending::Promoted => {
                c.promote(&mut self.fleet, "v3", t).await?;
                "promoted"
            }
            Ending::Aborted { .. } => {
                // A healthy release failed its analysis: the step fails,
                // and the next steps run on the stable instances.
                c.stop(&mut self.fleet, t).await?;
                "aborted"
            }
        };
        Ok(StepExtra {
            analysis: std::mem::take(&mut c.measurements),
            canary: Some(ending),
            ..StepExtra::default()
        })
    }

    async fn failing_canary(&mut self, t: &mut Timeline) -> anyhow::Result<StepExtra> {
        let fault = [(
            "PORTTRACK_FAULT_ERROR_RATIO",
            self.o.fault_ratio.to_string(),
        )];
        let mut c = Canary::start(&mut self.fleet, "v4-faulty", &fault, t).await?;
        let Ending::Aborted { at } = c.run(&mut self.fleet, &self.o, t).await? else {
            anyhow::bail!("the failing canary was promoted");
        };
        // All traffic back on the stable instances: once the interval in
        // which errors must stop is over, the canary gets no call for a
        // whole interval. (Right after the reload, a retiring nginx worker
        // may still forward a request it had already received.)
        tokio::time::sleep(self.o.interval).await;
        let before = c.scrape(&self.fleet).await;
        tokio::time::sleep(self.o.interval).await;
        let calls = canary::calls_started(&before, &c.scrape(&self.fleet).await);
        t.note(format!(
            "calls reaching the aborted canary in the second interval after the abort: {calls}"
        ));
        c.stop(&mut self.fleet, t).await?;
        Ok(StepExtra {
            analysis: std::mem::take(&mut c.measurements),
            aborted_at: Some(at),
            calls_after_abort: Some(calls),
            canary: Some("aborted"),
        })
    }

    /// The previous release on the schema the next one expanded: the next
    /// release's migration is applied, then every instance is rolled to
    /// the release that does not know it; then the broker restarts.
    async fn rollback(&mut self, t: &mut Timeline) -> anyhow::Result<()> {
        let version = schema::apply_next_release(&self.fleet.env.database_url).await?;
        t.note(format!(
            "next release's expand migration {version} applied to PostgreSQL"
        ));
        self.roll("v1-rollback", t).await?;
        tokio::task::block_in_place(|| self.broker.restart());
        t.note("broker killed and restarted (file-backed)".to_owned());
        Ok(())
    }
}

#[derive(Debug, Default)]
struct StepExtra {
    analysis: Vec<super::analysis::Measurement>,
    aborted_at: Option<Instant>,
    calls_after_abort: Option<u64>,
    canary: Option<&'static str>,
}

/// Watches the client-visible failures while a step runs, to say when the
/// last one happened (step 3: errors stop after the abort).
struct FailureWatch {
    stop: tokio_util::sync::CancellationToken,
    task: tokio::task::JoinHandle<Option<Instant>>,
}

impl FailureWatch {
    fn start(stats: Arc<Stats>) -> Self {
        let stop = tokio_util::sync::CancellationToken::new();
        let token = stop.clone();
        let task = tokio::spawn(async move {
            let failures = || -> u64 {
                stats
                    .snapshot()
                    .errors
                    .iter()
                    .filter(|(k, _)| !k.starts_with("live_"))
                    .map(|(_, v)| v)
                    .sum()
            };
            let (mut seen, mut last) = (failures(), None);
            while !token.is_cancelled() {
                tokio::time::sleep(Duration::from_millis(50)).await;
                let now = failures();
                if now > seen {
                    (seen, last) = (now, Some(Instant::now()));
                }
            }
            last
        });
        Self { stop, task }
    }

    async fn stop(self) -> Option<Instant> {
        self.stop.cancel();
        self.task.await.ok().flatten()
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
