//! A run as a library: [`LoadTest::start`] begins the traffic, readers and
//! subscribers; [`LoadTest::snapshot`] reads the live counters at any time;
//! [`LoadTest::stop`] (or [`LoadTest::finish`] once the scenario's duration
//! is over) stops the traffic, lets the last positions land and reconciles.
//! A harness that rolls or restarts the suite drives it the same way.

use std::{sync::Arc, time::Duration};

use tokio::{sync::oneshot, task::JoinSet, time::Instant};
use tokio_util::sync::CancellationToken;

use crate::{
    drivers::{Context, Job, Router},
    ledger::{Key, Ledger, State},
    readers::{self, ReadContext},
    reconcile::PerVessel,
    report::Report,
    scenario::Scenario,
    schedule::Clock,
    settle,
    sim::{FIRST_MMSI, Fix, Kind, Simulator},
    stages::{self, Stages},
    stats::{Snapshot, Stats},
    subscribers::{self, Subscriber},
    target::Target,
};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("target not ready: {0}")]
    NotReady(String),
    #[error("bad target: {0}")]
    Target(String),
    #[error("live subscriber could not subscribe")]
    Subscribe,
}

#[derive(Debug)]
pub struct LoadTest {
    scenario: Scenario,
    target: Target,
    stats: Arc<Stats>,
    ledger: Arc<Ledger>,
    clock: Clock,
    epoch_ms: i64,
    stop_traffic: CancellationToken,
    stop_live: CancellationToken,
    dispatcher: tokio::task::JoinHandle<()>,
    readers: JoinSet<()>,
    live: JoinSet<(subscribers::Kind, PerVessel)>,
    read_ctx: ReadContext,
    /// The suite's `/metrics` before the traffic, for [`Stages`].
    metrics_before: Option<crate::prom::Scrape>,
}

impl LoadTest {
    pub async fn start(scenario: Scenario, target: Target) -> Result<Self, RunError> {
        target
            .wait_ready(Duration::from_secs(30))
            .await
            .map_err(RunError::NotReady)?;
        let stats = Arc::new(Stats::default());
        let ledger = Arc::new(Ledger::default());
        let stop_live = CancellationToken::new();
        let live = subscribe(&scenario, &target, &stats, &ledger, &stop_live).await?;
        let metrics_before = stages::scrape(&reqwest::Client::new(), &target.http).await;

        let epoch_ms = now_ms();
        let clock = Clock::starting_now();
        let stop_traffic = CancellationToken::new();
        let read_ctx = ReadContext::new(&target, stats.clone(), scenario.vessels, scenario.seed)
            .map_err(RunError::Target)?;
        let mut readers = JoinSet::new();
        readers::start(
            &read_ctx,
            &scenario.readers,
            clock,
            scenario.duration(),
            &stop_traffic,
            &mut readers,
        );
        let ctx = Context {
            target: target.clone(),
            stats: stats.clone(),
            ledger: ledger.clone(),
            settings: scenario.transports.clone(),
        };
        let dispatcher = tokio::spawn(dispatch(
            scenario.clone(),
            ctx,
            read_ctx.clone(),
            clock,
            epoch_ms,
            stop_traffic.clone(),
        ));
        Ok(Self {
            scenario,
            target,
            stats,
            ledger,
            clock,
            epoch_ms,
            stop_traffic,
            stop_live,
            dispatcher,
            readers,
            live,
            read_ctx,
            metrics_before,
        })
    }

    /// Runs `scenario` against `target` from start to report.
    pub async fn run(scenario: Scenario, target: Target) -> Result<Report, RunError> {
        let t = Self::start(scenario, target).await?;
        Ok(t.finish().await)
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn elapsed(&self) -> Duration {
        self.clock.elapsed()
    }

    /// The counters now; cheap enough to call every few milliseconds.
    pub fn snapshot(&self) -> Snapshot {
        self.stats.snapshot()
    }

    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }

    pub fn is_sending(&self) -> bool {
        !self.dispatcher.is_finished()
    }

    /// Waits for the scenario's duration to end, then stops and reconciles.
    pub async fn finish(self) -> Report {
        let left = self.scenario.duration().saturating_sub(self.elapsed());
        tokio::time::sleep(left).await;
        self.stop().await
    }

