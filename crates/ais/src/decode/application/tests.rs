//! Typed DAC/FI payloads. Expected values come from the independent decodes
//! in gpsd's sample.aivdm comments, or from payloads encoded here field by
//! field from the layouts in IMO SN.1/Circ.236 and 289 (offsets as in gpsd's
//! `driver_ais.c`); the JSON expectations follow gpsd's `json_aivdm_dump`.

use crate::bits::BitWriter;
use crate::decode::decode;
use crate::encode::to_sentences;
use crate::message::*;

mod area;
mod extended;
mod unsampled;

/// A type 6 header (88 bits): type 6, repeat 0, MMSI 2442101, sequence 1,
/// destination 244615956, retransmit 0, spare 0, then DAC and FI.
pub(super) fn addressed(dac: u32, fid: u32) -> BitWriter {
    let mut w = BitWriter::default();
    for (value, width) in [(6, 6), (0, 2), (2_442_101, 30), (1, 2), (244_615_956, 30)] {
        w.u(value, width);
    }
    w.u(0, 2);
    w.u(dac, 10);
    w.u(fid, 6);
    w
}

/// A type 8 header (56 bits): type 8, repeat 0, MMSI 2442101, spare, DAC, FI.
pub(super) fn broadcast(dac: u32, fid: u32) -> BitWriter {
    let mut w = BitWriter::default();
    for (value, width) in [(8, 6), (0, 2), (2_442_101, 30), (0, 2), (dac, 10), (fid, 6)] {
        w.u(value, width);
    }
    w
}

pub(super) fn application(w: &BitWriter) -> Application {
    let (payload, fill) = w.armour();
    let Message::Binary(b) = decode(&payload, fill).unwrap() else {
        panic!("not binary")
    };
    b.application.expect("typed payload")
}

pub(super) fn sample(payload: &str, fill: u8) -> BinaryMessage {
    match decode(payload, fill).unwrap() {
        Message::Binary(b) => b,
        other => panic!("{other:?}"),
    }
}

