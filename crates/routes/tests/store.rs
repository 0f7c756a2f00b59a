//! The routes store, each scenario written once and run against both
//! databases: SQLite in a temporary directory and a fresh PostgreSQL
//! database. Expected values are written out here.

mod support;

use porttrack_proto::routes::v1::{PortCallEvent, ZoneEvent, topics};
use porttrack_routes::{
    domain::{Fix, LonLat, NewZone, PortCallChange, PortCallInput, PortCallState, ZoneKind},
    store::{Filter, Store, StoreError},
};
use prost::Message as _;
use support::{AT_BERTH, AT_SEA, IN_APPROACH, MMSI};

const ETA: i64 = 1_800_000_000_000;
const T0: i64 = 1_700_000_000_000;

/// Runs each named scenario as one test per database.
macro_rules! on_every_backend {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $scenario() {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let url = porttrack_testkit::servers::sqlite_in(&dir);
                    super::$scenario(super::support::store(&url).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $scenario() {
                    let url = porttrack_testkit::servers::fresh_postgres().await;
                    super::$scenario(super::support::store(&url).await).await;
                }
            )*
        }
    };
}

on_every_backend!(
    zones_are_created_once_per_key_and_listed_by_kind,
    a_retried_port_call_create_returns_the_original,
    berths_must_be_berth_zones,
    updates_need_the_current_version_and_an_allowed_transition,
    positions_move_a_vessel_through_zones_and_its_port_call,
    replayed_and_older_positions_change_nothing,
    the_traffic_board_shows_the_window_and_who_is_where,
    port_calls_list_in_pages_and_by_filter,
);

fn zone(name: &str, kind: ZoneKind, ring: &[LonLat]) -> NewZone {
    NewZone::new(name, Some(kind), ring).unwrap()
}

async fn port_zones(store: &Store) -> (String, String) {
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

fn call<'a>(mmsi: u32, berth: &'a str, eta_ms: i64, etd_ms: i64) -> PortCallInput<'a> {
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

fn fix(t: i64, (lon, lat): (f64, f64), sog: f64) -> Fix {
    Fix {
        mmsi: MMSI,
        observed_at_ms: T0 + t,
        at: LonLat::new(lon, lat),
        sog_kn: Some(sog),
    }
}

/// The outbox decoded: zone events as "enter:<zone>", port-call events as
/// "<previous>-><state>@<version>".
async fn outbox(store: &Store) -> Vec<String> {
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

async fn zones_are_created_once_per_key_and_listed_by_kind(store: Store) {
    let new = zone("Approach", ZoneKind::PortApproach, &support::approach());
    let (first, created) = store.create_zone(&new, Some("z-1"), T0).await.unwrap();
    assert!(created);
    assert_eq!(first.polygon.points(), support::approach().as_slice());
    let (again, created) = store.create_zone(&new, Some("z-1"), T0 + 1).await.unwrap();
    assert!(!created);
    assert_eq!(again, first);
    let other = zone("Berth", ZoneKind::Berth, &support::berth());
    let reused = store
        .create_zone(&other, Some("z-1"), T0)
        .await
        .unwrap_err();
    assert!(matches!(reused, StoreError::Conflict(_)), "{reused:?}");
    store.create_zone(&other, None, T0).await.unwrap();

    let all = store.zones(None, "", 0).await.unwrap();
    assert_eq!(all.len(), 2);
    let berths = store.zones(Some(ZoneKind::Berth), "", 10).await.unwrap();
    assert_eq!(berths.len(), 1);
    assert_eq!(berths[0].name, "Berth");
    let page = store.zones(None, "", 1).await.unwrap();
    let rest = store.zones(None, &page[0].id, 10).await.unwrap();
    assert_eq!((page.len(), rest.len()), (1, 1));
}

async fn a_retried_port_call_create_returns_the_original(store: Store) {
    let new = call(MMSI, "", ETA, ETA + 3_600_000).validate().unwrap();
    let (first, created) = store.create_port_call(&new, Some("k"), T0).await.unwrap();
    assert!(created);
    assert_eq!(
        (
            first.state,
            first.version,
            first.etd_ms,
            first.berth_id.as_deref()
        ),
        (PortCallState::Planned, 1, Some(ETA + 3_600_000), None)
    );
    let (again, created) = store
        .create_port_call(&new, Some("k"), T0 + 9)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again, first);
    let other = call(MMSI, "", ETA + 1, 0).validate().unwrap();
    let reused = store
        .create_port_call(&other, Some("k"), T0)
        .await
        .unwrap_err();
    assert!(matches!(reused, StoreError::Conflict(_)), "{reused:?}");
    assert_eq!(
        outbox(&store).await,
        ["->planned@1"],
        "one event for one call"
    );
}

