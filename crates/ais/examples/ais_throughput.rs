//! Messages per second on one core, for the README's performance section.
//!
//! `cargo run --release -p porttrack-ais --example ais_throughput -- [FILE]`
//! Without FILE it decodes generated class A position reports only. Rates
//! are given per wall-clock second and per second of this thread's CPU
//! time; on a busy machine the second is the one-core figure.

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
    let start = Start::now();
    let mut n = 0u64;
    while start.wall.elapsed() < MIN_RUN {
        for (p, f) in &payloads {
            black_box(decode(black_box(p), *f).is_ok());
        }
        n += payloads.len() as u64;
    }
    report("payload decode (single-part)", n, &start);
    let mut decoder = Decoder::default();
    rate("full line decode (Decoder::push_line)", &lines, |l| {
        black_box(decoder.push_line(l, 0).is_ok());
    });
}

fn rate(name: &str, lines: &[&str], mut f: impl FnMut(&str)) {
    let start = Start::now();
    let mut n = 0u64;
    while start.wall.elapsed() < MIN_RUN {
        for l in lines {
            f(black_box(l));
        }
        n += lines.len() as u64;
    }
    report(name, n, &start);
}

/// When a phase began, by the wall clock and by this thread's CPU time: on
/// a shared machine the wall clock also counts time other processes held
/// the core, the CPU time does not.
struct Start {
    wall: Instant,
    cpu: Option<Duration>,
}

impl Start {
    fn now() -> Self {
        Self {
            wall: Instant::now(),
            cpu: cpu_time(),
        }
    }
}

/// User and system time of this thread, from `/proc` (Linux; 10 ms ticks).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name, which may hold spaces; utime and
    // stime are the 14th and 15th of the line.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn report(name: &str, n: u64, start: &Start) {
    let per_s = n as f64 / start.wall.elapsed().as_secs_f64();
    print!(
        "{name:40} {:>8.2} M lines/s  ({:.1} ns each)",
        per_s / 1e6,
        1e9 / per_s
    );
    match (start.cpu, cpu_time()) {
        (Some(before), Some(after)) if after > before => {
            let per_cpu_s = n as f64 / (after - before).as_secs_f64();
            println!(
                "; per CPU second {:.2} M ({:.1} ns)",
                per_cpu_s / 1e6,
                1e9 / per_cpu_s
            );
        }
        _ => println!(),
    }
}
