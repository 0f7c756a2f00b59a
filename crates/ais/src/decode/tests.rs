//! Expected values come from the `#` comment lines of gpsd's sample.aivdm
//! (independent decodes), except where noted.

use super::*;

fn approx(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

#[test]
fn type1_position() {
    let Message::Position(p) = decode("15RTgt0PAso;90TKcjM8h6g208CQ", 0).unwrap() else {
        panic!()
    };
    assert_eq!(
        (p.msg_type, p.repeat, p.mmsi, p.nav_status),
        (1, 0, 371_798_000, 0)
    );
    assert_eq!((p.rot_raw, p.rot), (-127, None));
    assert_eq!(p.sog, Some(12.3));
    assert!(p.accuracy);
    assert!(approx(p.lon, -123.395383333) && approx(p.lat, 48.38163333333));
    assert_eq!(
        (p.cog, p.heading, p.timestamp),
        (Some(224.0), Some(215), Timestamp::Second(33))
    );
    assert!(!p.raim);
}

#[test]
fn type1_sentinels_are_none() {
    let Message::Position(p) = decode("16SteH0P00Jt63hHaa6SagvJ087r", 0).unwrap() else {
        panic!()
    };
    assert_eq!((p.rot_raw, p.rot, p.heading), (-128, None, None));
    assert_eq!(p.sog, Some(0.0));
    assert!(approx(p.lon, -70.7582) && approx(p.lat, 43.08015));
    assert_eq!(p.cog, Some(93.4));
    // Built with the encoder: every field at its "not available" code.
    let none = PositionReport {
        msg_type: 1,
        repeat: 0,
        mmsi: 1,
        nav_status: 15,
        rot_raw: -128,
        rot: None,
        sog: None,
        accuracy: false,
        lon: None,
        lat: None,
        cog: None,
        heading: None,
        timestamp: Timestamp::NotAvailable,
        maneuver: 0,
        raim: false,
        radio: 0,
    };
    let (payload, fill) = crate::encode::position_payload(&none);
    assert_eq!(decode(&payload, fill).unwrap(), Message::Position(none));
}

#[test]
fn type3_position() {
    let Message::Position(p) = decode("38Id705000rRVJhE7cl9n;160000", 0).unwrap() else {
        panic!()
    };
    assert_eq!(
        (p.msg_type, p.mmsi, p.nav_status, p.rot_raw),
        (3, 563_808_000, 5, 0)
    );
    assert_eq!(p.rot, Some(0.0));
    assert!(approx(p.lon, -76.3275333333) && approx(p.lat, 36.91));
    assert_eq!(
        (p.cog, p.heading, p.timestamp),
        (Some(252.0), Some(352), Timestamp::Second(35))
    );
}

#[test]
fn type4_base_station() {
    let Message::BaseStation(b) = decode("403OviQuMGCqWrRO9>E6fE700@GO", 0).unwrap() else {
        panic!()
    };
    assert_eq!(b.mmsi, 3_669_702);
    assert_eq!(
        (b.year, b.month, b.day, b.hour, b.minute, b.second),
        (2007, 5, 14, 19, 57, 39)
    );
    assert!(b.accuracy);
    assert!(approx(b.lon, -76.352361666) && approx(b.lat, 36.883766666));
    assert_eq!(b.epfd, 7);
}

#[test]
fn type5_static_voyage() {
    let payload = "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880";
    let Message::StaticVoyage(s) = decode(payload, 2).unwrap() else {
        panic!()
    };
    assert_eq!((s.mmsi, s.ais_version, s.imo), (351_759_000, 0, 9_134_270));
    assert_eq!(
        (s.callsign.as_str(), s.shipname.as_str()),
        ("3FOF8", "EVER DIADEM")
    );
    assert_eq!(s.ship_type, 70);
    assert_eq!(
        s.dimensions,
        Dimensions {
            to_bow: 225,
            to_stern: 70,
            to_port: 1,
            to_starboard: 31
        }
    );
    assert_eq!(s.epfd, 1);
    // The comment says ETA hour 16; gpsd and the bits say 14.
    assert_eq!(
        (s.eta_month, s.eta_day, s.eta_hour, s.eta_minute),
        (5, 15, 14, 0)
    );
    assert_eq!(s.draught, 12.2);
    assert_eq!(s.destination, "NEW YORK");
    assert!(!s.dte);
}

#[test]
fn type9_sar_aircraft() {
    let Message::SarAircraft(s) = decode("91b77=h3h00nHt0Q3r@@07000<0b", 0).unwrap() else {
        panic!()
    };
    assert_eq!(
        (s.mmsi, s.altitude, s.sog, s.timestamp),
        (111_265_591, Some(15), Some(0), Timestamp::Second(28))
    );
    assert!(approx(s.lon, 7_128_960.0 / 600_000.0) && approx(s.lat, 34_667_073.0 / 600_000.0));
    // The comment's 24597 reads a 19-bit radio field; it is 20 bits (gpsd: 49194).
    assert_eq!(s.radio, 49_194);
}

#[test]
fn type18_class_b() {
    let Message::ClassBPosition(b) = decode("B52K>;h00Fc>jpUlNV@ikwpUoP06", 0).unwrap() else {
        panic!()
    };
    assert_eq!((b.mmsi, b.reserved, b.sog), (338_087_471, 0, Some(0.1)));
    assert!(approx(b.lon, -74.0721316666) && approx(b.lat, 40.68454));
    assert_eq!(
        (b.cog, b.heading, b.timestamp),
        (Some(79.6), None, Timestamp::Second(49))
    );
    assert!(b.raim && !b.accuracy);
    // CommStateSelector 1, CommState 393222.
    assert_eq!(b.radio, (1 << 19) | 393_222);
}

#[test]
fn type19_class_b_extended() {
    let payload = "C5N3SRgPEnJGEBT>NhWAwwo862PaLELTBJ:V00000000S0D:R220";
    let Message::ClassBExtended(b) = decode(payload, 0).unwrap() else {
        panic!()
    };
    assert_eq!(
        (b.mmsi, b.sog, b.cog, b.heading),
        (367_059_850, Some(8.7), Some(335.9), None)
    );
    assert!(approx(b.lon, -88.8103916667) && approx(b.lat, 29.543695));
    assert_eq!(
        (b.shipname.as_str(), b.ship_type, b.epfd),
        ("CAPT.J.RIMES", 70, 1)
    );
    assert_eq!(
        b.dimensions,
        Dimensions {
            to_bow: 5,
            to_stern: 21,
            to_port: 4,
            to_starboard: 4
        }
    );
}

#[test]
fn type21_aid_with_name_extension() {
    let payload = "E1mg=5J1T4W0h97aRh6ba84<h2d;W:Te=eLvH50```q:D44QDlp0C1DU00";
    let Message::AidToNavigation(a) = decode(payload, 2).unwrap() else {
        panic!()
    };
    assert_eq!(
        (a.mmsi, a.aid_type, a.name.as_str()),
        (123_456_789, 20, "CHINA ROSE MURPHY EXPRESS ALERT")
    );
    assert!(approx(a.lon, -122.698591667) && approx(a.lat, 47.9206183333));
    assert_eq!(
        (a.timestamp, a.regional, a.epfd),
        (Timestamp::Second(50), 165, 1)
    );
}

/// A type 21 with `name` (20 characters, `@`-padded) and `extension`.
fn aid_named(name: &str, extension: &str) -> AidToNavigation {
    let mut w = crate::bits::BitWriter::default();
    for (value, width) in [(21, 6), (0, 2), (992_111_811, 30), (1, 5)] {
        w.u(value, width);
    }
    w.text(name, 20);
    for _ in 163..272 {
        w.flag(false); // position, dimensions, EPFD, second, flags, spare
    }
    w.text(extension, extension.len());
    let (payload, fill) = w.armour();
    let Message::AidToNavigation(a) = decode(&payload, fill).unwrap() else {
        panic!()
    };
    a
}

#[test]
fn type21_name_extension_continues_a_full_name_only() {
    // As gpsdecode prints them: a name that fills its 20 characters is
    // continued, a space at its end included; one ended by `@` is not.
    let full = aid_named("QUAN ZHOU WAN 5 HAO ", "DENG FU");
    assert_eq!(full.name, "QUAN ZHOU WAN 5 HAO DENG FU");
    assert_eq!(aid_named("PLATFORM L9", "XY").name, "PLATFORM L9");
}

#[test]
fn type24_parts() {
    let Message::StaticPartA(a) = decode("H42O55i18tMET00000000000000", 2).unwrap() else {
        panic!()
    };
    assert_eq!((a.mmsi, a.shipname.as_str()), (271_041_815, "PROGUY"));
    let Message::StaticPartB(b) = decode("H42O55lti4hhhilD3nink000?050", 0).unwrap() else {
        panic!()
    };
    assert_eq!(
        (b.ship_type, b.vendor_id.as_str(), b.callsign.as_str()),
        (60, "1D00014", "TC6163")
    );
    let dims = Dimensions {
        to_bow: 0,
        to_stern: 15,
        to_port: 0,
        to_starboard: 5,
    };
    assert_eq!(b.craft, CraftInfo::Dimensions(dims));
}

#[test]
fn type27_long_range() {
    // No comment values in the sample; these are gpsd's.
    let Message::LongRange(l) = decode("KC5E2b@U19PFdLbMuc5=ROv62<7m", 0).unwrap() else {
        panic!()
    };
    assert_eq!((l.repeat, l.mmsi, l.nav_status), (1, 206_914_217, 2));
    assert!(approx(l.lon, 137.023333333) && approx(l.lat, 4.84));
    assert_eq!((l.sog, l.cog), (Some(57), Some(167)));
}

#[test]
fn rejections() {
    assert_eq!(
        decode("15RT", 0).unwrap_err(),
        Reject::TooShort {
            msg_type: 1,
            bits: 24
        }
    );
    assert_eq!(
        decode("15RTgt0PAso;90TKcjM8h6g2", 0).unwrap_err(),
        Reject::TooShort {
            msg_type: 1,
            bits: 144
        }
    );
    assert_eq!(
        decode("0000000", 0).unwrap_err(),
        Reject::UnsupportedType(0)
    );
    assert_eq!(
        decode("w000000", 0).unwrap_err(),
        Reject::UnsupportedType(63)
    );
    assert_eq!(
        decode("15RTgt0PAs!", 0).unwrap_err(),
        Reject::InvalidPayloadChar('!')
    );
}

#[test]
fn type7_acknowledge() {
    let Message::Acknowledge(a) = decode("702R5`hwCjq8", 0).unwrap() else {
        panic!()
    };
    assert_eq!(
        (a.msg_type, a.mmsi, a.acked),
        (7, 2_655_651, [265_538_450, 0, 0, 0])
    );
}

#[test]
fn type14_safety_text() {
    let Message::SafetyText(t) = decode(">5?Per18=HB1U:1@E=B0m<L", 2).unwrap() else {
        panic!()
    };
    assert_eq!(
        (t.mmsi, t.addressed, t.text.as_str()),
        (351_809_000, None, "RCVD YR TEST MSG")
    );
}

#[test]
fn type22_area() {
    let Message::ChannelManagement(c) = decode("F030ot22N2P6aoQbhe4736L20000", 0).unwrap() else {
        panic!()
    };
    assert_eq!((c.channel_a, c.channel_b, c.zonesize), (2087, 2088, 4));
    let ChannelTarget::Area { ne_lon, sw_lat, .. } = c.target else {
        panic!()
    };
    assert!((ne_lon + 73.5).abs() < 1e-9 && (sw_lat - 42.333333).abs() < 1e-6);
}

#[test]
fn type25_binary_data_is_packed() {
    let Message::SlotBinary(b) = decode("I6SWo?8P00a3PKpEKEVj0?vNP<65", 0).unwrap() else {
        panic!()
    };
    assert_eq!(
        (b.dest_mmsi, b.app_id, b.radio),
        (Some(134_218_384), None, None)
    );
    assert_eq!(b.data.bits, 98);
    assert_eq!(b.data.bytes[..2], [0xe0, 0x6f]);
}

#[test]
fn type8_met_hydro_imo236() {
    // gpsd sample: "Temp conversion with unsigned failed" (values from its comment).
    let payload = "8@2<HW@0BkdhF0dcH59=RiRRDqnJ7wfRwwwwwwwwwwwwwwwwwwwwwwwwwt0";
    let Message::Binary(b) = decode(payload, 2).unwrap() else {
        panic!()
    };
    assert_eq!((b.dac, b.fid), (1, 11));
    let Some(Application::MetHydro(m)) = b.application else {
        panic!("{b:?}")
    };
    assert!((m.lat - 64.650).abs() < 5e-4 && (m.lon - 24.400).abs() < 5e-4);
    assert_eq!((m.day, m.hour, m.minute), (20, 18, 27));
    assert_eq!((m.wspeed, m.wgust, m.wdir, m.wgustdir), (11, 12, 162, 167));
    assert_eq!((m.humidity, m.airtemp, m.pressure), (80, -12.7, 1032));
    assert_eq!(
        (m.accuracy, m.visgreater, m.ice, m.preciptype),
        (None, None, 3, 7)
    );
}

#[test]
fn type8_met_hydro_imo289() {
    let payload = "8>j`;MP0GhRHI1S`CrTW2?u2Ot1owwnews0F003wwwwwww0001wwwwwwwwh000";
    let Message::Binary(b) = decode(payload, 4).unwrap() else {
        panic!()
    };
    let Some(Application::MetHydro(m)) = b.application else {
        panic!("{b:?}")
    };
    assert_eq!(
        (m.fid, m.accuracy, m.visgreater),
        (31, Some(false), Some(true))
    );
    assert!((m.lat - 54.411183).abs() < 1e-6 && (m.lon - 18.776667).abs() < 1e-6);
    assert_eq!((m.airtemp, m.dewpoint, m.watertemp), (1.4, -0.1, -0.1));
    assert_eq!((m.pressure, m.wspeed, m.wdir), (1013, 17, 132));
    assert!((m.waterlevel - 5.4).abs() < 0.05);
}
