//! Messages per second on one core, for the README's performance section.
//!
//! `cargo run --release -p porttrack-ais --example ais_throughput -- [FILE]`
//! Without FILE it decodes generated class A position reports only.

use std::hint::black_box;
use std::time::{Duration, Instant};

use porttrack_ais::encode::corpus::{Rng, position};
use porttrack_ais::encode::encode_position;
use porttrack_ais::{Decoder, Sentence, decode};

/// Repeats `f` over the corpus until at least this long has passed.
const MIN_RUN: Duration = Duration::from_secs(2);

fn main() {
    let lines: Vec<String> = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)
            .expect("readable file")
            .lines()
            .map(str::to_owned)
            .collect(),
        None => {
            let mut rng = Rng::new(7);
            (0..100_000)
                .map(|_| encode_position(&position(&mut rng), 'A'))
                .collect()
        }
    };
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    rate("sentence parse", &lines, |l| {
        black_box(Sentence::parse(l).is_ok());
    });
    let payloads: Vec<(&str, u8)> = lines
        .iter()
        .filter_map(|l| Sentence::parse(l).ok())
        .filter(|s| s.fragment_count == 1)
        .map(|s| (s.payload, s.fill_bits))
        .collect();
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < MIN_RUN {
        for (p, f) in &payloads {
            black_box(decode(black_box(p), *f).is_ok());
        }
        n += payloads.len() as u64;
    }
    report("payload decode (single-part)", n, start.elapsed());
    let mut decoder = Decoder::default();
    rate("full line decode (Decoder::push_line)", &lines, |l| {
        black_box(decoder.push_line(l, 0).is_ok());
    });
}

fn rate(name: &str, lines: &[&str], mut f: impl FnMut(&str)) {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < MIN_RUN {
        for l in lines {
            f(black_box(l));
        }
        n += lines.len() as u64;
    }
    report(name, n, start.elapsed());
}

fn report(name: &str, n: u64, elapsed: Duration) {
    let per_s = n as f64 / elapsed.as_secs_f64();
    println!(
        "{name:40} {:>8.2} M lines/s  ({:.1} ns each)",
        per_s / 1e6,
        1e9 / per_s
    );
}
