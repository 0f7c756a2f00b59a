//! Extended ship static and voyage data: DAC 1 FI 15 (IMO236) and FI 24
//! (IMO289), encoded here field by field from the circulars' layouts.

use super::{addressed, application, broadcast, json};
use crate::bits::BitWriter;
use crate::message::*;

/// A 1/24 message with every field set to a distinct value up to the
/// bunkers, then `tail` (persons on board and spare).
fn fi24(tail: &[(u32, usize)]) -> BitWriter {
    let mut w = broadcast(1, 24);
    w.u(7, 10); // 56: linkage
    w.u(345, 13); // 66: air draught
    for port in ["NLRTM", "DEHAM", "GBFXT"] {
        w.text(port, 5); // 79, 109, 139: ports of call
    }
    for k in 0..26 {
        w.u(k % 4, 2); // 169: SOLAS equipment, 0 1 2 3 0 1 ...
    }
    for (value, width) in [(3, 4), (12_000, 18), (16, 12)] {
        w.u(value, width); // 221: ice class, shaft power, VHF channel
    }
    w.text("TANKER", 7); // 255: Lloyd's ship type
    for (value, width) in [(45_000, 18), (1, 2), (2, 2), (1, 2), (3, 2), (1_234, 14)] {
        w.u(value, width); // 297: tonnage, laden, HFO, LFO, diesel, bunkers
    }
    for &(value, width) in tail {
        w.u(value, width); // 337: persons on board, then spare from 350
    }
    w
}

/// Persons on board 25, then 10 spare bits: 360 bits in all.
const WHOLE: &[(u32, usize)] = &[(25, 13), (0, 10)];

#[test]
fn dac1_fi24_extended_static_voyage() {
    let Application::ExtendedStaticVoyage(e) = application(&fi24(WHOLE)) else {
        panic!()
    };
    assert_eq!((e.linkage, e.air_draught), (7, 345));
    let ports = [&e.last_port, &e.next_port, &e.second_port];
    assert_eq!(ports, ["NLRTM", "DEHAM", "GBFXT"]);
    use SolasStatus::*;
    let cycle = [NotAvailable, Operational, NotOperational, NoData];
    assert!(e.solas.iter().enumerate().all(|(k, s)| *s == cycle[k % 4]));
    assert_eq!((e.ice_class, e.shaft_power, e.vhf_channel), (3, 12_000, 16));
    assert_eq!(
        (e.lloyds_ship_type.as_str(), e.gross_tonnage),
        ("TANKER", 45_000)
    );
    let bunkers = (e.laden, e.heavy_fuel_oil, e.light_fuel_oil, e.diesel);
    assert_eq!(bunkers, (1, 2, 1, 3));
    assert_eq!((e.bunker_oil, e.persons), (1_234, 25));
}

#[test]
fn dac1_fi24_without_its_spare_bits_is_typed_and_shorter_stays_raw() {
    assert!(matches!(
        application(&fi24(&[(25, 13)])),
        Application::ExtendedStaticVoyage(_)
    ));
    let (payload, fill) = fi24(&[(12, 12)]).armour(); // 349 bits
    let Message::Binary(b) = crate::decode::decode(&payload, fill).unwrap() else {
        panic!()
    };
    assert_eq!((b.fid, b.application, b.data.bits), (24, None, 293));
}

#[test]
fn gpsd_style_json_keeps_fi24_raw() {
    // gpsd does not decode 1/24: its JSON has the 304 data bits only
    // (linkage 7 and air draught 345 begin them with 01c2b2).
    let json = json(&fi24(WHOLE));
    assert!(
        json.contains(r#""dac":1,"fid":24,"data":"304:01c2b2"#),
        "{json}"
    );
}

#[test]
fn dac1_fi15_air_draught_broadcast_only() {
    let mut w = broadcast(1, 15);
    w.u(321, 11); // 56: air draught
    w.u(0, 5); // 67: spare
    assert_eq!(application(&w), Application::AirDraught(321));
    assert!(json(&w).contains(r#""fid":15,"airdraught":321}"#));
    // IMO236 has no addressed form: a type 6 1/15 stays raw bits.
    let mut w = addressed(1, 15);
    w.u(321, 11);
    w.u(0, 5);
    assert!(json(&w).contains(r#""fid":15,"data":"16:"#), "{}", json(&w));
}
