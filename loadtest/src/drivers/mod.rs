//! Transports that carry the simulated port's reports to ingest. Each takes
//! [`Job`]s from an unbounded queue, so the pacer never waits for a slow
//! transport: a backlog becomes latency, measured from each job's intended
//! time.
//!
//! - [`nmea`]: raw lines over TCP (several feeds) and UDP.
//! - [`grpc`]: `StreamNmea` and `StreamPositions`, one stream per batch.
//! - [`rest`]: `POST /v1/positions`, one request per batch.

pub mod grpc;
pub mod nmea;
pub mod rest;

use std::sync::Arc;

use tokio::{sync::mpsc, task::JoinSet, time::Instant};

use crate::{
    ledger::{Key, Ledger, State},
    scenario::Transports,
    sim::Fix,
    stats::{Latency, Stats},
    target::Target,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    Tcp,
    Udp,
    GrpcNmea,
    GrpcPositions,
    Rest,
}

/// One report to send: its NMEA lines, and the position it carries.
#[derive(Debug, Clone)]
pub struct Job {
    pub intended: Instant,
    pub mmsi: u32,
    /// The position and its ledger key; `None` for static data.
    pub fix: Option<(Fix, Key)>,
    pub lines: Vec<String>,
}

/// Everything a transport worker shares.
#[derive(Debug, Clone)]
pub struct Context {
    pub target: Target,
    pub stats: Arc<Stats>,
    pub ledger: Arc<Ledger>,
    pub settings: Transports,
}

impl Context {
    /// A request carrying `jobs` ended: positions accepted unless listed in
    /// `refused` (indexes into `jobs`), or all failed.
    pub fn settle(&self, jobs: &[Job], outcome: Result<&[usize], ()>, done: Instant) {
        let refused: &[usize] = outcome.unwrap_or(&[]);
        let mut settled = Vec::with_capacity(jobs.len());
        let (mut ok, mut failed) = (0, 0);
        for (i, job) in jobs.iter().enumerate() {
            let Some((_, key)) = job.fix else { continue };
            let state = if outcome.is_err() || refused.contains(&i) {
                failed += 1;
                State::Failed
            } else {
                ok += 1;
                self.stats.record(
                    Latency::IngestAck,
                    crate::schedule::latency(job.intended, done),
                );
                State::Accepted
            };
            settled.push((key, state));
        }
        self.ledger.settle(settled);
        Stats::add(&self.stats.counters.positions_accepted, ok);
        Stats::add(&self.stats.counters.positions_failed, failed);
    }
}

/// The queues of running transports: jobs go to a vessel's transport.
#[derive(Debug)]
pub struct Router {
    routes: Vec<(Transport, u32)>,
    total: u32,
    queues: Vec<(Transport, Vec<mpsc::UnboundedSender<Job>>)>,
}

impl Router {
    /// Starts a worker (several for TCP) for every transport with a weight.
    pub fn start(ctx: &Context, tasks: &mut JoinSet<()>) -> Self {
        let t = &ctx.settings;
        let routes: Vec<(Transport, u32)> = [
            (Transport::Tcp, t.tcp),
            (Transport::Udp, t.udp),
            (Transport::GrpcNmea, t.grpc_nmea),
            (Transport::GrpcPositions, t.grpc_positions),
            (Transport::Rest, t.rest),
        ]
        .into_iter()
        .filter(|(_, w)| *w > 0)
        .collect();
        let total = routes.iter().map(|(_, w)| w).sum();
        let queues = routes
            .iter()
            .map(|(transport, _)| {
                let workers = if *transport == Transport::Tcp {
                    t.tcp_connections
                } else {
                    1
                };
                let senders = (0..workers)
                    .map(|_| {
                        let (tx, rx) = mpsc::unbounded_channel();
                        tasks.spawn(run(*transport, ctx.clone(), rx));
                        tx
                    })
                    .collect();
                (*transport, senders)
            })
            .collect();
        Self {
            routes,
            total,
            queues,
        }
    }

    /// Which transport carries `mmsi`: by weight, the same one every time.
    pub fn transport_of(routes: &[(Transport, u32)], total: u32, mmsi: u32) -> Transport {
        let mut slot = mmsi % total.max(1);
        for (t, w) in routes {
            if slot < *w {
                return *t;
            }
            slot -= w;
        }
        routes[0].0
    }

    pub fn send(&self, job: Job) {
        let transport = Self::transport_of(&self.routes, self.total, job.mmsi);
        if let Some((_, senders)) = self.queues.iter().find(|(t, _)| *t == transport) {
            let worker = job.mmsi as usize % senders.len();
            let _ = senders[worker].send(job);
        }
    }
}

async fn run(transport: Transport, ctx: Context, rx: mpsc::UnboundedReceiver<Job>) {
    match transport {
        Transport::Tcp => nmea::tcp(ctx, rx).await,
        Transport::Udp => nmea::udp(ctx, rx).await,
        Transport::GrpcNmea => grpc::nmea(ctx, rx).await,
        Transport::GrpcPositions => grpc::positions(ctx, rx).await,
        Transport::Rest => rest::positions(ctx, rx).await,
    }
}

/// Waits for one job, then takes whatever else is already queued, up to `max`.
pub async fn next_batch(rx: &mut mpsc::UnboundedReceiver<Job>, max: usize) -> Option<Vec<Job>> {
    let first = rx.recv().await?;
    let mut batch = vec![first];
    while batch.len() < max {
        match rx.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    Some(batch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vessels_are_spread_by_weight_and_always_take_the_same_transport() {
        let routes = [(Transport::Tcp, 3), (Transport::Rest, 1)];
        let mut counts = std::collections::HashMap::new();
        for mmsi in 0..4000 {
            let t = Router::transport_of(&routes, 4, mmsi);
            assert_eq!(t, Router::transport_of(&routes, 4, mmsi));
            *counts.entry(t).or_insert(0) += 1;
        }
        assert_eq!(counts[&Transport::Tcp], 3000);
        assert_eq!(counts[&Transport::Rest], 1000);
    }
}
