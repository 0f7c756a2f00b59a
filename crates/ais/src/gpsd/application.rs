//! JSON for typed DAC/FI application payloads, with gpsd's field names.

use super::Json;
use crate::message::{Application, DayTime, MetHydro};

mod imo;
mod regional;

/// gpsd's legend for the trend codes (its sample output agrees).
const TRENDS: [&str; 4] = ["steady", "increasing", "decreasing", "N/A"];
const PRECIPITATION: [&str; 8] = [
    "reserved",
    "rain",
    "thunderstorm",
    "freezing rain",
    "mixed/ice",
    "snow",
    "reserved",
    "N/A",
];
const ICE: [&str; 4] = ["no", "yes", "reserved", "N/A"];

/// Writes the payload's fields as gpsd does; false, writing nothing, for
/// those gpsd prints as raw bits though we type them (area notices,
/// extended static and voyage data).
pub(super) fn application(j: &mut Json<'_>, app: &Application) -> bool {
    match app {
        Application::AreaNotice(_) | Application::ExtendedStaticVoyage(_) => return false,
        Application::AirDraught(a) => j.num("airdraught", *a),
        Application::MetHydro(m) => met_hydro(j, m),
        Application::DangerousCargo(c) => imo::dangerous_cargo(j, c),
        Application::FairwayClosed(f) => imo::fairway_closed(j, f),
        Application::CargoCodes(c) => imo::cargo_codes(j, c),
        Application::Route(r) => imo::route(j, r),
        Application::TidalWindow(t) => imo::tidal_window(j, t),
        Application::ClearanceTime(c) => imo::clearance_time(j, c),
        Application::Berthing(b) => imo::berthing(j, b),
        Application::TrafficSignal(t) => imo::traffic_signal(j, t),
        Application::VtsTargets(t) => imo::vts_targets(j, t),
        Application::TextDescription(t) => {
            j.num("linkage", t.linkage);
            j.str("text", &t.text);
        }
        Application::InlandStatic(s) => regional::inland_static(j, s),
        Application::InlandArrival(a) => regional::inland_arrival(j, a),
        Application::WaterLevels(w) => regional::water_levels(j, w),
        Application::SignalStatus(s) => regional::signal_status(j, s),
        Application::InlandPersons(p) => {
            j.num("crew", p.crew.unwrap_or(255));
            j.num("passengers", p.passengers.unwrap_or(8191));
            j.num("personnel", p.personnel.unwrap_or(255));
        }
        Application::AtonMonitoring(a) => regional::aton_monitoring(j, a),
    }
    true
}

/// gpsd's `"MM-DDTHH:MMZ"`, with the not-available codes where `None`.
fn day_time(j: &mut Json<'_>, key: &str, t: &DayTime) {
    j.str(key, &day_time_text(t, true));
}

/// `MM-DDTHH:MM`, then `Z` if `zulu`.
fn day_time_text(t: &DayTime, zulu: bool) -> String {
    let parts = [
        t.month.unwrap_or(0),
        t.day.unwrap_or(0),
        t.hour.unwrap_or(24),
        t.minute.unwrap_or(60),
    ];
    let mut text = String::with_capacity(12);
    for (k, v) in parts.into_iter().enumerate() {
        text.push_str(["", "-", "T", ":"][k]);
        text.push(char::from(b'0' + v / 10 % 10));
        text.push(char::from(b'0' + v % 10));
    }
    if zulu {
        text.push('Z');
    }
    text
}

/// gpsd's unpadded `"M-DTH:M"` (no Z), used for inland ETAs and berthing.
fn unpadded_time(t: &DayTime) -> String {
    format!(
        "{}-{}T{}:{}",
        t.month.unwrap_or(0),
        t.day.unwrap_or(0),
        t.hour.unwrap_or(24),
        t.minute.unwrap_or(60)
    )
}

/// `table[code]`, or gpsd's `fallback` past its end.
fn legend_or(table: &'static [&'static str], code: u32, fallback: &'static str) -> &'static str {
    usize::try_from(code)
        .ok()
        .and_then(|k| table.get(k))
        .copied()
        .unwrap_or(fallback)
}

fn legend(table: &'static [&'static str], code: u8) -> &'static str {
    table.get(usize::from(code)).copied().unwrap_or("N/A")
}

fn met_hydro(j: &mut Json<'_>, m: &MetHydro) {
    j.fixed("lat", m.lat, 6);
    j.fixed("lon", m.lon, 6);
    if let Some(accuracy) = m.accuracy {
        j.flag("accuracy", accuracy);
    }
    let mut ts = String::with_capacity(10);
    for (k, v) in [m.day, m.hour, m.minute].into_iter().enumerate() {
        ts.push_str(["", "T", ":"][k]);
        ts.push(char::from(b'0' + v / 10 % 10));
        ts.push(char::from(b'0' + v % 10));
    }
    ts.push('Z');
    j.str("timestamp", &ts);
    j.num("wspeed", m.wspeed);
    j.num("wgust", m.wgust);
    j.num("wdir", m.wdir);
    j.num("wgustdir", m.wgustdir);
    j.num("humidity", m.humidity);
    j.fixed("airtemp", f64::from(m.airtemp), 1);
    j.fixed("dewpoint", f64::from(m.dewpoint), 1);
    j.num("pressure", m.pressure);
    j.str("pressuretend", legend(&TRENDS, m.pressuretend));
    if let Some(visgreater) = m.visgreater {
        j.flag("visgreater", visgreater);
    }
    j.fixed("visibility", f64::from(m.visibility), 1);
    j.fixed("waterlevel", f64::from(m.waterlevel), 1);
    j.str("leveltrend", legend(&TRENDS, m.leveltrend));
    j.fixed("cspeed", f64::from(m.cspeed), 1);
    j.num("cdir", m.cdir);
    j.fixed("cspeed2", f64::from(m.cspeed2), 1);
    j.num("cdir2", m.cdir2);
    j.num("cdepth2", m.cdepth2);
    j.fixed("cspeed3", f64::from(m.cspeed3), 1);
    j.num("cdir3", m.cdir3);
    j.num("cdepth3", m.cdepth3);
    j.fixed("waveheight", f64::from(m.waveheight), 1);
    j.num("waveperiod", m.waveperiod);
    j.num("wavedir", m.wavedir);
    j.fixed("swellheight", f64::from(m.swellheight), 1);
    j.num("swellperiod", m.swellperiod);
    j.num("swelldir", m.swelldir);
    j.num("seastate", m.seastate);
    j.fixed("watertemp", f64::from(m.watertemp), 1);
    // IMO236 prints codes with legends; IMO289 prints the legends only.
    if m.fid == 11 {
        j.num("preciptype", m.preciptype);
        j.str("preciptype_text", legend(&PRECIPITATION, m.preciptype));
        j.fixed("salinity", f64::from(m.salinity), 1);
        j.num("ice", m.ice);
        j.str("ice_text", legend(&ICE, m.ice));
    } else {
        j.str("preciptype", legend(&PRECIPITATION, m.preciptype));
        j.fixed("salinity", f64::from(m.salinity), 1);
        j.str("ice", legend(&ICE, m.ice));
    }
}