    /// Stops the traffic now, waits for every request in flight, gives the
    /// suite the scenario's `settle_s` to apply what it accepted, and
    /// reconciles what subscribers and tracks show with what was accepted.
    pub async fn stop(mut self) -> Report {
        let traffic = self.clock.elapsed().min(self.scenario.duration());
        self.stop_traffic.cancel();
        let _ = (&mut self.dispatcher).await;
        while self.readers.join_next().await.is_some() {}
        let deadline = Instant::now() + self.scenario.settle();
        let accepted = self.ledger.accepted();
        let subscribers = self.live.len() as u64;
        let want = accepted.values().map(|v| v.len() as u64).sum::<u64>() * subscribers;
        settle::live(&self.stats, want, deadline).await;
        let stages = match &self.metrics_before {
            Some(before) => stages::scrape(&reqwest::Client::new(), &self.target.http)
                .await
                .and_then(|after| Stages::between(before, &after)),
            None => None,
        };
        self.stop_live.cancel();
        let mut reconciliations = Vec::new();
        while let Some(Ok((kind, seen))) = self.live.join_next().await {
            let seen = settle::since(seen, self.epoch_ms);
            reconciliations.push(crate::reconcile::reconcile(kind.name(), &accepted, &seen));
        }
        let tracks = settle::tracks(&self.read_ctx, &accepted, self.epoch_ms, deadline).await;
        reconciliations.push(crate::reconcile::reconcile("track", &accepted, &tracks));
        Report::new(
            &self.scenario,
            &self.target,
            traffic,
            self.stats.snapshot(),
            self.stats.summaries(),
            reconciliations,
            self.ledger.count(State::InFlight),
        )
        .with_stages(stages)
    }
}

async fn subscribe(
    scenario: &Scenario,
    target: &Target,
    stats: &Arc<Stats>,
    ledger: &Arc<Ledger>,
    stop: &CancellationToken,
) -> Result<JoinSet<(subscribers::Kind, PerVessel)>, RunError> {
    let mut live = JoinSet::new();
    let kinds =
        std::iter::repeat_n(subscribers::Kind::Grpc, scenario.subscribers.grpc as usize).chain(
            std::iter::repeat_n(subscribers::Kind::Sse, scenario.subscribers.sse as usize),
        );
    let mut ready = Vec::new();
    for kind in kinds {
        let s = Subscriber {
            kind,
            target: target.clone(),
            stats: stats.clone(),
            ledger: ledger.clone(),
            ours: FIRST_MMSI..FIRST_MMSI + scenario.vessels,
        };
        let (tx, rx) = oneshot::channel();
        let stop = stop.clone();
        live.spawn(async move { (kind, s.run(tx, stop).await) });
        ready.push(rx);
    }
    for rx in ready {
        tokio::time::timeout(Duration::from_secs(10), rx)
            .await
            .map_err(|_| RunError::Subscribe)?
            .map_err(|_| RunError::Subscribe)?;
    }
    // The server subscribes to its broadcast as the stream is first polled.
    if !live.is_empty() {
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Ok(live)
}

/// Walks the simulator in time order, handing each report to its vessel's
/// transport at its intended time, never waiting for an answer.
async fn dispatch(
    scenario: Scenario,
    ctx: Context,
    read_ctx: ReadContext,
    clock: Clock,
    epoch_ms: i64,
    stop: CancellationToken,
) {
    let mut transports = JoinSet::new();
    let router = Router::start(&ctx, &mut transports);
    let mut sim = Simulator::new(scenario.sim_config(epoch_ms));
    let mut probes = Probes::new(scenario.readers.visibility_probes, read_ctx);
    // Strictly before the end: the last instant belongs to no one.
    let end = scenario.duration().saturating_sub(Duration::from_nanos(1));
    while let Some(e) = sim.next_until(end) {
        let intended = tokio::select! {
            _ = stop.cancelled() => break,
            at = clock.until(e.at) => at,
        };
        let lines = sim.nmea(&e);
        let fix = match e.kind {
            Kind::Position(f) => {
                let key = record_sent(&ctx, e.mmsi, &f, intended);
                probes.maybe_follow(e.at, key, intended);
                Some((f, key))
            }
            Kind::Static => {
                Stats::add(&ctx.stats.counters.static_sent, 1);
                None
            }
        };
        let mmsi = e.mmsi;
        router.send(Job {
            intended,
            mmsi,
            fix,
            lines,
        });
    }
    drop(router);
    while transports.join_next().await.is_some() {}
    probes.finish(scenario.settle()).await;
}

fn record_sent(ctx: &Context, mmsi: u32, f: &Fix, intended: Instant) -> Key {
    let c = &ctx.stats.counters;
    Stats::add(&c.positions_sent, 1);
    Stats::add(&c.duplicates_sent, u64::from(f.duplicate));
    Stats::add(&c.malformed_sent, u64::from(f.malformed));
    ctx.ledger.sent(mmsi, f, intended)
}

/// Visibility probes: one sent position followed every `every`.
struct Probes {
    every: Option<Duration>,
    next: Duration,
    ctx: ReadContext,
    tasks: JoinSet<()>,
}

impl Probes {
    fn new(per_second: f64, ctx: ReadContext) -> Self {
        Self {
            every: (per_second > 0.0).then(|| Duration::from_secs_f64(1.0 / per_second)),
            next: Duration::ZERO,
            ctx,
            tasks: JoinSet::new(),
        }
    }

    fn maybe_follow(&mut self, at: Duration, key: Key, intended: Instant) {
        while self.tasks.try_join_next().is_some() {}
        if let Some(every) = self.every.filter(|_| at >= self.next) {
            self.next = at + every;
            self.tasks
                .spawn(readers::probe(self.ctx.clone(), key, intended));
        }
    }

    async fn finish(mut self, within: Duration) {
        let _ = tokio::time::timeout(within, async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await;
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
