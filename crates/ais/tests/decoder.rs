//! The line-level `Decoder` against libais fixtures, and robustness.

use porttrack_ais::{ChecksumPolicy, Decoder, DecoderConfig, Message, Reject};
use proptest::prelude::*;

const TAGBLOCK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/ais/libais/tagblock.nmea"
));
const TYPE_EXAMPLES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/ais/libais/typeexamples.nmea"
));

#[test]
fn tag_block_group_reassembles_around_interleaved_line() {
    let mut decoder = Decoder::default();
    let decoded: Vec<_> = TAGBLOCK
        .lines()
        .filter_map(|l| decoder.push_line(l, 0).unwrap())
        .collect();
    assert_eq!(decoded.len(), 4);
    let Message::StaticVoyage(s) = &decoded[1].message else {
        panic!("{:?}", decoded[1])
    };
    assert_eq!(
        (s.mmsi, s.shipname.as_str(), s.callsign.as_str()),
        (219_005_012, "ROSINANTE", "XPD5019")
    );
    assert_eq!(decoded[1].meta.source.as_deref(), Some("rORBCOMM008"));
    assert_eq!(decoded[1].meta.receive_time, Some(1_418_169_601));
    assert_eq!(decoded[0].message.mmsi(), 224_651_000);
    assert_eq!(decoded[0].meta.source.as_deref(), Some("rORBCOMM104"));
}

#[test]
fn uscg_trailer_kept_as_meta() {
    let mut decoder = Decoder::default();
    let first = TYPE_EXAMPLES.lines().next().unwrap();
    let d = decoder.push_line(first, 0).unwrap().unwrap();
    assert_eq!(d.meta.vendor_station.as_deref(), Some("r003669946"));
    assert_eq!(d.meta.vendor_time, Some(1_325_394_001));
    assert_eq!(d.meta.talker_str(), "AI");
    assert_eq!(d.message.mmsi(), 3_669_713);
}

#[test]
fn libais_type_examples_all_decode() {
    let mut decoder = Decoder::default();
    let mut messages = 0;
    for line in TYPE_EXAMPLES.lines() {
        match decoder.push_line(line, 0) {
            Ok(Some(_)) => messages += 1,
            Ok(None) => {}
            Err(e) => panic!("{line}: {e}"),
        }
    }
    assert!(messages >= 24, "{messages}");
}

#[test]
fn checksum_policy_flags() {
    let bad = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*00";
    assert!(matches!(
        Decoder::default().push_line(bad, 0),
        Err(Reject::BadChecksum { .. })
    ));
    let mut lenient = Decoder::new(DecoderConfig {
        checksum: ChecksumPolicy::AcceptAndFlag,
        ..DecoderConfig::default()
    });
    let d = lenient.push_line(bad, 0).unwrap().unwrap();
    assert!(!d.meta.checksum_ok);
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(lines in proptest::collection::vec(".{0,120}", 1..20)) {
        let mut decoder = Decoder::new(DecoderConfig { max_pending: 4, ..DecoderConfig::default() });
        for (i, line) in lines.iter().enumerate() {
            let _ = decoder.push_line(line, i as u64);
        }
    }

    #[test]
    fn near_valid_lines_never_panic(
        parts in proptest::collection::vec(("[0-9]", "[0-9]", "[0-9]?", "[AB12]?", "[0-9:;<=>?@A-W`a-w]{0,70}", "[0-9]"), 1..20),
        now in any::<u64>(),
    ) {
        let mut decoder = Decoder::new(DecoderConfig { max_pending: 4, ..DecoderConfig::default() });
        for (count, number, seq, channel, payload, fill) in parts {
            let body = format!("AIVDM,{count},{number},{seq},{channel},{payload},{fill}");
            let sum = body.bytes().fold(0u8, |a, b| a ^ b);
            let _ = decoder.push_line(&format!("!{body}*{sum:02X}"), now);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let line = String::from_utf8_lossy(&bytes);
        let _ = Decoder::default().push_line(&line, 0);
    }
}
