//! How many positions per second `Store::apply` sustains, in isolation.
//!
//! The load test's shape: 20,000 vessels reporting round-robin, every
//! round newer than the last, applied one batch at a time the way the
//! store loop does (each batch one transaction, committed before the
//! next). Two batch sizes: 500 (the consumer's maximum, a backlog) and
//! 50 (a consumer keeping up, receiving what has arrived).
//!
//! SQLite is a fresh file created the way the service creates it
//! (`connect_and_migrate`); PostgreSQL a fresh database when
//! `PORTTRACK_TEST_DATABASE_URL` is set. A plain harness rather than
//! criterion: the figure wanted is a sustained rate over a growing
//! table, not the time of one call.
//!
//! `cargo bench -p porttrack-ships --bench store`; `STORE_BENCH_ROUNDS`
//! (default 5, i.e. 100,000 positions per run) sizes it and
//! `STORE_BENCH_BATCHES` (default `500,50`) picks the batch sizes. The
//! per-round lines show how the rate falls as `track_points` grows: each
//! batch touches one leaf of its (mmsi, observed_at_ms) key per vessel,
//! scattered once the table is large (`STORE_BENCH_ROUNDS=100` shows it).

use std::time::{Duration, Instant};

use porttrack_platform::db::connect_and_migrate;
use porttrack_ships::{
    domain::Position,
    store::{Change, MIGRATOR, Store},
};

const VESSELS: u32 = 20_000;
/// Each vessel reports every 2 s in the load test.
const REPORT_EVERY_MS: i64 = 2_000;

/// Round `round`'s report of vessel `i`: spread over real MMSIs, moving a
/// little each round, with the optional fields sometimes absent.
fn position(i: u32, round: u32) -> Position {
    let t = f64::from(round);
    Position {
        mmsi: 211_000_000 + i * 37,
        lat: 50.0 + f64::from(i % 1000) * 0.01 + t * 1e-4,
        lon: 3.0 + f64::from(i / 1000) * 0.01 + t * 1e-4,
        sog_knots: (!i.is_multiple_of(7)).then_some(f64::from(i % 23) * 0.5),
        cog_deg: (!i.is_multiple_of(5)).then_some(f64::from(i % 360)),
        heading_deg: (!i.is_multiple_of(3)).then_some(i % 360),
        nav_status: Some(i % 16),
        observed_at_ms: 1_764_000_000_000
            + i64::from(round) * REPORT_EVERY_MS
            + i64::from(i % 2000),
    }
}

/// CPU time this process has used (all threads, SQLite's included), from
/// `/proc/self/stat` in clock ticks of 10 ms. The machine is shared, so
/// wall-clock rates move with the neighbours; CPU per position does not.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split(' ')
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// Applies `rounds` rounds in batches of `batch`; returns positions/s.
async fn run(store: &Store, rounds: u32, batch: usize) -> f64 {
    let mut changes = Vec::with_capacity(batch);
    let mut applied = 0usize;
    let mut busy = Duration::ZERO;
    let cpu_before = cpu_time();
    for round in 0..rounds {
        let all: Vec<Change> = (0..VESSELS)
            .map(|i| Change::Position(position(i, round)))
            .collect();
        let started = Instant::now();
        for chunk in all.chunks(batch) {
            changes.clear();
            changes.extend_from_slice(chunk);
            store.apply(&changes).await.expect("apply");
            applied += changes.len();
        }
        let took = started.elapsed();
        busy += took;
        println!(
            "    round {round}: {:>8.0} positions/s",
            f64::from(VESSELS) / took.as_secs_f64()
        );
    }
    let cpu = cpu_time() - cpu_before;
    println!(
        "    {:.1} µs of CPU per position (this process: SQLite runs in it, PostgreSQL does not)",
        cpu.as_secs_f64() * 1e6 / applied as f64
    );
    applied as f64 / busy.as_secs_f64()
}

async fn fresh_store(url: &str) -> Store {
    Store::new(
        connect_and_migrate(url, &MIGRATOR)
            .await
            .expect("connect and migrate"),
    )
}

async fn bench_backend(
    name: &str,
    rounds: u32,
    batches: &[usize],
    mut fresh_url: impl AsyncFnMut() -> String,
) {
    for &batch in batches {
        let url = fresh_url().await;
        let store = fresh_store(&url).await;
        println!("{name}, batches of {batch}:");
        let rate = run(&store, rounds, batch).await;
        println!("{name:<10} batch {batch:>3}: {rate:>8.0} positions/s");
    }
}

#[tokio::main]
async fn main() {
    // `cargo test --all-targets` runs benches without `--bench`: nothing to prove there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("store: run with `cargo bench`; skipped");
        return;
    }
    let rounds = std::env::var("STORE_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let batches: Vec<usize> = std::env::var("STORE_BENCH_BATCHES")
        .unwrap_or_else(|_| "500,50".to_owned())
        .split(',')
        .filter_map(|b| b.trim().parse().ok())
        .collect();
    println!("store: {VESSELS} vessels round-robin, {rounds} rounds");

    let dir = tempfile::tempdir().expect("tempdir");
    let mut n = 0;
    bench_backend("sqlite", rounds, &batches, async || {
        n += 1;
        format!(
            "sqlite://{}",
            dir.path().join(format!("ships{n}.db")).display()
        )
    })
    .await;

    if std::env::var("PORTTRACK_TEST_DATABASE_URL").is_ok() {
        bench_backend(
            "postgres",
            rounds,
            &batches,
            porttrack_testkit::servers::fresh_postgres,
        )
        .await;
    } else {
        println!("postgres: PORTTRACK_TEST_DATABASE_URL is not set; skipped");
    }
}
