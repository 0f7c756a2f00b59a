//! The transactional outbox: a service writes each event into its own
//! database in the same transaction as the change it announces, and
//! [`relay`] publishes waiting events in order, deleting them once the
//! broker confirms. A committed change therefore always reaches Kafka, at
//! least once; consumers recognise replays by the event's version or id.
//!
//! Each service's migrations create the table:
//!
//! ```sql
//! CREATE TABLE IF NOT EXISTS outbox (
//!     id TEXT PRIMARY KEY,          -- UUIDv7: orders events within a millisecond
//!     topic TEXT NOT NULL,          -- logical topic name
//!     event_key TEXT NOT NULL,
//!     payload_hex TEXT NOT NULL,    -- hex: the `Any` driver has no portable BLOB
//!     created_at_ms BIGINT NOT NULL
//! );
//! CREATE INDEX IF NOT EXISTS outbox_order ON outbox (created_at_ms, id);
//! -- W3C traceparent of the request that made the change, when traced:
//! -- the relay publishes the event in that request's trace.
//! ALTER TABLE outbox ADD COLUMN traceparent TEXT;
//! ```

use std::{fmt::Write as _, time::Duration};

use sqlx::{AnyConnection, AnyPool, Row};
use tokio_util::sync::CancellationToken;

use crate::{EventBus, OutRecord, trace};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Events published per round trip to the broker.
const BATCH: usize = 256;
/// How often an idle relay looks for new events.
const POLL: Duration = Duration::from_millis(100);

/// An event waiting for the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: String,
    pub topic: String,
    pub key: String,
    pub payload: Vec<u8>,
    pub traceparent: Option<String>,
}

/// Stores an event in the caller's transaction.
pub async fn enqueue(
    conn: &mut AnyConnection,
    topic: &str,
    key: &str,
    payload: &[u8],
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let traceparent = trace::record_headers(&tracing::Span::current())
        .into_iter()
        .find_map(|(k, v)| (k == "traceparent").then_some(v));
    sqlx::query(
        "INSERT INTO outbox (id, topic, event_key, payload_hex, created_at_ms, traceparent)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(topic)
    .bind(key)
    .bind(to_hex(payload))
    .bind(now_ms)
    .bind(traceparent)
    .execute(conn)
    .await?;
    Ok(())
}

/// The oldest waiting events, in the order their changes committed.
pub async fn waiting(pool: &AnyPool, limit: usize) -> Result<Vec<Pending>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, topic, event_key, payload_hex, traceparent FROM outbox
         ORDER BY created_at_ms, id LIMIT $1",
    )
    .bind(limit as i64)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let hex: String = r.try_get("payload_hex")?;
            Ok(Pending {
                id: r.try_get("id")?,
                topic: r.try_get("topic")?,
                key: r.try_get("event_key")?,
                payload: from_hex(&hex).ok_or_else(|| sqlx::Error::ColumnDecode {
                    index: "payload_hex".into(),
                    source: "not hexadecimal".into(),
                })?,
                traceparent: r.try_get("traceparent")?,
            })
        })
        .collect()
}

/// Forgets events the broker has confirmed.
pub async fn confirmed(pool: &AnyPool, ids: &[String]) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    for id in ids {
        sqlx::query("DELETE FROM outbox WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// Publishes the outbox until draining starts, finishing the batch in hand.
/// Trouble with the database or the broker is retried, never skipped:
/// later events of a key must not overtake earlier ones.
pub async fn relay(bus: EventBus, pool: AnyPool, drain: CancellationToken) -> Result<(), BoxError> {
    let mut backoff = POLL;
    loop {
        let published = match relay_once(&bus, &pool).await {
            Ok(n) => {
                backoff = POLL;
                n
            }
            Err(err) => {
                tracing::warn!(error = %err, "outbox relay failed; retrying");
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
async fn relay_once(bus: &EventBus, pool: &AnyPool) -> Result<usize, BoxError> {
    let batch = waiting(pool, BATCH).await?;
    let mut pending = Vec::with_capacity(batch.len());
    for event in &batch {
        let origin = trace::resumed("relay outbox", event.traceparent.as_deref());
        let sent = origin.in_scope(|| {
            bus.send(OutRecord {
                topic: &event.topic,
                key: event.key.as_bytes(),
                payload: &event.payload,
                headers: &[],
            })
        })?;
        pending.push(sent);
    }
    for p in pending {
        p.wait().await?;
    }
    let ids: Vec<String> = batch.into_iter().map(|e| e.id).collect();
    confirmed(pool, &ids).await?;
    Ok(ids.len())
}

fn to_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_round_trips_and_refuses_garbage() {
        let bytes = [0u8, 1, 0x7f, 0x80, 0xff];
        assert_eq!(super::to_hex(&bytes), "00017f80ff");
        assert_eq!(super::from_hex("00017f80ff").unwrap(), bytes);
        assert_eq!(super::from_hex("0"), None);
        assert_eq!(super::from_hex("zz"), None);
    }
}
