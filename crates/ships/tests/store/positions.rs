//! Position reports: the latest per vessel and a track with one point
//! per instant, whatever the order, the replays, the missing values and
//! the size of the batch.

use porttrack_ships::{domain::Position, store::Store};

use crate::fixtures::{A, B, pos, positions, times, type_5, type_24a};

on_every_backend!(
    positions_keep_latest_and_track_once_per_instant,
    optional_doubles_mix_null_and_values_across_batches,
    batches_larger_than_one_statement_keep_every_value_in_place,
);

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
