//! Kafka out: one [`ManifestEvent`] per change, keyed by port call id so a
//! port call's events keep their order. The event carries the whole
//! manifest and its version, so a consumer keeps the highest version and
//! a duplicate is harmless.
//!
//! Events go through an outbox: the store writes each event in the
//! transaction of its change, and [`relay_loop`] publishes waiting events
//! in order and deletes them once the broker has confirmed them. A crash
//! in between publishes them again (at least once, never lost).

use std::time::Duration;

use porttrack_platform::{BusError, EventBus, OutRecord, TopicSpec};
use porttrack_proto::cargo::v1::{ManifestEvent, ManifestEventKind, SCHEMA_VERSION, topics};
use prost::Message as _;
use tokio_util::sync::CancellationToken;

use crate::{
    domain::{self, Manifest},
    grpc,
    store::Store,
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const BATCH: usize = 200;
/// How often an idle relay looks for new events.
const POLL: Duration = Duration::from_millis(100);

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

/// Publishes the outbox until draining starts, finishing the batch in hand.
/// Trouble with the database or the broker is retried, never skipped:
/// later events of a port call must not overtake earlier ones.
pub async fn relay_loop(
    bus: EventBus,
    store: Store,
    drain: CancellationToken,
) -> Result<(), BoxError> {
    let mut backoff = POLL;
    loop {
        let published = match relay_once(&bus, &store).await {
            Ok(n) => {
                backoff = POLL;
                n
            }
            Err(err) => {
                tracing::warn!(error = %err, "cargo event relay failed; retrying");
                backoff = (backoff * 2).min(Duration::from_secs(5));
                0
            }
        };
        if published == 0 {
            tokio::select! {
                () = drain.cancelled() => return Ok(()),
                () = tokio::time::sleep(backoff) => {}
            }
        } else if drain.is_cancelled() {
            return Ok(());
        }
    }
}

/// One batch: queued in order, confirmed, then deleted. Returns how many.
async fn relay_once(bus: &EventBus, store: &Store) -> Result<usize, BoxError> {
    let batch = store.outbox(BATCH).await?;
    let mut pending = Vec::with_capacity(batch.len());
    for event in &batch {
        pending.push(bus.send(OutRecord {
            topic: topics::MANIFESTS,
            key: event.key.as_bytes(),
            payload: &event.payload,
            headers: &[],
        })?);
    }
    for p in pending {
        p.wait().await?;
    }
    let ids: Vec<String> = batch.into_iter().map(|e| e.id).collect();
    store.outbox_done(&ids).await?;
    Ok(ids.len())
}
