//! Payload bits to [`Message`]. Field offsets follow ITU-R M.1371 and
//! gpsd's `driver_ais.c`.

use crate::bits::BitReader;
use crate::error::{DecodeError, Reject};
use crate::message::*;

/// Messages may be up to one character (6 bits) short of their nominal
/// length: some transmitters drop trailing spare bits and gpsd accepts them.
const SLACK: usize = 6;

/// Decodes one complete armoured payload.
pub fn decode(payload: &str, fill_bits: u8) -> Result<Message, DecodeError> {
    let r = BitReader::new(payload, fill_bits)?;
    if r.len() < 38 {
        return Err(Reject::TooShort {
            msg_type: r.u(0, 6) as u8,
            bits: r.len(),
        });
    }
    let msg_type = r.u(0, 6) as u8;
    let need = |bits: usize| {
        if r.len() + SLACK < bits {
            Err(Reject::TooShort {
                msg_type,
                bits: r.len(),
            })
        } else {
            Ok(())
        }
    };
    Ok(match msg_type {
        1..=3 => need(168).map(|_| Message::Position(position(&r)))?,
        4 | 11 => need(168).map(|_| Message::BaseStation(base_station(&r)))?,
        5 => need(424).map(|_| Message::StaticVoyage(static_voyage(&r)))?,
        9 => need(168).map(|_| Message::SarAircraft(sar(&r)))?,
        18 => need(168).map(|_| Message::ClassBPosition(class_b(&r)))?,
        19 => need(312).map(|_| Message::ClassBExtended(class_b_extended(&r)))?,
        21 => need(272).map(|_| Message::AidToNavigation(aid(&r)))?,
        24 => need(160).and_then(|_| type24(&r))?,
        27 => need(96).map(|_| Message::LongRange(long_range(&r)))?,
        6 => need(88).map(|_| Message::Binary(link::binary(&r)))?,
        8 => need(56).map(|_| Message::Binary(link::binary(&r)))?,
        7 | 13 => need(72).map(|_| Message::Acknowledge(link::acknowledge(&r)))?,
        10 => need(72).map(|_| Message::UtcInquiry(link::utc_inquiry(&r)))?,
        12 => need(72).map(|_| Message::SafetyText(link::safety_text(&r)))?,
        14 => need(40).map(|_| Message::SafetyText(link::safety_text(&r)))?,
        15 => need(88).map(|_| Message::Interrogation(link::interrogation(&r)))?,
        16 => need(96).map(|_| Message::AssignedMode(link::assigned_mode(&r)))?,
        17 => need(80).map(|_| Message::Dgnss(link::dgnss(&r)))?,
        20 => need(72).map(|_| Message::DataLinkManagement(link::data_link(&r)))?,
        22 => need(168).map(|_| Message::ChannelManagement(link::channel_management(&r)))?,
        23 => need(160).map(|_| Message::GroupAssignment(link::group_assignment(&r)))?,
        25 | 26 => need(40).map(|_| Message::SlotBinary(link::slot_binary(&r)))?,
        _ => return Err(Reject::UnsupportedType(msg_type)),
    })
}

fn repeat(r: &BitReader<'_>) -> u8 {
    r.u(6, 2) as u8
}

fn mmsi(r: &BitReader<'_>) -> u32 {
    r.u(8, 30)
}

/// 1/10000 minute longitude (28 bits) and latitude (27 bits) at `at`.
fn lon_lat(r: &BitReader<'_>, at: usize) -> (Option<f64>, Option<f64>) {
    let lon = f64::from(r.i(at, 28)) / 600_000.0;
    let lat = f64::from(r.i(at + 28, 27)) / 600_000.0;
    (in_range(lon, 180.0), in_range(lat, 90.0))
}

fn in_range(v: f64, limit: f64) -> Option<f64> {
    (v.abs() <= limit).then_some(v)
}

fn sog_tenths(raw: u32) -> Option<f32> {
    (raw != 1023).then(|| raw as f32 / 10.0)
}

fn cog_tenths(raw: u32) -> Option<f32> {
    (raw < 3600).then(|| raw as f32 / 10.0)
}

