//! Area notices (DAC 1 FI 22).

use super::{json, sample};
use crate::bits::BitWriter;
use crate::message::*;

#[test]
fn circle_from_libais_sample() {
    // libais typeexamples: link id 10, notice type 0 (marine mammal habitat),
    // one circle at (-69.864983, 42.08295), precision 4, radius 9260 m.
    let b = sample("803Ovrh0EP:024`@02PN04da=3V<>N0000", 4);
    let Some(Application::AreaNotice(n)) = b.application else {
        panic!("{b:?}")
    };
    assert_eq!((n.linkage, n.notice_type), (10, 0));
    // Bits 73-110 (read by hand): 01-01T05:02, duration 0b10100. libais's
    // JSON says 2 minutes, from an older libais; its decoder reads these bits.
    let start = DayTime {
        month: Some(1),
        day: Some(1),
        hour: Some(5),
        minute: Some(2),
    };
    assert_eq!((n.start, n.duration), (start, Some(20)));
    let [
        SubArea::Circle {
            lon,
            lat,
            precision,
            radius,
        },
    ] = n.sub_areas[..]
    else {
        panic!("{:?}", n.sub_areas)
    };
    assert!((lon.unwrap() + 69.864_983_333).abs() < 1e-6);
    assert!((lat.unwrap() - 42.082_95).abs() < 1e-6);
    assert_eq!((precision, radius), (4, 9260));
}

#[test]
fn gpsd_style_json_keeps_area_notices_raw() {
    // gpsd does not decode area notices: its JSON has the raw bits only.
    let mut w = BitWriter::default();
    for (value, width) in [(8, 6), (0, 2), (3_669_739, 30), (0, 2), (1, 10), (22, 6)] {
        w.u(value, width);
    }
    w.u(0, 32);
    w.u(0, 23); // 56: header fields, all zero, to bit 111
    let json = json(&w);
    assert!(json.contains(r#""dac":1,"fid":22,"data":"55:"#), "{json}");
}

#[test]
fn rectangle_polygon_and_text() {
    let mut w = BitWriter::default();
    for (value, width) in [(8, 6), (0, 2), (3_669_739, 30), (0, 2), (1, 10), (22, 6)] {
        w.u(value, width); // type 8 header, DAC 1, FI 22
    }
    // 56: linkage 3, notice 35 (entry prohibited), 12-24 08:00, 90 minutes.
    for (v, n) in [(3, 10), (35, 7), (12, 4), (24, 5), (8, 5), (0, 6), (90, 18)] {
        w.u(v, n);
    }
    // 111: rectangle, scale 10 m, at 4.5°/52.1°, precision 2, 30 x 20 units
    // (300 m east, 200 m north), orientation 45°, 5 spare bits.
    for (v, n) in [(1, 3), (1, 2)] {
        w.u(v, n);
    }
    w.i(270_000, 25);
    w.i(3_126_000, 24);
    for (v, n) in [(2, 3), (30, 8), (20, 8), (45, 9), (0, 5)] {
        w.u(v, n);
    }
    // 198: polygon, scale 1 m: (angle 90 = 45°, 500 m), (180, 250 m), then
    // a zero distance that ends the list; 2 spare bits.
    w.u(4, 3);
    w.u(0, 2);
    for (v, n) in [
        (90, 10),
        (500, 10),
        (180, 10),
        (250, 10),
        (0, 20),
        (0, 20),
        (0, 2),
    ] {
        w.u(v, n);
    }
    // 285: text, 14 characters.
    w.u(5, 3);
    w.text("NO ENTRY AREA", 14);
    let (payload, fill) = w.armour();
    let Message::Binary(b) = crate::decode::decode(&payload, fill).unwrap() else {
        panic!()
    };
    let Some(Application::AreaNotice(n)) = b.application else {
        panic!("{b:?}")
    };
    assert_eq!((n.linkage, n.notice_type, n.duration), (3, 35, Some(90)));
    assert_eq!(n.sub_areas.len(), 3);
    let SubArea::Rectangle {
        lon,
        lat,
        precision,
        east,
        north,
        orientation,
    } = n.sub_areas[0]
    else {
        panic!("{:?}", n.sub_areas[0])
    };
    assert!((lon.unwrap() - 4.5).abs() < 1e-9 && (lat.unwrap() - 52.1).abs() < 1e-9);
    assert_eq!((precision, east, north, orientation), (2, 300, 200, 45));
    assert_eq!(
        n.sub_areas[1],
        SubArea::Polygon(vec![(90, 500), (180, 250)])
    );
    assert_eq!(n.sub_areas[2], SubArea::Text("NO ENTRY AREA".to_owned()));
}
