//! In-process query latency at 500,000 vessels: the ships service's index
//! (`porttrack_ships::index::Index`) against rstar used directly on the same
//! points, nearest 10 and a small bounding box. Ratios, not pass/fail.
//!
//! The index is measured twice: bulk-loaded, as the service builds it from
//! the database at start, and after every vessel has moved once, as it is
//! once live traffic has replaced each entry by an insert.
//!
//! `cargo bench -p porttrack-loadtest --bench query`
//!
//! With `QUERY_COUNT=nearest10` (or `bbox`), it runs 10,000 of those
//! queries on the index without criterion instead, inside `count_queries`
//! (on the moved index with `QUERY_COUNT_MOVED=1`; `QUERY_COUNT_RSTAR`
//! counts rstar's side in `count_queries_rstar`),
//! for an instruction count that a busy machine does not blur:
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*count_queries*' <bench binary> --bench`
//!
//! Live traffic moves every vessel every few seconds, so updates are
//! measured too: `apply` moves one vessel a little per iteration, and
//! `QUERY_COUNT=apply` counts 10,000 of those in `count_applies`.

use criterion::{BenchmarkId, Criterion, black_box, criterion_group, criterion_main};
use porttrack_ais::encode::corpus::Rng;
use porttrack_ships::{
    domain::{BoundingBox, Position},
    index::Index,
};
use rstar::{AABB, RTree, primitives::GeomWithData};

/// 500,000 under `cargo bench`; a few under `cargo test --all-targets`,
/// which runs each benchmark once to prove it works.
fn vessels() -> u32 {
    if std::env::args().any(|a| a == "--bench") {
        500_000
    } else {
        5_000
    }
}
/// The North Sea and around: 10° by 10°, 5,000 vessels per square degree.
const AREA: (f64, f64, f64, f64) = (0.0, 50.0, 10.0, 60.0);

fn points() -> Vec<Position> {
    let mut rng = Rng::new(11);
    let mut coord =
        |lo: f64, hi: f64| lo + (hi - lo) * f64::from(rng.below(1 << 30)) / f64::from(1 << 30);
    (0..vessels())
        .map(|i| Position {
            mmsi: 200_000_000 + i,
            lat: coord(AREA.1, AREA.3),
            lon: coord(AREA.0, AREA.2),
            sog_knots: Some(10.0),
            cog_deg: Some(90.0),
            heading_deg: Some(90),
            nav_status: Some(0),
            observed_at_ms: 1,
        })
        .collect()
}

type Tree = RTree<GeomWithData<[f64; 2], u32>>;

/// Query points and boxes inside the area, the same for both sides.
fn queries(n: usize) -> Vec<(f64, f64)> {
    let mut rng = Rng::new(5);
    (0..n)
        .map(|_| {
            let lat = 51.0 + f64::from(rng.below(8000)) / 1000.0;
            let lon = 1.0 + f64::from(rng.below(8000)) / 1000.0;
            (lat, lon)
        })
        .collect()
}

/// Every vessel reports once more, a little further north.
fn moved(index: &Index, positions: &[Position]) -> Index {
    let mut moved = Index::from_positions(positions.iter().copied());
    for p in positions {
        moved.apply(Position {
            lat: p.lat + 0.001,
            observed_at_ms: 2,
            ..*p
        });
    }
    assert_eq!(moved.len(), index.len());
    moved
}

/// The peer's side of `count_queries`, on the same queries.
#[inline(never)]
fn count_queries_rstar(tree: &Tree, kind: &str, qs: &[(f64, f64)]) -> usize {
    let mut found = 0;
    for &(lat, lon) in qs.iter().cycle().take(10_000) {
        found += match kind {
            "nearest10" => tree.nearest_neighbor_iter(&[lon, lat]).take(10).count(),
            _ => {
                let env = AABB::from_corners([lon, lat], [lon + 0.1, lat + 0.05]);
                tree.locate_in_envelope(&env)
                    .map(|e| e.data)
                    .collect::<Vec<_>>()
                    .len()
            }
        };
    }
    found
}

/// Each vessel in turn reports a little further north, newer each round
/// (and back south every eighth round, to stay in the area).
fn move_one(positions: &[Position], i: usize) -> Position {
    let round = i / positions.len() + 1;
    let p = positions[i % positions.len()];
    Position {
        lat: p.lat + 0.0005 * (round % 8) as f64,
        observed_at_ms: p.observed_at_ms + round as i64,
        ..p
    }
}

