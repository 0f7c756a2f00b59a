//! Inputs built here bit by bit, for what no sample holds: binary payloads,
//! and a fragment whose sequence id changed mid-message.

use super::GPSD_SAMPLE;
use super::harness::{Tally, compare, differential, gpsdecode, gpsdecode_text, ours, parse};

/// Fields (value, width) packed MSB first and armoured, as one sentence:
/// payloads built here bit by bit, independently of our encoder.
pub(crate) fn hand_built(fields: &[(u64, usize)]) -> String {
    let mut bits: Vec<bool> = fields
        .iter()
        .flat_map(|&(v, n)| (0..n).rev().map(move |k| (v >> k) & 1 == 1))
        .collect();
    let fill = (6 - bits.len() % 6) % 6;
    bits.resize(bits.len() + fill, false);
    let payload: String = bits
        .chunks(6)
        .map(|c| {
            let v = c.iter().fold(0u8, |acc, &b| (acc << 1) | u8::from(b));
            char::from(if v < 40 { v + 48 } else { v + 56 })
        })
        .collect();
    sentence(&format!("AIVDM,1,1,,A,{payload},{fill}"))
}

/// Six-bit text of exactly `chars` characters (`@`-padded) as fields.
pub(crate) fn six_bit(text: &str, chars: usize) -> Vec<(u64, usize)> {
    const SIXBIT: &[u8] = b"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";
    let mut out: Vec<(u64, usize)> = text
        .bytes()
        .map(|b| (SIXBIT.iter().position(|&c| c == b).unwrap() as u64, 6))
        .collect();
    out.resize(chars, (0, 6));
    out
}

/// Binary payloads that occur in no sample (VTS targets, berthing, fairway
/// closed, cargo codes, routes, broadcast text, inland ETA/RTA, persons on board, water levels,
/// signal status): gpsd types them and agrees with us field by field.
#[test]
fn hand_built_binary_payloads_agree_with_gpsdecode() {
    // Type 6 header: type, repeat, MMSI, sequence, destination, retransmit, spare.
    let addressed = |fid: u64| {
        vec![
            (6, 6),
            (0, 2),
            (211_000_001, 30),
            (0, 2),
            (211_000_002, 30),
            (0, 1),
            (0, 1),
            (200, 10),
            (fid, 6),
        ]
    };
    let arrival = |fid: u64, tail: &[(u64, usize)]| {
        let mut f = addressed(fid);
        for (text, n) in [
            ("DE", 2),
            ("DUI", 3),
            ("00001", 5),
            ("T0042", 5),
            ("01234", 5),
        ] {
            f.extend(six_bit(text, n));
        }
        f.extend([(5, 4), (14, 5), (9, 5), (30, 6)]);
        f.extend_from_slice(tail);
        hand_built(&f)
    };
    let mut persons = addressed(55);
    persons.extend([(5, 8), (120, 13), (3, 8), (0, 51)]);
    // Type 8 header: type, repeat, MMSI, spare, then DAC and FI.
    let broadcast = |dac: u64, fid: u64| {
        vec![
            (8, 6),
            (0, 2),
            (211_000_003, 30),
            (0, 2),
            (dac, 10),
            (fid, 6),
        ]
    };
    let mut text = broadcast(1, 29);
    text.push((9, 10));
    text.extend(six_bit("SEE NOTICE 12", 13));
    let mut fairway = broadcast(1, 13);
    for text in ["ICE", "LOCK 1", "LOCK 2"] {
        fairway.extend(six_bit(text, 20));
    }
    // Radius, unit, then from and to as day, month, hour, minute.
    fairway.extend([(150, 10), (1, 2), (3, 5), (2, 4), (6, 5), (0, 6)]);
    fairway.extend([(24, 5), (2, 4), (18, 5), (30, 6), (0, 4)]);
    let mut cargo = addressed(25);
    cargo[7] = (1, 10);
    cargo.extend([(2, 2), (300, 10), (1, 4), (1203, 13), (3, 4), (42, 13)]);
    // Linkage, sender, type, start (month, day, hour, minute), duration, count, points.
    let route_head = [
        (5, 10),
        (1, 3),
        (2, 5),
        (6, 4),
        (1, 5),
        (12, 5),
        (0, 6),
        (600, 18),
    ];
    let mut route27 = broadcast(1, 27);
    route27.extend(route_head);
    route27.extend([(2, 5), (2_700_000, 28), (31_260_000, 27)]);
    route27.extend([(2_760_000, 28), (31_320_000, 27)]);
    let mut route28 = addressed(28);
    route28[7] = (1, 10);
    route28.extend(route_head);
    route28.extend([
        (1, 5),
        (-2_700_000i64 as u64 & 0xFFF_FFFF, 28),
        (31_260_000, 27),
    ]);
    let mut levels = broadcast(200, 24);
    levels.extend(six_bit("DE", 2));
    levels.extend([
        (101, 11),
        (-57i64 as u64 & 0x3FFF, 14),
        (102, 11),
        (315, 14),
    ]);
    levels.extend([(0, 25), (4, 11), (1, 14)]);
    let mut signal = broadcast(200, 40);
    // Position, form, facing, direction, status, spare.
    signal.extend([(4_170_000, 28), (30_558_000, 27), (3, 4), (270, 9), (2, 3)]);
    signal.extend([(5, 30), (0, 11)]);
    let mut berthing = addressed(20);
    berthing[7] = (1, 10);
    // Linkage, length, depth, position, arrival (month, day, hour, minute), availability.
    berthing.extend([
        (7, 10),
        (250, 9),
        (120, 8),
        (1, 3),
        (6, 4),
        (1, 5),
        (12, 5),
        (30, 6),
        (1, 1),
    ]);
    berthing.extend((0..26).map(|k| (k % 4, 2)));
    berthing.extend(six_bit("BERTH 7", 20));
    berthing.extend([(270_000, 25), (3_126_000, 24)]);
    // Two VTS targets (an MMSI, a callsign), then 6 spare bits; gpsd reads a
    // third target from wherever one starts before the end, as we do.
    let mut vts = broadcast(1, 17);
    for id in [vec![(0, 2), (0, 10), (244_000_001, 32)], {
        let mut callsign = vec![(2, 2)];
        callsign.extend(six_bit("PD1234", 7));
        callsign
    }] {
        vts.extend(id);
        // Spare, latitude, longitude (1/1000 minute), course, second, speed.
        vts.extend([
            (0, 4),
            (3_126_000, 24),
            (270_000, 25),
            (90, 9),
            (30, 6),
            (12, 10),
        ]);
    }
    vts.push((0, 6));
    let lines = [
        hand_built(&vts),
        hand_built(&berthing),
        arrival(21, &[(1, 3), (1250, 12), (0, 5)]),
        arrival(22, &[(1, 2), (0, 2)]),
        hand_built(&persons),
        hand_built(&text),
        hand_built(&fairway),
        hand_built(&cargo),
        hand_built(&route27),
        hand_built(&route28),
        hand_built(&levels),
        hand_built(&signal),
    ];
    let input = lines.join("\n") + "\n";
    let typed = gpsdecode(&input);
    assert!(
        typed.iter().all(|o| !o.map.contains_key("data")),
        "gpsd left one raw"
    );
    let tally = differential("hand-built binary", &input);
    assert_eq!((tally.compared, tally.envelope_only), (12, 0), "{tally:?}");
    assert!(tally.mismatches.is_empty(), "{:#?}", tally.mismatches);
}

