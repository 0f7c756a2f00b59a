//! Statements shared by the store's transactions, and row decoding.

use porttrack_platform::idempotency::{self, Claim};
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::{StoreError, outbox};
use crate::{
    domain::{LonLat, Polygon, PortCall, PortCallState, Zone, ZoneKind},
    events,
};

pub(super) const ZONE_COLUMNS: &str = "id, name, kind, ring_json, created_at_ms";
pub(super) const CALL_COLUMNS: &str = "id, mmsi, origin, destination, berth_id, eta_ms, etd_ms, \
     ata_ms, atd_ms, state, waypoints_json, estimated_arrival_ms, version, created_at_ms, updated_at_ms";

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

pub(super) async fn load_call(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<PortCall>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CALL_COLUMNS} FROM port_calls WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().map(call_row).transpose()?)
}

/// A stored value this release cannot read: only if the schema was
/// written by something else.
pub(super) fn corrupt(column: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: "unexpected stored value".into(),
    }
}

/// A berth id must name a zone of kind berth.
pub(super) async fn check_berth(conn: &mut AnyConnection, id: &str) -> Result<(), StoreError> {
    let kind: Option<String> = sqlx::query("SELECT kind FROM zones WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .map(|r| r.try_get("kind"))
        .transpose()?;
    match kind.as_deref() {
        Some(k) if k == ZoneKind::Berth.as_str() => Ok(()),
        Some(k) => Err(StoreError::Invalid {
            field: "berth_id",
            reason: format!("zone {id} is a {k} zone, not a berth"),
        }),
        None => Err(StoreError::Invalid {
            field: "berth_id",
            reason: format!("no zone {id}"),
        }),
    }
}

/// Sets the state, and the actual arrival or departure time with it.
pub(super) async fn set_state(
    conn: &mut AnyConnection,
    id: &str,
    to: PortCallState,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    let actual = match to {
        PortCallState::Berthed => ", ata_ms = $3",
        PortCallState::Departed => ", atd_ms = $3",
        _ => "",
    };
    let sql = format!("UPDATE port_calls SET state = $2{actual} WHERE id = $1");
    let mut query = sqlx::query(&sql).bind(id).bind(to.as_str());
    if !actual.is_empty() {
        query = query.bind(at_ms);
    }
    query.execute(conn).await?;
    Ok(())
}

pub(super) async fn set_column<T>(
    conn: &mut AnyConnection,
    id: &str,
    column: &'static str,
    value: Option<T>,
) -> Result<(), sqlx::Error>
where
    T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + 'static,
{
    // Not cached: a NULL bound first must not fix the parameter's type.
    sqlx::query(&format!(
        "UPDATE port_calls SET {column} = $2 WHERE id = $1"
    ))
    .persistent(false)
    .bind(id)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

/// Queues the event announcing `call` as it is now.
pub(super) async fn announce(
    conn: &mut AnyConnection,
    call: &PortCall,
    previous: Option<PortCallState>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let payload = events::port_call_event(call, previous, now_ms);
    let topic = porttrack_proto::routes::v1::topics::PORT_CALLS;
    outbox::enqueue(conn, topic, &call.id, &payload, now_ms).await
}

pub(super) fn to_json(points: &[LonLat]) -> String {
    serde_json::to_string(points).unwrap_or_else(|_| "[]".into())
}

fn points(row: &AnyRow, column: &str) -> Result<Vec<LonLat>, sqlx::Error> {
    let raw: String = row.try_get(column)?;
    serde_json::from_str(&raw).map_err(|_| corrupt(column))
}

fn mmsi(row: &AnyRow) -> Result<u32, sqlx::Error> {
    u32::try_from(row.try_get::<i64, _>("mmsi")?).map_err(|_| corrupt("mmsi"))
}

pub(super) fn zone_row(row: &AnyRow) -> Result<Zone, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    Ok(Zone {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: ZoneKind::parse("kind", &kind).map_err(|_| corrupt("kind"))?,
        polygon: Polygon::parse("ring", &points(row, "ring_json")?)
            .map_err(|_| corrupt("ring_json"))?,
        created_at_ms: row.try_get("created_at_ms")?,
    })
}

pub(super) fn call_row(row: &AnyRow) -> Result<PortCall, sqlx::Error> {
    let state: String = row.try_get("state")?;
    Ok(PortCall {
        id: row.try_get("id")?,
        mmsi: mmsi(row)?,
        origin: row.try_get("origin")?,
        destination: row.try_get("destination")?,
        berth_id: row.try_get("berth_id")?,
        eta_ms: row.try_get("eta_ms")?,
        etd_ms: row.try_get("etd_ms")?,
        ata_ms: row.try_get("ata_ms")?,
        atd_ms: row.try_get("atd_ms")?,
        state: PortCallState::parse("state", &state).map_err(|_| corrupt("state"))?,
        waypoints: points(row, "waypoints_json")?,
        estimated_arrival_ms: row.try_get("estimated_arrival_ms")?,
        version: row.try_get("version")?,
        created_at_ms: row.try_get("created_at_ms")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
    })
}

pub(super) fn mmsi_of(row: &AnyRow) -> Result<u32, sqlx::Error> {
    mmsi(row)
}
