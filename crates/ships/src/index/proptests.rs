//! The index against a brute-force scan of the same reports, so that
//! speed work on the tree cannot change an answer: random reports (with
//! replays and late arrivals), points piled at the poles and on the
//! antimeridian, boxes crossing it.

use std::collections::HashMap;

use proptest::prelude::*;

use super::{Index, geo};
use crate::domain::{BoundingBox, Position};

/// Latitudes with the poles and the equator over-represented.
fn lat() -> impl Strategy<Value = f64> {
    prop_oneof![
        -90.0..=90.0,
        85.0..=90.0,
        -90.0..=-85.0,
        Just(90.0),
        Just(-90.0),
        Just(0.0),
    ]
}

/// Longitudes with both sides of the antimeridian over-represented.
fn lon() -> impl Strategy<Value = f64> {
    prop_oneof![
        -180.0..=180.0,
        175.0..=180.0,
        -180.0..=-175.0,
        Just(180.0),
        Just(-180.0),
    ]
}

/// Reports for a few hundred MMSIs, so most vessels report more than once,
/// out of order, and sometimes twice at the same instant.
fn reports() -> impl Strategy<Value = Vec<Position>> {
    let report = (1u32..300, lat(), lon(), 0i64..20, any::<bool>()).prop_map(
        |(mmsi, lat, lon, t, moving)| Position {
            mmsi,
            lat,
            lon,
            sog_knots: moving.then_some(12.5),
            cog_deg: moving.then_some(271.3),
            heading_deg: moving.then_some(270),
            nav_status: (!moving).then_some(1),
            observed_at_ms: t,
        },
    );
    prop::collection::vec(report, 0..400)
}

fn bbox() -> impl Strategy<Value = BoundingBox> {
    (lon(), lon(), lat(), lat()).prop_map(|(lon0, lon1, lat0, lat1)| {
        BoundingBox::new(lon0, lat0.min(lat1), lon1, lat0.max(lat1)).expect("valid box")
    })
}

/// What the index should hold: the first report with the newest time, per
/// vessel.
fn latest(reports: &[Position]) -> HashMap<u32, Position> {
    let mut latest: HashMap<u32, Position> = HashMap::new();
    for p in reports {
        match latest.get(&p.mmsi) {
            Some(old) if old.observed_at_ms >= p.observed_at_ms => {}
            _ => {
                latest.insert(p.mmsi, *p);
            }
        }
    }
    latest
}

/// Half the reports bulk-loaded (as at start), the rest applied one by one.
fn index_of(reports: &[Position]) -> Index {
    let (loaded, applied) = reports.split_at(reports.len() / 2);
    let mut index = Index::from_positions(loaded.iter().copied());
    for p in applied {
        index.apply(*p);
    }
    index
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn get_returns_the_newest_report(reports in reports()) {
        let index = index_of(&reports);
        let expected = latest(&reports);
        prop_assert_eq!(index.len(), expected.len());
        for (mmsi, p) in &expected {
            prop_assert_eq!(index.get(*mmsi), Some(*p));
        }
        prop_assert_eq!(index.get(300), None);
    }

    #[test]
    fn nearest_matches_a_scan(reports in reports(), lat in lat(), lon in lon(), k in 0usize..40) {
        let index = index_of(&reports);
        prop_assert_eq!(index.nearest(lat, lon, k), scan_nearest(&reports, lat, lon, k));
    }

    #[test]
    fn box_matches_a_scan(reports in reports(), bbox in bbox(), limit in 0usize..300) {
        let index = index_of(&reports);
        let mut expected: Vec<Position> = latest(&reports)
            .into_values()
            .filter(|p| bbox.contains(p.lat, p.lon))
            .collect();
        expected.sort_by_key(|p| p.mmsi);
        expected.truncate(limit);
        prop_assert_eq!(index.in_box(&bbox, limit), expected);
    }
}

/// The `k` latest positions nearest to a point, by scanning them all:
/// chord order, ties by MMSI, as the index promises.
fn scan_nearest(reports: &[Position], lat: f64, lon: f64, k: usize) -> Vec<(Position, f64)> {
    let query = geo::unit_vector(lat, lon);
    let mut by_chord: Vec<(f64, Position)> = latest(reports)
        .into_values()
        .map(|p| (geo::chord_2(query, geo::unit_vector(p.lat, p.lon)), p))
        .collect();
    by_chord.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.mmsi.cmp(&b.1.mmsi)));
    by_chord.truncate(k);
    by_chord
        .into_iter()
        .map(|(c, p)| (p, geo::great_circle_m(c)))
        .collect()
}

/// Reports crowded into a few hundred metres, astride the antimeridian and
/// at 10°E, with several vessels at the very same point: cells split deep,
/// and merge again as vessels move on.
fn crowded_reports() -> impl Strategy<Value = Vec<Position>> {
    let lat = prop_oneof![60.0..60.002, Just(60.001)];
    let lon = prop_oneof![
        179.999..=180.0,
        -180.0..-179.999,
        Just(180.0),
        10.0..10.002,
        Just(10.001)
    ];
    let report = (1u32..300, lat, lon, 0i64..20).prop_map(|(mmsi, lat, lon, t)| Position {
        mmsi,
        lat,
        lon,
        sog_knots: Some(3.0),
        cog_deg: None,
        heading_deg: None,
        nav_status: Some(0),
        observed_at_ms: t,
    });
    prop::collection::vec(report, 0..600)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn crowded_nearest_matches_a_scan(
        reports in crowded_reports(),
        lat in 59.999..60.003,
        lon in prop_oneof![179.998..=180.0, -180.0..-179.998, 9.999..10.003],
        k in 0usize..40,
    ) {
        let index = index_of(&reports);
        prop_assert_eq!(index.nearest(lat, lon, k), scan_nearest(&reports, lat, lon, k));
    }

    #[test]
    fn crowded_box_and_get_match_a_scan(
        reports in crowded_reports(),
        (lat0, lat1) in (60.0f64..60.002, 60.0f64..60.002),
        (lon0, lon1) in (179.999..=180.0, -180.0..-179.999),
        limit in 0usize..300,
    ) {
        let index = index_of(&reports);
        let bbox = BoundingBox::new(lon0, lat0.min(lat1), lon1, lat0.max(lat1)).expect("valid box");
        let latest = latest(&reports);
        let mut expected: Vec<Position> = latest
            .values()
            .filter(|p| bbox.contains(p.lat, p.lon))
            .copied()
            .collect();
        expected.sort_by_key(|p| p.mmsi);
        expected.truncate(limit);
        prop_assert_eq!(index.in_box(&bbox, limit), expected);
        prop_assert_eq!(index.len(), latest.len());
        for (mmsi, p) in latest {
            prop_assert_eq!(index.get(mmsi), Some(p));
        }
    }
}
