//! Arbitrary bytes as an armoured payload and fill bits into `decode`, and
//! whatever decodes through the gpsd JSON writer: nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use porttrack_ais::{Decoded, Meta, decode, gpsd};

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    // Mostly valid armour, so the fuzzer explores the bit layouts; sometimes
    // the raw bytes, so it explores rejection of bad characters too.
    let payload: String = if head & 0x80 == 0 {
        rest.iter()
            .map(|&b| {
                let v = b & 0x3F;
                char::from(if v < 40 { v + 48 } else { v + 56 })
            })
            .collect()
    } else {
        String::from_utf8_lossy(rest).into_owned()
    };
    let fill_bits = head & 0x07;
    if let Ok(message) = decode(&payload, fill_bits) {
        let decoded = Decoded {
            message,
            meta: Meta {
                talker: *b"AI",
                channel: Some('A'),
                own_ship: false,
                source: None,
                receive_time: None,
                vendor_station: None,
                vendor_time: None,
                checksum_ok: true,
            },
        };
        let mut json = String::new();
        gpsd::write_json(&decoded, &mut json);
        assert!(json.starts_with('{') && json.ends_with('}'));
    }
});
