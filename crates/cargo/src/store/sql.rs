//! The statements inside a store transaction, and row decoding.

use porttrack_platform::idempotency::{self, Claim};
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::{StoreError, not_found};
use crate::domain::{
    ContainerNumber, DangerousGoods, ImdgClass, Item, ItemKind, ItemSpec, ItemStatus, Manifest,
    ManifestStatus, UnNumber,
};

pub(super) const MANIFEST_COLUMNS: &str =
    "id, port_call_id, mmsi, eta_ms, declared_at_ms, status, version, updated_at_ms";
pub(super) const ITEM_COLUMNS: &str = "id, manifest_id, kind, container_number, description, weight_kg, \
     status, hold, un_number, imdg_class, declared_at_ms";

/// Claims an idempotency key (see `porttrack_platform::idempotency`):
/// `Some(id)` is what an earlier request under the key created.
pub(super) async fn claim_key(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
    resource_id: &str,
    fingerprint: &str,
) -> Result<Option<String>, StoreError> {
    match idempotency::claim(
        conn,
        scope,
        key,
        resource_id,
        fingerprint,
        porttrack_platform::time::now_ms(),
    )
    .await?
    {
        Claim::New => Ok(None),
        Claim::Replay(id) => Ok(Some(id)),
        Claim::Reused => Err(StoreError::Conflict(idempotency::REUSED.into())),
    }
}

/// Moves the manifest to its next version, first thing in the transaction
/// so it holds the write lock (SQLite) or the row (PostgreSQL) from then on.
pub(super) async fn bump(
    conn: &mut AnyConnection,
    id: &str,
    expected: Option<i64>,
    must_be_open: bool,
    now_ms: i64,
) -> Result<(), StoreError> {
    let open = if must_be_open {
        " AND status = 'open'"
    } else {
        ""
    };
    let guard = match expected {
        Some(_) => " AND version = $3",
        None => "",
    };
    let sql = format!(
        "UPDATE manifests SET version = version + 1, updated_at_ms = $2 WHERE id = $1{guard}{open}"
    );
    let mut query = sqlx::query(&sql).bind(id).bind(now_ms);
    if let Some(v) = expected {
        query = query.bind(v);
    }
    let updated = query.execute(&mut *conn).await?.rows_affected();
    if updated == 1 {
        return Ok(());
    }
    let row = sqlx::query("SELECT version, status FROM manifests WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| not_found(id))?;
    let current: i64 = row.try_get("version")?;
    let status: String = row.try_get("status")?;
    match expected {
        Some(expected) if expected != current => {
            Err(StoreError::VersionMismatch { expected, current })
        }
        _ if must_be_open && status != ManifestStatus::Open.as_str() => Err(StoreError::Conflict(
            format!("manifest {id} is {status}: its items can no longer change"),
        )),
        _ => Err(StoreError::Conflict(format!(
            "manifest {id} changed meanwhile"
        ))),
    }
}

pub(super) async fn write_item(
    conn: &mut AnyConnection,
    manifest_id: &str,
    item_id: &str,
    spec: &ItemSpec,
    declared_at_ms: i64,
    insert: bool,
) -> Result<(), sqlx::Error> {
    let sql = if insert {
        format!(
            "INSERT INTO cargo_items ({ITEM_COLUMNS}, updated_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
        )
    } else {
        "UPDATE cargo_items SET kind = $3, container_number = $4, description = $5,
           weight_kg = $6, status = $7, hold = $8, un_number = $9, imdg_class = $10,
           declared_at_ms = $11, updated_at_ms = $11
         WHERE id = $1 AND manifest_id = $2"
            .to_owned()
    };
    let dg = spec.dangerous_goods;
    // Not cached: optional values bound as NULL must not fix a statement's
    // parameter types (see the ships store).
    sqlx::query(&sql)
        .persistent(false)
        .bind(item_id)
        .bind(manifest_id)
        .bind(spec.kind.as_str())
        .bind(
            spec.container_number
                .as_ref()
                .map(|c| c.as_str().to_owned()),
        )
        .bind(&spec.description)
        .bind(spec.weight_kg as i64)
        .bind(spec.status.as_str())
        .bind(spec.hold.map(i64::from))
        .bind(dg.map(|d| i64::from(d.un_number.get())))
        .bind(dg.map(|d| d.class.to_string()))
        .bind(declared_at_ms)
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn load(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<Manifest>, StoreError> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {MANIFEST_COLUMNS} FROM manifests WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let mut manifest = manifest_row(&row)?;
    let items = sqlx::query(&format!(
        "SELECT {ITEM_COLUMNS} FROM cargo_items WHERE manifest_id = $1 ORDER BY id"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    manifest.items = items.iter().map(item_row).collect::<Result<_, _>>()?;
    Ok(Some(manifest))
}

/// A stored value this release cannot read: only if the schema was
/// written by something else.
pub(super) fn corrupt(column: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: "unexpected stored value".into(),
    }
}

pub(super) fn manifest_row(row: &AnyRow) -> Result<Manifest, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Manifest {
        id: row.try_get("id")?,
        port_call_id: row.try_get("port_call_id")?,
        mmsi: u32::try_from(row.try_get::<i64, _>("mmsi")?).map_err(|_| corrupt("mmsi"))?,
        eta_ms: row.try_get("eta_ms")?,
        declared_at_ms: row.try_get("declared_at_ms")?,
        status: ManifestStatus::parse("status", &status).map_err(|_| corrupt("status"))?,
        version: row.try_get("version")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
        items: Vec::new(),
    })
}

pub(super) fn item_row(row: &AnyRow) -> Result<Item, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let container: Option<String> = row.try_get("container_number")?;
    let un: Option<i64> = row.try_get("un_number")?;
    let class: Option<String> = row.try_get("imdg_class")?;
    let dangerous_goods = match (un, class) {
        (Some(un), Some(class)) => Some(DangerousGoods {
            un_number: UnNumber::from_stored(un).ok_or_else(|| corrupt("un_number"))?,
            class: ImdgClass::parse(&class).map_err(|_| corrupt("imdg_class"))?,
        }),
        _ => None,
    };
    let hold: Option<i64> = row.try_get("hold")?;
    Ok(Item {
        id: row.try_get("id")?,
        declared_at_ms: row.try_get("declared_at_ms")?,
        spec: ItemSpec {
            kind: ItemKind::parse("kind", &kind).map_err(|_| corrupt("kind"))?,
            container_number: container
                .map(|c| ContainerNumber::parse(&c).map_err(|_| corrupt("container_number")))
                .transpose()?,
            description: row.try_get("description")?,
            weight_kg: u64::try_from(row.try_get::<i64, _>("weight_kg")?)
                .map_err(|_| corrupt("weight_kg"))?,
            status: ItemStatus::parse("status", &status).map_err(|_| corrupt("status"))?,
            hold: hold.and_then(|h| u32::try_from(h).ok()),
            dangerous_goods,
        },
    })
}
