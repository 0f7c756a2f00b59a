//! Bit layouts of the IMO236/IMO289 payloads other than met/hydro; offsets
//! count from the start of the message, as in gpsd's `driver_ais.c`.

use super::{day_time, lon_lat_28, milli_minutes, unless};
use crate::bits::BitReader;
use crate::message::{
    Berthing, Cargo, CargoCodes, ClearanceTime, DangerousCargo, DayTime, FairwayClosed, Route,
    TargetId, TextDescription, Tidal, TidalWindow, TrafficSignal, VtsTarget, Waypoint,
};

/// Where the tidal window points start.
const TIDALS_AT: usize = 97;

pub(super) fn dangerous_cargo(r: &BitReader<'_>) -> DangerousCargo {
    DangerousCargo {
        last_port: r.text(88, 5),
        departure: day_time(r, 118),
        next_port: r.text(138, 5),
        eta: day_time(r, 168),
        dangerous: r.text(188, 20),
        imd_category: r.text(308, 4),
        un_number: r.u(332, 13) as u16,
        amount: r.u(345, 10) as u16,
        unit: r.u(355, 2) as u8,
    }
}

/// IMO236: 93-bit points, latitude first, 1/10000 minute like the position
/// reports (gpsd scales them as 1/1000 minute; its JSON writer accounts for it).
pub(super) fn tidal_window_14(r: &BitReader<'_>) -> TidalWindow {
    let point = |a: usize| {
        let lat = f64::from(r.i(a, 27)) / 600_000.0;
        let lon = f64::from(r.i(a + 27, 28)) / 600_000.0;
        Tidal {
            lon: (lon.abs() <= 180.0).then_some(lon),
            lat: (lat.abs() <= 90.0).then_some(lat),
            from_hour: unless(r.u(a + 55, 5) as u8, 24),
            from_minute: unless(r.u(a + 60, 6) as u8, 60),
            to_hour: unless(r.u(a + 66, 5) as u8, 24),
            to_minute: unless(r.u(a + 71, 6) as u8, 60),
            cdir: unless(r.u(a + 77, 9) as u16, 360),
            cspeed: unless(r.u(a + 86, 7), 127).map(|v| v as f32 / 10.0),
        }
    };
    tidal_window(r, 14, 93, point)
}

/// IMO289: 88-bit points, longitude first, 1/1000 minute.
pub(super) fn tidal_window_32(r: &BitReader<'_>) -> TidalWindow {
    let point = |a: usize| Tidal {
        lon: milli_minutes(r, a, 25, 180.0),
        lat: milli_minutes(r, a + 25, 24, 90.0),
        from_hour: unless(r.u(a + 49, 5) as u8, 24),
        from_minute: unless(r.u(a + 54, 6) as u8, 60),
        to_hour: unless(r.u(a + 60, 5) as u8, 24),
        to_minute: unless(r.u(a + 65, 6) as u8, 60),
        cdir: unless(r.u(a + 71, 9) as u16, 360),
        cspeed: unless(r.u(a + 80, 8), 255).map(|v| v as f32 / 10.0),
    };
    tidal_window(r, 32, 88, point)
}

/// Every point that starts inside the message (a short last one reads its
/// missing bits as zero, as gpsd does; gpsd also emits an empty point that
/// would start exactly at the end, which we do not).
fn tidal_window(
    r: &BitReader<'_>,
    fid: u8,
    size: usize,
    point: impl Fn(usize) -> Tidal,
) -> TidalWindow {
    TidalWindow {
        fid,
        month: unless(r.u(88, 4) as u8, 0),
        day: unless(r.u(92, 5) as u8, 0),
        tidals: (TIDALS_AT..r.len()).step_by(size).map(point).collect(),
    }
}

pub(super) fn clearance_time(r: &BitReader<'_>) -> ClearanceTime {
    ClearanceTime {
        linkage: r.u(88, 10) as u16,
        time: day_time(r, 98),
        port_name: r.text(118, 20),
        destination: r.text(238, 5),
        lon: milli_minutes(r, 268, 25, 180.0),
        lat: milli_minutes(r, 293, 24, 90.0),
    }
}

/// The linkage id at `at` (88 addressed, 56 broadcast), then text to the end.
pub(super) fn text_description(r: &BitReader<'_>, at: usize) -> TextDescription {
    let text_at = at + 10;
    TextDescription {
        linkage: r.u(at, 10) as u16,
        text: r.text(text_at, r.len().saturating_sub(text_at) / 6),
    }
}

