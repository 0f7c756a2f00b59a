//! Encoders for the class B static types (19, 24 parts A and B) and the
//! long-range report (27); layouts as in [`crate::decode()`].

use super::{lon_lat, single_sentence};
use crate::bits::BitWriter;
use crate::message::{
    ClassBExtended, CraftInfo, Dimensions, LongRangeReport, StaticPartA, StaticPartB,
};

/// Type 19 payload and fill bits (312 bits, one sentence).
pub fn class_b_extended_payload(m: &ClassBExtended) -> (String, u8) {
    let mut w = BitWriter::default();
    w.u(19, 6);
    w.u(u32::from(m.repeat), 2);
    w.u(m.mmsi, 30);
    w.u(u32::from(m.reserved), 8);
    w.u(m.sog.map_or(1023, |v| (v * 10.0).round() as u32), 10);
    w.flag(m.accuracy);
    lon_lat(&mut w, m.lon, m.lat);
    w.u(m.cog.map_or(3600, |v| (v * 10.0).round() as u32), 12);
    w.u(m.heading.map_or(511, u32::from), 9);
    w.u(u32::from(m.timestamp.raw()), 6);
    w.u(u32::from(m.regional), 4);
    w.text(&m.shipname, 20);
    w.u(u32::from(m.ship_type), 8);
    dimensions(&mut w, &m.dimensions);
    w.u(u32::from(m.epfd), 4);
    for flag in [m.raim, m.dte, m.assigned] {
        w.flag(flag);
    }
    w.u(0, 4);
    w.armour()
}

/// Type 24 part A payload and fill bits (168 bits).
pub fn static_part_a_payload(m: &StaticPartA) -> (String, u8) {
    let mut w = BitWriter::default();
    w.u(24, 6);
    w.u(u32::from(m.repeat), 2);
    w.u(m.mmsi, 30);
    w.u(0, 2);
    w.text(&m.shipname, 20);
    w.u(0, 8);
    w.armour()
}

/// Type 24 part B payload and fill bits (168 bits). The vendor field is
/// written the ITU-R M.1371-4 way: the first three characters of
/// `vendor_id`, then `model` and `serial`; a decoded part B thus encodes
/// back to the same bits.
pub fn static_part_b_payload(m: &StaticPartB) -> (String, u8) {
    let mut w = BitWriter::default();
    w.u(24, 6);
    w.u(u32::from(m.repeat), 2);
    w.u(m.mmsi, 30);
    w.u(1, 2);
    w.u(u32::from(m.ship_type), 8);
    w.text(&m.vendor_id, 3);
    w.u(u32::from(m.model), 4);
    w.u(m.serial, 20);
    w.text(&m.callsign, 7);
    match m.craft {
        CraftInfo::Dimensions(d) => dimensions(&mut w, &d),
        CraftInfo::Mothership(mmsi) => w.u(mmsi, 30),
    }
    w.u(0, 6);
    w.armour()
}

/// Type 27 payload and fill bits (96 bits).
pub fn long_range_payload(m: &LongRangeReport) -> (String, u8) {
    let mut w = BitWriter::default();
    w.u(27, 6);
    w.u(u32::from(m.repeat), 2);
    w.u(m.mmsi, 30);
    w.flag(m.accuracy);
    w.flag(m.raim);
    w.u(u32::from(m.nav_status), 4);
    // 1/10 minute.
    w.i(m.lon.map_or(181 * 600, |v| (v * 600.0).round() as i32), 18);
    w.i(m.lat.map_or(91 * 600, |v| (v * 600.0).round() as i32), 17);
    w.u(m.sog.map_or(63, u32::from), 6);
    w.u(m.cog.map_or(511, u32::from), 9);
    w.flag(m.gnss);
    w.u(0, 1);
    w.armour()
}

/// One `!AIVDM` line for an extended class B report.
pub fn encode_class_b_extended(m: &ClassBExtended, channel: char) -> String {
    let (payload, fill) = class_b_extended_payload(m);
    single_sentence(&payload, fill, channel)
}

/// One `!AIVDM` line for a type 24 part A.
pub fn encode_static_part_a(m: &StaticPartA, channel: char) -> String {
    let (payload, fill) = static_part_a_payload(m);
    single_sentence(&payload, fill, channel)
}

/// One `!AIVDM` line for a type 24 part B.
pub fn encode_static_part_b(m: &StaticPartB, channel: char) -> String {
    let (payload, fill) = static_part_b_payload(m);
    single_sentence(&payload, fill, channel)
}

/// One `!AIVDM` line for a long-range report.
pub fn encode_long_range(m: &LongRangeReport, channel: char) -> String {
    let (payload, fill) = long_range_payload(m);
    single_sentence(&payload, fill, channel)
}

fn dimensions(w: &mut BitWriter, d: &Dimensions) {
    w.u(u32::from(d.to_bow), 9);
    w.u(u32::from(d.to_stern), 9);
    w.u(u32::from(d.to_port), 6);
    w.u(u32::from(d.to_starboard), 6);
}
