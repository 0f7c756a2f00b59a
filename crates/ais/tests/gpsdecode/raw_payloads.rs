//! Extended ship static data (IMO236 1/15, IMO289 1/24), and the payloads
//! we keep raw because gpsd misreads them (`GPSD_MISREADS`), each built
//! bit by bit from its layout.

use super::built::{hand_built, six_bit};
use super::harness::{GPSD_MISREADS, differential, gpsdecode, gpsdecode_text, ours};

const SOURCE: u64 = 211_000_001;
const DEST: u64 = 211_000_002;

/// Type 6 header: type, repeat, MMSI, sequence, destination, retransmit,
/// spare, DAC, FI.
fn addressed(dac: u64, fid: u64) -> Vec<(u64, usize)> {
    let mut f = vec![(6, 6), (0, 2), (SOURCE, 30), (0, 2), (DEST, 30)];
    f.extend([(0, 1), (0, 1), (dac, 10), (fid, 6)]);
    f
}

/// Type 8 header: type, repeat, MMSI, spare, DAC, FI.
fn broadcast(dac: u64, fid: u64) -> Vec<(u64, usize)> {
    vec![(8, 6), (0, 2), (SOURCE, 30), (0, 2), (dac, 10), (fid, 6)]
}

/// gpsd types 1/15 (air draught) and prints 1/24 raw; we agree on both.
#[test]
fn extended_static_data_agrees_with_gpsdecode() {
    let mut fi15 = broadcast(1, 15);
    fi15.extend([(321, 11), (0, 5)]);
    let mut fi24 = broadcast(1, 24);
    fi24.extend([(7, 10), (345, 13)]); // linkage, air draught
    for port in ["NLRTM", "DEHAM", "GBFXT"] {
        fi24.extend(six_bit(port, 5));
    }
    fi24.extend((0..26).map(|k| (k % 4, 2))); // SOLAS equipment
    fi24.extend([(3, 4), (12_000, 18), (16, 12)]); // ice, power, VHF channel
    fi24.extend(six_bit("TANKER", 7));
    fi24.extend([(45_000, 18), (1, 2), (2, 2), (1, 2), (3, 2), (1_234, 14)]);
    fi24.extend([(25, 13), (0, 10)]); // persons, spare
    let input = format!("{}\n{}\n", hand_built(&fi15), hand_built(&fi24));
    let gpsd = gpsdecode(&input);
    assert_eq!(gpsd.len(), 2);
    assert_eq!(gpsd[0].map["airdraught"], 321);
    assert!(gpsd[1].map["data"].as_str().unwrap().starts_with("304:"));
    let tally = differential("extended static data", &input);
    assert_eq!((tally.compared, tally.agreed), (2, 2), "{tally:?}");
    assert_eq!(tally.envelope_only, 0);
}

/// Each payload in `GPSD_MISREADS`, laid out as its circular says, and
/// what gpsd makes of it; ours stays raw bits.
#[test]
fn gpsd_misreads_are_kept_raw() {
    // 6/1/15, air draught 321: gpsd reads 11 bits from bit 56, which are
    // destination MMSI bits (all but its last three).
    let mut fi15 = addressed(1, 15);
    fi15.extend([(321, 11), (0, 5)]);
    // 6/1/16, IMO236 persons on board 42 and 3 spare bits: gpsd reads 13
    // bits from 55, the destination MMSI but for its last two bits.
    let mut fi16_6 = addressed(1, 16);
    fi16_6.extend([(42, 13), (0, 3)]);
    // 8/1/16 with 72 data bits, persons 42 first: gpsd 3.22 prints 0.
    let mut fi16_8 = broadcast(1, 16);
    fi16_8.extend([(42, 13), (0, 59)]);
    let input: String = [fi15, fi16_6, fi16_8]
        .iter()
        .map(|f| hand_built(f) + "\n")
        .collect();
    let gpsd = gpsdecode(&input);
    let read = |k: usize, key: &str| gpsd[k].map[key].as_u64().unwrap();
    assert_eq!(read(0, "airdraught"), (DEST >> 3) & 0x7FF);
    assert_eq!(read(1, "persons"), (DEST >> 2) & 0x1FFF);
    assert_eq!(read(2, "persons"), 0);
    for (o, (t, fid)) in ours(&input).iter().zip([(6, 15), (6, 16), (8, 16)]) {
        assert_eq!(
            (o.map["type"].as_u64(), o.map["fid"].as_u64()),
            (Some(t), Some(fid))
        );
        assert!(o.map.contains_key("data"), "{}", o.line);
    }
    let tally = differential("gpsd misreads", &input);
    assert_eq!((tally.compared, tally.envelope_only), (3, 3), "{tally:?}");
    assert!(tally.mismatches.is_empty(), "{:#?}", tally.mismatches);
    assert!(
        GPSD_MISREADS
            .iter()
            .any(|m| (m.0, m.1, m.2) == (8, 200, 23))
    );
}

/// 8/200/23, an EMMA warning: gpsd's JSON names two of its fields "type"
/// and "class", which a JSON reader takes over the message's own, and
/// prints the start day, hour and minute out of place.
#[test]
fn gpsd_emma_warning_is_not_a_decode() {
    let mut f = broadcast(200, 23);
    // Start 2026-11-24, end 2026-12-03, start 07:45, end 18:05.
    f.extend([(26, 8), (11, 4), (24, 5), (26, 8), (12, 4), (3, 5)]);
    f.extend([(7, 5), (45, 6), (18, 5), (5, 6)]);
    // Start and end positions, type 2 (rain), min -5, max 12, class 1, wind 3.
    f.extend([
        (4_170_000, 28),
        (30_558_000, 27),
        (4_176_000, 28),
        (30_564_000, 27),
    ]);
    f.extend([
        (2, 4),
        (-5i64 as u64 & 0x1FF, 9),
        (12, 9),
        (1, 2),
        (3, 4),
        (0, 6),
    ]);
    let line = hand_built(&f) + "\n";
    let text = gpsdecode_text(&line);
    for key in [
        r#""type":8,"#,
        r#""type":2,"#,
        r#""class":"AIS""#,
        r#""class":1,"#,
    ] {
        assert!(text.contains(key), "gpsd's output changed: {text}");
    }
    assert!(text.contains(r#""start":"2026-11-07T45:24""#), "{text}");
    assert!(
        gpsdecode(&line).is_empty(),
        "a JSON reader keeps the last \"class\""
    );
    let ours = ours(&line);
    assert_eq!(
        ours[0].map["data"].as_str().unwrap().split(':').next(),
        Some("200")
    );
}
