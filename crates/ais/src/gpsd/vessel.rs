//! JSON for position and static reports.

use super::Json;
use crate::legends;
use crate::message::*;

pub(super) fn position(j: &mut Json<'_>, p: &PositionReport) {
    j.header(p.repeat, p.mmsi);
    j.num("status", p.nav_status);
    j.str("status_text", legends::nav_status(p.nav_status));
    match p.rot_raw {
        -128 => j.str("turn", "n/a"),
        -127 => j.str("turn", "fastleft"),
        127 => j.str("turn", "fastright"),
        // A quoted number in gpsd's output; written in place, no allocation.
        _ => j.fixed_str("turn", f64::from(p.rot.unwrap_or(0.0)), 2),
    }
    j.tenths("speed", p.sog, 102.3);
    j.flag("accuracy", p.accuracy);
    j.lon_lat(p.lon, p.lat);
    j.tenths("course", p.cog, 360.0);
    j.num("heading", p.heading.unwrap_or(511));
    j.num("second", p.timestamp.raw());
    j.num("maneuver", p.maneuver);
    j.flag("raim", p.raim);
    j.num("radio", p.radio);
}

pub(super) fn base_station(j: &mut Json<'_>, b: &BaseStationReport) {
    j.header(b.repeat, b.mmsi);
    let ts = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        b.year, b.month, b.day, b.hour, b.minute, b.second
    );
    j.str("timestamp", &ts);
    j.flag("accuracy", b.accuracy);
    j.lon_lat(b.lon, b.lat);
    j.epfd(b.epfd);
    j.flag("raim", b.raim);
    j.num("radio", b.radio);
}

pub(super) fn static_voyage(j: &mut Json<'_>, s: &StaticVoyage) {
    j.header(s.repeat, s.mmsi);
    j.num("imo", s.imo);
    j.num("ais_version", s.ais_version);
    j.str("callsign", &s.callsign);
    j.str("shipname", &s.shipname);
    j.ship_type(s.ship_type);
    j.dims(&s.dimensions);
    j.epfd(s.epfd);
    let eta = format!(
        "{:02}-{:02}T{:02}:{:02}Z",
        s.eta_month, s.eta_day, s.eta_hour, s.eta_minute
    );
    j.str("eta", &eta);
    j.fixed("draught", f64::from(s.draught), 1);
    j.str("destination", &s.destination);
    j.num("dte", u8::from(s.dte));
}

pub(super) fn sar(j: &mut Json<'_>, s: &SarAircraftReport) {
    j.header(s.repeat, s.mmsi);
    j.num("alt", s.altitude.unwrap_or(4095));
    j.num("speed", s.sog.unwrap_or(1023));
    j.flag("accuracy", s.accuracy);
    j.lon_lat(s.lon, s.lat);
    j.tenths("course", s.cog, 360.0);
    j.num("second", s.timestamp.raw());
    j.num("regional", s.regional);
    j.num("dte", u8::from(s.dte));
    j.flag("raim", s.raim);
    j.num("radio", s.radio);
}

pub(super) fn class_b(j: &mut Json<'_>, b: &ClassBPosition) {
    j.header(b.repeat, b.mmsi);
    j.num("reserved", b.reserved);
    j.tenths("speed", b.sog, 102.3);
    j.flag("accuracy", b.accuracy);
    j.lon_lat(b.lon, b.lat);
    j.tenths("course", b.cog, 360.0);
    j.num("heading", b.heading.unwrap_or(511));
    j.num("second", b.timestamp.raw());
    j.num("regional", b.regional);
    j.flag("cs", b.cs);
    j.flag("display", b.display);
    j.flag("dsc", b.dsc);
    j.flag("band", b.band);
    j.flag("msg22", b.msg22);
    j.flag("raim", b.raim);
    j.num("radio", b.radio);
}

pub(super) fn class_b_extended(j: &mut Json<'_>, b: &ClassBExtended) {
    j.header(b.repeat, b.mmsi);
    j.num("reserved", b.reserved);
    j.tenths("speed", b.sog, 102.3);
    j.flag("accuracy", b.accuracy);
    j.lon_lat(b.lon, b.lat);
    j.tenths("course", b.cog, 360.0);
    j.num("heading", b.heading.unwrap_or(511));
    j.num("second", b.timestamp.raw());
    j.num("regional", b.regional);
    j.str("shipname", &b.shipname);
    j.ship_type(b.ship_type);
    j.dims(&b.dimensions);
    j.epfd(b.epfd);
    j.flag("raim", b.raim);
    j.num("dte", u8::from(b.dte));
    j.flag("assigned", b.assigned);
}

pub(super) fn aid(j: &mut Json<'_>, a: &AidToNavigation) {
    j.header(a.repeat, a.mmsi);
    j.num("aid_type", a.aid_type);
    j.str("aid_type_text", legends::aid_type(a.aid_type));
    j.str("name", &a.name);
    j.lon_lat(a.lon, a.lat);
    j.flag("accuracy", a.accuracy);
    j.dims(&a.dimensions);
    j.epfd(a.epfd);
    j.num("second", a.timestamp.raw());
    j.num("regional", a.regional);
    j.flag("off_position", a.off_position);
    j.flag("raim", a.raim);
    j.flag("virtual_aid", a.virtual_aid);
}

pub(super) fn part_b(j: &mut Json<'_>, b: &StaticPartB) {
    j.header(b.repeat, b.mmsi);
    j.str("part", "B");
    j.ship_type(b.ship_type);
    j.str("vendorid", &b.vendor_id);
    j.num("model", b.model);
    j.num("serial", b.serial);
    j.str("callsign", &b.callsign);
    match &b.craft {
        CraftInfo::Dimensions(d) => j.dims(d),
        CraftInfo::Mothership(mmsi) => j.num("mothership_mmsi", *mmsi),
    }
}

pub(super) fn long_range(j: &mut Json<'_>, l: &LongRangeReport) {
    j.header(l.repeat, l.mmsi);
    j.num("status", l.nav_status);
    j.str("status_text", legends::nav_status(l.nav_status));
    j.flag("accuracy", l.accuracy);
    j.fixed("lon", l.lon.unwrap_or(181.0), 4);
    j.fixed("lat", l.lat.unwrap_or(91.0), 4);
    j.num("speed", l.sog.unwrap_or(63));
    j.num("course", l.cog.unwrap_or(511));
    j.flag("raim", l.raim);
    j.flag("gnss", l.gnss);
}
