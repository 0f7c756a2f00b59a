//! Arbitrary bytes as lines into `Decoder::push_line`: nothing panics, and
//! pending fragments never exceed the configured bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use porttrack_ais::{ChecksumPolicy, Decoder, DecoderConfig};

const MAX_PENDING: usize = 4;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    // Accepting bad checksums lets mutated lines reach reassembly and decoding.
    let checksum = if mode & 1 == 0 {
        ChecksumPolicy::AcceptAndFlag
    } else {
        ChecksumPolicy::Reject
    };
    let mut decoder = Decoder::new(DecoderConfig {
        checksum,
        fragment_timeout_ms: 1_000,
        max_pending: MAX_PENDING,
    });
    let text = String::from_utf8_lossy(rest);
    let mut json = String::new();
    for (i, line) in text.split('\n').enumerate() {
        // Time jumps now and then, so groups also expire.
        let now = (i as u64) * u64::from(mode >> 1) * 10;
        if let Ok(Some(decoded)) = decoder.push_line(line, now) {
            json.clear();
            porttrack_ais::gpsd::write_json(&decoded, &mut json);
        }
        assert!(decoder.pending_fragments() <= MAX_PENDING);
    }
});
