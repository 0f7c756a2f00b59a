//! The ships store, each scenario written once and run against both
//! databases it supports: SQLite in a temporary directory and a fresh
//! PostgreSQL database. Expected values are written out here, never
//! computed by the code under test.

use porttrack_platform::db::connect_and_migrate;
use porttrack_proto::events::v1::VesselStatic;
use porttrack_ships::{
    domain::{Position, Registry, StaticData},
    store::{Change, MIGRATOR, Store},
};

const A: u32 = 244_740_981;
const B: u32 = 257_123_456;

/// Runs each named scenario as one test per database.
macro_rules! on_every_backend {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let url = porttrack_testkit::servers::sqlite_in(&dir);
                    super::$scenario(super::store(&url).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let url = porttrack_testkit::servers::fresh_postgres().await;
                    super::$scenario(super::store(&url).await).await;
                }
            )*
        }
    };
}

on_every_backend!(
    positions_keep_latest_and_track_once_per_instant,
    optional_doubles_mix_null_and_values_across_batches,
    older_static_part_does_not_overwrite_newer_fields,
    older_static_part_fills_fields_nothing_newer_carries,
    list_pages_by_mmsi_and_filters_by_name_prefix,
    registry_is_stored_updated_and_shown,
    batches_larger_than_one_statement_keep_every_value_in_place,
);

async fn store(url: &str) -> Store {
    let pool = connect_and_migrate(url, &MIGRATOR)
        .await
        .expect("connect and migrate");
    Store::new(pool)
}

