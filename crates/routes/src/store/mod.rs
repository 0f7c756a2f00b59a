//! Persistence through sqlx's `Any` driver: the same queries on PostgreSQL
//! and SQLite.
//!
//! - Every change to a port call bumps its `version` with
//!   `UPDATE .. WHERE version = <expected>`, so of two writers that read
//!   the same version only the first succeeds.
//! - Creates may carry an idempotency key, inserted in the same transaction
//!   as what it creates, so a retry gets the original back.
//! - Every change writes its event to the outbox in the same transaction.
//! - [`positions`] applies the position stream: zones per vessel, zone
//!   events, and port calls moved by arrival and departure.

mod board;
mod outbox;
mod positions;
mod sql;

use sqlx::{AnyPool, migrate::Migrator};

use sql::{
    CALL_COLUMNS, ZONE_COLUMNS, announce, call_row, check_berth, claim_key, load_call, set_column,
    set_state, to_json, zone_row,
};

pub use porttrack_platform::outbox::Pending;
pub use positions::Applied;

use crate::domain::{
    NewPortCall, NewZone, PortCall, PortCallChange, PortCallState, Zone, ZoneKind,
};

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    NotFound(String),
    #[error("version {expected} is not the port call's current version {current}")]
    VersionMismatch { expected: i64, current: i64 },
    #[error("{0}")]
    Conflict(String),
    /// A field refers to something that does not fit (an unknown berth, a
    /// state change the table refuses).
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
}

/// Which port calls to list; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub mmsi: Option<u32>,
    pub state: Option<PortCallState>,
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
}

impl Store {
    pub fn new(pool: AnyPool) -> Self {
        Self { pool }
    }

