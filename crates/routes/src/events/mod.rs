//! Kafka in and out.
//!
//! - Out: [`PortCallEvent`]s keyed by port call id and [`ZoneEvent`]s keyed
//!   by MMSI. The store writes each event in the transaction of its change;
//!   [`relay_loop`] publishes waiting events in order and deletes them once
//!   the broker has confirmed them (at least once, never lost).
//! - In: [`positions_loop`] applies the position stream (see
//!   [`positions`]).

mod positions;

use std::time::Duration;

use porttrack_platform::{BusError, EventBus, OutRecord, TopicSpec};
use porttrack_proto::routes::v1::{PortCallEvent, SCHEMA_VERSION, ZoneEvent, topics};
use prost::Message as _;
use tokio_util::sync::CancellationToken;

pub use positions::{GROUP, positions_loop};

use crate::{
    domain::{PortCall, PortCallState},
    store::Store,
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const BATCH: usize = 200;
/// How often an idle relay looks for new events.
const POLL: Duration = Duration::from_millis(100);

pub async fn ensure_topics(bus: &EventBus) -> Result<(), BusError> {
    bus.ensure_topics(&[
        TopicSpec {
            name: topics::PORT_CALLS,
            compacted: false,
        },
        TopicSpec {
            name: topics::ZONES,
            compacted: false,
        },
    ])
    .await
}

/// The event announcing `call` as it is after a change from `previous`
/// (`None` when it was created).
pub fn port_call_event(call: &PortCall, previous: Option<PortCallState>, now_ms: i64) -> Vec<u8> {
    PortCallEvent {
        event_id: uuid::Uuid::now_v7().to_string(),
        schema_version: SCHEMA_VERSION,
        port_call_id: call.id.clone(),
        mmsi: call.mmsi,
        state: call.state.as_str().to_owned(),
        previous_state: previous.map(|p| p.as_str().to_owned()).unwrap_or_default(),
        eta_ms: call.eta_ms,
        etd_ms: call.etd_ms.unwrap_or(0),
        berth_id: call.berth_id.clone().unwrap_or_default(),
        occurred_at_ms: now_ms,
        version: call.version,
    }
    .encode_to_vec()
}

/// A vessel crossing a zone boundary; `kind` is "enter" or "exit".
pub fn zone_event(mmsi: u32, zone_id: &str, kind: &str, observed_at_ms: i64) -> Vec<u8> {
    ZoneEvent {
        event_id: uuid::Uuid::now_v7().to_string(),
        schema_version: SCHEMA_VERSION,
        mmsi,
        zone_id: zone_id.to_owned(),
        kind: kind.to_owned(),
        observed_at_ms,
    }
    .encode_to_vec()
}

/// Publishes the outbox until draining starts, finishing the batch in hand.
/// Trouble with the database or the broker is retried, never skipped:
/// later events of a key must not overtake earlier ones.
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
                tracing::warn!(error = %err, "routes event relay failed; retrying");
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
            topic: &event.topic,
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