/// Our gpsd-style JSON for the message `w` holds.
pub(super) fn json(w: &BitWriter) -> String {
    let (payload, fill) = w.armour();
    let lines = to_sentences(&payload, fill, Some(3), 'A').join("\n");
    let mut out = Vec::new();
    crate::gpsd::decode_lines(lines.as_bytes(), &mut out, std::io::sink()).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn dac235_fi10_aton_monitoring_from_gpsd_sample() {
    // Decoded with Kanaton's software in the sample's comment: internal
    // 13.700 V, inputs 0.050 V, RACON 2 (operational), light 2 (off),
    // good health, no status bits, on position.
    let b = sample("6>jR0600V:C0>da4P106P00", 2);
    let Some(Application::AtonMonitoring(a)) = b.application else {
        panic!("{b:?}")
    };
    assert!((a.ana_int.unwrap() - 13.7).abs() < 1e-4);
    assert!((a.ana_ext1.unwrap() - 0.05).abs() < 1e-6);
    assert!((a.ana_ext2.unwrap() - 0.05).abs() < 1e-6);
    assert_eq!((a.racon, a.light, a.alarm), (2, 2, false));
    assert_eq!((a.stat_ext, a.off_position), (0, false));
}

#[test]
fn dac200_fi10_inland_static_from_gpsd_sample() {
    // Values from the sample's comment (Paul Courbis).
    let b = sample("83aDChPj2d<dL<uM=hhhI?a@6HP0", 0);
    let Some(Application::InlandStatic(s)) = b.application else {
        panic!("{b:?}")
    };
    assert_eq!(s.vin, "02103547");
    assert_eq!(
        (s.length, s.beam, s.draught),
        (Some(390), Some(50), Some(204))
    );
    assert_eq!((s.ship_type, s.hazard, s.loaded), (8010, Some(0), Some(1)));
    assert_eq!((s.speed_q, s.course_q, s.heading_q), (false, false, false));
}

#[test]
fn dac200_fi10_of_the_wrong_length_stays_raw() {
    // The sample's 424-bit "spoof" with garbage fields: gpsd prints it raw.
    let payload = "83aDChPj2d<dL<uM=hhhI?a@6HP0e9QvUEEEOPPrE4t880>p2JqA6wimt:OwUPP8k;JvOeD";
    let b = sample(payload, 2);
    assert_eq!((b.dac, b.fid, b.application), (200, 10, None));
    assert_eq!(b.data.bits, 368);
}

#[test]
fn dac1_fi18_all_zero_from_gpsd_sample() {
    // "Advertised as DAC 1, FID 18, but full of 0": linkage 1, then zeros.
    let b = sample("6h2E3MDrDRiB0580@00000000000", 0);
    let Some(Application::ClearanceTime(c)) = b.application else {
        panic!("{b:?}")
    };
    assert_eq!((c.linkage, c.lon, c.lat), (1, Some(0.0), Some(0.0)));
    assert_eq!((c.port_name.as_str(), c.destination.as_str()), ("", ""));
    let midnight = DayTime {
        month: None,
        day: None,
        hour: Some(0),
        minute: Some(0),
    };
    assert_eq!(c.time, midnight);
}

#[test]
fn dac1_fi12_dangerous_cargo() {
    let mut w = addressed(1, 12);
    w.text("NLRTM", 5); // 88: last port, 5 six-bit characters
    for (v, n) in [(3, 4), (14, 5), (24, 5), (60, 6)] {
        w.u(v, n); // 118: departure 03-14, hour and minute not available
    }
    w.text("DEHAM", 5); // 138: next port
    for (v, n) in [(0, 4), (0, 5), (7, 5), (45, 6)] {
        w.u(v, n); // 168: ETA, month and day not available, 07:45
    }
    w.text("AMMONIA", 20); // 188: main dangerous good, 20 characters
    w.text("2.3", 4); // 308: IMD category
    w.u(1005, 13); // 332: UN number
    w.u(250, 10); // 345: amount
    w.u(2, 2); // 355: unit (tonnes)
    w.u(0, 3); // 357: spare, 360 bits in all
    let Application::DangerousCargo(c) = application(&w) else {
        panic!()
    };
    assert_eq!(
        (c.last_port.as_str(), c.next_port.as_str()),
        ("NLRTM", "DEHAM")
    );
    let departure = DayTime {
        month: Some(3),
        day: Some(14),
        hour: None,
        minute: None,
    };
    let eta = DayTime {
        month: None,
        day: None,
        hour: Some(7),
        minute: Some(45),
    };
    assert_eq!((c.departure, c.eta), (departure, eta));
    assert_eq!(
        (c.dangerous.as_str(), c.imd_category.as_str()),
        ("AMMONIA", "2.3")
    );
    assert_eq!((c.un_number, c.amount, c.unit), (1005, 250, 2));
    let json = json(&w);
    assert!(
        json.contains(r#""lastport":"NLRTM","departure":"03-14T24:60Z","nextport":"DEHAM","eta":"00-00T07:45Z","dangerous":"AMMONIA","imdcat":"2.3","unid":1005,"amount":250,"unit":2}"#),
        "{json}"
    );
}

#[test]
fn dac1_fi14_tidal_window_imo236() {
    let mut w = addressed(1, 14);
    w.u(5, 4); // 88: month
    w.u(20, 5); // 92: day
    // 97: one 93-bit point, latitude first, 1/10000 minute.
    w.i(32_100_000, 27); // 53.5°
    w.i(-2_550_000, 28); // -4.25°
    for (v, n) in [(6, 5), (30, 6), (24, 5), (60, 6), (360, 9), (127, 7)] {
        w.u(v, n); // from 06:30, to n/a, direction n/a, speed n/a
    }
    let Application::TidalWindow(t) = application(&w) else {
        panic!()
    };
    assert_eq!(
        (t.fid, t.month, t.day, t.tidals.len()),
        (14, Some(5), Some(20), 1)
    );
    let p = t.tidals[0];
    assert_eq!((p.lat, p.lon), (Some(53.5), Some(-4.25)));
    assert_eq!(
        (p.from_hour, p.from_minute, p.to_hour, p.to_minute),
        (Some(6), Some(30), None, None)
    );
    assert_eq!((p.cdir, p.cspeed), (None, None));
    // gpsd scales FI 14 positions as 1/1000 minute: ten times the degrees.
    let json = json(&w);
    assert!(
        json.contains(r#""month":5,"day":20,"tidals":[{"lon":-42.500000,"lat":535.000000,"from_hour":6,"from_min":30,"to_hour":24,"to_min":60,"cdir":360,"cspeed":12.7}]}"#),
        "{json}"
    );
}

#[test]
fn dac1_fi32_tidal_window_imo289() {
    let mut w = addressed(1, 32);
    w.u(12, 4); // 88: month
    w.u(31, 5); // 92: day
    // 97 and 185: two 88-bit points, longitude first, 1/1000 minute.
    w.i(270_000, 25); // 4.5°
    w.i(3_126_000, 24); // 52.1°
    for (v, n) in [(10, 5), (15, 6), (11, 5), (45, 6), (270, 9), (35, 8)] {
        w.u(v, n); // 10:15 to 11:45, 270°, 3.5 knots
    }
    w.i(181 * 60_000, 25); // not available
    w.i(91 * 60_000, 24);
    for (v, n) in [(24, 5), (60, 6), (24, 5), (60, 6), (360, 9), (255, 8)] {
        w.u(v, n); // every field not available
    }
    let Application::TidalWindow(t) = application(&w) else {
        panic!()
    };
    assert_eq!(
        (t.fid, t.month, t.day, t.tidals.len()),
        (32, Some(12), Some(31), 2)
    );
    let p = t.tidals[0];
    assert!((p.lon.unwrap() - 4.5).abs() < 1e-9 && (p.lat.unwrap() - 52.1).abs() < 1e-9);
    assert_eq!(
        (p.from_hour, p.from_minute, p.to_hour, p.to_minute),
        (Some(10), Some(15), Some(11), Some(45))
    );
    assert_eq!((p.cdir, p.cspeed), (Some(270), Some(3.5)));
    let q = t.tidals[1];
    assert_eq!(
        (q.lon, q.lat, q.from_hour, q.to_minute, q.cdir, q.cspeed),
        (None, None, None, None, None, None)
    );
    let json = json(&w);
    assert!(
        json.contains(r#""tidals":[{"lon":4.500000,"lat":52.100000,"from_hour":10,"from_min":15,"to_hour":11,"to_min":45,"cdir":270,"cspeed":3.5},{"lon":181.000000,"lat":91.000000,"from_hour":24,"from_min":60,"to_hour":24,"to_min":60,"cdir":360,"cspeed":25.5}]}"#),
        "{json}"
    );
}

#[test]
fn dac1_fi18_clearance_time() {
    let mut w = addressed(1, 18);
    w.u(7, 10); // 88: message linkage
    for (v, n) in [(6, 4), (1, 5), (8, 5), (30, 6)] {
        w.u(v, n); // 98: 06-01T08:30
    }
    w.text("ROTTERDAM BERTH 12", 20); // 118: port and berth
    w.text("NLRTM", 5); // 238: destination
    w.i(245_000, 25); // 268: 4.083333°
    w.i(3_114_000, 24); // 293: 51.9°
    w.u(0, 32); // 317: 43 spare bits, 360 bits in all
    w.u(0, 11);
    let Application::ClearanceTime(c) = application(&w) else {
        panic!()
    };
    assert_eq!(c.linkage, 7);
    assert_eq!(
        c.time,
        DayTime {
            month: Some(6),
            day: Some(1),
            hour: Some(8),
            minute: Some(30)
        }
    );
    assert_eq!(
        (c.port_name.as_str(), c.destination.as_str()),
        ("ROTTERDAM BERTH 12", "NLRTM")
    );
    assert!((c.lon.unwrap() - 245_000.0 / 60_000.0).abs() < 1e-9);
    assert!((c.lat.unwrap() - 51.9).abs() < 1e-9);
    let json = json(&w);
    assert!(
        json.contains(r#""linkage":7,"arrival":"06-01T08:30Z","portname":"ROTTERDAM BERTH 12","destination":"NLRTM","lon":4.083333,"lat":51.900000}"#),
        "{json}"
    );
}

#[test]
fn dac1_fi30_text_description() {
    let mut w = addressed(1, 30);
    w.u(42, 10); // 88: message linkage
    w.text("PILOT ON BOARD", 14); // 98: text to the end of the message
    let Application::TextDescription(t) = application(&w) else {
        panic!()
    };
    assert_eq!((t.linkage, t.text.as_str()), (42, "PILOT ON BOARD"));
    assert!(json(&w).contains(r#""dac":1,"fid":30,"linkage":42,"text":"PILOT ON BOARD"}"#));
}

#[test]
fn payloads_we_do_not_type_stay_raw() {
    // DAC 669 FI 11 from gpsd's sample; its comment gives the data 48:eb2f118f7ff1.
    let b = sample("6B?n;be:cbapalgc;i6?Ow4", 2);
    assert_eq!((b.dac, b.fid, b.application.as_ref()), (669, 11, None));
    assert_eq!(b.data.bits, 48);
    assert_eq!(b.data.bytes, [0xeb, 0x2f, 0x11, 0x8f, 0x7f, 0xf1]);
}
