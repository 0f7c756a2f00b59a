//! The traffic board: arrivals and departures in a window, and the
//! vessels in each zone now.

use std::collections::BTreeMap;

use sqlx::Row;

use super::{Store, StoreError, sql};
use crate::domain::{Occupancy, PortCall, PortCallState, TrafficBoard};

impl Store {
    /// Arrivals: planned or approaching calls whose expected arrival (the
    /// estimate when there is one) falls in `[from_ms, to_ms]`. Departures:
    /// approaching or berthed calls whose ETD does.
    pub async fn traffic_board(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<TrafficBoard, StoreError> {
        let arrivals = self
            .calls_between(
                "COALESCE(estimated_arrival_ms, eta_ms)",
                [PortCallState::Planned, PortCallState::Approaching],
                from_ms,
                to_ms,
            )
            .await?;
        let departures = self
            .calls_between(
                "etd_ms",
                [PortCallState::Approaching, PortCallState::Berthed],
                from_ms,
                to_ms,
            )
            .await?;
        let mut inside: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        let rows = sqlx::query("SELECT mmsi, zone_id FROM vessel_zones ORDER BY zone_id, mmsi")
            .fetch_all(&self.pool)
            .await?;
        for row in &rows {
            let zone: String = row.try_get("zone_id")?;
            inside.entry(zone).or_default().push(sql::mmsi_of(row)?);
        }
        let zones = self
            .zones(None, "", 0)
            .await?
            .into_iter()
            .map(|z| Occupancy {
                mmsis: inside.remove(&z.id).unwrap_or_default(),
                zone_id: z.id,
                name: z.name,
                kind: z.kind,
            })
            .collect();
        Ok(TrafficBoard {
            from_ms,
            to_ms,
            arrivals,
            departures,
            zones,
        })
    }

    async fn calls_between(
        &self,
        time: &str,
        states: [PortCallState; 2],
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<PortCall>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM port_calls WHERE state IN ($1, $2) AND {time} >= $3 AND {time} <= $4
             ORDER BY {time}, id",
            sql::CALL_COLUMNS
        ))
        .bind(states[0].as_str())
        .bind(states[1].as_str())
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(sql::call_row).collect::<Result<_, _>>()?)
    }
}