/// `!body*hh` with the NMEA checksum of `body`.
fn sentence(body: &str) -> String {
    let sum = body.bytes().fold(0u8, |acc, b| acc ^ b);
    format!("!{body}*{sum:02X}")
}

/// gpsd follows one fragment stream per channel and ignores sequence ids;
/// we join a fragment to the one just before it when only the id differs.
#[test]
fn a_changed_sequence_id_is_joined_as_gpsdecode_does() {
    // The first two-part type 5 of gpsd's sample, its part 2 sent with id 2.
    let part1 = GPSD_SAMPLE
        .lines()
        .find(|l| l.starts_with("!AIVDM,2,1,1,A,55?MbV02;H"))
        .unwrap();
    let part2 = sentence("AIVDM,2,2,2,A,88888888880,2");
    let tally = differential("changed sequence id", &format!("{part1}\n{part2}\n"));
    assert_eq!(
        (tally.compared, tally.only_gpsd, tally.only_ours),
        (1, 0, 0)
    );
    assert!(
        tally.fields > 20 && tally.mismatches.is_empty(),
        "{tally:?}"
    );
}

/// gpsd 3.22 prints a marine traffic signal (1/19) without the comma before
/// `nextsignal_text`, so no JSON parser reads it; with the comma restored,
/// its fields agree with ours (which are well formed).
#[test]
fn traffic_signal_agrees_with_gpsdecode_once_its_comma_is_restored() {
    let mut fields = vec![(8, 6), (0, 2), (211_000_003, 30), (0, 2), (1, 10), (19, 6)];
    fields.push((3, 10)); // linkage
    fields.extend(six_bit("SIGNAL STATION", 20));
    // Position (1/1000 minute), status, signal, hour, minute, next signal, spare.
    fields.extend([
        (270_000, 25),
        (3_126_000, 24),
        (1, 2),
        (4, 5),
        (12, 5),
        (30, 6),
        (5, 5),
    ]);
    fields.extend([(0, 51), (0, 51)]);
    let line = hand_built(&fields) + "\n";
    let text = gpsdecode_text(&line);
    let broken = r#""nextsignal":5"nextsignal_text""#;
    assert!(text.contains(broken), "gpsd's output changed: {text}");
    let want = parse(&text.replace(broken, r#""nextsignal":5,"nextsignal_text""#));
    let got = ours(&line);
    assert_eq!((want.len(), got.len()), (1, 1));
    let mut tally = Tally::default();
    assert!(compare(&want[0], &got[0], &mut tally), "{tally:?}");
    assert_eq!(tally.fields, want[0].map.len());
}
