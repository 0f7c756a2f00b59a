//! Output compatible with `gpsdecode -s -j` (scaled JSON, type 24 parts
//! apart), and the line loop behind `porttrack ais decode`.
//!
//! Values the decoder turned into `None` are printed as gpsd prints the
//! raw "not available" code, scaled (speed 102.3, lon 181, heading 511...).

use std::io::{self, BufRead, Write};

use crate::decoder::{Decoded, Decoder};
use crate::message::*;

mod application;
mod json;
mod link;
mod vessel;

use json::Json;
use vessel::*;

/// Counts from [`decode_lines`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecodeStats {
    /// Lines read, including comments and blanks.
    pub lines: u64,
    pub messages: u64,
    pub rejected: u64,
}

/// Decodes NMEA lines to one JSON object per line on `out`; rejected lines
/// go to `err` as `line N: <reason>: <line>`. `#` comments and blank lines
/// are skipped silently.
pub fn decode_lines(
    mut input: impl BufRead,
    out: impl Write,
    err: impl Write,
) -> io::Result<DecodeStats> {
    // Callers pass line-buffered handles (stdout); one write per line would
    // cost more than decoding it.
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let mut err = io::BufWriter::new(err);
    let mut decoder = Decoder::default();
    let mut stats = DecodeStats::default();
    let mut json = String::new();
    let mut raw = Vec::new();
    loop {
        raw.clear();
        if input.read_until(b'\n', &mut raw)? == 0 {
            break;
        }
        stats.lines += 1;
        // Not UTF-8 cannot be NMEA; it is reported like any other bad line.
        let line = match std::str::from_utf8(&raw) {
            Ok(line) => std::borrow::Cow::Borrowed(line),
            Err(_) => String::from_utf8_lossy(&raw),
        };
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        // No clock here: fragments are bounded by max_pending, not time.
        match decoder.push_line(trimmed, 0) {
            Ok(Some(decoded)) => {
                stats.messages += 1;
                json.clear();
                write_json(&decoded, &mut json);
                json.push('\n');
                out.write_all(json.as_bytes())?;
            }
            Ok(None) => {}
            Err(reject) => {
                stats.rejected += 1;
                writeln!(
                    err,
                    "line {}: {}: {}",
                    stats.lines,
                    reject.reason(),
                    trimmed
                )?;
            }
        }
    }
    out.flush()?;
    err.flush()?;
    Ok(stats)
}

/// Appends one gpsd-style JSON object (no trailing newline).
pub fn write_json(decoded: &Decoded, out: &mut String) {
    let m = &decoded.message;
    let mut j = Json::open(out, m.msg_type());
    match m {
        Message::Position(p) => position(&mut j, p),
        Message::BaseStation(b) => base_station(&mut j, b),
        Message::StaticVoyage(s) => static_voyage(&mut j, s),
        Message::SarAircraft(s) => sar(&mut j, s),
        Message::ClassBPosition(b) => class_b(&mut j, b),
        Message::ClassBExtended(b) => class_b_extended(&mut j, b),
        Message::AidToNavigation(a) => aid(&mut j, a),
        Message::StaticPartA(a) => {
            j.header(a.repeat, a.mmsi);
            j.str("part", "A");
            j.str("shipname", &a.shipname);
        }
        Message::StaticPartB(b) => part_b(&mut j, b),
        Message::LongRange(l) => long_range(&mut j, l),
        Message::Binary(b) => link::binary(&mut j, b),
        Message::Acknowledge(a) => link::acknowledge(&mut j, a),
        Message::UtcInquiry(u) => {
            j.header(u.repeat, u.mmsi);
            j.num("dest_mmsi", u.dest_mmsi);
        }
        Message::SafetyText(t) => link::safety_text(&mut j, t),
        Message::Interrogation(i) => link::interrogation(&mut j, i),
        Message::AssignedMode(a) => link::assigned_mode(&mut j, a),
        Message::Dgnss(d) => link::dgnss(&mut j, d),
        Message::DataLinkManagement(d) => link::data_link(&mut j, d),
        Message::ChannelManagement(c) => link::channel_management(&mut j, c),
        Message::GroupAssignment(g) => link::group_assignment(&mut j, g),
        Message::SlotBinary(b) => link::slot_binary(&mut j, b),
        Message::Other { mmsi, .. } => {
            j.num("mmsi", *mmsi);
            j.flag("scaled", true);
        }
    }
    j.out.push('}');
}
