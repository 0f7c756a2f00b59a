use super::*;

fn pos(mmsi: u32, lat: f64, lon: f64, t: i64) -> Position {
    Position {
        mmsi,
        lat,
        lon,
        sog_knots: None,
        cog_deg: None,
        heading_deg: None,
        nav_status: None,
        observed_at_ms: t,
    }
}

/// A deterministic scatter of points over the whole globe.
fn scatter(n: u32) -> Vec<Position> {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    (1..=n)
        .map(|m| pos(m, next() * 180.0 - 90.0, next() * 360.0 - 180.0, 1))
        .collect()
}

#[test]
fn newer_wins_and_replays_are_ignored() {
    let mut index = Index::default();
    assert!(index.apply(pos(1, 59.0, 10.0, 100)));
    assert!(
        !index.apply(pos(1, 0.0, 0.0, 50)),
        "older report must not move the vessel back"
    );
    assert!(!index.apply(pos(1, 59.0, 10.0, 100)), "replay is a no-op");
    assert!(index.apply(pos(1, 60.0, 11.0, 200)));
    assert_eq!(index.get(1).unwrap().lat, 60.0);
    assert_eq!(index.len(), 1);
    assert_eq!(
        index.in_box(&BoundingBox::new(9.0, 58.0, 10.5, 59.5).unwrap(), 10),
        vec![]
    );
}

#[test]
fn box_queries_match_a_linear_scan() {
    let points = scatter(5000);
    let mut index = Index::default();
    for p in &points {
        index.apply(*p);
    }
    let boxes = [
        BoundingBox::new(-10.0, 40.0, 30.0, 70.0).unwrap(),
        BoundingBox::new(170.0, -30.0, -170.0, 30.0).unwrap(),
        BoundingBox::new(-180.0, 80.0, 180.0, 90.0).unwrap(),
        BoundingBox::WORLD,
    ];
    for b in boxes {
        let mut expected: Vec<u32> = points
            .iter()
            .filter(|p| b.contains(p.lat, p.lon))
            .map(|p| p.mmsi)
            .collect();
        expected.sort_unstable();
        let got: Vec<u32> = index
            .in_box(&b, usize::MAX)
            .iter()
            .map(|p| p.mmsi)
            .collect();
        assert_eq!(got, expected, "{b:?}");
    }
}

#[test]
fn nearest_matches_a_linear_scan_by_haversine() {
    let points = scatter(3000);
    let mut index = Index::default();
    for p in &points {
        index.apply(*p);
    }
    let haversine = |lat1: f64, lon1: f64, lat2: f64, lon2: f64| {
        let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
        let dp = p2 - p1;
        let dl = (lon2 - lon1).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().asin()
    };
    for (lat, lon) in [(59.9, 10.7), (0.0, 179.9), (-89.0, 0.0), (36.9, -76.3)] {
        let mut expected: Vec<(f64, u32)> = points
            .iter()
            .map(|p| (haversine(lat, lon, p.lat, p.lon), p.mmsi))
            .collect();
        expected.sort_by(|a, b| a.0.total_cmp(&b.0));
        let got = index.nearest(lat, lon, 10);
        assert_eq!(got.len(), 10);
        for ((p, d), (ed, em)) in got.iter().zip(&expected) {
            assert_eq!(p.mmsi, *em);
            assert!((d - ed).abs() < 1.0, "distance {d} vs {ed}");
        }
    }
}

/// A whole fleet crowded into one small area splits cells deep; when it
/// sails away the emptied cells merge, and when it returns they split
/// again. Answers match a scan at every stage.
#[test]
fn a_fleet_moving_away_and_back_is_always_found() {
    let at = |lat0: f64, lon0: f64, t: i64| -> Vec<Position> {
        (1..=2000u32)
            .map(|m| {
                let (i, j) = (f64::from(m % 50), f64::from(m / 50));
                pos(m, lat0 + i * 1e-4, lon0 + j * 1e-4, t)
            })
            .collect()
    };
    let mut index = Index::from_positions(at(59.0, 10.0, 1));
    for (t, (lat0, lon0)) in [(-33.9, 151.2), (59.0, 10.0), (89.99, -180.0)]
        .into_iter()
        .enumerate()
    {
        let fleet = at(lat0, lon0, t as i64 + 2);
        for p in &fleet {
            assert!(index.apply(*p));
        }
        assert_eq!(index.len(), fleet.len());
        // West of -180° is east of 180°: that box crosses the antimeridian.
        let west = if lon0 - 0.001 < -180.0 {
            lon0 - 0.001 + 360.0
        } else {
            lon0 - 0.001
        };
        let around = BoundingBox::new(west, lat0 - 0.001, lon0 + 0.0025, lat0 + 0.005).unwrap();
        let got: Vec<u32> = index
            .in_box(&around, usize::MAX)
            .iter()
            .map(|p| p.mmsi)
            .collect();
        let expected: Vec<u32> = (1..=2000)
            .filter(|m| {
                let p = &fleet[*m as usize - 1];
                around.contains(p.lat, p.lon)
            })
            .collect();
        assert_eq!(got, expected);
        let query = geo::unit_vector(lat0, lon0);
        let mut by_distance: Vec<(f64, u32)> = fleet
            .iter()
            .map(|p| (geo::chord_2(query, geo::unit_vector(p.lat, p.lon)), p.mmsi))
            .collect();
        by_distance.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let expected: Vec<u32> = by_distance.iter().take(7).map(|&(_, m)| m).collect();
        let nearest: Vec<u32> = index
            .nearest(lat0, lon0, 7)
            .iter()
            .map(|(p, _)| p.mmsi)
            .collect();
        assert_eq!(nearest, expected, "({lat0}, {lon0})");
        for p in fleet.iter().step_by(97) {
            assert_eq!(index.get(p.mmsi), Some(*p));
        }
    }
}

/// Vessels reported at the very same point cannot be parted by any split;
/// they share one leaf, and ties are ordered by MMSI.
#[test]
fn many_vessels_at_one_point() {
    let mut index = Index::default();
    for m in (1..=300).rev() {
        index.apply(pos(m, 0.0, 0.0, 1));
    }
    index.apply(pos(1000, 0.001, 0.0, 1));
    let got: Vec<u32> = index
        .nearest(0.0, 0.0, 5)
        .iter()
        .map(|(p, _)| p.mmsi)
        .collect();
    assert_eq!(got, vec![1, 2, 3, 4, 5]);
    let inside = index.in_box(
        &BoundingBox::new(-0.0001, -0.0001, 0.0001, 0.0001).unwrap(),
        1000,
    );
    assert_eq!(inside.len(), 300);
    assert_eq!(index.nearest(0.001, 0.0, 1)[0].0.mmsi, 1000);
}

#[test]
fn points_off_the_globe_are_refused_not_misfiled() {
    let mut index = Index::from_positions([pos(1, 91.0, 0.0, 1), pos(2, 10.0, 20.0, 1)]);
    assert_eq!(index.len(), 1);
    assert!(index.get(1).is_none());
    for bad in [
        pos(3, f64::NAN, 0.0, 2),
        pos(3, 0.0, 180.5, 2),
        pos(2, -90.5, 20.0, 2),
    ] {
        assert!(!index.apply(bad));
    }
    assert_eq!(index.len(), 1);
    assert_eq!(index.get(2).map(|p| p.lat), Some(10.0));
    let near = index.nearest(10.0, 20.0, 5);
    assert_eq!(near.len(), 1);
}
