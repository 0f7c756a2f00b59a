//! What the ships store scenarios share: the store on a database, and
//! position reports and static-data parts as ingest publishes them.

use porttrack_platform::db::connect_and_migrate;
use porttrack_proto::events::v1::VesselStatic;
use porttrack_ships::{
    domain::Position,
    store::{Change, MIGRATOR, Store},
};

pub const A: u32 = 244_740_981;
pub const B: u32 = 257_123_456;

pub async fn store(url: &str) -> Store {
    let pool = connect_and_migrate(url, &MIGRATOR)
        .await
        .expect("connect and migrate");
    Store::new(pool)
}

pub fn pos(mmsi: u32, observed_at_ms: i64, lat: f64, lon: f64, sog_knots: Option<f64>) -> Position {
    Position {
        mmsi,
        lat,
        lon,
        sog_knots,
        cog_deg: Some(87.5),
        heading_deg: Some(88),
        nav_status: Some(0),
        observed_at_ms,
    }
}

pub fn positions(ps: &[Position]) -> Vec<Change> {
    ps.iter().copied().map(Change::Position).collect()
}

pub fn times(track: &[Position]) -> Vec<i64> {
    track.iter().map(|p| p.observed_at_ms).collect()
}

/// A static-data part as ingest publishes it; fields it lacks are `None`.
pub fn part(mmsi: u32, msg_type: u32, observed_at_ms: i64) -> VesselStatic {
    VesselStatic {
        mmsi,
        msg_type,
        observed_at_ms,
        ..VesselStatic::default()
    }
}

pub fn type_24a(mmsi: u32, at: i64, name: &str) -> Change {
    Change::Static(VesselStatic {
        name: Some(name.to_owned()),
        ..part(mmsi, 24, at)
    })
}

/// Type 24 B: callsign, ship type, dimensions (bow 100 + stern 20,
/// port 10 + starboard 12).
pub fn type_24b(mmsi: u32, at: i64) -> Change {
    Change::Static(VesselStatic {
        callsign: Some("LAXY7".to_owned()),
        ship_type: Some(70),
        to_bow: Some(100),
        to_stern: Some(20),
        to_port: Some(10),
        to_starboard: Some(12),
        ..part(mmsi, 24, at)
    })
}

/// Type 5 with every field, all different from the 24 A/B values.
pub fn type_5(mmsi: u32, at: i64) -> Change {
    Change::Static(VesselStatic {
        name: Some("OLD NAME".to_owned()),
        callsign: Some("OLDCS".to_owned()),
        imo: Some(9_123_456),
        ship_type: Some(80),
        to_bow: Some(50),
        to_stern: Some(50),
        to_port: Some(5),
        to_starboard: Some(5),
        destination: Some("ROTTERDAM".to_owned()),
        draught_m: Some(7.5),
        eta: Some("11-24T12:00Z".to_owned()),
        ..part(mmsi, 5, at)
    })
}