async fn berths_must_be_berth_zones(store: Store) {
    let (approach, berth) = port_zones(&store).await;
    for (id, why) in [(approach.as_str(), "not a berth"), ("nope", "no zone nope")] {
        let new = call(MMSI, id, ETA, 0).validate().unwrap();
        let err = store.create_port_call(&new, None, T0).await.unwrap_err();
        match err {
            StoreError::Invalid { field, reason } => {
                assert_eq!(field, "berth_id");
                assert!(reason.contains(why), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }
    let new = call(MMSI, &berth, ETA, 0).validate().unwrap();
    let (c, _) = store.create_port_call(&new, None, T0).await.unwrap();
    assert_eq!(c.berth_id.as_deref(), Some(berth.as_str()));
}

async fn updates_need_the_current_version_and_an_allowed_transition(store: Store) {
    let new = call(MMSI, "", ETA, 0).validate().unwrap();
    let (c, _) = store.create_port_call(&new, None, T0).await.unwrap();
    let later = PortCallChange {
        eta_ms: Some(ETA + 60_000),
        etd_ms: Some(ETA + 7_200_000),
        ..PortCallChange::default()
    };
    let c2 = store
        .update_port_call(&c.id, 1, &later, T0 + 1)
        .await
        .unwrap();
    assert_eq!(
        (c2.version, c2.eta_ms, c2.etd_ms),
        (2, ETA + 60_000, Some(ETA + 7_200_000))
    );
    let stale = store
        .update_port_call(&c.id, 1, &later, T0 + 2)
        .await
        .unwrap_err();
    assert!(
        matches!(
            stale,
            StoreError::VersionMismatch {
                expected: 1,
                current: 2
            }
        ),
        "{stale:?}"
    );
    let berthed = PortCallChange {
        state: Some(PortCallState::Berthed),
        ..PortCallChange::default()
    };
    let refused = store
        .update_port_call(&c.id, 2, &berthed, T0 + 3)
        .await
        .unwrap_err();
    match refused {
        StoreError::Invalid {
            field: "state",
            reason,
        } => assert_eq!(
            reason,
            "a planned port call can become approaching or cancelled, not berthed"
        ),
        other => panic!("{other:?}"),
    }
    let cancel = PortCallChange {
        state: Some(PortCallState::Cancelled),
        ..PortCallChange::default()
    };
    let c3 = store
        .update_port_call(&c.id, 2, &cancel, T0 + 4)
        .await
        .unwrap();
    assert_eq!((c3.state, c3.version), (PortCallState::Cancelled, 3));
    let missing = store
        .update_port_call("nope", 1, &cancel, T0)
        .await
        .unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)), "{missing:?}");
    assert_eq!(
        outbox(&store).await,
        ["->planned@1", "planned->planned@2", "planned->cancelled@3"]
    );
}

async fn positions_move_a_vessel_through_zones_and_its_port_call(store: Store) {
    let (approach, berth) = port_zones(&store).await;
    let route = [LonLat::new(9.5, 59.5), LonLat::new(10.45, 59.45)];
    let input = PortCallInput {
        waypoints: &route,
        ..call(MMSI, &berth, ETA, 0)
    };
    let (c, _) = store
        .create_port_call(&input.validate().unwrap(), None, T0)
        .await
        .unwrap();
    let zones = store.zones(None, "", 0).await.unwrap();

    let at_sea = store
        .apply_fix(&fix(1, AT_SEA, 12.0), &zones)
        .await
        .unwrap();
    assert!(at_sea.fresh && at_sea.entered.is_empty() && at_sea.transitions.is_empty());
    let estimated = store.port_call(&c.id).await.unwrap().unwrap();
    let eta = estimated
        .estimated_arrival_ms
        .expect("an estimate at 12 kn");
    assert!(eta > T0 + 1 && eta < T0 + 3 * 3_600_000, "{eta}");
    assert_eq!(
        estimated.version, 1,
        "the estimate does not bump the version"
    );

    let entering = store
        .apply_fix(&fix(2, IN_APPROACH, 10.0), &zones)
        .await
        .unwrap();
    assert_eq!(entering.entered, [approach.as_str()]);
    assert_eq!(
        entering.transitions,
        [(
            c.id.clone(),
            PortCallState::Planned,
            PortCallState::Approaching
        )]
    );
    // Inside the berth but still moving: not yet berthed.
    let moving = store
        .apply_fix(&fix(3, AT_BERTH, 2.0), &zones)
        .await
        .unwrap();
    assert_eq!(
        (moving.entered, moving.transitions.len()),
        (vec![berth.clone()], 0)
    );
    let alongside = store
        .apply_fix(&fix(4, AT_BERTH, 0.1), &zones)
        .await
        .unwrap();
    assert_eq!(alongside.transitions[0].2, PortCallState::Berthed);
    let leaving = store
        .apply_fix(&fix(5, IN_APPROACH, 4.0), &zones)
        .await
        .unwrap();
    assert_eq!(leaving.exited, [berth.as_str()]);
    assert_eq!(leaving.transitions[0].2, PortCallState::Departed);
    store
        .apply_fix(&fix(6, AT_SEA, 12.0), &zones)
        .await
        .unwrap();

    let done = store.port_call(&c.id).await.unwrap().unwrap();
    assert_eq!(
        (done.state, done.version, done.ata_ms, done.atd_ms),
        (PortCallState::Departed, 4, Some(T0 + 4), Some(T0 + 5))
    );
    assert_eq!(
        outbox(&store).await,
        [
            "->planned@1".to_owned(),
            format!("enter:{approach}"),
            "planned->approaching@2".to_owned(),
            format!("enter:{berth}"),
            "approaching->berthed@3".to_owned(),
            format!("exit:{berth}"),
            "berthed->departed@4".to_owned(),
            format!("exit:{approach}"),
        ]
    );
}

