//! DAC/FI application payloads of binary messages. Bit offsets count from
//! the start of the message, as in IMO SN.1/Circ.236 and 289 and gpsd.

use crate::bits::BitReader;
use crate::message::{Application, DayTime, MetHydro};

mod area;
mod extended;
mod imo;
mod regional;
#[cfg(test)]
mod tests;

/// The typed payload for `dac`/`fid` of a message of `msg_type`, if we
/// decode it. Where gpsd types a payload only at one exact length (the
/// regional ones), so do we; the others read missing bits as zero, as gpsd.
pub(super) fn application(
    r: &BitReader<'_>,
    msg_type: u8,
    dac: u16,
    fid: u8,
) -> Option<Application> {
    match (msg_type, dac, fid) {
        (8, 1, 11) => Some(Application::MetHydro(met_hydro_11(r))),
        (8, 1, 31) => Some(Application::MetHydro(met_hydro_31(r))),
        (6, 1, 12) => Some(Application::DangerousCargo(imo::dangerous_cargo(r))),
        (8, 1, 13) => Some(Application::FairwayClosed(imo::fairway_closed(r))),
        // IMO236 broadcasts it; gpsd reads an addressed one from header bits.
        (8, 1, 15) => Some(Application::AirDraught(r.u(56, 11) as u16)),
        (6, 1, 14) => Some(Application::TidalWindow(imo::tidal_window_14(r))),
        (8, 1, 17) => Some(Application::VtsTargets(imo::vts_targets(r))),
        (6, 1, 18) => Some(Application::ClearanceTime(imo::clearance_time(r))),
        (8, 1, 19) => Some(Application::TrafficSignal(imo::traffic_signal(r))),
        (6, 1, 20) => Some(Application::Berthing(imo::berthing(r))),
        (8, 1, 22) => Some(Application::AreaNotice(area::area_notice(r))),
        (8, 1, 24) => extended::extended_static_voyage(r).map(Application::ExtendedStaticVoyage),
        (6, 1, 25) => Some(Application::CargoCodes(imo::cargo_codes(r))),
        (8, 1, 27) => Some(Application::Route(imo::route(r, 27, 56))),
        (6, 1, 28) => Some(Application::Route(imo::route(r, 28, 88))),
        (8, 1, 29) => Some(Application::TextDescription(imo::text_description(r, 56))),
        (6, 1, 30) => Some(Application::TextDescription(imo::text_description(r, 88))),
        (6, 1, 32) => Some(Application::TidalWindow(imo::tidal_window_32(r))),
        (8, 200, 10) => regional::inland_static(r).map(Application::InlandStatic),
        (6, 200, 21 | 22) => regional::inland_arrival(r, fid).map(Application::InlandArrival),
        (6, 200, 55) => regional::inland_persons(r).map(Application::InlandPersons),
        (8, 200, 24) => regional::water_levels(r).map(Application::WaterLevels),
        (8, 200, 40) => regional::signal_status(r).map(Application::SignalStatus),
        (6, 235 | 250, 10) => regional::aton_monitoring(r).map(Application::AtonMonitoring),
        _ => None,
    }
}

/// `raw`, unless it is the not-available code `none`.
fn unless<T: PartialEq>(raw: T, none: T) -> Option<T> {
    (raw != none).then_some(raw)
}

/// Month (4 bits), day (5), hour (5) and minute (6) from `at`.
fn day_time(r: &BitReader<'_>, at: usize) -> DayTime {
    DayTime {
        month: unless(r.u(at, 4) as u8, 0),
        day: unless(r.u(at + 4, 5) as u8, 0),
        hour: unless(r.u(at + 9, 5) as u8, 24),
        minute: unless(r.u(at + 14, 6) as u8, 60),
    }
}

/// Signed 1/10000 minute longitude (28 bits) and latitude (27) from `at`.
fn lon_lat_28(r: &BitReader<'_>, at: usize) -> (Option<f64>, Option<f64>) {
    let lon = f64::from(r.i(at, 28)) / 600_000.0;
    let lat = f64::from(r.i(at + 28, 27)) / 600_000.0;
    (
        (lon.abs() <= 180.0).then_some(lon),
        (lat.abs() <= 90.0).then_some(lat),
    )
}

/// Signed 1/1000 minute coordinate of `width` bits as degrees, `None` for
/// 181/91 and anything beyond `limit`.
fn milli_minutes(r: &BitReader<'_>, at: usize, width: usize, limit: f64) -> Option<f64> {
    let v = f64::from(r.i(at, width)) / 60_000.0;
    (v.abs() <= limit).then_some(v)
}

