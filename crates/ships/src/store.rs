//! Persistence through sqlx's `Any` driver: the same queries on PostgreSQL
//! and SQLite (the multi-row inserts only spell their placeholders per
//! engine, see `Params`). Every write is idempotent (upsert guarded by
//! time, or insert that ignores a duplicate key), so replaying a Kafka
//! record is harmless.

use std::sync::LazyLock;

use sqlx::{AnyPool, Row, any::AnyRow, migrate::Migrator};

use porttrack_platform::{db::Backend, trace};
use tracing::Instrument as _;

use crate::domain::{Position, Registry, StaticData, Vessel};
use porttrack_proto::events::v1::VesselStatic;

mod params;

use self::params::{Params, placeholders};

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    params: Params,
}

/// One change from the event stream.
#[derive(Debug, Clone)]
pub enum Change {
    Position(Position),
    Static(VesselStatic),
}

impl Store {
    pub fn new(pool: AnyPool) -> Self {
        // `$n` is what both engines accept: the fallback if the URL says
        // neither.
        let params = match pool.connect_options().database_url.as_str().parse() {
            Ok(Backend::Sqlite) => Params::Positional,
            _ => Params::Numbered,
        };
        Self { pool, params }
    }

    /// Applies changes in one transaction: all or none are durable. Rows
    /// go in as multi-row statements (a few per batch, not a few per
    /// change), which is what lets one replica keep up with a port's feed.
    pub async fn apply(&self, changes: &[Change]) -> Result<(), sqlx::Error> {
        let span = trace::db_call(&self.pool, "INSERT", "positions");
        self.apply_in_tx(changes).instrument(span).await
    }

    async fn apply_in_tx(&self, changes: &[Change]) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let now = porttrack_platform::time::now_ms();
        let mut vessels: Vec<i64> = changes
            .iter()
            .map(|c| match c {
                Change::Position(p) => i64::from(p.mmsi),
                Change::Static(s) => i64::from(s.mmsi),
            })
            .collect();
        vessels.sort_unstable();
        vessels.dedup();
        for chunk in vessels.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO vessels (mmsi, first_seen_ms) VALUES {} ON CONFLICT (mmsi) DO NOTHING",
                placeholders(self.params, chunk.len(), 2)
            );
            let mut query = sqlx::query(&sql);
            for mmsi in chunk {
                query = query.bind(*mmsi).bind(now);
            }
            query.execute(&mut *tx).await?;
        }

        // One row per vessel and instant; the newest per vessel for latest.
        let mut positions: Vec<&Position> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Position(p) => Some(p),
                Change::Static(_) => None,
            })
            .collect();
        positions.sort_by_key(|p| (p.mmsi, p.observed_at_ms));
        positions.dedup_by_key(|p| (p.mmsi, p.observed_at_ms));
        for chunk in positions.chunks(ROWS_PER_STATEMENT) {
            insert_positions(
                &mut tx,
                self.params,
                "track_points",
                chunk,
                "ON CONFLICT (mmsi, observed_at_ms) DO NOTHING",
            )
            .await?;
        }
        let latest: Vec<&Position> = positions
            .chunk_by(|a, b| a.mmsi == b.mmsi)
            .filter_map(|same| same.last().copied())
            .collect();
        for chunk in latest.chunks(ROWS_PER_STATEMENT) {
            insert_positions(
                &mut tx,
                self.params,
                "latest_positions",
                chunk,
                "ON CONFLICT (mmsi) DO UPDATE SET observed_at_ms = excluded.observed_at_ms,
                   lat = excluded.lat, lon = excluded.lon, sog_knots = excluded.sog_knots,
                   cog_deg = excluded.cog_deg, heading_deg = excluded.heading_deg, nav_status = excluded.nav_status
                 WHERE latest_positions.observed_at_ms < excluded.observed_at_ms",
            )
            .await?;
        }

        for change in changes {
            if let Change::Static(s) = change {
                upsert_static(s).execute(&mut *tx).await?;
            }
        }
        tx.commit().await
    }

    /// Latest persisted positions, to fill the index at start.
    pub async fn latest_positions(&self) -> Result<Vec<Position>, sqlx::Error> {
        let rows = sqlx::query(&format!("SELECT {POSITION_COLUMNS} FROM latest_positions"))
            .fetch_all(&self.pool)
            .instrument(trace::db_call(&self.pool, "SELECT", "latest_positions"))
            .await?;
        rows.iter().map(position_row).collect()
    }

    pub async fn track(
        &self,
        mmsi: u32,
        from_ms: i64,
        to_ms: i64,
        limit: usize,
    ) -> Result<Vec<Position>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {POSITION_COLUMNS} FROM track_points
             WHERE mmsi = $1 AND observed_at_ms >= $2 AND observed_at_ms <= $3
             ORDER BY observed_at_ms LIMIT $4"
        ))
        .bind(i64::from(mmsi))
        .bind(from_ms)
        .bind(to_ms)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .instrument(trace::db_call(&self.pool, "SELECT", "track_points"))
        .await?;
        rows.iter().map(position_row).collect()
    }

    /// Vessels in MMSI order after `after`, optionally by name prefix.
    pub async fn list(
        &self,
        after: u32,
        name_prefix: &str,
        limit: usize,
    ) -> Result<Vec<Vessel>, sqlx::Error> {
        let pattern = format!("{}%", name_prefix.to_uppercase().replace(['%', '_'], ""));
        let rows = sqlx::query(&format!(
            "SELECT v.mmsi AS vessel_mmsi, {STATIC_COLUMNS}, {REGISTRY_COLUMNS}
             FROM vessels v
             LEFT JOIN static_data s ON s.mmsi = v.mmsi
             LEFT JOIN registry r ON r.mmsi = v.mmsi
             WHERE v.mmsi > $1 AND ($2 = '%' OR UPPER(s.name) LIKE $2)
             ORDER BY v.mmsi LIMIT $3"
        ))
        .bind(i64::from(after))
        .bind(pattern)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .instrument(trace::db_call(&self.pool, "SELECT", "vessels"))
        .await?;
        rows.iter().map(vessel_row).collect()
    }

    /// Static and registry data of one vessel; `None` if never seen.
    pub async fn vessel(&self, mmsi: u32) -> Result<Option<Vessel>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT v.mmsi AS vessel_mmsi, {STATIC_COLUMNS}, {REGISTRY_COLUMNS}
             FROM vessels v
             LEFT JOIN static_data s ON s.mmsi = v.mmsi
             LEFT JOIN registry r ON r.mmsi = v.mmsi
             WHERE v.mmsi = $1"
        ))
        .bind(i64::from(mmsi))
        .fetch_optional(&self.pool)
        .instrument(trace::db_call(&self.pool, "SELECT", "vessels"))
        .await?;
        row.as_ref().map(vessel_row).transpose()
    }

    pub async fn put_registry(&self, mmsi: u32, r: &Registry) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO vessels (mmsi, first_seen_ms) VALUES ($1, $2) ON CONFLICT (mmsi) DO NOTHING")
            .bind(i64::from(mmsi))
            .bind(r.updated_at_ms)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO registry (mmsi, operator, flag, notes, updated_at_ms) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (mmsi) DO UPDATE SET operator = excluded.operator, flag = excluded.flag,
               notes = excluded.notes, updated_at_ms = excluded.updated_at_ms",
        )
        .bind(i64::from(mmsi))
        .bind(&r.operator)
        .bind(&r.flag)
        .bind(&r.notes)
        .bind(r.updated_at_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
}

