//! Sentence parsing and full position-report decoding.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use porttrack_ais::{Decoder, Sentence, decode};

const LINE: &str = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";

fn benches(c: &mut Criterion) {
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

criterion_group!(decode_benches, benches);
criterion_main!(decode_benches);
