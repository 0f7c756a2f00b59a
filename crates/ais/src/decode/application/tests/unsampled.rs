//! Payloads that occur in none of the samples, encoded here field by field
//! (the gpsdecode differential test checks the same layouts against gpsd).

use super::{addressed, application, broadcast, json};
use crate::bits::BitWriter;
use crate::message::*;

/// An inland type 6 (DAC 200) with the common ETA/RTA fields up to bit 228.
fn inland_arrival_head(fid: u32) -> BitWriter {
    let mut w = addressed(200, fid);
    w.text("DE", 2); // 88: country
    w.text("DUI", 3); // 100: UN/LOCODE
    w.text("00001", 5); // 118: fairway section
    w.text("T0042", 5); // 148: terminal
    w.text("01234", 5); // 178: hectometre
    for (v, n) in [(5, 4), (14, 5), (9, 5), (30, 6)] {
        w.u(v, n); // 208: 05-14 09:30
    }
    w
}

#[test]
fn dac200_fi21_and_fi22_inland_arrival() {
    let mut eta = inland_arrival_head(21);
    eta.u(7, 3); // 228: tugs, 7 unknown
    eta.u(1250, 12); // 231: air draught, cm
    eta.u(0, 5); // 243: spare, 248 bits in all
    let Application::InlandArrival(a) = application(&eta) else {
        panic!()
    };
    assert_eq!(
        (a.fid, a.country.as_str(), a.locode.as_str()),
        (21, "DE", "DUI")
    );
    assert_eq!(
        (
            a.section.as_str(),
            a.terminal.as_str(),
            a.hectometre.as_str()
        ),
        ("00001", "T0042", "01234")
    );
    assert_eq!(
        a.time,
        DayTime {
            month: Some(5),
            day: Some(14),
            hour: Some(9),
            minute: Some(30)
        }
    );
    assert_eq!((a.tugs, a.air_draught, a.status), (None, Some(1250), None));
    let mut rta = inland_arrival_head(22);
    rta.u(2, 2); // 228: status, out of order
    rta.u(0, 2); // 230: spare, 232 bits in all
    let Application::InlandArrival(a) = application(&rta) else {
        panic!()
    };
    assert_eq!(
        (a.fid, a.tugs, a.air_draught, a.status),
        (22, None, None, Some(2))
    );
    assert!(json(&rta).contains(r#""eta":"5-14T9:30","status":2,"status_text":"Out of order"}"#));
}

#[test]
fn dac200_fi55_inland_persons() {
    let mut w = addressed(200, 55);
    w.u(5, 8); // 88: crew
    w.u(8191, 13); // 96: passengers, not available
    w.u(3, 8); // 109: shipboard personnel
    w.u(0, 32); // 117: 51 spare bits, 168 in all
    w.u(0, 19);
    let Application::InlandPersons(p) = application(&w) else {
        panic!()
    };
    assert_eq!(
        (p.crew, p.passengers, p.personnel),
        (Some(5), None, Some(3))
    );
    assert!(json(&w).contains(r#""crew":5,"passengers":8191,"personnel":3}"#));
}

#[test]
fn dac1_fi29_broadcast_text() {
    let mut w = broadcast(1, 29);
    w.u(9, 10); // 56: message linkage
    w.text("SEE NOTICE 12", 13); // 66: text to the end
    let Application::TextDescription(t) = application(&w) else {
        panic!()
    };
    assert_eq!((t.linkage, t.text.as_str()), (9, "SEE NOTICE 12"));
}

#[test]
fn dac1_fi13_fairway_closed() {
    let mut w = broadcast(1, 13);
    w.text("ICE", 20); // 56: reason
    w.text("LOCK 1", 20); // 176: closed from
    w.text("LOCK 2", 20); // 296: closed to
    w.u(150, 10); // 416: radius
    w.u(1, 2); // 426: unit (km)
    for (v, n) in [
        (3, 5),
        (2, 4),
        (6, 5),
        (0, 6),
        (0, 5),
        (0, 4),
        (24, 5),
        (60, 6),
    ] {
        w.u(v, n); // 428: from day 3, month 2, 06:00; 448: to, all not available
    }
    w.u(0, 4); // 468: spare, 472 bits in all
    let Application::FairwayClosed(f) = application(&w) else {
        panic!()
    };
    assert_eq!(
        (
            f.reason.as_str(),
            f.close_from.as_str(),
            f.close_to.as_str()
        ),
        ("ICE", "LOCK 1", "LOCK 2")
    );
    assert_eq!((f.radius, f.extension_unit), (150, 1));
    assert_eq!(
        f.from,
        DayTime {
            month: Some(2),
            day: Some(3),
            hour: Some(6),
            minute: Some(0)
        }
    );
    assert_eq!(f.to, DayTime::default());
    assert!(json(&w).contains(r#""from":"02-03T06:00","to":"00-00T24:60"}"#));
}

#[test]
fn dac1_fi25_cargo_codes() {
    let mut w = addressed(1, 25);
    w.u(2, 2); // 88: unit (tonnes)
    w.u(300, 10); // 90: amount
    for (code, subtype) in [(1, 1203), (3, 42)] {
        w.u(code, 4); // 100, 117: 17-bit entries
        w.u(subtype, 13);
    }
    let Application::CargoCodes(c) = application(&w) else {
        panic!()
    };
    assert_eq!((c.unit, c.amount), (2, 300));
    let want = [
        Cargo {
            code: 1,
            subtype: 1203,
        },
        Cargo {
            code: 3,
            subtype: 42,
        },
    ];
    assert_eq!(c.cargos, want);
}

#[test]
fn dac1_fi27_and_fi28_routes() {
    // Linkage 5, sender 1, type 2 (recommended), start 06-01T12:00, 600 minutes.
    let head = [
        (5, 10),
        (1, 3),
        (2, 5),
        (6, 4),
        (1, 5),
        (12, 5),
        (0, 6),
        (600, 18),
    ];
    let mut w = broadcast(1, 27);
    for (v, n) in head {
        w.u(v, n);
    }
    w.u(2, 5); // 112: two waypoints of 55 bits, 1/10000 minute
    w.i(2_700_000, 28); // 4.5°
    w.i(31_260_000, 27); // 52.1°
    w.i(181 * 600_000, 28); // not available
    w.i(91 * 600_000, 27);
    let Application::Route(r) = application(&w) else {
        panic!()
    };
    assert_eq!((r.fid, r.linkage, r.sender, r.route_type), (27, 5, 1, 2));
    assert_eq!(
        r.start,
        DayTime {
            month: Some(6),
            day: Some(1),
            hour: Some(12),
            minute: Some(0)
        }
    );
    assert_eq!(r.duration, Some(600));
    assert_eq!(r.waypoints.len(), 2);
    assert!((r.waypoints[0].lon.unwrap() - 4.5).abs() < 1e-9);
    assert!((r.waypoints[0].lat.unwrap() - 52.1).abs() < 1e-9);
    assert_eq!((r.waypoints[1].lon, r.waypoints[1].lat), (None, None));

    let mut w = addressed(1, 28);
    for (v, n) in head {
        w.u(v, n);
    }
    w.u(31, 5); // 144: 31 waypoints, none of them sent
    let Application::Route(r) = application(&w) else {
        panic!()
    };
    // The count is the sender's; missing bits read as zero, as in gpsd.
    assert_eq!((r.fid, r.duration, r.waypoints.len()), (28, Some(600), 31));
    let origin = Waypoint {
        lon: Some(0.0),
        lat: Some(0.0),
    };
    assert_eq!(r.waypoints[30], origin);
}

#[test]
fn dac200_fi24_water_levels() {
    let mut w = broadcast(200, 24);
    w.text("DE", 2); // 56: country
    for (id, level) in [(101, -57), (102, 315), (0, 0), (4, 1)] {
        w.u(id, 11); // 68 + 25k: gauge id, then signed level
        w.i(level, 14);
    }
    let Application::WaterLevels(l) = application(&w) else {
        panic!()
    };
    assert_eq!(l.country, "DE");
    let ids: Vec<_> = l.gauges.iter().map(|g| (g.id, g.level)).collect();
    assert_eq!(
        ids,
        [(Some(101), -57), (Some(102), 315), (None, 0), (Some(4), 1)]
    );
}

#[test]
fn dac200_fi40_signal_status() {
    let mut w = broadcast(200, 40);
    w.i(4_170_000, 28); // 56: 6.95°
    w.i(30_558_000, 27); // 84: 50.93°
    w.u(3, 4); // 111: form
    w.u(270, 9); // 115: facing
    w.u(2, 3); // 124: direction, downstream
    w.u(5, 30); // 127: status
    w.u(0, 11); // 157: spare, 168 bits in all
    let Application::SignalStatus(s) = application(&w) else {
        panic!()
    };
    assert!((s.lon.unwrap() - 6.95).abs() < 1e-9 && (s.lat.unwrap() - 50.93).abs() < 1e-9);
    assert_eq!(
        (s.form, s.facing, s.direction, s.status),
        (Some(3), 270, Some(2), 5)
    );
    assert!(json(&w).contains(
        r#""direction":2,"direction_text":"Downstream","status":5,"status_text":"Red"}"#
    ));
}

#[test]
fn dac1_fi20_berthing() {
    let mut w = addressed(1, 20);
    w.u(7, 10); // 88: message linkage
    w.u(250, 9); // 98: berth length, m
    w.u(120, 8); // 107: depth, 12.0 m
    w.u(1, 3); // 115: port-side to
    for (v, n) in [(6, 4), (1, 5), (12, 5), (30, 6)] {
        w.u(v, n); // 118: arrival 06-01T12:30
    }
    w.u(1, 1); // 138: services given
    for k in 0..26 {
        w.u(k % 4, 2); // 139: 26 two-bit service codes, 0 1 2 3 0 1 ...
    }
    w.text("BERTH 7", 20); // 191: berth name
    w.i(270_000, 25); // 311: 4.5°
    w.i(3_126_000, 24); // 336: 52.1°
    let Application::Berthing(b) = application(&w) else {
        panic!()
    };
    assert_eq!(
        (b.linkage, b.berth_length, b.position),
        (7, Some(250), Some(1))
    );
    assert!((b.berth_depth.unwrap() - 12.0).abs() < 1e-6);
    assert_eq!(
        b.arrival,
        DayTime {
            month: Some(6),
            day: Some(1),
            hour: Some(12),
            minute: Some(30)
        }
    );
    assert!(b.availability);
    assert_eq!(
        (b.services[0], b.services[1], b.services[3], b.services[25]),
        (0, 1, 3, 1)
    );
    assert_eq!(b.berth_name, "BERTH 7");
    assert!((b.lon.unwrap() - 4.5).abs() < 1e-9 && (b.lat.unwrap() - 52.1).abs() < 1e-9);
    let json = json(&w);
    assert!(json.contains(r#""position_text":"Port-side to","arrival":"6-1T12:30","availability":1,"agent":0,"fuel":1"#), "{json}");
    assert!(json.contains(r#""future2":1,"berth_name":"BERTH 7","berth_lon":4.500000,"berth_lat":52.100000,"berth_depth":12.0}"#), "{json}");
}

#[test]
fn dac1_fi19_traffic_signal() {
    let mut w = broadcast(1, 19);
    w.u(3, 10); // 56: message linkage
    w.text("SIGNAL STATION", 20); // 66: station name
    w.i(270_000, 25); // 186: 4.5°
    w.i(3_126_000, 24); // 211: 52.1°
    for (v, n) in [(1, 2), (4, 5), (24, 5), (60, 6), (9, 5)] {
        w.u(v, n); // 235: status, signal 4, next shift n/a, next signal 9
    }
    let Application::TrafficSignal(t) = application(&w) else {
        panic!()
    };
    assert_eq!((t.linkage, t.station.as_str()), (3, "SIGNAL STATION"));
    assert!((t.lon.unwrap() - 4.5).abs() < 1e-9 && (t.lat.unwrap() - 52.1).abs() < 1e-9);
    assert_eq!(
        (t.status, t.signal, t.hour, t.minute, t.next_signal),
        (1, 4, None, None, 9)
    );
    // The legend's quotes are escaped, unlike gpsd's.
    let json = json(&w);
    assert!(json.contains(r#""hour":24,"minute":60,"nextsignal":9,"nextsignal_text":"I = \"in-bound\" only acceptable."}"#), "{json}");
}

#[test]
fn dac1_fi17_vts_targets() {
    let mut w = broadcast(1, 17);
    // 56 and 178: two 122-bit targets: id type (2), id (42), spare (4),
    // latitude (24) and longitude (25) at 1/1000 minute, course (9),
    // second (6), speed (10).
    w.u(0, 2); // MMSI, in the low 32 of 42 bits
    w.u(0, 10);
    w.u(244_000_001, 32);
    w.u(0, 4);
    w.i(3_126_000, 24); // 52.1°
    w.i(270_000, 25); // 4.5°
    for (v, n) in [(90, 9), (30, 6), (12, 10)] {
        w.u(v, n);
    }
    w.u(2, 2); // callsign
    w.text("PD1234", 7);
    w.u(0, 4);
    w.i(91 * 60_000, 24); // not available
    w.i(181 * 60_000, 25);
    for (v, n) in [(360, 9), (60, 6), (255, 10)] {
        w.u(v, n);
    }
    // 300 bits: gpsd would add an empty third target starting at the end.
    let Application::VtsTargets(t) = application(&w) else {
        panic!()
    };
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].id, TargetId::Mmsi(244_000_001));
    assert!((t[0].lat.unwrap() - 52.1).abs() < 1e-9 && (t[0].lon.unwrap() - 4.5).abs() < 1e-9);
    assert_eq!(
        (t[0].course, t[0].second, t[0].speed),
        (Some(90), Some(30), Some(12))
    );
    assert_eq!(t[1].id, TargetId::Callsign("PD1234".to_owned()));
    assert_eq!(
        (t[1].lat, t[1].lon, t[1].course, t[1].second, t[1].speed),
        (None, None, None, None, None)
    );
}