const POSITION_COLUMNS: &str =
    "mmsi, observed_at_ms, lat, lon, sog_knots, cog_deg, heading_deg, nav_status";
const STATIC_COLUMNS: &str = "s.name, s.callsign, s.imo, s.ship_type, s.to_bow, s.to_stern, s.to_port, \
     s.to_starboard, s.destination, s.draught_m, s.eta, s.updated_at_ms AS static_updated_at_ms";
const REGISTRY_COLUMNS: &str =
    "r.operator, r.flag, r.notes, r.updated_at_ms AS registry_updated_at_ms";

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Queries that bind an `Option<f64>` are not cached as prepared
/// statements: sqlx 0.8's `Any` driver declares a NULL double as `float4`
/// to PostgreSQL, and a statement first prepared with that NULL then
/// rejects a real `float8` ("incorrect binary data format").
fn uncached(sql: &str) -> AnyQuery<'_> {
    sqlx::query(sql).persistent(false)
}

/// Rows per multi-row statement: 8 parameters each keeps a statement well
/// under SQLite's and PostgreSQL's parameter limits.
const ROWS_PER_STATEMENT: usize = 500;

async fn insert_positions(
    conn: &mut sqlx::AnyConnection,
    params: Params,
    table: &str,
    rows: &[&Position],
    on_conflict: &str,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO {table} ({POSITION_COLUMNS}) VALUES {} {on_conflict}",
        placeholders(params, rows.len(), 8)
    );
    let mut query = uncached(&sql);
    for p in rows {
        query = query
            .bind(i64::from(p.mmsi))
            .bind(p.observed_at_ms)
            .bind(p.lat)
            .bind(p.lon)
            .bind(p.sog_knots)
            .bind(p.cog_deg)
            .bind(p.heading_deg.map(i64::from))
            .bind(p.nav_status.map(i64::from));
    }
    query.execute(conn).await?;
    Ok(())
}

