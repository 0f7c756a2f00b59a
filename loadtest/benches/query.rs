//! In-process query latency at 500,000 vessels: the ships service's index
//! (`porttrack_ships::index::Index`) against rstar used directly on the same
//! points, nearest 10 and a small bounding box. Ratios, not pass/fail.
//!
//! `cargo bench -p porttrack-loadtest --bench query`

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

fn bench(c: &mut Criterion) {
    let positions = points();
    let mut index = Index::default();
    for p in &positions {
        index.apply(*p);
    }
    let tree: RTree<GeomWithData<[f64; 2], u32>> = RTree::bulk_load(
        positions
            .iter()
            .map(|p| GeomWithData::new([p.lon, p.lat], p.mmsi))
            .collect(),
    );
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
