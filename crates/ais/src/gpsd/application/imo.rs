//! JSON for the IMO236/IMO289 payloads other than met/hydro, as gpsd's
//! `json_aivdm_dump` prints them.

use super::{Json, day_time, day_time_text, legend, legend_or, unpadded_time};
use crate::message::{
    BERTHING_SERVICES, Berthing, CargoCodes, ClearanceTime, DangerousCargo, FairwayClosed, Route,
    TargetId, TidalWindow, TrafficSignal, VtsTarget,
};

/// gpsd's mooring position legends (`position_types`).
const POSITIONS: [&str; 8] = [
    "Not available",
    "Port-side to",
    "Starboard-side to",
    "Mediterranean (end-on) mooring",
    "Mooring buoy",
    "Anchorage",
    "Reserved for future use",
    "Reserved for future use",
];

/// gpsd's signal legends (`signal_legends`).
const SIGNALS: [&str; 15] = [
    "N/A",
    "Serious emergency – stop or divert according to instructions.",
    "Vessels shall not proceed.",
    "Vessels may proceed. One way traffic.",
    "Vessels may proceed. Two way traffic.",
    "Vessels shall proceed on specific orders only.",
    "Vessels in main channel shall not proceed.",
    "Vessels in main channel shall proceed on specific orders only.",
    "Vessels in main channel shall proceed on specific orders only.",
    "I = \"in-bound\" only acceptable.",
    "O = \"out-bound\" only acceptable.",
    "F = both \"in- and out-bound\" acceptable.",
    "XI = Code will shift to \"I\" in due time.",
    "XO = Code will shift to \"O\" in due time.",
    "X = Vessels shall proceed only on direction.",
];

/// gpsd's route type legends (`route_type`), 6-30 reserved.
const ROUTE_TYPES: [&str; 6] = [
    "Undefined (default)",
    "Mandatory",
    "Recommended",
    "Alternative",
    "Recommended route through ice",
    "Ship route plan",
];

pub(super) fn dangerous_cargo(j: &mut Json<'_>, c: &DangerousCargo) {
    j.str("lastport", &c.last_port);
    day_time(j, "departure", &c.departure);
    j.str("nextport", &c.next_port);
    day_time(j, "eta", &c.eta);
    j.str("dangerous", &c.dangerous);
    j.str("imdcat", &c.imd_category);
    j.num("unid", c.un_number);
    j.num("amount", c.amount);
    j.num("unit", c.unit);
}

pub(super) fn tidal_window(j: &mut Json<'_>, t: &TidalWindow) {
    // gpsd divides both layouts by 60000 (1/1000 minute), though FI 14 sends
    // 1/10000 minute: its FI 14 degrees are ten times ours.
    let (scale, cspeed_na) = if t.fid == 14 {
        (10.0, 12.7)
    } else {
        (1.0, 25.5)
    };
    j.num("month", t.month.unwrap_or(0));
    j.num("day", t.day.unwrap_or(0));
    j.objects("tidals", &t.tidals, |j, p| {
        j.fixed("lon", p.lon.unwrap_or(181.0) * scale, 6);
        j.fixed("lat", p.lat.unwrap_or(91.0) * scale, 6);
        j.num("from_hour", p.from_hour.unwrap_or(24));
        j.num("from_min", p.from_minute.unwrap_or(60));
        j.num("to_hour", p.to_hour.unwrap_or(24));
        j.num("to_min", p.to_minute.unwrap_or(60));
        j.num("cdir", p.cdir.unwrap_or(360));
        j.fixed("cspeed", p.cspeed.map_or(cspeed_na, f64::from), 1);
    });
}

pub(super) fn clearance_time(j: &mut Json<'_>, c: &ClearanceTime) {
    j.num("linkage", c.linkage);
    day_time(j, "arrival", &c.time);
    j.str("portname", &c.port_name);
    j.str("destination", &c.destination);
    j.fixed("lon", c.lon.unwrap_or(181.0), 6);
    j.fixed("lat", c.lat.unwrap_or(91.0), 6);
}

