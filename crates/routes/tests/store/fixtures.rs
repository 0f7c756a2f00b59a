//! What the routes store scenarios share: the port's zones, port calls
//! and position fixes with the values the scenarios expect back, and the
//! outbox decoded into short strings.

use porttrack_proto::routes::v1::{PortCallEvent, ZoneEvent, topics};
use porttrack_routes::{
    domain::{Fix, LonLat, NewZone, PortCallInput, ZoneKind},
    store::Store,
};
use prost::Message as _;

use crate::support::{self, MMSI};

pub const ETA: i64 = 1_800_000_000_000;
pub const T0: i64 = 1_700_000_000_000;

pub fn zone(name: &str, kind: ZoneKind, ring: &[LonLat]) -> NewZone {
    NewZone::new(name, Some(kind), ring).unwrap()
}

pub async fn port_zones(store: &Store) -> (String, String) {
    let (approach, _) = store
        .create_zone(
            &zone("Approach", ZoneKind::PortApproach, &support::approach()),
            None,
            T0,
        )
        .await
        .unwrap();
    let (berth, _) = store
        .create_zone(
            &zone("Berth 7", ZoneKind::Berth, &support::berth()),
            None,
            T0,
        )
        .await
        .unwrap();
    (approach.id, berth.id)
}

pub fn call<'a>(mmsi: u32, berth: &'a str, eta_ms: i64, etd_ms: i64) -> PortCallInput<'a> {
    PortCallInput {
        mmsi,
        origin: "SEGOT",
        destination: "NOOSL",
        berth_id: berth,
        eta_ms,
        etd_ms,
        waypoints: &[],
    }
}

pub fn fix(t: i64, (lon, lat): (f64, f64), sog: f64) -> Fix {
    Fix {
        mmsi: MMSI,
        observed_at_ms: T0 + t,
        at: LonLat::new(lon, lat),
        sog_kn: Some(sog),
    }
}

/// The outbox decoded: zone events as "enter:<zone>", port-call events as
/// "<previous>-><state>@<version>".
pub async fn outbox(store: &Store) -> Vec<String> {
    let pending = store.outbox(1000).await.unwrap();
    pending
        .iter()
        .map(|p| match p.topic.as_str() {
            topics::ZONES => {
                let e = ZoneEvent::decode(p.payload.as_slice()).unwrap();
                assert_eq!(p.key, e.mmsi.to_string());
                format!("{}:{}", e.kind, e.zone_id)
            }
            topics::PORT_CALLS => {
                let e = PortCallEvent::decode(p.payload.as_slice()).unwrap();
                assert_eq!(p.key, e.port_call_id);
                format!("{}->{}@{}", e.previous_state, e.state, e.version)
            }
            other => panic!("unexpected topic {other}"),
        })
        .collect()
}
