//! Prints a generated corpus of realistic `!AIVDM` lines (for
//! `scripts/ais-compare.sh` and other side-by-side runs).
//!
//! `cargo run --release -p porttrack-ais --example ais_corpus -- [LINES] [SEED]`

use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let lines = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in porttrack_ais::encode::corpus::sample_lines(seed, lines) {
        writeln!(out, "{line}")?;
    }
    out.flush()
}