pub(super) fn fairway_closed(j: &mut Json<'_>, f: &FairwayClosed) {
    j.str("reason", &f.reason);
    j.str("closefrom", &f.close_from);
    j.str("closeto", &f.close_to);
    j.num("radius", f.radius);
    j.num("extunit", f.extension_unit);
    // gpsd prints these two without the trailing Z.
    j.str("from", &day_time_text(&f.from, false));
    j.str("to", &day_time_text(&f.to, false));
}

pub(super) fn cargo_codes(j: &mut Json<'_>, c: &CargoCodes) {
    j.num("unit", c.unit);
    j.num("amount", c.amount);
    j.objects("cargos", &c.cargos, |j, cargo| {
        j.num("code", cargo.code);
        j.num("subtype", cargo.subtype);
    });
}

pub(super) fn route(j: &mut Json<'_>, r: &Route) {
    j.num("linkage", r.linkage);
    j.num("sender", r.sender);
    j.num("rtype", r.route_type);
    let text = match r.route_type {
        31 => "Cancel route identified by message linkage",
        code => legend_or(&ROUTE_TYPES, code.into(), "Reserved for future use."),
    };
    j.str("rtype_text", text);
    day_time(j, "start", &r.start);
    j.num("duration", r.duration.unwrap_or(262_143));
    j.objects("waypoints", &r.waypoints, |j, w| {
        j.fixed("lon", w.lon.unwrap_or(181.0), 6);
        j.fixed("lat", w.lat.unwrap_or(91.0), 6);
    });
}

pub(super) fn berthing(j: &mut Json<'_>, b: &Berthing) {
    let position = b.position.unwrap_or(0);
    j.num("linkage", b.linkage);
    j.num("berth_length", b.berth_length.unwrap_or(0));
    j.num("position", position);
    j.str("position_text", legend(&POSITIONS, position));
    j.str("arrival", &unpadded_time(&b.arrival));
    j.num("availability", u8::from(b.availability));
    for (name, code) in BERTHING_SERVICES.iter().zip(b.services) {
        j.num(name, code);
    }
    j.str("berth_name", &b.berth_name);
    j.fixed("berth_lon", b.lon.unwrap_or(181.0), 6);
    j.fixed("berth_lat", b.lat.unwrap_or(91.0), 6);
    j.fixed("berth_depth", b.berth_depth.map_or(0.0, f64::from), 1);
}

/// gpsd 3.22 leaves out the comma before `nextsignal_text` (and the escapes
/// in the legends with quotes); ours is the same object, well formed.
pub(super) fn traffic_signal(j: &mut Json<'_>, t: &TrafficSignal) {
    j.num("linkage", t.linkage);
    j.str("station", &t.station);
    j.fixed("lon", t.lon.unwrap_or(181.0), 6);
    j.fixed("lat", t.lat.unwrap_or(91.0), 6);
    j.num("status", t.status);
    j.num("signal", t.signal);
    j.str(
        "signal_text",
        legend_or(&SIGNALS, t.signal.into(), "INVALID SIGNAL TYPE"),
    );
    j.num("hour", t.hour.unwrap_or(24));
    j.num("minute", t.minute.unwrap_or(60));
    j.num("nextsignal", t.next_signal);
    j.str(
        "nextsignal_text",
        legend_or(&SIGNALS, t.next_signal.into(), "INVALID SIGNAL TYPE"),
    );
}

pub(super) fn vts_targets(j: &mut Json<'_>, targets: &[VtsTarget]) {
    j.objects("targets", targets, |j, t| {
        // gpsd names the identifier after its type, numbers quoted.
        let (code, name, id) = match &t.id {
            TargetId::Mmsi(n) => (0u8, "mmsi", n.to_string()),
            TargetId::Imo(n) => (1, "imo", n.to_string()),
            TargetId::Callsign(s) => (2, "callsign", s.clone()),
            TargetId::Other(s) => (3, "other", s.clone()),
        };
        j.num("idtype", code);
        j.str("idtype_text", name);
        j.str(name, &id);
        j.fixed("lat", t.lat.unwrap_or(91.0), 6);
        j.fixed("lon", t.lon.unwrap_or(181.0), 6);
        j.num("course", t.course.unwrap_or(360));
        j.num("second", t.second.unwrap_or(60));
        j.num("speed", t.speed.unwrap_or(255));
    });
}