fn heading(raw: u32) -> Option<u16> {
    (raw < 360).then_some(raw as u16)
}

fn timestamp(raw: u32) -> Timestamp {
    Timestamp::from_raw(raw as u8)
}

fn dims(r: &BitReader<'_>, at: usize) -> Dimensions {
    Dimensions {
        to_bow: r.u(at, 9) as u16,
        to_stern: r.u(at + 9, 9) as u16,
        to_port: r.u(at + 18, 6) as u8,
        to_starboard: r.u(at + 24, 6) as u8,
    }
}

fn position(r: &BitReader<'_>) -> PositionReport {
    let rot_raw = r.i(42, 8) as i8;
    let (lon, lat) = lon_lat(r, 61);
    PositionReport {
        msg_type: r.u(0, 6) as u8,
        repeat: repeat(r),
        mmsi: mmsi(r),
        nav_status: r.u(38, 4) as u8,
        rot_raw,
        rot: match rot_raw {
            -128 | -127 | 127 => None,
            v => {
                let root = f32::from(v) / 4.733;
                Some(root * root * f32::from(v).signum())
            }
        },
        sog: sog_tenths(r.u(50, 10)),
        accuracy: r.flag(60),
        lon,
        lat,
        cog: cog_tenths(r.u(116, 12)),
        heading: heading(r.u(128, 9)),
        timestamp: timestamp(r.u(137, 6)),
        maneuver: r.u(143, 2) as u8,
        raim: r.flag(148),
        radio: r.u(149, 19),
    }
}

fn base_station(r: &BitReader<'_>) -> BaseStationReport {
    let (lon, lat) = lon_lat(r, 79);
    BaseStationReport {
        msg_type: r.u(0, 6) as u8,
        repeat: repeat(r),
        mmsi: mmsi(r),
        year: r.u(38, 14) as u16,
        month: r.u(52, 4) as u8,
        day: r.u(56, 5) as u8,
        hour: r.u(61, 5) as u8,
        minute: r.u(66, 6) as u8,
        second: r.u(72, 6) as u8,
        accuracy: r.flag(78),
        lon,
        lat,
        epfd: r.u(134, 4) as u8,
        raim: r.flag(148),
        radio: r.u(149, 19),
    }
}

fn static_voyage(r: &BitReader<'_>) -> StaticVoyage {
    StaticVoyage {
        repeat: repeat(r),
        mmsi: mmsi(r),
        ais_version: r.u(38, 2) as u8,
        imo: r.u(40, 30),
        callsign: r.text(70, 7),
        shipname: r.text(112, 20),
        ship_type: r.u(232, 8) as u8,
        dimensions: dims(r, 240),
        epfd: r.u(270, 4) as u8,
        eta_month: r.u(274, 4) as u8,
        eta_day: r.u(278, 5) as u8,
        eta_hour: r.u(283, 5) as u8,
        eta_minute: r.u(288, 6) as u8,
        draught: r.u(294, 8) as f32 / 10.0,
        destination: r.text(302, 20),
        dte: r.flag(422),
    }
}

fn sar(r: &BitReader<'_>) -> SarAircraftReport {
    let (lon, lat) = lon_lat(r, 61);
    let alt = r.u(38, 12);
    let sog = r.u(50, 10);
    SarAircraftReport {
        repeat: repeat(r),
        mmsi: mmsi(r),
        altitude: (alt != 4095).then_some(alt as u16),
        sog: (sog != 1023).then_some(sog as u16),
        accuracy: r.flag(60),
        lon,
        lat,
        cog: cog_tenths(r.u(116, 12)),
        timestamp: timestamp(r.u(128, 6)),
        regional: r.u(134, 8) as u8,
        dte: r.flag(142),
        assigned: r.flag(146),
        raim: r.flag(147),
        radio: r.u(148, 20),
    }
}

