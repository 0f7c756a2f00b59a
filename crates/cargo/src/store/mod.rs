//! Persistence through sqlx's `Any` driver: the same queries on PostgreSQL
//! and SQLite.
//!
//! - Every change to a manifest or its items bumps the manifest's
//!   `version` with `UPDATE .. WHERE version = <expected>`, so of two
//!   writers that read the same version only the first succeeds.
//! - Creates may carry an idempotency key: the key is inserted in the same
//!   transaction as what it creates, so a retry finds the key and gets the
//!   original back, never a duplicate.
//! - Every change writes its event to the outbox in the same transaction.

mod outbox;
mod sql;

use porttrack_proto::cargo::v1::ManifestEventKind;
use sqlx::{AnyPool, Row, migrate::Migrator};

use sql::{
    ITEM_COLUMNS, MANIFEST_COLUMNS, bump, claim_key, item_row, load, manifest_row, write_item,
};

pub use porttrack_platform::outbox::Pending;

use crate::domain::{ContainerNumber, Item, ItemSpec, Manifest, ManifestStatus, NewManifest};

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    NotFound(String),
    #[error("version {expected} is not the manifest's current version {current}")]
    VersionMismatch { expected: i64, current: i64 },
    #[error("{0}")]
    Conflict(String),
}

/// What to list; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub mmsi: Option<u32>,
    pub port_call_id: Option<String>,
    pub status: Option<ManifestStatus>,
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

    /// Returns the manifest and whether this call created it (`false`:
    /// a retry with a known key, answered with the original).
    pub async fn create_manifest(
        &self,
        new: &NewManifest,
        key: Option<&str>,
        now_ms: i64,
    ) -> Result<(Manifest, bool), StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = new_id();
        let fingerprint = format!("{}|{}|{}", new.port_call_id, new.mmsi, new.eta_ms);
        if let Some(key) = key
            && let Some(original) = claim_key(&mut tx, "manifest", key, &id, &fingerprint).await?
        {
            drop(tx);
            return Ok((self.require(&original).await?, false));
        }
        let inserted = sqlx::query(&format!(
            "INSERT INTO manifests ({MANIFEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, 1, $5)"
        ))
        .bind(&id)
        .bind(&new.port_call_id)
        .bind(i64::from(new.mmsi))
        .bind(new.eta_ms)
        .bind(now_ms)
        .bind(ManifestStatus::Open.as_str())
        .execute(&mut *tx)
        .await;
        if let Err(err) = inserted {
            return Err(if is_unique_violation(&err) {
                StoreError::Conflict(format!(
                    "port call {} already has a manifest",
                    new.port_call_id
                ))
            } else {
                err.into()
            });
        }
        let manifest = load(&mut tx, &id).await?.ok_or_else(|| not_found(&id))?;
        outbox::enqueue(&mut tx, ManifestEventKind::Created, &manifest, now_ms).await?;
        tx.commit().await?;
        Ok((manifest, true))
    }

    /// The manifest with its items.
    pub async fn manifest(&self, id: &str) -> Result<Option<Manifest>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load(&mut conn, id).await
    }

    async fn require(&self, id: &str) -> Result<Manifest, StoreError> {
        self.manifest(id).await?.ok_or_else(|| not_found(id))
    }

    pub async fn update_manifest(
        &self,
        id: &str,
        expected: i64,
        eta_ms: Option<i64>,
        status: Option<ManifestStatus>,
        now_ms: i64,
    ) -> Result<Manifest, StoreError> {
        let mut tx = self.pool.begin().await?;
        bump(&mut tx, id, Some(expected), false, now_ms).await?;
        if let Some(eta) = eta_ms {
            sqlx::query("UPDATE manifests SET eta_ms = $2 WHERE id = $1")
                .bind(id)
                .bind(eta)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(status) = status {
            sqlx::query("UPDATE manifests SET status = $2 WHERE id = $1")
                .bind(id)
                .bind(status.as_str())
                .execute(&mut *tx)
                .await?;
        }
        let manifest = load(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
        outbox::enqueue(&mut tx, ManifestEventKind::Updated, &manifest, now_ms).await?;
        tx.commit().await?;
        Ok(manifest)
    }

    /// Adds an item to an open manifest; `expected` is checked when given.
    pub async fn add_item(
        &self,
        manifest_id: &str,
        spec: &ItemSpec,
        key: Option<&str>,
        expected: Option<i64>,
        now_ms: i64,
    ) -> Result<(Manifest, bool), StoreError> {
        let mut tx = self.pool.begin().await?;
        let item_id = new_id();
        if let Some(key) = key {
            let scope = format!("item:{manifest_id}");
            let fingerprint = format!("{spec:?}");
            if claim_key(&mut tx, &scope, key, &item_id, &fingerprint)
                .await?
                .is_some()
            {
                drop(tx);
                return Ok((self.require(manifest_id).await?, false));
            }
        }
        bump(&mut tx, manifest_id, expected, true, now_ms).await?;
        write_item(&mut tx, manifest_id, &item_id, spec, now_ms, true).await?;
        let manifest = load(&mut tx, manifest_id)
            .await?
            .ok_or_else(|| not_found(manifest_id))?;
        outbox::enqueue(&mut tx, ManifestEventKind::ItemAdded, &manifest, now_ms).await?;
        tx.commit().await?;
        Ok((manifest, true))
    }

    /// Replaces an item. Its declaration time moves to now only when its
    /// dangerous goods change.
    pub async fn update_item(
        &self,
        manifest_id: &str,
        item_id: &str,
        spec: &ItemSpec,
        expected: i64,
        now_ms: i64,
    ) -> Result<Manifest, StoreError> {
        let mut tx = self.pool.begin().await?;
        bump(&mut tx, manifest_id, Some(expected), true, now_ms).await?;
        let old = sqlx::query(&format!(
            "SELECT {ITEM_COLUMNS} FROM cargo_items WHERE id = $1 AND manifest_id = $2"
        ))
        .bind(item_id)
        .bind(manifest_id)
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(item_row)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("item {item_id}")))?;
        let declared_at = if old.spec.dangerous_goods == spec.dangerous_goods {
            old.declared_at_ms
        } else {
            now_ms
        };
        write_item(&mut tx, manifest_id, item_id, spec, declared_at, false).await?;
        let manifest = load(&mut tx, manifest_id)
            .await?
            .ok_or_else(|| not_found(manifest_id))?;
        outbox::enqueue(&mut tx, ManifestEventKind::ItemUpdated, &manifest, now_ms).await?;
        tx.commit().await?;
        Ok(manifest)
    }

    /// Manifests (without items) in id order after `after`.
    pub async fn list(
        &self,
        filter: &Filter,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Manifest>, StoreError> {
        let mut sql = format!("SELECT {MANIFEST_COLUMNS} FROM manifests WHERE id > $1");
        let mut texts = vec![after.to_owned()];
        let mut mmsi = None;
        if let Some(p) = &filter.port_call_id {
            texts.push(p.clone());
            sql.push_str(&format!(" AND port_call_id = ${}", texts.len()));
        }
        if let Some(s) = filter.status {
            texts.push(s.as_str().to_owned());
            sql.push_str(&format!(" AND status = ${}", texts.len()));
        }
        if let Some(m) = filter.mmsi {
            mmsi = Some(i64::from(m));
            sql.push_str(&format!(" AND mmsi = ${}", texts.len() + 1));
        }
        let n = texts.len() + usize::from(mmsi.is_some()) + 1;
        sql.push_str(&format!(" ORDER BY id LIMIT ${n}"));
        let mut query = sqlx::query(&sql);
        for t in texts {
            query = query.bind(t);
        }
        if let Some(m) = mmsi {
            query = query.bind(m);
        }
        let rows = query.bind(limit as i64).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(manifest_row).collect::<Result<_, _>>()?)
    }

    /// Every item with this container number, with its manifest (items
    /// left out).
    pub async fn find_container(
        &self,
        number: &ContainerNumber,
    ) -> Result<Vec<(Manifest, Item)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ITEM_COLUMNS} FROM cargo_items WHERE container_number = $1 ORDER BY manifest_id, id"
        ))
        .bind(number.as_str())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let manifest_id: String = row.try_get("manifest_id")?;
            let mut manifest = self.require(&manifest_id).await?;
            manifest.items.clear();
            out.push((manifest, item_row(row)?));
        }
        Ok(out)
    }
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub(super) fn not_found(id: &str) -> StoreError {
    StoreError::NotFound(format!("manifest {id}"))
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}