    /// The pool, for the outbox relay.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Returns the zone and whether this call created it.
    pub async fn create_zone(
        &self,
        new: &NewZone,
        key: Option<&str>,
        now_ms: i64,
    ) -> Result<(Zone, bool), StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = new_id();
        if let Some(key) = key
            && let Some(original) =
                claim_key(&mut tx, "zone", key, &id, &format!("{new:?}")).await?
        {
            drop(tx);
            return Ok((self.zone(&original).await?, false));
        }
        sqlx::query(&format!(
            "INSERT INTO zones ({ZONE_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"
        ))
        .bind(&id)
        .bind(&new.name)
        .bind(new.kind.as_str())
        .bind(to_json(new.polygon.points()))
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((self.zone(&id).await?, true))
    }

    pub async fn zone(&self, id: &str) -> Result<Zone, StoreError> {
        let row = sqlx::query(&format!("SELECT {ZONE_COLUMNS} FROM zones WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("zone {id}")))?;
        Ok(zone_row(&row)?)
    }

    /// Zones in id order after `after`; `limit` 0 means all.
    pub async fn zones(
        &self,
        kind: Option<ZoneKind>,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Zone>, StoreError> {
        let kind_filter = if kind.is_some() { " AND kind = $3" } else { "" };
        let sql = format!(
            "SELECT {ZONE_COLUMNS} FROM zones WHERE id > $1{kind_filter} ORDER BY id LIMIT $2"
        );
        let limit = if limit == 0 { i64::MAX } else { limit as i64 };
        let mut query = sqlx::query(&sql).bind(after).bind(limit);
        if let Some(k) = kind {
            query = query.bind(k.as_str());
        }
        let rows = query.fetch_all(&self.pool).await?;
        Ok(rows.iter().map(zone_row).collect::<Result<_, _>>()?)
    }

    /// Returns the port call and whether this call created it.
    pub async fn create_port_call(
        &self,
        new: &NewPortCall,
        key: Option<&str>,
        now_ms: i64,
    ) -> Result<(PortCall, bool), StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = new_id();
        if let Some(key) = key
            && let Some(original) =
                claim_key(&mut tx, "port_call", key, &id, &format!("{new:?}")).await?
        {
            drop(tx);
            return Ok((self.require(&original).await?, false));
        }
        if let Some(berth) = &new.berth_id {
            check_berth(&mut tx, berth).await?;
        }
        sqlx::query(&format!(
            "INSERT INTO port_calls ({CALL_COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8, $9, NULL, 1, $10, $10)"
        ))
        .persistent(false)
        .bind(&id)
        .bind(i64::from(new.mmsi))
        .bind(&new.origin)
        .bind(&new.destination)
        .bind(new.berth_id.clone())
        .bind(new.eta_ms)
        .bind(new.etd_ms)
        .bind(PortCallState::Planned.as_str())
        .bind(to_json(&new.waypoints))
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let call = load_call(&mut tx, &id)
            .await?
            .ok_or_else(|| not_found(&id))?;
        announce(&mut tx, &call, None, now_ms).await?;
        tx.commit().await?;
        Ok((call, true))
    }

    pub async fn port_call(&self, id: &str) -> Result<Option<PortCall>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load_call(&mut conn, id).await
    }

    async fn require(&self, id: &str) -> Result<PortCall, StoreError> {
        self.port_call(id).await?.ok_or_else(|| not_found(id))
    }

    /// Applies `change` if `expected` is the current version; a state
    /// change must be one the transition table allows.
    pub async fn update_port_call(
        &self,
        id: &str,
        expected: i64,
        change: &PortCallChange,
        now_ms: i64,
    ) -> Result<PortCall, StoreError> {
        let mut tx = self.pool.begin().await?;
        // First statement: holds the write lock (SQLite) or the row
        // (PostgreSQL) for the rest of the transaction.
        let bumped = sqlx::query(
            "UPDATE port_calls SET version = version + 1, updated_at_ms = $3
             WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(expected)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let old = load_call(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
        if bumped == 0 {
            return Err(StoreError::VersionMismatch {
                expected,
                current: old.version,
            });
        }
        if let Some(to) = change.state.filter(|s| *s != old.state) {
            crate::domain::check_transition(old.state, to).map_err(|reason| {
                StoreError::Invalid {
                    field: "state",
                    reason,
                }
            })?;
            set_state(&mut tx, id, to, now_ms).await?;
        }
        match change.berth_id.as_deref() {
            Some("") => set_column(&mut tx, id, "berth_id", None::<String>).await?,
            Some(b) => {
                check_berth(&mut tx, b).await?;
                set_column(&mut tx, id, "berth_id", Some(b.to_owned())).await?;
            }
            None => {}
        }
        if let Some(eta) = change.eta_ms {
            set_column(&mut tx, id, "eta_ms", Some(eta)).await?;
        }
        if let Some(etd) = change.etd_ms {
            set_column(&mut tx, id, "etd_ms", Some(etd).filter(|e| *e > 0)).await?;
        }
        let call = load_call(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
        announce(&mut tx, &call, Some(old.state), now_ms).await?;
        tx.commit().await?;
        Ok(call)
    }

    /// Port calls in id order after `after`.
    pub async fn port_calls(
        &self,
        filter: &Filter,
        after: &str,
        limit: usize,
    ) -> Result<Vec<PortCall>, StoreError> {
        let mut sql = format!("SELECT {CALL_COLUMNS} FROM port_calls WHERE id > $1");
        let mut n = 1;
        if filter.state.is_some() {
            n += 1;
            sql.push_str(&format!(" AND state = ${n}"));
        }
        if filter.mmsi.is_some() {
            n += 1;
            sql.push_str(&format!(" AND mmsi = ${n}"));
        }
        sql.push_str(&format!(" ORDER BY id LIMIT ${}", n + 1));
        let mut query = sqlx::query(&sql).bind(after);
        if let Some(s) = filter.state {
            query = query.bind(s.as_str());
        }
        if let Some(m) = filter.mmsi {
            query = query.bind(i64::from(m));
        }
        let rows = query.bind(limit as i64).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(call_row).collect::<Result<_, _>>()?)
    }
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub(super) fn not_found(id: &str) -> StoreError {
    StoreError::NotFound(format!("port call {id}"))
}
