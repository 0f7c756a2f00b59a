//! JSON for the inland (DAC 200) and GLA (DAC 235/250) payloads, with
//! gpsd's legends.

use super::{Json, legend, legend_or, unpadded_time};
use crate::message::{AtonMonitoring, InlandArrival, InlandStatic, SignalStatus, WaterLevels};

/// ERI ship types as gpsd lists them: (ERI code, AIS code, legend). gpsd
/// takes the first entry matching either code.
const ERI_SHIP_TYPES: [(u16, u16, &str); 42] = [
    (8000, 99, "Vessel, type unknown"),
    (8010, 79, "Motor freighter"),
    (8020, 89, "Motor tanker"),
    (8021, 80, "Motor tanker, liquid cargo, type N"),
    (8022, 80, "Motor tanker, liquid cargo, type C"),
    (
        8023,
        89,
        "Motor tanker, dry cargo as if liquid (e.g. cement)",
    ),
    (8030, 79, "Container vessel"),
    (8040, 80, "Gas tanker"),
    (8050, 79, "Motor freighter, tug"),
    (8060, 89, "Motor tanker, tug"),
    (8070, 79, "Motor freighter with one or more ships alongside"),
    (8080, 89, "Motor freighter with tanker"),
    (8090, 79, "Motor freighter pushing one or more freighters"),
    (8100, 89, "Motor freighter pushing at least one tank-ship"),
    (8110, 79, "Tug, freighter"),
    (8120, 89, "Tug, tanker"),
    (8130, 31, "Tug freighter, coupled"),
    (8140, 31, "Tug, freighter/tanker, coupled"),
    (8150, 99, "Freightbarge"),
    (8160, 99, "Tankbarge"),
    (8161, 90, "Tankbarge, liquid cargo, type N"),
    (8162, 90, "Tankbarge, liquid cargo, type C"),
    (8163, 99, "Tankbarge, dry cargo as if liquid (e.g. cement)"),
    (8170, 99, "Freightbarge with containers"),
    (8180, 90, "Tankbarge, gas"),
    (8210, 79, "Pushtow, one cargo barge"),
    (8220, 79, "Pushtow, two cargo barges"),
    (8230, 79, "Pushtow, three cargo barges"),
    (8240, 79, "Pushtow, four cargo barges"),
    (8250, 79, "Pushtow, five cargo barges"),
    (8260, 79, "Pushtow, six cargo barges"),
    (8270, 79, "Pushtow, seven cargo barges"),
    (8280, 79, "Pushtow, eigth cargo barges"),
    (8290, 79, "Pushtow, nine or more barges"),
    (8310, 80, "Pushtow, one tank/gas barge"),
    (
        8320,
        80,
        "Pushtow, two barges at least one tanker or gas barge",
    ),
    (
        8330,
        80,
        "Pushtow, three barges at least one tanker or gas barge",
    ),
    (
        8340,
        80,
        "Pushtow, four barges at least one tanker or gas barge",
    ),
    (
        8350,
        80,
        "Pushtow, five barges at least one tanker or gas barge",
    ),
    (
        8360,
        80,
        "Pushtow, six barges at least one tanker or gas barge",
    ),
    (
        8370,
        80,
        "Pushtow, seven barges at least one tanker or gas barg",
    ),
    (0, 0, "Illegal ship type value."),
];
const HAZARD: [&str; 6] = [
    "0 blue cones/lights",
    "1 blue cone/light",
    "2 blue cones/lights",
    "3 blue cones/lights",
    "4 B-Flag",
    "Unknown",
];
const LOADED: [&str; 4] = ["N/A (default)", "Unloaded", "Loaded", "INVALID LOAD STATUS"];
const DIRECTION: [&str; 5] = [
    "Unknown",
    "Upstream",
    "Downstream",
    "To left bank",
    "To right bank",
];
const LIGHT_STATUS: [&str; 8] = [
    "Unknown",
    "No light",
    "White",
    "Yellow",
    "Green",
    "Red",
    "White flashing",
    "Yellow flashing.",
];
const RTA_STATUS: [&str; 4] = ["Operational", "Limited operation", "Out of order", "N/A"];
const RACON: [&str; 4] = [
    "No RACON installed",
    "RACON not monitored",
    "RACON operational",
    "RACON ERROR",
];
const LIGHT: [&str; 4] = [
    "No light or no monitoring",
    "Light ON",
    "Light OFF",
    "Light ERROR",
];

