//! Typed messages to `!AIVDM` lines: for tests, simulators and load
//! generators. Types 1-3, 5 and 18 here, 19, 24 and 27 in `class_b_and_long_range`.

use crate::bits::BitWriter;
use crate::message::{ClassBPosition, PositionReport, StaticVoyage};
use crate::sentence::xor;

/// Payload characters per sentence, keeping lines under NMEA's 82 bytes.
const CHARS_PER_SENTENCE: usize = 60;

/// Type 1/2/3 payload and fill bits.
pub fn position_payload(m: &PositionReport) -> (String, u8) {
    let mut w = BitWriter::default();
    w.u(u32::from(m.msg_type), 6);
    w.u(u32::from(m.repeat), 2);
    w.u(m.mmsi, 30);
    w.u(u32::from(m.nav_status), 4);
    w.i(i32::from(m.rot_raw), 8);
    w.u(m.sog.map_or(1023, |v| (v * 10.0).round() as u32), 10);
    w.flag(m.accuracy);
    lon_lat(&mut w, m.lon, m.lat);
    w.u(m.cog.map_or(3600, |v| (v * 10.0).round() as u32), 12);
    w.u(m.heading.map_or(511, u32::from), 9);
    w.u(u32::from(m.timestamp.raw()), 6);
    w.u(u32::from(m.maneuver), 2);
    w.u(0, 3);
    w.flag(m.raim);
    w.u(m.radio, 19);
    w.armour()
}

/// Type 18 payload and fill bits.
pub fn class_b_payload(m: &ClassBPosition) -> (String, u8) {
    let mut w = BitWriter::default();
    w.u(18, 6);
    w.u(u32::from(m.repeat), 2);
    w.u(m.mmsi, 30);
    w.u(u32::from(m.reserved), 8);
    w.u(m.sog.map_or(1023, |v| (v * 10.0).round() as u32), 10);
    w.flag(m.accuracy);
    lon_lat(&mut w, m.lon, m.lat);
    w.u(m.cog.map_or(3600, |v| (v * 10.0).round() as u32), 12);
    w.u(m.heading.map_or(511, u32::from), 9);
    w.u(u32::from(m.timestamp.raw()), 6);
    w.u(u32::from(m.regional), 2);
    for flag in [m.cs, m.display, m.dsc, m.band, m.msg22, m.assigned, m.raim] {
        w.flag(flag);
    }
    w.u(m.radio, 20);
    w.armour()
}

/// Type 5 payload and fill bits (424 bits, two sentences).
pub fn static_voyage_payload(m: &StaticVoyage) -> (String, u8) {
    let mut w = BitWriter::default();
    w.u(5, 6);
    w.u(u32::from(m.repeat), 2);
    w.u(m.mmsi, 30);
    w.u(u32::from(m.ais_version), 2);
    w.u(m.imo, 30);
    w.text(&m.callsign, 7);
    w.text(&m.shipname, 20);
    w.u(u32::from(m.ship_type), 8);
    let d = m.dimensions;
    w.u(u32::from(d.to_bow), 9);
    w.u(u32::from(d.to_stern), 9);
    w.u(u32::from(d.to_port), 6);
    w.u(u32::from(d.to_starboard), 6);
    w.u(u32::from(m.epfd), 4);
    w.u(u32::from(m.eta_month), 4);
    w.u(u32::from(m.eta_day), 5);
    w.u(u32::from(m.eta_hour), 5);
    w.u(u32::from(m.eta_minute), 6);
    w.u((m.draught * 10.0).round() as u32, 8);
    w.text(&m.destination, 20);
    w.flag(m.dte);
    w.u(0, 1);
    w.armour()
}

/// One `!AIVDM` line for a position report on `channel`.
pub fn encode_position(m: &PositionReport, channel: char) -> String {
    let (payload, fill) = position_payload(m);
    single_sentence(&payload, fill, channel)
}

/// One `!AIVDM` line for a class B position report.
pub fn encode_class_b(m: &ClassBPosition, channel: char) -> String {
    let (payload, fill) = class_b_payload(m);
    single_sentence(&payload, fill, channel)
}

/// The one sentence of a payload that fits in one (all but type 5 here).
fn single_sentence(payload: &str, fill_bits: u8, channel: char) -> String {
    to_sentences(payload, fill_bits, None, channel).remove(0)
}

/// Two `!AIVDM` lines for static and voyage data, with sequence id `seq` (0-9).
pub fn encode_static_voyage(m: &StaticVoyage, seq: u8, channel: char) -> Vec<String> {
    let (payload, fill) = static_voyage_payload(m);
    to_sentences(&payload, fill, Some(seq % 10), channel)
}

/// Splits an armoured payload into checksummed `!AIVDM` sentences.
pub fn to_sentences(payload: &str, fill_bits: u8, seq: Option<u8>, channel: char) -> Vec<String> {
    let chunks: Vec<&str> = payload
        .as_bytes()
        .chunks(CHARS_PER_SENTENCE)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    let count = chunks.len();
    let seq = if count > 1 {
        seq.map(|s| s.to_string()).unwrap_or_default()
    } else {
        String::new()
    };
    chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let fill = if i + 1 == count { fill_bits } else { 0 };
            let body = format!("AIVDM,{count},{},{seq},{channel},{chunk},{fill}", i + 1);
            format!("!{body}*{:02X}", xor(&body))
        })
        .collect()
}

fn lon_lat(w: &mut BitWriter, lon: Option<f64>, lat: Option<f64>) {
    w.i(
        lon.map_or(181 * 600_000, |v| (v * 600_000.0).round() as i32),
        28,
    );
    w.i(
        lat.map_or(91 * 600_000, |v| (v * 600_000.0).round() as i32),
        27,
    );
}

mod class_b_and_long_range;
pub mod corpus;
#[cfg(test)]
mod tests;

pub use class_b_and_long_range::*;