#[inline(never)]
fn count_applies(index: &mut Index, positions: &[Position]) -> usize {
    (0..10_000)
        .filter(|&i| index.apply(move_one(positions, i * 37)))
        .count()
}

#[inline(never)]
fn count_queries(index: &Index, kind: &str, qs: &[(f64, f64)]) -> usize {
    let mut found = 0;
    for &(lat, lon) in qs.iter().cycle().take(10_000) {
        found += match kind {
            "nearest10" => index.nearest(lat, lon, 10).len(),
            _ => {
                let bbox = BoundingBox::new(lon, lat, lon + 0.1, lat + 0.05).expect("valid box");
                index.in_box(&bbox, 1000).len()
            }
        };
    }
    found
}

fn bench(c: &mut Criterion) {
    let positions = points();
    let index = Index::from_positions(positions.iter().copied());
    let tree: Tree = RTree::bulk_load(
        positions
            .iter()
            .map(|p| GeomWithData::new([p.lon, p.lat], p.mmsi))
            .collect(),
    );
    if let Ok(kind) = std::env::var("QUERY_COUNT_RSTAR") {
        let found = count_queries_rstar(&tree, &kind, &queries(1024));
        println!("rstar {kind}: {found} found in 10,000 queries");
        return;
    }
    if std::env::var("QUERY_COUNT").as_deref() == Ok("apply") {
        let mut index = index;
        let applied = count_applies(&mut index, &positions);
        println!("apply: {applied} of 10,000 applied");
        return;
    }
    if let Ok(kind) = std::env::var("QUERY_COUNT") {
        let index = match std::env::var_os("QUERY_COUNT_MOVED") {
            Some(_) => moved(&index, &positions),
            None => index,
        };
        let found = count_queries(&index, &kind, &queries(1024));
        println!("{kind}: {found} found in 10,000 queries");
        return;
    }
    let moved = moved(&index, &positions);
    let qs = queries(1024);
    // A box of 0.1° by 0.05°: about 25 vessels.
    let (w, h) = (0.1, 0.05);

    let mut g = c.benchmark_group("query_500k");
    let mut i = 0;
    g.bench_function(BenchmarkId::new("nearest10", "porttrack_index"), |b| {
        b.iter(|| {
            let (lat, lon) = qs[i % qs.len()];
            i += 1;
            black_box(index.nearest(lat, lon, 10))
        })
    });
    g.bench_function(
        BenchmarkId::new("nearest10", "porttrack_index_moved"),
        |b| {
            b.iter(|| {
                let (lat, lon) = qs[i % qs.len()];
                i += 1;
                black_box(moved.nearest(lat, lon, 10))
            })
        },
    );
    g.bench_function(BenchmarkId::new("nearest10", "rstar_direct"), |b| {
        b.iter(|| {
            let (lat, lon) = qs[i % qs.len()];
            i += 1;
            black_box(
                tree.nearest_neighbor_iter(&[lon, lat])
                    .take(10)
                    .map(|e| e.data)
                    .collect::<Vec<_>>(),
            )
        })
    });
    g.bench_function(BenchmarkId::new("bbox", "porttrack_index"), |b| {
        b.iter(|| {
            let (lat, lon) = qs[i % qs.len()];
            i += 1;
            let bbox = BoundingBox::new(lon, lat, lon + w, lat + h).expect("valid box");
            black_box(index.in_box(&bbox, 1000))
        })
    });
    g.bench_function(BenchmarkId::new("bbox", "porttrack_index_moved"), |b| {
        b.iter(|| {
            let (lat, lon) = qs[i % qs.len()];
            i += 1;
            let bbox = BoundingBox::new(lon, lat, lon + w, lat + h).expect("valid box");
            black_box(moved.in_box(&bbox, 1000))
        })
    });
    g.bench_function(BenchmarkId::new("bbox", "rstar_direct"), |b| {
        b.iter(|| {
            let (lat, lon) = qs[i % qs.len()];
            i += 1;
            let env = AABB::from_corners([lon, lat], [lon + w, lat + h]);
            black_box(
                tree.locate_in_envelope(&env)
                    .map(|e| e.data)
                    .collect::<Vec<_>>(),
            )
        })
    });
    g.finish();

    let mut g = c.benchmark_group("apply_500k");
    let mut index = index;
    let mut i = 0;
    g.bench_function(BenchmarkId::new("apply", "porttrack_index"), |b| {
        b.iter(|| {
            // A stride through the vessels: consecutive updates land far
            // apart, as live reports from a whole sea do.
            i += 7919;
            black_box(index.apply(move_one(&positions, i)))
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
