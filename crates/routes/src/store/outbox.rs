//! The outbox: events stored with the change they announce, so a change is
//! never committed without its event (see [`crate::events`]).

use std::fmt::Write as _;

use sqlx::{AnyConnection, Row};

use super::{Store, StoreError};

/// An event waiting for the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: String,
    pub topic: String,
    pub key: String,
    pub payload: Vec<u8>,
}

impl Store {
    /// The oldest waiting events, in the order their changes committed.
    pub async fn outbox(&self, limit: usize) -> Result<Vec<Pending>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, topic, event_key, payload_hex FROM outbox
             ORDER BY created_at_ms, id LIMIT $1",
        )
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let hex: String = r.try_get("payload_hex")?;
                Ok(Pending {
                    id: r.try_get("id")?,
                    topic: r.try_get("topic")?,
                    key: r.try_get("event_key")?,
                    payload: from_hex(&hex).ok_or_else(|| super::sql::corrupt("payload_hex"))?,
                })
            })
            .collect()
    }

    /// Forgets events the broker has confirmed.
    pub async fn outbox_done(&self, ids: &[String]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for id in ids {
            sqlx::query("DELETE FROM outbox WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Stores an event in the caller's transaction.
pub(super) async fn enqueue(
    conn: &mut AnyConnection,
    topic: &str,
    key: &str,
    payload: &[u8],
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (id, topic, event_key, payload_hex, created_at_ms)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(super::new_id())
    .bind(topic)
    .bind(key)
    .bind(to_hex(payload))
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
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