async fn replayed_and_older_positions_change_nothing(store: Store) {
    let (approach, _) = port_zones(&store).await;
    let zones = store.zones(None, "", 0).await.unwrap();
    let first = store
        .apply_fix(&fix(10, IN_APPROACH, 8.0), &zones)
        .await
        .unwrap();
    assert_eq!(first.entered, [approach.as_str()]);
    for f in [fix(10, IN_APPROACH, 8.0), fix(5, AT_SEA, 8.0)] {
        let replay = store.apply_fix(&f, &zones).await.unwrap();
        assert_eq!(replay, Default::default(), "{f:?}");
    }
    assert_eq!(outbox(&store).await, [format!("enter:{approach}")]);
}

async fn the_traffic_board_shows_the_window_and_who_is_where(store: Store) {
    let (approach, berth) = port_zones(&store).await;
    let hour = 3_600_000;
    let soon = call(MMSI, "", T0 + 2 * hour, 0).validate().unwrap();
    let late = call(257_123_456, "", T0 + 30 * hour, 0).validate().unwrap();
    let leaving = call(257_000_001, "", T0 - hour, T0 + 3 * hour)
        .validate()
        .unwrap();
    let (soon, _) = store.create_port_call(&soon, None, T0).await.unwrap();
    store.create_port_call(&late, None, T0).await.unwrap();
    let (leaving, _) = store.create_port_call(&leaving, None, T0).await.unwrap();
    let approaching = PortCallChange {
        state: Some(PortCallState::Approaching),
        ..PortCallChange::default()
    };
    store
        .update_port_call(&leaving.id, 1, &approaching, T0)
        .await
        .unwrap();
    let zones = store.zones(None, "", 0).await.unwrap();
    store
        .apply_fix(&fix(1, IN_APPROACH, 0.0), &zones)
        .await
        .unwrap();

    let board = store.traffic_board(T0, T0 + 24 * hour).await.unwrap();
    let ids = |calls: &[porttrack_routes::domain::PortCall]| {
        calls.iter().map(|c| c.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&board.arrivals), [soon.id.as_str()]);
    assert_eq!(ids(&board.departures), [leaving.id.as_str()]);
    let occupancy: Vec<(String, Vec<u32>)> = board
        .zones
        .iter()
        .map(|o| (o.zone_id.clone(), o.mmsis.clone()))
        .collect();
    let mut expected = vec![(approach, vec![MMSI]), (berth, vec![])];
    expected.sort();
    assert_eq!(occupancy, expected);
}

async fn port_calls_list_in_pages_and_by_filter(store: Store) {
    for (i, mmsi) in [MMSI, MMSI, 257_123_456].into_iter().enumerate() {
        let new = call(mmsi, "", ETA + i as i64, 0).validate().unwrap();
        store.create_port_call(&new, None, T0).await.unwrap();
    }
    let all = store.port_calls(&Filter::default(), "", 100).await.unwrap();
    assert_eq!(all.len(), 3);
    let first = store.port_calls(&Filter::default(), "", 2).await.unwrap();
    let rest = store
        .port_calls(&Filter::default(), &first[1].id, 2)
        .await
        .unwrap();
    assert_eq!((first.len(), rest.len()), (2, 1));
    let by_vessel = Filter {
        mmsi: Some(MMSI),
        state: Some(PortCallState::Planned),
    };
    assert_eq!(
        store.port_calls(&by_vessel, "", 100).await.unwrap().len(),
        2
    );
    let none = Filter {
        state: Some(PortCallState::Berthed),
        ..Filter::default()
    };
    assert!(store.port_calls(&none, "", 100).await.unwrap().is_empty());
}