fn eri_ship_type(code: u16) -> &'static str {
    ERI_SHIP_TYPES
        .iter()
        .find(|(eri, ais, _)| *eri == code || *ais == code || *eri == 0)
        .map_or("Illegal ship type value.", |t| t.2)
}

pub(super) fn inland_static(j: &mut Json<'_>, s: &InlandStatic) {
    let hazard = s.hazard.unwrap_or(5);
    let loaded = s.loaded.unwrap_or(0);
    j.str("vin", &s.vin);
    j.num("length", s.length.unwrap_or(0));
    j.num("beam", s.beam.unwrap_or(0));
    j.num("shiptype", s.ship_type);
    j.str("shiptype_text", eri_ship_type(s.ship_type));
    j.num("hazard", hazard);
    j.str("hazard_text", legend(&HAZARD, hazard));
    j.num("draught", s.draught.unwrap_or(0));
    j.num("loaded", loaded);
    j.str("loaded_text", legend(&LOADED, loaded));
    j.flag("speed_q", s.speed_q);
    j.flag("course_q", s.course_q);
    j.flag("heading_q", s.heading_q);
}

pub(super) fn inland_arrival(j: &mut Json<'_>, a: &InlandArrival) {
    j.str("country", &a.country);
    j.str("locode", &a.locode);
    j.str("section", &a.section);
    j.str("terminal", &a.terminal);
    j.str("hectometre", &a.hectometre);
    j.str("eta", &unpadded_time(&a.time));
    if a.fid == 21 {
        j.num("tugs", a.tugs.unwrap_or(7));
        j.num("airdraught", a.air_draught.unwrap_or(0));
    } else {
        let status = a.status.unwrap_or(3);
        j.num("status", status);
        j.str("status_text", legend(&RTA_STATUS, status));
    }
}

pub(super) fn water_levels(j: &mut Json<'_>, w: &WaterLevels) {
    j.str("country", &w.country);
    j.objects("gauges", &w.gauges, |j, g| {
        j.num("id", g.id.unwrap_or(0));
        j.raw("level", &g.level.to_string());
    });
}

pub(super) fn signal_status(j: &mut Json<'_>, s: &SignalStatus) {
    let direction = s.direction.unwrap_or(0);
    j.fixed("lon", s.lon.unwrap_or(181.0), 6);
    j.fixed("lat", s.lat.unwrap_or(91.0), 6);
    j.num("form", s.form.unwrap_or(0));
    j.num("facing", s.facing);
    j.num("direction", direction);
    j.str(
        "direction_text",
        legend_or(&DIRECTION, direction.into(), "INVALID DIRECTION"),
    );
    j.num("status", s.status);
    j.str(
        "status_text",
        legend_or(&LIGHT_STATUS, s.status, "INVALID STATUS"),
    );
}

pub(super) fn aton_monitoring(j: &mut Json<'_>, a: &AtonMonitoring) {
    j.flag("off_pos", a.off_position);
    j.flag("alarm", a.alarm);
    j.num("stat_ext", a.stat_ext);
    // gpsd prints volts with two decimals, and a zero reading as the integer 0.
    for (key, volts) in [
        ("ana_int", a.ana_int),
        ("ana_ext1", a.ana_ext1),
        ("ana_ext2", a.ana_ext2),
    ] {
        match volts {
            Some(v) => j.fixed(key, f64::from(v), 2),
            None => j.num(key, 0u8),
        }
    }
    j.num("racon", a.racon);
    j.str("racon_text", legend(&RACON, a.racon));
    j.num("light", a.light);
    j.str("light_text", legend(&LIGHT, a.light));
}