pub(super) fn fairway_closed(r: &BitReader<'_>) -> FairwayClosed {
    // Day before month here, unlike the other IMO times.
    let time = |at: usize| DayTime {
        day: unless(r.u(at, 5) as u8, 0),
        month: unless(r.u(at + 5, 4) as u8, 0),
        hour: unless(r.u(at + 9, 5) as u8, 24),
        minute: unless(r.u(at + 14, 6) as u8, 60),
    };
    FairwayClosed {
        reason: r.text(56, 20),
        close_from: r.text(176, 20),
        close_to: r.text(296, 20),
        radius: r.u(416, 10) as u16,
        extension_unit: r.u(426, 2) as u8,
        from: time(428),
        to: time(448),
    }
}

/// 17-bit cargo entries from bit 100, each starting inside the message.
pub(super) fn cargo_codes(r: &BitReader<'_>) -> CargoCodes {
    CargoCodes {
        unit: r.u(88, 2) as u8,
        amount: r.u(90, 10) as u16,
        cargos: (100..r.len())
            .step_by(17)
            .map(|a| Cargo {
                code: r.u(a, 4) as u8,
                subtype: r.u(a + 4, 13) as u16,
            })
            .collect(),
    }
}

/// Route fields from `at` (56 broadcast, 88 addressed); the waypoint count
/// is the sender's, as gpsd reads it.
pub(super) fn route(r: &BitReader<'_>, fid: u8, at: usize) -> Route {
    let count = r.u(at + 56, 5) as usize;
    Route {
        fid,
        linkage: r.u(at, 10) as u16,
        sender: r.u(at + 10, 3) as u8,
        route_type: r.u(at + 13, 5) as u8,
        start: day_time(r, at + 18),
        duration: unless(r.u(at + 38, 18), 262_143),
        waypoints: (0..count)
            .map(|k| {
                let (lon, lat) = lon_lat_28(r, at + 61 + 55 * k);
                Waypoint { lon, lat }
            })
            .collect(),
    }
}

pub(super) fn berthing(r: &BitReader<'_>) -> Berthing {
    Berthing {
        linkage: r.u(88, 10) as u16,
        berth_length: unless(r.u(98, 9) as u16, 0),
        berth_depth: unless(r.u(107, 8), 0).map(|v| v as f32 / 10.0),
        position: unless(r.u(115, 3) as u8, 0),
        arrival: day_time(r, 118),
        availability: r.flag(138),
        services: std::array::from_fn(|k| r.u(139 + 2 * k, 2) as u8),
        berth_name: r.text(191, 20),
        lon: milli_minutes(r, 311, 25, 180.0),
        lat: milli_minutes(r, 336, 24, 90.0),
    }
}

pub(super) fn traffic_signal(r: &BitReader<'_>) -> TrafficSignal {
    TrafficSignal {
        linkage: r.u(56, 10) as u16,
        station: r.text(66, 20),
        lon: milli_minutes(r, 186, 25, 180.0),
        lat: milli_minutes(r, 211, 24, 90.0),
        status: r.u(235, 2) as u8,
        signal: r.u(237, 5) as u8,
        hour: unless(r.u(242, 5) as u8, 24),
        minute: unless(r.u(247, 6) as u8, 60),
        next_signal: r.u(253, 5) as u8,
    }
}

/// 122-bit targets from bit 56, each starting inside the message (gpsd
/// also emits an empty one that would start exactly at the end).
pub(super) fn vts_targets(r: &BitReader<'_>) -> Vec<VtsTarget> {
    (56..r.len())
        .step_by(122)
        .map(|a| VtsTarget {
            id: match r.u(a, 2) {
                0 => TargetId::Mmsi(r.u(a + 12, 32)),
                1 => TargetId::Imo(r.u(a + 12, 32)),
                2 => TargetId::Callsign(r.text(a + 2, 7)),
                _ => TargetId::Other(r.text(a + 2, 7)),
            },
            lat: milli_minutes(r, a + 48, 24, 90.0),
            lon: milli_minutes(r, a + 72, 25, 180.0),
            course: unless(r.u(a + 97, 9) as u16, 360),
            second: unless(r.u(a + 106, 6) as u8, 60),
            speed: unless(r.u(a + 112, 10) as u16, 255),
        })
        .collect()
}
