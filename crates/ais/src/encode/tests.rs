use proptest::prelude::*;

use super::*;
use crate::decode::decode;
use crate::message::{
    ClassBExtended, CraftInfo, Dimensions, LongRangeReport, Message, StaticPartA, StaticPartB,
    Timestamp,
};
use crate::sentence::Sentence;
use crate::{Decoder, DecoderConfig};

const SIXBIT_TEXT: &str = "[A-Z0-9 .,/()-]{0,20}";

/// What the decoder gives back for a sent string: cut at `@`, trailing spaces trimmed.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(SIXBIT_TEXT)
        .unwrap()
        .prop_map(move |s| {
            s.chars()
                .take(max)
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
}

fn lon_lat() -> impl Strategy<Value = (Option<f64>, Option<f64>)> {
    (
        prop_oneof![
            Just(None),
            (-108_000_000i32..=108_000_000).prop_map(|v| Some(f64::from(v) / 600_000.0))
        ],
        prop_oneof![
            Just(None),
            (-54_000_000i32..=54_000_000).prop_map(|v| Some(f64::from(v) / 600_000.0))
        ],
    )
}

fn tenths(max: u32) -> impl Strategy<Value = Option<f32>> {
    prop_oneof![Just(None), (0..max).prop_map(|v| Some(v as f32 / 10.0))]
}

/// Every 6-bit time stamp code: seconds and the four status codes.
fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0u8..64).prop_map(Timestamp::from_raw)
}

prop_compose! {
    fn position()(
        msg_type in 1u8..=3, repeat in 0u8..4, mmsi in 0u32..1 << 30, nav_status in 0u8..16,
        rot_raw in any::<i8>(), sog in tenths(1023), accuracy in any::<bool>(), (lon, lat) in lon_lat(),
        cog in tenths(3600), heading in proptest::option::of(0u16..360),
        timestamp in timestamp(), maneuver in 0u8..3, raim in any::<bool>(),
        radio in 0u32..1 << 19,
    ) -> PositionReport {
        let rot = match rot_raw {
            -128 | -127 | 127 => None,
            v => { let r = f32::from(v) / 4.733; Some(r * r * f32::from(v).signum()) }
        };
        PositionReport { msg_type, repeat, mmsi, nav_status, rot_raw, rot, sog, accuracy, lon, lat,
            cog, heading, timestamp, maneuver, raim, radio }
    }
}

prop_compose! {
    fn class_b()(
        repeat in 0u8..4, mmsi in 0u32..1 << 30, reserved in any::<u8>(), sog in tenths(1023),
        (lon, lat) in lon_lat(), cog in tenths(3600), heading in proptest::option::of(0u16..360),
        timestamp in timestamp(), regional in 0u8..4, flags in any::<[bool; 8]>(),
        radio in 0u32..1 << 20,
    ) -> ClassBPosition {
        ClassBPosition { repeat, mmsi, reserved, sog, accuracy: flags[0], lon, lat, cog, heading,
            timestamp, regional, cs: flags[1], display: flags[2], dsc: flags[3], band: flags[4],
            msg22: flags[5], assigned: flags[6], raim: flags[7], radio }
    }
}

prop_compose! {
    fn static_voyage()(
        repeat in 0u8..4, mmsi in 0u32..1 << 30, ais_version in 0u8..4, imo in 0u32..1 << 30,
        callsign in text(7), shipname in text(20), ship_type in any::<u8>(),
        dims in (0u16..512, 0u16..512, 0u8..64, 0u8..64), epfd in 0u8..16,
        eta in (0u8..16, 0u8..32, 0u8..32, 0u8..64), draught in 0u8..=255,
        destination in text(20), dte in any::<bool>(),
    ) -> StaticVoyage {
        StaticVoyage { repeat, mmsi, ais_version, imo, callsign, shipname, ship_type,
            dimensions: Dimensions { to_bow: dims.0, to_stern: dims.1, to_port: dims.2, to_starboard: dims.3 },
            epfd, eta_month: eta.0, eta_day: eta.1, eta_hour: eta.2, eta_minute: eta.3,
            draught: f32::from(draught) / 10.0, destination, dte }
    }
}

fn dimensions() -> impl Strategy<Value = Dimensions> {
    (0u16..512, 0u16..512, 0u8..64, 0u8..64).prop_map(|d| Dimensions {
        to_bow: d.0,
        to_stern: d.1,
        to_port: d.2,
        to_starboard: d.3,
    })
}

prop_compose! {
    fn class_b_extended()(
        repeat in 0u8..4, mmsi in 0u32..1 << 30, reserved in any::<u8>(), sog in tenths(1023),
        (lon, lat) in lon_lat(), cog in tenths(3600), heading in proptest::option::of(0u16..360),
        timestamp in timestamp(), regional in 0u8..16, shipname in text(20),
        ship_type in any::<u8>(), dimensions in dimensions(), epfd in 0u8..16,
        flags in any::<[bool; 4]>(),
    ) -> ClassBExtended {
        ClassBExtended { repeat, mmsi, reserved, sog, accuracy: flags[0], lon, lat, cog, heading,
            timestamp, regional, shipname, ship_type, dimensions, epfd, raim: flags[1],
            dte: flags[2], assigned: flags[3] }
    }
}

