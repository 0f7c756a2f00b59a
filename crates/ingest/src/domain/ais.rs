//! From decoded AIS messages to PortTrack events: which message types carry
//! what, and the unit and time conventions AIS uses.

use porttrack_ais::{Decoded, Message};
use porttrack_proto::events::v1::{SCHEMA_VERSION, VesselStatic};

use super::{Accepted, Mmsi, Motion, Receipt, Rejection, position};

/// Turns a decoded AIS message into events. `Ok(vec![])` for message types
/// PortTrack does not track (base stations, aids to navigation, ...).
pub fn from_ais(decoded: &Decoded, receipt: Receipt<'_>) -> Result<Vec<Accepted>, Rejection> {
    let received = decoded
        .meta
        .receive_time
        .or(decoded.meta.vendor_time)
        .and_then(|s| i64::try_from(s).ok())
        .map_or(receipt.received_at_ms, |s| s * 1000);
    let observed = |second: Option<u8>| observed_at(received, second);
    let msg_type = u32::from(decoded.message.msg_type());
    let pos = |mmsi, motion, second| {
        position(mmsi, motion, observed(second), msg_type, receipt).map(Accepted::Position)
    };
    Ok(match &decoded.message {
        Message::Position(m) => vec![pos(
            m.mmsi,
            Motion {
                lat: m.lat,
                lon: m.lon,
                sog_knots: m.sog.map(tenths),
                cog_deg: m.cog.map(tenths),
                heading_deg: m.heading.map(u32::from),
                nav_status: Some(u32::from(m.nav_status)),
                rate_of_turn: m.rot.map(f64::from),
            },
            m.timestamp.second(),
        )?],
        Message::ClassBPosition(m) => vec![pos(
            m.mmsi,
            class_b_motion(m.lat, m.lon, m.sog, m.cog, m.heading),
            m.timestamp.second(),
        )?],
        Message::ClassBExtended(m) => {
            let position = pos(
                m.mmsi,
                class_b_motion(m.lat, m.lon, m.sog, m.cog, m.heading),
                m.timestamp.second(),
            )?;
            let mut info = static_event(m.mmsi, 19, received, receipt)?;
            info.name = non_empty(&m.shipname);
            info.ship_type = Some(u32::from(m.ship_type));
            set_dimensions(&mut info, m.dimensions);
            vec![position, Accepted::Static(info)]
        }
        Message::LongRange(m) => vec![pos(
            m.mmsi,
            Motion {
                lat: m.lat,
                lon: m.lon,
                sog_knots: m.sog.map(f64::from),
                cog_deg: m.cog.map(f64::from),
                nav_status: Some(u32::from(m.nav_status)),
                ..Motion::default()
            },
            None,
        )?],
        Message::StaticVoyage(m) => {
            let mut info = static_event(m.mmsi, 5, received, receipt)?;
            info.name = non_empty(&m.shipname);
            info.callsign = non_empty(&m.callsign);
            info.imo = (m.imo != 0).then_some(m.imo);
            info.ship_type = Some(u32::from(m.ship_type));
            info.destination = non_empty(&m.destination);
            info.draught_m = (m.draught > 0.0).then(|| tenths(m.draught));
            info.eta = eta(m.eta_month, m.eta_day, m.eta_hour, m.eta_minute);
            set_dimensions(&mut info, m.dimensions);
            vec![Accepted::Static(info)]
        }
        Message::StaticPartA(m) => {
            let mut info = static_event(m.mmsi, 24, received, receipt)?;
            info.name = non_empty(&m.shipname);
            vec![Accepted::Static(info)]
        }
        Message::StaticPartB(m) => {
            let mut info = static_event(m.mmsi, 24, received, receipt)?;
            info.callsign = non_empty(&m.callsign);
            info.ship_type = Some(u32::from(m.ship_type));
            if let porttrack_ais::CraftInfo::Dimensions(d) = m.craft {
                set_dimensions(&mut info, d);
            }
            vec![Accepted::Static(info)]
        }
        _ => Vec::new(),
    })
}

/// AIS sends speed and course in tenths; keep them as the sender meant
/// them, not as the nearest `f32` widened to `f64` (12.300000190734863).
fn tenths(v: f32) -> f64 {
    (f64::from(v) * 10.0).round() / 10.0
}

fn class_b_motion(
    lat: Option<f64>,
    lon: Option<f64>,
    sog: Option<f32>,
    cog: Option<f32>,
    heading: Option<u16>,
) -> Motion {
    Motion {
        lat,
        lon,
        sog_knots: sog.map(tenths),
        cog_deg: cog.map(tenths),
        heading_deg: heading.map(u32::from),
        ..Motion::default()
    }
}

fn static_event(
    mmsi: u32,
    msg_type: u32,
    observed_at_ms: i64,
    receipt: Receipt<'_>,
) -> Result<VesselStatic, Rejection> {
    Ok(VesselStatic {
        event_id: uuid::Uuid::now_v7().to_string(),
        schema_version: SCHEMA_VERSION,
        mmsi: Mmsi::parse(mmsi)?.get(),
        observed_at_ms,
        received_at_ms: receipt.received_at_ms,
        msg_type,
        source: receipt.source.to_owned(),
        ..VesselStatic::default()
    })
}

fn set_dimensions(info: &mut VesselStatic, d: porttrack_ais::Dimensions) {
    if d != porttrack_ais::Dimensions::default() {
        info.to_bow = Some(u32::from(d.to_bow));
        info.to_stern = Some(u32::from(d.to_stern));
        info.to_port = Some(u32::from(d.to_port));
        info.to_starboard = Some(u32::from(d.to_starboard));
    }
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// "MM-DDTHH:MMZ", or None when AIS says "not available".
fn eta(month: u8, day: u8, hour: u8, minute: u8) -> Option<String> {
    ((1..=12).contains(&month) && (1..=31).contains(&day) && hour < 24 && minute < 60)
        .then(|| format!("{month:02}-{day:02}T{hour:02}:{minute:02}Z"))
}

/// AIS carries only the UTC second of the fix: put it on the receive time,
/// going back a minute when that second is later than the receive second.
pub fn observed_at(received_ms: i64, second: Option<u8>) -> i64 {
    let Some(second) = second.map(i64::from) else {
        return received_ms;
    };
    let minute_start = received_ms - received_ms.rem_euclid(60_000);
    let candidate = minute_start + second * 1000;
    if candidate > received_ms {
        candidate - 60_000
    } else {
        candidate
    }
}