fn pos(mmsi: u32, observed_at_ms: i64, lat: f64, lon: f64, sog_knots: Option<f64>) -> Position {
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

fn positions(ps: &[Position]) -> Vec<Change> {
    ps.iter().copied().map(Change::Position).collect()
}

fn times(track: &[Position]) -> Vec<i64> {
    track.iter().map(|p| p.observed_at_ms).collect()
}

/// A static-data part as ingest publishes it; fields it lacks are `None`.
fn part(mmsi: u32, msg_type: u32, observed_at_ms: i64) -> VesselStatic {
    VesselStatic {
        mmsi,
        msg_type,
        observed_at_ms,
        ..VesselStatic::default()
    }
}

fn type_24a(mmsi: u32, at: i64, name: &str) -> Change {
    Change::Static(VesselStatic {
        name: Some(name.to_owned()),
        ..part(mmsi, 24, at)
    })
}

/// Type 24 B: callsign, ship type, dimensions (bow 100 + stern 20,
/// port 10 + starboard 12).
fn type_24b(mmsi: u32, at: i64) -> Change {
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
fn type_5(mmsi: u32, at: i64) -> Change {
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

async fn positions_keep_latest_and_track_once_per_instant(store: Store) {
    let batch = positions(&[
        pos(A, 1_000, 52.0, 4.0, Some(10.0)),
        pos(A, 2_000, 52.1, 4.1, Some(11.0)),
        pos(B, 1_500, 60.5, 5.25, Some(3.5)),
    ]);
    // A Kafka replay delivers the same records again.
    store.apply(&batch).await.unwrap();
    store.apply(&batch).await.unwrap();
    // Older than what is stored: joins the track, does not become latest.
    store
        .apply(&positions(&[pos(A, 500, 51.9, 3.9, None)]))
        .await
        .unwrap();

    let mut latest = store.latest_positions().await.unwrap();
    latest.sort_by_key(|p| p.mmsi);
    assert_eq!(
        latest,
        vec![
            pos(A, 2_000, 52.1, 4.1, Some(11.0)),
            pos(B, 1_500, 60.5, 5.25, Some(3.5)),
        ]
    );

    let track = store.track(A, 0, 10_000, 100).await.unwrap();
    assert_eq!(
        track,
        vec![
            pos(A, 500, 51.9, 3.9, None),
            pos(A, 1_000, 52.0, 4.0, Some(10.0)),
            pos(A, 2_000, 52.1, 4.1, Some(11.0)),
        ],
        "one point per instant, in time order, despite the replay"
    );
    assert_eq!(
        times(&store.track(A, 1_000, 2_000, 100).await.unwrap()),
        [1_000, 2_000]
    );
    assert_eq!(
        times(&store.track(A, 501, 1_999, 100).await.unwrap()),
        [1_000]
    );
    assert_eq!(
        times(&store.track(A, 0, 10_000, 2).await.unwrap()),
        [500, 1_000]
    );
    assert_eq!(
        times(&store.track(B, 0, 10_000, 100).await.unwrap()),
        [1_500]
    );
    assert!(store.track(A, 3_000, 4_000, 100).await.unwrap().is_empty());
}

/// Regression: sqlx's `Any` driver once declared a NULL double as `float4`
/// to PostgreSQL, so a cached statement first run with NULL refused the
/// next real value.
async fn optional_doubles_mix_null_and_values_across_batches(store: Store) {
    let with = |t: i64, sog: Option<f64>, cog: Option<f64>| Position {
        cog_deg: cog,
        ..pos(A, t, 59.9, 10.7, sog)
    };
    let batches = [
        vec![with(1_000, None, Some(180.0))],
        vec![with(2_000, Some(12.5), None)],
        vec![with(3_000, None, None), with(4_000, Some(0.1), Some(359.9))],
        vec![with(5_000, None, Some(1.0))],
    ];
    for batch in &batches {
        store.apply(&positions(batch)).await.unwrap();
    }

    let track = store.track(A, 0, 10_000, 100).await.unwrap();
    assert_eq!(
        track,
        vec![
            with(1_000, None, Some(180.0)),
            with(2_000, Some(12.5), None),
            with(3_000, None, None),
            with(4_000, Some(0.1), Some(359.9)),
            with(5_000, None, Some(1.0)),
        ]
    );
    assert_eq!(
        store.latest_positions().await.unwrap(),
        vec![with(5_000, None, Some(1.0))]
    );

    // Static data binds an optional double too: draught, absent from
    // type 24 and present in type 5.
    store.apply(&[type_24a(B, 1_000, "NORDLYS")]).await.unwrap();
    store.apply(&[type_5(B, 2_000)]).await.unwrap();
    store.apply(&[type_24a(B, 3_000, "NORDLYS")]).await.unwrap();
    let s = store.vessel(B).await.unwrap().and_then(|v| v.static_data);
    assert_eq!(s.and_then(|s| s.draught_m), Some(7.5));
}

async fn older_static_part_does_not_overwrite_newer_fields(store: Store) {
    store
        .apply(&[type_24a(A, 2_000, "NORDIC STAR")])
        .await
        .unwrap();
    store.apply(&[type_24b(A, 3_000)]).await.unwrap();
    store.apply(&[type_5(A, 1_000)]).await.unwrap();

    let s = store
        .vessel(A)
        .await
        .unwrap()
        .expect("vessel known from static data")
        .static_data
        .expect("static data");
    assert_eq!(s.name.as_deref(), Some("NORDIC STAR"));
    assert_eq!(s.callsign.as_deref(), Some("LAXY7"));
    assert_eq!(s.ship_type, Some(70));
    assert_eq!(s.length_m, Some(120), "to_bow 100 + to_stern 20");
    assert_eq!(s.beam_m, Some(22), "to_port 10 + to_starboard 12");
    assert_eq!(s.updated_at_ms, 3_000);
}

/// The store's contract: "each part fills what it carries and keeps the
/// rest, and an older part never overwrites a newer one". A late type 5
/// is the only source of IMO, destination, draught and ETA here, so they
/// are filled while newer fields stay.
async fn older_static_part_fills_fields_nothing_newer_carries(store: Store) {
    store
        .apply(&[type_24a(A, 2_000, "NORDIC STAR")])
        .await
        .unwrap();
    store.apply(&[type_24b(A, 3_000)]).await.unwrap();
    store.apply(&[type_5(A, 1_000)]).await.unwrap();

    let vessel = store.vessel(A).await.unwrap().expect("vessel");
    assert_eq!(
        vessel.static_data,
        Some(StaticData {
            name: Some("NORDIC STAR".to_owned()),
            callsign: Some("LAXY7".to_owned()),
            imo: Some(9_123_456),
            ship_type: Some(70),
            length_m: Some(120),
            beam_m: Some(22),
            destination: Some("ROTTERDAM".to_owned()),
            draught_m: Some(7.5),
            eta: Some("11-24T12:00Z".to_owned()),
            updated_at_ms: 3_000,
        })
    );
}

async fn list_pages_by_mmsi_and_filters_by_name_prefix(store: Store) {
    store
        .apply(&[
            type_24a(311_000_222, 1_000, "ATLANTIC"),
            type_24a(211_000_001, 1_000, "Nordic Star"),
            Change::Position(pos(A, 1_000, 52.0, 4.0, None)),
            type_24a(B, 1_000, "NORDLYS"),
            // Known only from static data: no position ever.
            type_24a(636_000_999, 1_000, "NORTHERN LIGHT"),
        ])
        .await
        .unwrap();
    let mmsis = |vs: Vec<porttrack_ships::domain::Vessel>| -> Vec<u32> {
        vs.into_iter().map(|v| v.mmsi).collect()
    };

    let all = store.list(0, "", 100).await.unwrap();
    assert_eq!(
        all.iter().map(|v| v.mmsi).collect::<Vec<_>>(),
        [211_000_001, A, B, 311_000_222, 636_000_999]
    );
    assert_eq!(all[1].static_data, None, "position-only vessel");
    let static_only = all[4].static_data.as_ref().expect("static-only vessel");
    assert_eq!(static_only.name.as_deref(), Some("NORTHERN LIGHT"));

    // Pages of two, each after the previous page's last MMSI.
    assert_eq!(mmsis(store.list(0, "", 2).await.unwrap()), [211_000_001, A]);
    assert_eq!(mmsis(store.list(A, "", 2).await.unwrap()), [B, 311_000_222]);
    assert_eq!(
        mmsis(store.list(311_000_222, "", 2).await.unwrap()),
        [636_000_999]
    );
    assert!(store.list(636_000_999, "", 2).await.unwrap().is_empty());

    // Prefix, whatever the case of the query or the stored name.
    assert_eq!(
        mmsis(store.list(0, "nOr", 100).await.unwrap()),
        [211_000_001, B, 636_000_999]
    );
    assert_eq!(
        mmsis(store.list(0, "NORD", 100).await.unwrap()),
        [211_000_001, B]
    );
    assert_eq!(
        mmsis(store.list(0, "nordic", 100).await.unwrap()),
        [211_000_001]
    );
    assert_eq!(mmsis(store.list(211_000_001, "nor", 1).await.unwrap()), [B]);
    assert!(
        store.list(0, "star", 100).await.unwrap().is_empty(),
        "prefix, not substring"
    );
}

async fn registry_is_stored_updated_and_shown(store: Store) {
    assert_eq!(store.vessel(999_999_999).await.unwrap(), None);

    store
        .apply(&[type_24a(A, 1_000, "NORDIC STAR")])
        .await
        .unwrap();
    let first = Registry {
        operator: "Fjord Line".to_owned(),
        flag: "NO".to_owned(),
        notes: String::new(),
        updated_at_ms: 5_000,
    };
    store.put_registry(A, &first).await.unwrap();
    let v = store.vessel(A).await.unwrap().expect("vessel");
    assert_eq!(v.registry.as_ref(), Some(&first));
    assert_eq!(
        v.static_data.and_then(|s| s.name).as_deref(),
        Some("NORDIC STAR"),
        "registry and AIS data side by side"
    );

    let second = Registry {
        operator: "Color Line".to_owned(),
        flag: "DK".to_owned(),
        notes: "pilot required".to_owned(),
        updated_at_ms: 6_000,
    };
    store.put_registry(A, &second).await.unwrap();
    assert_eq!(
        store.vessel(A).await.unwrap().and_then(|v| v.registry),
        Some(second.clone())
    );

    // A vessel known only from the registry is a vessel too.
    let only = Registry {
        operator: "Harbour Tugs".to_owned(),
        flag: String::new(),
        notes: String::new(),
        updated_at_ms: 7_000,
    };
    store.put_registry(B, &only).await.unwrap();
    let listed = store.list(0, "", 100).await.unwrap();
    let registries: Vec<(u32, Option<Registry>)> =
        listed.into_iter().map(|v| (v.mmsi, v.registry)).collect();
    assert_eq!(registries, [(A, Some(second)), (B, Some(only))]);
    assert_eq!(
        store.vessel(B).await.unwrap().and_then(|v| v.static_data),
        None
    );
}

/// A backlog batch: more rows than one multi-row statement takes (500),
/// so each table gets several statements, every value bound in place.
async fn batches_larger_than_one_statement_keep_every_value_in_place(store: Store) {
    let vessel = |i: u32| 200_000_000 + i;
    let report = |i: u32, t: i64| Position {
        heading_deg: (!i.is_multiple_of(3)).then_some(i % 360),
        nav_status: Some(i % 16),
        ..pos(
            vessel(i),
            t,
            f64::from(i) * 0.001,
            -f64::from(i) * 0.002,
            i.is_multiple_of(2).then_some(f64::from(i) * 0.5),
        )
    };
    // 700 vessels, two instants each, the newer one first for half of them.
    let mut batch = Vec::new();
    for i in 0..700_u32 {
        let (first, second) = if i.is_multiple_of(2) {
            (2_000, 1_000)
        } else {
            (1_000, 2_000)
        };
        batch.push(report(i, first));
        batch.push(report(i, second));
    }
    store.apply(&positions(&batch)).await.unwrap();
    store.apply(&positions(&batch)).await.unwrap();

    let mut latest = store.latest_positions().await.unwrap();
    latest.sort_by_key(|p| p.mmsi);
    assert_eq!(latest.len(), 700);
    for (i, p) in (0..700).zip(&latest) {
        assert_eq!(*p, report(i, 2_000));
    }
    for i in [0, 1, 499, 500, 699] {
        assert_eq!(
            store.track(vessel(i), 0, 10_000, 100).await.unwrap(),
            vec![report(i, 1_000), report(i, 2_000)],
            "vessel {i}"
        );
    }
    assert_eq!(
        store.list(0, "", 1_000).await.unwrap().len(),
        700,
        "one vessel row each"
    );
}
