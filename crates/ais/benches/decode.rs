//! Sentence parsing and full position-report decoding, one message at a
//! time and over a batch of varied reports (criterion prints elements/s).

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use porttrack_ais::encode::corpus::{Rng, position};
use porttrack_ais::encode::encode_position;
use porttrack_ais::{Decoder, Sentence, decode};

const LINE: &str = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
const BATCH: usize = 1_000;

fn single(c: &mut Criterion) {
    c.bench_function("sentence_parse", |b| {
        b.iter(|| Sentence::parse(black_box(LINE)))
    });
    c.bench_function("decode_position_payload", |b| {
        b.iter(|| decode(black_box("15RTgt0PAso;90TKcjM8h6g208CQ"), 0))
    });
    let mut decoder = Decoder::default();
    c.bench_function("decoder_push_line_position", |b| {
        b.iter(|| decoder.push_line(black_box(LINE), 0))
    });
}

/// Varied reports defeat branch prediction that one repeated line enjoys.
fn batch(c: &mut Criterion) {
    let mut rng = Rng::new(7);
    let lines: Vec<String> = (0..BATCH)
        .map(|_| encode_position(&position(&mut rng), 'A'))
        .collect();
    let mut group = c.benchmark_group("positions_batch");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("sentence_parse", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(Sentence::parse(black_box(l)).is_ok());
            }
        })
    });
    let mut decoder = Decoder::default();
    group.bench_function("push_line", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(decoder.push_line(black_box(l), 0).is_ok());
            }
        })
    });
    group.finish();
}

criterion_group!(decode_benches, single, batch);
criterion_main!(decode_benches);