fn class_b(r: &BitReader<'_>) -> ClassBPosition {
    let (lon, lat) = lon_lat(r, 57);
    ClassBPosition {
        repeat: repeat(r),
        mmsi: mmsi(r),
        reserved: r.u(38, 8) as u8,
        sog: sog_tenths(r.u(46, 10)),
        accuracy: r.flag(56),
        lon,
        lat,
        cog: cog_tenths(r.u(112, 12)),
        heading: heading(r.u(124, 9)),
        timestamp: timestamp(r.u(133, 6)),
        regional: r.u(139, 2) as u8,
        cs: r.flag(141),
        display: r.flag(142),
        dsc: r.flag(143),
        band: r.flag(144),
        msg22: r.flag(145),
        assigned: r.flag(146),
        raim: r.flag(147),
        radio: r.u(148, 20),
    }
}

fn class_b_extended(r: &BitReader<'_>) -> ClassBExtended {
    let (lon, lat) = lon_lat(r, 57);
    ClassBExtended {
        repeat: repeat(r),
        mmsi: mmsi(r),
        reserved: r.u(38, 8) as u8,
        sog: sog_tenths(r.u(46, 10)),
        accuracy: r.flag(56),
        lon,
        lat,
        cog: cog_tenths(r.u(112, 12)),
        heading: heading(r.u(124, 9)),
        timestamp: timestamp(r.u(133, 6)),
        regional: r.u(139, 4) as u8,
        shipname: r.text(143, 20),
        ship_type: r.u(263, 8) as u8,
        dimensions: dims(r, 271),
        epfd: r.u(301, 4) as u8,
        raim: r.flag(305),
        dte: r.flag(306),
        assigned: r.flag(307),
    }
}

fn aid(r: &BitReader<'_>) -> AidToNavigation {
    let (lon, lat) = lon_lat(r, 164);
    // As gpsd: the extension continues a name that fills all 20 characters
    // (no `@`), spaces included, and the whole is trimmed after joining.
    let mut name = r.untrimmed_text(43, 20);
    if name.len() == 20 && r.len() > 272 {
        name.push_str(&r.text(272, (r.len() - 272) / 6));
    }
    name.truncate(name.trim_end_matches(' ').len());
    AidToNavigation {
        repeat: repeat(r),
        mmsi: mmsi(r),
        aid_type: r.u(38, 5) as u8,
        name,
        accuracy: r.flag(163),
        lon,
        lat,
        dimensions: dims(r, 219),
        epfd: r.u(249, 4) as u8,
        timestamp: timestamp(r.u(253, 6)),
        off_position: r.flag(259),
        regional: r.u(260, 8) as u8,
        raim: r.flag(268),
        virtual_aid: r.flag(269),
        assigned: r.flag(270),
    }
}

fn type24(r: &BitReader<'_>) -> Result<Message, Reject> {
    let (repeat, mmsi) = (repeat(r), mmsi(r));
    match r.u(38, 2) {
        0 => Ok(Message::StaticPartA(StaticPartA {
            repeat,
            mmsi,
            shipname: r.text(40, 20),
        })),
        1 => Ok(Message::StaticPartB(StaticPartB {
            repeat,
            mmsi,
            ship_type: r.u(40, 8) as u8,
            vendor_id: r.text(48, 7),
            model: r.u(66, 4) as u8,
            serial: r.u(70, 20),
            callsign: r.text(90, 7),
            craft: if mmsi / 10_000_000 == 98 {
                CraftInfo::Mothership(r.u(132, 30))
            } else {
                CraftInfo::Dimensions(dims(r, 132))
            },
        })),
        _ => Err(Reject::Malformed("type 24 part number not A or B")),
    }
}

fn long_range(r: &BitReader<'_>) -> LongRangeReport {
    let lon = f64::from(r.i(44, 18)) / 600.0;
    let lat = f64::from(r.i(62, 17)) / 600.0;
    let sog = r.u(79, 6);
    let cog = r.u(85, 9);
    LongRangeReport {
        repeat: repeat(r),
        mmsi: mmsi(r),
        accuracy: r.flag(38),
        raim: r.flag(39),
        nav_status: r.u(40, 4) as u8,
        lon: in_range(lon, 180.0),
        lat: in_range(lat, 90.0),
        sog: (sog != 63).then_some(sog as u8),
        cog: (cog != 511).then_some(cog as u16),
        gnss: r.flag(94),
    }
}

mod application;
mod link;
#[cfg(test)]
mod tests;
