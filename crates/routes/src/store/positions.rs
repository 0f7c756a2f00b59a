//! The position stream applied to the store, one position per transaction:
//! the vessel's zones, its zone events, and its port call moved on arrival
//! and departure, all committed together with their outbox events.

use std::collections::BTreeSet;

use porttrack_proto::routes::v1::topics;
use sqlx::{AnyConnection, Row};

use super::{
    Store, StoreError, outbox,
    sql::{self, announce, set_state},
};
use crate::{
    domain::{self, Fix, Observation, PortCallState, Zone, geo},
    events,
};

/// What one position changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// False when the position was not newer than the last one applied.
    pub fresh: bool,
    pub entered: Vec<String>,
    pub exited: Vec<String>,
    /// (port call id, from, to).
    pub transitions: Vec<(String, PortCallState, PortCallState)>,
}

impl Store {
    /// Applies `fix` against `zones`. A position not newer than the
    /// vessel's last applied one changes nothing, so a replay emits nothing
    /// twice.
    pub async fn apply_fix(&self, fix: &Fix, zones: &[Zone]) -> Result<Applied, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mmsi = i64::from(fix.mmsi);
        // The upsert comes first so it holds the vessel's row from here on.
        let advanced = sqlx::query(
            "INSERT INTO vessels (mmsi, observed_at_ms) VALUES ($1, $2)
             ON CONFLICT (mmsi) DO UPDATE SET observed_at_ms = excluded.observed_at_ms
             WHERE vessels.observed_at_ms < excluded.observed_at_ms",
        )
        .bind(mmsi)
        .bind(fix.observed_at_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if advanced == 0 {
            return Ok(Applied::default());
        }
        let before = current_zones(&mut tx, mmsi).await?;
        let now: BTreeSet<String> = zones
            .iter()
            .filter(|z| z.polygon.contains(fix.at))
            .map(|z| z.id.clone())
            .collect();
        let entered: Vec<String> = now.difference(&before).cloned().collect();
        let exited: Vec<String> = before.difference(&now).cloned().collect();
        for id in &entered {
            sqlx::query(
                "INSERT INTO vessel_zones (mmsi, zone_id, entered_at_ms) VALUES ($1, $2, $3)",
            )
            .bind(mmsi)
            .bind(id)
            .bind(fix.observed_at_ms)
            .execute(&mut *tx)
            .await?;
            zone_event(&mut tx, fix, id, "enter").await?;
        }
        for id in &exited {
            sqlx::query("DELETE FROM vessel_zones WHERE mmsi = $1 AND zone_id = $2")
                .bind(mmsi)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            zone_event(&mut tx, fix, id, "exit").await?;
        }
        let entered_kinds: Vec<_> = zones
            .iter()
            .filter(|z| entered.contains(&z.id))
            .map(|z| z.kind)
            .collect();
        let transitions = advance_call(&mut tx, fix, &entered_kinds, &before, &now).await?;
        tx.commit().await?;
        Ok(Applied {
            fresh: true,
            entered,
            exited,
            transitions,
        })
    }
}

async fn current_zones(
    conn: &mut AnyConnection,
    mmsi: i64,
) -> Result<BTreeSet<String>, StoreError> {
    let rows = sqlx::query("SELECT zone_id FROM vessel_zones WHERE mmsi = $1")
        .bind(mmsi)
        .fetch_all(conn)
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("zone_id"))
        .collect::<Result<_, _>>()?)
}

async fn zone_event(
    conn: &mut AnyConnection,
    fix: &Fix,
    zone_id: &str,
    kind: &str,
) -> Result<(), sqlx::Error> {
    let payload = events::zone_event(fix.mmsi, zone_id, kind, fix.observed_at_ms);
    let now = porttrack_platform::time::now_ms();
    outbox::enqueue(conn, topics::ZONES, &fix.mmsi.to_string(), &payload, now).await
}

/// Moves the vessel's current port call (its earliest active one by ETA,
/// so a later planned call waits its turn) and refreshes its ETA estimate.
async fn advance_call(
    conn: &mut AnyConnection,
    fix: &Fix,
    entered: &[domain::ZoneKind],
    before: &BTreeSet<String>,
    now: &BTreeSet<String>,
) -> Result<Vec<(String, PortCallState, PortCallState)>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {} FROM port_calls WHERE mmsi = $1 AND state IN ($2, $3, $4)
         ORDER BY eta_ms, id LIMIT 1",
        sql::CALL_COLUMNS
    ))
    .bind(i64::from(fix.mmsi))
    .bind(PortCallState::Planned.as_str())
    .bind(PortCallState::Approaching.as_str())
    .bind(PortCallState::Berthed.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(call) = row.as_ref().map(sql::call_row).transpose()? else {
        return Ok(Vec::new());
    };
    let berth = call.berth_id.as_deref();
    let observed = Observation {
        entered,
        in_berth: berth.is_some_and(|b| now.contains(b)),
        was_in_berth: berth.is_some_and(|b| before.contains(b)),
        sog_kn: fix.sog_kn,
    };
    if matches!(
        call.state,
        PortCallState::Planned | PortCallState::Approaching
    ) && let Some(eta) =
        geo::estimate_arrival_ms(fix.at, fix.sog_kn, &call.waypoints, fix.observed_at_ms)
    {
        sqlx::query("UPDATE port_calls SET estimated_arrival_ms = $2 WHERE id = $1")
            .bind(&call.id)
            .bind(eta)
            .execute(&mut *conn)
            .await?;
    }
    let Some(next) = domain::advance(call.state, &observed) else {
        return Ok(Vec::new());
    };
    let now_ms = porttrack_platform::time::now_ms();
    sqlx::query("UPDATE port_calls SET version = version + 1, updated_at_ms = $2 WHERE id = $1")
        .bind(&call.id)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    // Actual times are when the vessel was seen, not when we processed it.
    set_state(conn, &call.id, next, fix.observed_at_ms).await?;
    let updated = sql::load_call(conn, &call.id)
        .await?
        .ok_or_else(|| super::not_found(&call.id))?;
    announce(conn, &updated, Some(call.state), now_ms).await?;
    Ok(vec![(call.id, call.state, next)])
}
