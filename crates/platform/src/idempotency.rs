//! Retry-safe creates: the first request under an idempotency key records
//! what it created, in the same transaction; a retry under the same key
//! gets that back instead of a duplicate. Each service's migrations create
//! the table:
//!
//! ```sql
//! CREATE TABLE IF NOT EXISTS idempotency_keys (
//!     scope TEXT NOT NULL,          -- what kind of resource ("manifest")
//!     idem_key TEXT NOT NULL,
//!     resource_id TEXT NOT NULL,
//!     fingerprint TEXT NOT NULL,    -- the request, to refuse reuse for another
//!     created_at_ms BIGINT NOT NULL,
//!     PRIMARY KEY (scope, idem_key)
//! );
//! ```

use sqlx::{AnyConnection, Row};

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First use: go on and create the resource.
    New,
    /// A retry: the resource this key created.
    Replay(String),
    /// The key was used for a different request.
    Reused,
}

/// What a client is told when it reuses a key for another request.
pub const REUSED: &str = "this idempotency key was already used for a different request";

/// Records `key` for `resource_id` in the caller's transaction.
pub async fn claim(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
    resource_id: &str,
    fingerprint: &str,
    now_ms: i64,
) -> Result<Claim, sqlx::Error> {
    // A concurrent first use of the key holds the row until it commits;
    // this insert waits for it and then sees it.
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (scope, idem_key, resource_id, fingerprint, created_at_ms)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope, idem_key) DO NOTHING",
    )
    .bind(scope)
    .bind(key)
    .bind(resource_id)
    .bind(fingerprint)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(Claim::New);
    }
    let row = sqlx::query(
        "SELECT resource_id, fingerprint FROM idempotency_keys WHERE scope = $1 AND idem_key = $2",
    )
    .bind(scope)
    .bind(key)
    .fetch_one(&mut *conn)
    .await?;
    let stored: String = row.try_get("fingerprint")?;
    Ok(if stored == fingerprint {
        Claim::Replay(row.try_get("resource_id")?)
    } else {
        Claim::Reused
    })
}
