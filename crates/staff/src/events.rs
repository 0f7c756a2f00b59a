//! Kafka in: the routes service's port-call events. When a call becomes
//! approaching, its arrival tasks are opened (see
//! [`crate::service::Staff::port_call_approaching`]). The consumer is a
//! member of the `porttrack-staff` group, so replicas share the partitions;
//! offsets are committed only after the tasks are stored, and a replay is
//! harmless because a port call has each kind of task at most once.

use std::time::Duration;

use porttrack_platform::{ApiError, BusError, EventBus, Record, TopicSpec};
use porttrack_proto::routes::v1::{PortCallEvent, topics};
use prost::Message as _;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use crate::service::Staff;

pub const GROUP: &str = "porttrack-staff";
const BATCH: usize = 200;
const APPROACHING: &str = "approaching";

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The routes service creates the topic too; whoever starts first does.
pub async fn ensure_topics(bus: &EventBus) -> Result<(), BusError> {
    bus.ensure_topics(&[TopicSpec {
        name: topics::PORT_CALLS,
        compacted: false,
    }])
    .await
}

/// The port call and its ETA when `record` says it just became
/// approaching; `None` for every other change, and for records we cannot
/// read (logged and skipped: they must not stop the partition behind them).
pub fn approaching(record: &Record) -> Option<(String, i64)> {
    let Ok(event) = PortCallEvent::decode(record.payload.as_ref()) else {
        tracing::warn!(
            partition = record.partition,
            offset = record.offset,
            "unreadable port-call event skipped"
        );
        return None;
    };
    (event.state == APPROACHING && event.previous_state != APPROACHING)
        .then_some((event.port_call_id, event.eta_ms))
}

/// Consumes until draining starts, committing what it stored.
pub async fn port_call_loop(
    bus: EventBus,
    staff: Staff,
    drain: CancellationToken,
) -> Result<(), BoxError> {
    let mut consumer = bus.group_consumer(GROUP, &[topics::PORT_CALLS])?;
    let mut records = Vec::with_capacity(BATCH);
    loop {
        records.clear();
        tokio::select! {
            () = drain.cancelled() => return Ok(consumer.commit().await?),
            received = consumer.recv_batch(BATCH, &mut records) => received?,
        }
        for record in &records {
            let span = consumer.process_span(std::slice::from_ref(record));
            if let Some((port_call_id, eta_ms)) = approaching(record) {
                open_tasks(&staff, &port_call_id, eta_ms, &drain)
                    .instrument(span)
                    .await?;
            }
            consumer.mark_done(record);
        }
        if let Err(err) = consumer.commit().await {
            // Not fatal: the tasks are stored, and a replay opens nothing.
            tracing::warn!(error = %err, "offset commit failed");
        }
    }
}

/// Retries while the database is away, since the offset must not pass a
/// call whose tasks are not stored; an event we refuse is skipped.
async fn open_tasks(
    staff: &Staff,
    port_call_id: &str,
    eta_ms: i64,
    drain: &CancellationToken,
) -> Result<(), BoxError> {
    let mut backoff = Duration::from_millis(100);
    loop {
        match staff.port_call_approaching(port_call_id, eta_ms).await {
            Ok(opened) => {
                tracing::info!(port_call_id, opened, "arrival tasks opened");
                return Ok(());
            }
            Err(ApiError::InvalidArgument(errors)) => {
                tracing::warn!(port_call_id, ?errors, "port-call event refused; skipped");
                return Ok(());
            }
            Err(err) => {
                tracing::warn!(port_call_id, error = %err, "opening tasks failed; retrying");
                if drain.is_cancelled() {
                    return Err(err.into());
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}
