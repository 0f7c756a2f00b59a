//! Zero downtime, proven on loopback: several ingest and ships instances
//! behind nginx, a real broker and PostgreSQL, steady traffic from the load
//! generator, and the four release paths run under it:
//!
//! 1. a rolling update, one instance at a time;
//! 2. a canary at 5, 25, 50 and 100 % of the traffic, promoted on the
//!    chart's analysis;
//! 3. a canary that fails a share of calls, aborted by the same analysis;
//! 4. a rollback: the previous release on the newer schema, and a broker
//!    restart under load.
//!
//! On one machine a "new build" is the same binary in a new process: what
//! is proven is the release mechanics (draining, readiness, balancer
//! changes, consumer hand-over, schema tolerance), not a code change.
//!
//! - [`nginx`]: the balancer, reloaded by the harness; [`nginx_conf`]: the
//!   configuration it writes.
//! - [`fleet`]: the instances, and the harness as the endpoints controller.
//! - [`analysis`]: the AnalysisTemplate's measurements from `/metrics`;
//!   [`canary`]: the weight steps, promotion and abort.
//! - [`schema`]: the next release's expand migration, for the rollback.
//! - [`steps`]: the four steps; [`outcome`]: what each measured.

pub mod analysis;
pub mod canary;
pub mod fleet;
pub mod nginx;
pub mod nginx_conf;
pub mod outcome;
pub mod schema;
pub mod steps;

use std::{path::PathBuf, time::Duration};

use serde::Serialize;

pub use outcome::StepOutcome;

use crate::scenario::{Readers, Scenario, Subscribers, Transports};

/// How long and how hard: the short version runs under `cargo test`.
#[derive(Debug, Clone)]
pub struct Options {
    pub bin: PathBuf,
    pub ingest: u32,
    pub ships: u32,
    /// Positions per second, steady through every step.
    pub rate: f64,
    /// Canary analysis interval (the chart's is 1 m; loopback needs less).
    pub interval: Duration,
    /// Measurements per canary step.
    pub measurements: u32,
    /// Traffic before and after each step's actions.
    pub steady: Duration,
    /// Time unready before an instance's listeners close.
    pub drain_delay: Duration,
    /// Share of calls the failing canary fails.
    pub fault_ratio: f64,
    /// Whether the canary's p99s decide (the chart's 0.5 s), or are only
    /// measured and reported. `cargo test` runs a debug build on a shared
    /// machine, whose latency says nothing about a release, and a pass/fail
    /// test must not depend on timing: there the error ratios decide.
    pub judge_latency: bool,
    /// Which of the four steps to run (all by default).
    pub steps: Vec<u32>,
}

impl Options {
    pub fn short(bin: PathBuf) -> Self {
        Self {
            bin,
            ingest: 2,
            ships: 2,
            rate: 300.0,
            interval: Duration::from_secs(3),
            measurements: 1,
            steady: Duration::from_secs(2),
            drain_delay: Duration::from_secs(1),
            fault_ratio: 0.2,
            judge_latency: true,
            steps: vec![1, 2, 3, 4],
        }
    }

    pub fn long(bin: PathBuf) -> Self {
        Self {
            ingest: 3,
            ships: 3,
            rate: 500.0,
            interval: Duration::from_secs(10),
            measurements: 3,
            steady: Duration::from_secs(20),
            drain_delay: Duration::from_secs(2),
            ..Self::short(bin)
        }
    }

    /// The traffic: acknowledged ingest (gRPC and REST; raw NMEA over TCP
    /// or UDP has no acknowledgement, so it cannot show that a position
    /// was accepted and is left out), every query, and live feeds.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            name: "zero-downtime".to_owned(),
            // Each step stops the traffic itself.
            duration_s: 3600.0,
            seed: 8,
            vessels: (self.rate * 8.0) as u32,
            rate: Some(self.rate),
            static_data: false,
            malformed_share: 0.0,
            duplicate_share: 0.0,
            // After the traffic, the suite has this long to show what it
            // accepted (on loopback it needs well under a second); live
            // feeds with a re-subscription gap wait all of it.
            settle_s: 10.0,
            transports: Transports {
                tcp: 0,
                udp: 0,
                grpc_nmea: 0,
                grpc_positions: 1,
                rest: 1,
                tcp_connections: 1,
                batch: 20,
                in_flight: 64,
            },
            readers: Readers {
                get_vessel: 20.0,
                bbox: 5.0,
                nearest: 5.0,
                track: 2.0,
                visibility_probes: 0.0,
            },
            subscribers: Subscribers { grpc: 1, sse: 1 },
            // The harness starts its instances itself.
            spawn_env: Default::default(),
        }
    }
}

/// Every step's outcome, as the JSON report holds it.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseReport {
    pub started_at: String,
    pub rate: f64,
    pub ingest_instances: u32,
    pub ships_instances: u32,
    pub analysis_interval_s: f64,
    pub steps: Vec<StepOutcome>,
}

impl ReleaseReport {
    pub fn human(&self) -> String {
        self.steps.iter().map(StepOutcome::human).collect()
    }
}