/// Columns of `static_data` besides `mmsi` and `updated_at_ms`, in bind order.
const STATIC_FIELDS: [&str; 11] = [
    "name",
    "callsign",
    "imo",
    "ship_type",
    "to_bow",
    "to_stern",
    "to_port",
    "to_starboard",
    "destination",
    "draught_m",
    "eta",
];

static UPSERT_STATIC: LazyLock<String> = LazyLock::new(|| {
    let newer = "excluded.updated_at_ms >= static_data.updated_at_ms";
    let merge: Vec<String> = STATIC_FIELDS
        .iter()
        .map(|c| {
            format!(
                "{c} = CASE WHEN {newer} THEN COALESCE(excluded.{c}, static_data.{c}) \
                 ELSE COALESCE(static_data.{c}, excluded.{c}) END"
            )
        })
        .collect();
    let placeholders: Vec<String> = (1..=STATIC_FIELDS.len() + 2)
        .map(|i| format!("${i}"))
        .collect();
    format!(
        "INSERT INTO static_data (mmsi, {}, updated_at_ms) VALUES ({})
         ON CONFLICT (mmsi) DO UPDATE SET {},
           updated_at_ms = CASE WHEN {newer} THEN excluded.updated_at_ms ELSE static_data.updated_at_ms END",
        STATIC_FIELDS.join(", "),
        placeholders.join(", "),
        merge.join(",\n           "),
    )
});

/// Static data arrives in parts (type 24 A and B, type 5, type 19), not
/// always in order: each part fills what it carries and keeps the rest; a
/// newer value wins over an older one, and an older part still fills
/// fields nothing newer has carried.
fn upsert_static(s: &VesselStatic) -> AnyQuery<'static> {
    let u = |v: Option<u32>| v.map(i64::from);
    uncached(&UPSERT_STATIC)
        .bind(i64::from(s.mmsi))
        .bind(s.name.clone())
        .bind(s.callsign.clone())
        .bind(u(s.imo))
        .bind(u(s.ship_type))
        .bind(u(s.to_bow))
        .bind(u(s.to_stern))
        .bind(u(s.to_port))
        .bind(u(s.to_starboard))
        .bind(s.destination.clone())
        .bind(s.draught_m)
        .bind(s.eta.clone())
        .bind(s.observed_at_ms)
}

fn u32_col(row: &AnyRow, col: &str) -> Result<Option<u32>, sqlx::Error> {
    Ok(row
        .try_get::<Option<i64>, _>(col)?
        .and_then(|v| u32::try_from(v).ok()))
}

fn position_row(row: &AnyRow) -> Result<Position, sqlx::Error> {
    Ok(Position {
        mmsi: u32_col(row, "mmsi")?.unwrap_or_default(),
        observed_at_ms: row.try_get("observed_at_ms")?,
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
        sog_knots: row.try_get("sog_knots")?,
        cog_deg: row.try_get("cog_deg")?,
        heading_deg: u32_col(row, "heading_deg")?,
        nav_status: u32_col(row, "nav_status")?,
    })
}

fn vessel_row(row: &AnyRow) -> Result<Vessel, sqlx::Error> {
    let static_updated: Option<i64> = row.try_get("static_updated_at_ms")?;
    let static_data = match static_updated {
        None => None,
        Some(updated_at_ms) => {
            let dim = |a: &str, b: &str| -> Result<Option<u32>, sqlx::Error> {
                Ok(match (u32_col(row, a)?, u32_col(row, b)?) {
                    (Some(x), Some(y)) if x + y > 0 => Some(x + y),
                    _ => None,
                })
            };
            Some(StaticData {
                name: row.try_get("name")?,
                callsign: row.try_get("callsign")?,
                imo: u32_col(row, "imo")?,
                ship_type: u32_col(row, "ship_type")?,
                length_m: dim("to_bow", "to_stern")?,
                beam_m: dim("to_port", "to_starboard")?,
                destination: row.try_get("destination")?,
                draught_m: row.try_get("draught_m")?,
                eta: row.try_get("eta")?,
                updated_at_ms,
            })
        }
    };
    let registry_updated: Option<i64> = row.try_get("registry_updated_at_ms")?;
    let registry = match registry_updated {
        None => None,
        Some(updated_at_ms) => Some(Registry {
            operator: row.try_get("operator")?,
            flag: row.try_get("flag")?,
            notes: row.try_get("notes")?,
            updated_at_ms,
        }),
    };
    Ok(Vessel {
        mmsi: u32_col(row, "vessel_mmsi")?.unwrap_or_default(),
        position: None,
        static_data,
        registry,
    })
}
