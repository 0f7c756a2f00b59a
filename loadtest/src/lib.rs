//! The PortTrack load generator: a simulated port driving the suite while
//! port-authority readers and live subscribers use it, measured the way
//! users feel it and reconciled at the end.
//!
//! - [`sim`]: vessels on lanes and the AIS reports they send, deterministic.
//! - [`schedule`]: open-loop pacing; latency from the intended send time.
//! - [`drivers`]: ingest transports (NMEA TCP/UDP, gRPC, REST).
//! - [`readers`], [`subscribers`]: queries and live feeds at the same time.
//! - [`ledger`], [`reconcile`], [`settle`]: what was accepted, and whether it
//!   all came back once and in order.
//! - [`prom`]: the suites' `/metrics`, read; [`stages`]: where the
//!   end-to-end time went, from them.
//! - [`retry`]: the requests a client retries (never processed by a server).
//! - [`stats`], [`report`]: counters, HDR histograms, the summary and JSON.
//! - [`scenario`]: the TOML files in `loadtest/scenarios/`.
//! - [`target`]: a running suite, or `porttrack up` started for the run.
//! - [`run`]: [`LoadTest`], the whole run as a library (start, watch, stop).
//! - [`release`]: zero downtime proven: rolling, canary, failing canary and
//!   rollback behind nginx under steady load.

pub mod drivers;
pub mod ledger;
pub mod prom;
pub mod readers;
pub mod reconcile;
pub mod release;
pub mod report;
pub mod retry;
pub mod run;
pub mod scenario;
pub mod schedule;
pub mod settle;
pub mod sim;
pub mod stages;
pub mod stats;
pub mod subscribers;
pub mod target;

pub use report::Report;
pub use run::{LoadTest, RunError};
pub use scenario::Scenario;
pub use target::{Spawned, Target};
