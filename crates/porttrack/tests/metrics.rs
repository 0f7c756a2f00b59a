//! The metrics dashboards, alerts and canary analysis read, on every
//! service's `/metrics`:
//!
//! - requests: gRPC by service, method and code; HTTP by route template
//!   and status class; never a raw path or an MMSI as a label;
//! - the pipeline, after real traffic through ingest, the broker and the
//!   services: inputs per feed, messages by type, duplicates, fragments
//!   pending, Kafka client figures and consumer lag, event-time lag, zone
//!   events and port calls;
//! - `promtool check metrics` has nothing to say about any of them.

//!
//! Request counting, the pipeline, and the checks against promtool and the
//! metric contract each have their module under `metrics/`.

mod common;
// Kept out of `common/mod.rs`, which every end-to-end test compiles.
#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/suite.rs"]
mod suite;

#[path = "metrics/conformance.rs"]
mod conformance;
#[path = "metrics/pipeline.rs"]
mod pipeline;
#[path = "metrics/requests.rs"]
mod requests;