prop_compose! {
    /// A part B with a vendor id of at most two characters, so the decoded
    /// `vendor_id` (all 42 bits as text) ends at the `@` padding we send.
    fn static_part_b()(
        repeat in 0u8..4, auxiliary in any::<bool>(), mmsi in 0u32..10_000_000,
        ship_type in any::<u8>(), vendor_id in text(2), model in 0u8..16, serial in 0u32..1 << 20,
        callsign in text(7), dimensions in dimensions(), mothership in 0u32..1 << 30,
    ) -> StaticPartB {
        // The decoder reads a mothership MMSI for auxiliary craft (98xxxxxxx).
        let (mmsi, craft) = if auxiliary {
            (980_000_000 + mmsi, CraftInfo::Mothership(mothership))
        } else {
            (200_000_000 + mmsi, CraftInfo::Dimensions(dimensions))
        };
        StaticPartB { repeat, mmsi, ship_type, vendor_id, model, serial, callsign, craft }
    }
}

prop_compose! {
    fn long_range()(
        repeat in 0u8..4, mmsi in 0u32..1 << 30, flags in any::<[bool; 3]>(), nav_status in 0u8..16,
        lon in proptest::option::of(-108_000i32..=108_000),
        lat in proptest::option::of(-54_000i32..=54_000),
        sog in proptest::option::of(0u8..63), cog in proptest::option::of(0u16..360),
    ) -> LongRangeReport {
        LongRangeReport { repeat, mmsi, accuracy: flags[0], raim: flags[1], nav_status,
            lon: lon.map(|v| f64::from(v) / 600.0), lat: lat.map(|v| f64::from(v) / 600.0),
            sog, cog, gnss: flags[2] }
    }
}

fn decode_lines(lines: &[String]) -> Message {
    let mut decoder = Decoder::new(DecoderConfig::default());
    let mut out = None;
    for line in lines {
        assert!(Sentence::parse(line).is_ok(), "{line}");
        out = decoder.push_line(line, 0).unwrap().map(|d| d.message);
    }
    out.expect("complete message")
}

proptest! {
    #[test]
    fn position_round_trips(m in position()) {
        let line = encode_position(&m, 'A');
        prop_assert_eq!(decode_lines(&[line]), Message::Position(m));
    }

    #[test]
    fn class_b_round_trips(m in class_b()) {
        let line = encode_class_b(&m, 'B');
        prop_assert_eq!(decode_lines(&[line]), Message::ClassBPosition(m));
    }

    #[test]
    fn static_voyage_round_trips(m in static_voyage(), seq in 0u8..10) {
        let lines = encode_static_voyage(&m, seq, 'A');
        prop_assert_eq!(lines.len(), 2);
        prop_assert_eq!(decode_lines(&lines), Message::StaticVoyage(m));
    }
}

proptest! {
    #[test]
    fn class_b_extended_round_trips(m in class_b_extended()) {
        let line = encode_class_b_extended(&m, 'B');
        prop_assert_eq!(decode_lines(&[line]), Message::ClassBExtended(m));
    }

    #[test]
    fn static_part_a_round_trips(
        repeat in 0u8..4, mmsi in 0u32..1 << 30, shipname in text(20),
    ) {
        let m = StaticPartA { repeat, mmsi, shipname };
        let line = encode_static_part_a(&m, 'A');
        prop_assert_eq!(decode_lines(&[line]), Message::StaticPartA(m));
    }

    #[test]
    fn static_part_b_round_trips(m in static_part_b()) {
        let line = encode_static_part_b(&m, 'A');
        prop_assert_eq!(decode_lines(&[line]), Message::StaticPartB(m));
    }

    #[test]
    fn long_range_round_trips(m in long_range()) {
        let line = encode_long_range(&m, 'A');
        prop_assert_eq!(decode_lines(&[line]), Message::LongRange(m));
    }
}

/// The payload's bits as a string of 0s and 1s.
fn bit_string(payload: &str, fill: u8) -> String {
    let r = crate::bits::BitReader::new(payload, fill).unwrap();
    (0..r.len())
        .map(|k| if r.flag(k) { '1' } else { '0' })
        .collect()
}

/// Decoding a real payload and encoding the result gives the same bits
/// back: every bit is accounted for (spares are zero in these samples).
/// The part A samples are 160 bits, as many transmitters send it; we send
/// the 168 bits of ITU-R M.1371-5, the last 8 spare.
#[test]
fn reencodes_real_payloads_bit_for_bit() {
    let samples = [
        // gpsd sample.aivdm: type 19, type 24 A and B, type 27.
        ("C5N3SRgPEnJGEBT>NhWAwwo862PaLELTBJ:V00000000S0D:R220", 0),
        ("H42O55i18tMET00000000000000", 2),
        ("H42O55lti4hhhilD3nink000?050", 0),
        ("KCQ9r=hrFUnH7P00", 0),
    ];
    for (payload, fill) in samples {
        let again = match decode(payload, fill).unwrap() {
            Message::ClassBExtended(m) => class_b_extended_payload(&m),
            Message::StaticPartA(m) => static_part_a_payload(&m),
            Message::StaticPartB(m) => static_part_b_payload(&m),
            Message::LongRange(m) => long_range_payload(&m),
            other => panic!("{other:?}"),
        };
        let (sent, ours) = (bit_string(payload, fill), bit_string(&again.0, again.1));
        let spare = if sent.len() == 160 { "00000000" } else { "" };
        assert_eq!(ours, sent + spare, "{payload}");
    }
}

#[test]
fn encodes_gpsd_sample_line_exactly() {
    let Message::Position(p) = decode("15RTgt0PAso;90TKcjM8h6g208CQ", 0).unwrap() else {
        panic!()
    };
    assert_eq!(
        encode_position(&p, 'A'),
        "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"
    );
}