fn tenths(raw: u32) -> f32 {
    raw as f32 / 10.0
}

fn signed_tenths(raw: i32) -> f32 {
    raw as f32 / 10.0
}

/// IMO236: unsigned fields with offsets, position latitude first.
fn met_hydro_11(r: &BitReader<'_>) -> MetHydro {
    MetHydro {
        fid: 11,
        lat: f64::from(r.i(56, 24)) / 60_000.0,
        lon: f64::from(r.i(80, 25)) / 60_000.0,
        accuracy: None,
        day: r.u(105, 5) as u8,
        hour: r.u(110, 5) as u8,
        minute: r.u(115, 6) as u8,
        wspeed: r.u(121, 7) as u8,
        wgust: r.u(128, 7) as u8,
        wdir: r.u(135, 9) as u16,
        wgustdir: r.u(144, 9) as u16,
        airtemp: (r.u(153, 11) as f32 - 600.0) / 10.0,
        humidity: r.u(164, 7) as u8,
        dewpoint: (r.u(171, 10) as f32 - 200.0) / 10.0,
        pressure: r.u(181, 9) as u16 + 800,
        pressuretend: r.u(190, 2) as u8,
        visgreater: None,
        visibility: tenths(r.u(192, 8)),
        waterlevel: (r.u(200, 9) as f32 - 100.0) / 10.0,
        leveltrend: r.u(209, 2) as u8,
        cspeed: tenths(r.u(211, 8)),
        cdir: r.u(219, 9) as u16,
        cspeed2: tenths(r.u(228, 8)),
        cdir2: r.u(236, 9) as u16,
        cdepth2: r.u(245, 5) as u8,
        cspeed3: tenths(r.u(250, 8)),
        cdir3: r.u(258, 9) as u16,
        cdepth3: r.u(267, 5) as u8,
        waveheight: tenths(r.u(272, 8)),
        waveperiod: r.u(280, 6) as u8,
        wavedir: r.u(286, 9) as u16,
        swellheight: tenths(r.u(295, 8)),
        swellperiod: r.u(303, 6) as u8,
        swelldir: r.u(309, 9) as u16,
        seastate: r.u(318, 4) as u8,
        watertemp: (r.u(322, 10) as f32 - 100.0) / 10.0,
        preciptype: r.u(332, 3) as u8,
        salinity: tenths(r.u(335, 9)),
        ice: r.u(344, 2) as u8,
    }
}

/// IMO289: signed temperatures, longitude first, an accuracy flag and a
/// finer water level.
fn met_hydro_31(r: &BitReader<'_>) -> MetHydro {
    MetHydro {
        fid: 31,
        lon: f64::from(r.i(56, 25)) / 60_000.0,
        lat: f64::from(r.i(81, 24)) / 60_000.0,
        accuracy: Some(r.flag(105)),
        day: r.u(106, 5) as u8,
        hour: r.u(111, 5) as u8,
        minute: r.u(116, 6) as u8,
        wspeed: r.u(122, 7) as u8,
        wgust: r.u(129, 7) as u8,
        wdir: r.u(136, 9) as u16,
        wgustdir: r.u(145, 9) as u16,
        airtemp: signed_tenths(r.i(154, 11)),
        humidity: r.u(165, 7) as u8,
        dewpoint: signed_tenths(r.i(172, 10)),
        pressure: r.u(182, 9) as u16 + 799,
        pressuretend: r.u(191, 2) as u8,
        visgreater: Some(r.flag(193)),
        visibility: tenths(r.u(194, 7)),
        waterlevel: (r.u(201, 12) as f32 - 1000.0) / 100.0,
        leveltrend: r.u(213, 2) as u8,
        cspeed: tenths(r.u(215, 8)),
        cdir: r.u(223, 9) as u16,
        cspeed2: tenths(r.u(232, 8)),
        cdir2: r.u(240, 9) as u16,
        cdepth2: r.u(249, 5) as u8,
        cspeed3: tenths(r.u(254, 8)),
        cdir3: r.u(262, 9) as u16,
        cdepth3: r.u(271, 5) as u8,
        waveheight: tenths(r.u(276, 8)),
        waveperiod: r.u(284, 6) as u8,
        wavedir: r.u(290, 9) as u16,
        swellheight: tenths(r.u(299, 8)),
        swellperiod: r.u(307, 6) as u8,
        swelldir: r.u(313, 9) as u16,
        seastate: r.u(322, 4) as u8,
        watertemp: signed_tenths(r.i(326, 10)),
        preciptype: r.u(336, 3) as u8,
        salinity: tenths(r.u(339, 9)),
        ice: r.u(348, 2) as u8,
    }
}
