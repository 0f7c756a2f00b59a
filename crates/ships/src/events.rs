//! Kafka in: two loops per replica.
//!
//! - The **store** loop is a member of the `porttrack-ships` consumer group:
//!   replicas share the partitions, each record is written once to the
//!   shared database, and offsets are committed only after the write.
//! - The **index** loop reads every partition (no group), so any replica
//!   answers for any vessel. It starts from the store group's committed
//!   offsets after loading the database: everything before those offsets is
//!   in the database, everything after is replayed, and replays are no-ops
//!   because the newest report per vessel wins.

use std::time::Duration;

use porttrack_platform::{BusError, EventBus, Record};
use porttrack_proto::events::v1::{PositionReport, VesselStatic, topics};
use prost::Message as _;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use crate::{
    domain::Position,
    live::Live,
    metrics as m,
    store::{Change, Store},
};

pub const STORE_GROUP: &str = "porttrack-ships";
const BATCH: usize = 500;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn decode(record: &Record) -> Option<Change> {
    let decoded = match &*record.topic {
        topics::POSITIONS => PositionReport::decode(record.payload.as_ref())
            .ok()
            .and_then(|e| Position::from_event(&e))
            .map(Change::Position),
        topics::STATIC => VesselStatic::decode(record.payload.as_ref())
            .ok()
            .map(Change::Static),
        _ => None,
    };
    if decoded.is_none() {
        // A record we cannot read must not stop the partition behind it.
        metrics::counter!(m::UNREADABLE, "topic" => record.topic.to_string()).increment(1);
        tracing::warn!(topic = %record.topic, partition = record.partition, offset = record.offset, "unreadable record skipped");
    }
    decoded
}

/// The store loop. Returns when draining starts, after committing what
/// it stored.
pub async fn store_loop(
    bus: EventBus,
    store: Store,
    drain: CancellationToken,
) -> Result<(), BoxError> {
    let mut consumer = bus.group_consumer(STORE_GROUP, &[topics::POSITIONS, topics::STATIC])?;
    let mut records = Vec::with_capacity(BATCH);
    let mut changes = Vec::with_capacity(BATCH);
    loop {
        records.clear();
        tokio::select! {
            () = drain.cancelled() => return Ok(consumer.commit().await?),
            received = consumer.recv_batch(BATCH, &mut records) => received?,
        }
        let span = consumer.process_span(&records);
        changes.clear();
        span.in_scope(|| changes.extend(records.iter().filter_map(decode)));
        // The database may be briefly away (failover): retry rather than
        // skip, since the offsets must not pass what is not stored.
        let mut backoff = Duration::from_millis(100);
        while let Err(err) = store.apply(&changes).instrument(span.clone()).await {
            tracing::warn!(error = %err, "store failed; retrying");
            metrics::counter!(m::STORE_ERRORS).increment(1);
            if drain.is_cancelled() {
                return Err(err.into());
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(5));
        }
        for record in &records {
            consumer.mark_done(record);
        }
        if let Err(err) = consumer.commit().await {
            // Not fatal: the records are stored; a later commit covers them,
            // and a replay after a crash is harmless.
            metrics::counter!(m::COMMIT_ERRORS).increment(1);
            tracing::warn!(error = %err, "offset commit failed");
        }
        metrics::counter!(m::STORED).increment(changes.len() as u64);
    }
}

/// Fills the index from the database, then follows the positions topic.
/// `loaded` is called once the database snapshot is in the index.
pub async fn index_loop(
    bus: EventBus,
    store: Store,
    live: Live,
    drain: CancellationToken,
    loaded: impl FnOnce() + Send,
) -> Result<(), BoxError> {
    let start = committed_or_start(&bus).await?;
    live.load(store.latest_positions().await?);
    tracing::info!(vessels = live.len(), "index loaded from the database");
    loaded();
    let mut reader = bus.reader(topics::POSITIONS, &start).await?;
    let mut records = Vec::with_capacity(BATCH);
    loop {
        records.clear();
        tokio::select! {
            () = drain.cancelled() => return Ok(()),
            received = reader.recv_batch(BATCH, &mut records) => received?,
        }
        {
            let _span = reader.process_span(&records).entered();
            for record in &records {
                if let Some(Change::Position(p)) = decode(record)
                    && live.apply(p)
                {
                    let now = porttrack_platform::time::now_ms();
                    record_event_time_lag(now, &p);
                    record_publish_to_apply(now, record);
                }
            }
        }
        // A fetch can hold thousands of records, all ready at once, so this
        // loop would not give its thread back until they are applied. The
        // subscribers it just woke wait in that thread's queue meanwhile;
        // yielding per batch lets them send what is applied.
        tokio::task::yield_now().await;
    }
}

/// The broker hop and the consumer as the live feed sees them: from the
/// record's timestamp (set when ingest published it) to its application.
fn record_publish_to_apply(now_ms: i64, record: &porttrack_platform::Record) {
    let ms = now_ms.saturating_sub(record.timestamp_ms);
    metrics::histogram!(m::PUBLISH_TO_APPLY).record(ms.max(0) as f64 / 1000.0);
}

/// How far behind the vessel's own clock a live position is applied: the
/// freshness an operator sees. The database snapshot loaded at start is
/// not counted (it is old by design). A timestamp slightly in the future
/// (clock skew the domain tolerates) counts as 0.
fn record_event_time_lag(now_ms: i64, p: &Position) {
    let lag_ms = now_ms.saturating_sub(p.observed_at_ms);
    metrics::histogram!(m::EVENT_TIME_LAG).record(lag_ms.max(0) as f64 / 1000.0);
}

async fn committed_or_start(
    bus: &EventBus,
) -> Result<porttrack_platform::bus::PartitionOffsets, BusError> {
    // The broker may still be electing a coordinator right after start.
    let mut attempt = 0;
    loop {
        match bus.committed_offsets(STORE_GROUP, topics::POSITIONS).await {
            Ok(offsets) => return Ok(offsets),
            Err(err) if attempt < 10 => {
                attempt += 1;
                tracing::info!(error = %err, attempt, "committed offsets not available yet");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(err) => return Err(err),
        }
    }
}
