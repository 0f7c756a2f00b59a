//! Kafka out: one [`ManifestEvent`] per change, keyed by port call id so a
//! port call's events keep their order. The event carries the whole
//! manifest and its version, so a consumer keeps the highest version and
//! a duplicate is harmless.
//!
//! Events go through the platform's outbox: the store writes each event in
//! the transaction of its change, and `porttrack_platform::outbox::relay`
//! publishes waiting events in order, at least once, never lost.

use porttrack_platform::{BusError, EventBus, TopicSpec};
use porttrack_proto::cargo::v1::{ManifestEvent, ManifestEventKind, SCHEMA_VERSION, topics};
use prost::Message as _;

use crate::{
    domain::{self, Manifest},
    grpc,
};

pub async fn ensure_topics(bus: &EventBus) -> Result<(), BusError> {
    bus.ensure_topics(&[TopicSpec {
        name: topics::MANIFESTS,
        compacted: false,
    }])
    .await
}

/// The event announcing `m` as it is after a change of `kind`.
pub fn encode(kind: ManifestEventKind, m: &Manifest, now_ms: i64) -> Vec<u8> {
    ManifestEvent {
        schema_version: SCHEMA_VERSION,
        kind: kind.into(),
        manifest: Some(grpc::manifest_pb(m)),
        violations: domain::violations(m)
            .into_iter()
            .map(grpc::violation_pb)
            .collect(),
        occurred_at_ms: now_ms,
    }
    .encode_to_vec()
}
