//! Kafka in: the position stream, as a member of the `porttrack-routes`
//! consumer group. Replicas share the partitions (keyed by MMSI, so one
//! vessel's positions reach one member in order); offsets are committed
//! only after the store has applied the records. A replay after a crash
//! is harmless: positions not newer than a vessel's last applied one
//! change nothing.

use std::time::Duration;

use porttrack_platform::{EventBus, Record};
use porttrack_proto::events::v1::{PositionReport, topics};
use prost::Message as _;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use super::{BoxError, metrics as m};
use crate::{domain::Fix, store::Store};

pub const GROUP: &str = "porttrack-routes";
const BATCH: usize = 500;

fn decode(record: &Record) -> Option<Fix> {
    let fix = PositionReport::decode(record.payload.as_ref())
        .ok()
        .and_then(|e| Fix::from_event(&e));
    if fix.is_none() {
        // A record we cannot read must not stop the partition behind it.
        tracing::warn!(
            partition = record.partition,
            offset = record.offset,
            "unreadable position skipped"
        );
    }
    fix
}

/// Applies positions until draining starts, then commits what it applied.
pub async fn positions_loop(
    bus: EventBus,
    store: Store,
    drain: CancellationToken,
) -> Result<(), BoxError> {
    m::describe();
    let mut consumer = bus.group_consumer(GROUP, &[topics::POSITIONS])?;
    let mut records = Vec::with_capacity(BATCH);
    loop {
        records.clear();
        tokio::select! {
            () = drain.cancelled() => return Ok(consumer.commit().await?),
            received = consumer.recv_batch(BATCH, &mut records) => received?,
        }
        // Zones change rarely; reading them per batch picks up new ones
        // within one batch.
        let zones = retry(&drain, || store.zones(None, "", 0)).await?;
        for record in &records {
            let span = consumer.process_span(std::slice::from_ref(record));
            if let Some(fix) = span.in_scope(|| decode(record)) {
                let applied = retry(&drain, || store.apply_fix(&fix, &zones))
                    .instrument(span)
                    .await?;
                m::applied(&applied);
            }
            consumer.mark_done(record);
        }
        if let Err(err) = consumer.commit().await {
            // Not fatal: the positions are applied; a later commit covers
            // them, and a replay is harmless.
            tracing::warn!(error = %err, "offset commit failed");
        }
    }
}

/// The database may be briefly away (failover): retry rather than skip,
/// since the offsets must not pass what is not applied.
async fn retry<T, F, Fut>(drain: &CancellationToken, mut op: F) -> Result<T, BoxError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, crate::store::StoreError>>,
{
    let mut backoff = Duration::from_millis(100);
    loop {
        match op().await {
            Ok(v) => return Ok(v),
            Err(err) if drain.is_cancelled() => return Err(err.into()),
            Err(err) => {
                tracing::warn!(error = %err, "applying positions failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}
