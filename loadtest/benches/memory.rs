//! Memory per tracked vessel: heap bytes held by the ships service's index
//! (`porttrack_ships::index::Index`: latest position per vessel plus the
//! R-tree) after loading N vessels as the service does at start (one bulk
//! load) and then one update each (live traffic), counted by the
//! allocator; next to the same points in a bare rstar tree, built by
//! inserts and bulk-loaded. Prints a table; not pass/fail.
//!
//! `cargo bench -p porttrack-loadtest --bench memory`

use std::alloc::System;

use porttrack_ais::encode::corpus::Rng;
use porttrack_ships::{domain::Position, index::Index};
use rstar::{RTree, primitives::GeomWithData};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn position(rng: &mut Rng, i: u32) -> Position {
    let mut coord =
        |lo: f64, span: f64| lo + span * f64::from(rng.below(1 << 30)) / f64::from(1 << 30);
    Position {
        mmsi: 200_000_000 + i,
        lat: coord(50.0, 10.0),
        lon: coord(0.0, 10.0),
        sog_knots: Some(10.0),
        cog_deg: Some(90.0),
        heading_deg: Some(90),
        nav_status: Some(0),
        observed_at_ms: 1,
    }
}

/// Net heap bytes `build` leaves allocated, per vessel.
fn per_vessel<T>(n: u32, build: impl FnOnce() -> T) -> (f64, T) {
    let region = Region::new(GLOBAL);
    let held = build();
    let s = region.change();
    // A realloc counts its growth as allocated and its shrinkage as freed.
    let net = s.bytes_allocated as f64 - s.bytes_deallocated as f64;
    (net / f64::from(n), held)
}

fn main() {
    // `cargo test --all-targets` runs benches without `--bench`: a small
    // size proves the bench works without the minutes a full run takes.
    let sizes: &[u32] = if std::env::args().any(|a| a == "--bench") {
        &[10_000, 100_000, 500_000]
    } else {
        &[1_000]
    };
    println!(
        "{:>9} {:>22} {:>22} {:>8} {:>22} {:>8}",
        "vessels",
        "porttrack index B/vsl",
        "rstar inserts B/vsl",
        "ratio",
        "rstar bulk B/vsl",
        "ratio"
    );
    for &n in sizes {
        let mut rng = Rng::new(3);
        let positions: Vec<Position> = (0..n).map(|i| position(&mut rng, i)).collect();
        let (index_b, index) = per_vessel(n, || {
            let mut index = Index::from_positions(positions.iter().copied());
            // A second report per vessel: memory after updates, not only inserts.
            for p in &positions {
                index.apply(Position {
                    observed_at_ms: 2,
                    lat: p.lat + 0.001,
                    ..*p
                });
            }
            index
        });
        assert_eq!(index.len(), n as usize);
        let (tree_b, tree) = per_vessel(n, || {
            let mut tree: RTree<GeomWithData<[f64; 2], u32>> = RTree::new();
            for p in &positions {
                tree.insert(GeomWithData::new([p.lon, p.lat], p.mmsi));
            }
            tree
        });
        assert_eq!(tree.size(), n as usize);
        let (bulk_b, bulk) = per_vessel(n, || {
            RTree::bulk_load(
                positions
                    .iter()
                    .map(|p| GeomWithData::new([p.lon, p.lat], p.mmsi))
                    .collect::<Vec<_>>(),
            )
        });
        assert_eq!(bulk.size(), n as usize);
        println!(
            "{n:>9} {index_b:>22.1} {tree_b:>22.1} {:>8.2} {bulk_b:>22.1} {:>8.2}",
            index_b / tree_b,
            index_b / bulk_b
        );
    }
}
