//! Kafka in and out.
//!
//! - Out: [`PortCallEvent`]s keyed by port call id and [`ZoneEvent`]s keyed
//!   by MMSI. The store writes each event in the transaction of its change;
//!   `porttrack_platform::outbox::relay` publishes waiting events in order and deletes them once
//!   the broker has confirmed them (at least once, never lost).
//! - In: [`positions_loop`] applies the position stream (see
//!   [`positions`]), counting zone events and port calls ([`metrics`]).

pub mod metrics;
mod positions;

use porttrack_platform::{BusError, EventBus, TopicSpec};
use porttrack_proto::routes::v1::{PortCallEvent, SCHEMA_VERSION, ZoneEvent, topics};
use prost::Message as _;

pub use positions::{GROUP, positions_loop};

use crate::domain::{PortCall, PortCallState};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

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
