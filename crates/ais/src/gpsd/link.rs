//! JSON for link-management, text and binary messages.

use std::fmt::Write as _;

use super::Json;
use crate::legends;
use crate::message::*;

impl Json<'_> {
    /// gpsd's `"bits:hex"` form of raw binary data.
    fn data(&mut self, data: &BinaryData) {
        let mut text = format!("{}:", data.bits);
        for byte in &data.bytes {
            let _ = write!(text, "{byte:02x}");
        }
        self.str("data", &text);
    }

    /// Area corners are quoted strings in gpsd's output.
    fn corner(&mut self, key: &str, value: f64) {
        self.fixed_str(key, value, 6);
    }

    fn addressing(&mut self, addressed: Option<(u8, u32, bool)>) {
        if let Some((seqno, dest, retransmit)) = addressed {
            self.num("seqno", seqno);
            self.num("dest_mmsi", dest);
            self.flag("retransmit", retransmit);
        }
    }
}

pub(super) fn binary(j: &mut Json<'_>, b: &BinaryMessage) {
    j.header(b.repeat, b.mmsi);
    j.addressing(b.addressed);
    j.num("dac", b.dac);
    j.num("fid", b.fid);
    // gpsd prints either the decoded fields or the raw bits, not both.
    let typed = b
        .application
        .as_ref()
        .is_some_and(|app| super::application::application(j, app));
    if !typed {
        j.data(&b.data);
    }
}

pub(super) fn acknowledge(j: &mut Json<'_>, a: &Acknowledge) {
    j.header(a.repeat, a.mmsi);
    for (k, mmsi) in a.acked.iter().enumerate() {
        j.num(&format!("mmsi{}", k + 1), *mmsi);
    }
}

pub(super) fn safety_text(j: &mut Json<'_>, t: &SafetyText) {
    j.header(t.repeat, t.mmsi);
    j.addressing(t.addressed);
    j.str("text", &t.text);
}

pub(super) fn interrogation(j: &mut Json<'_>, i: &Interrogation) {
    j.header(i.repeat, i.mmsi);
    j.num("mmsi1", i.mmsi1);
    j.num("type1_1", i.type1_1);
    j.num("offset1_1", i.offset1_1);
    j.num("type1_2", i.type1_2);
    j.num("offset1_2", i.offset1_2);
    j.num("mmsi2", i.mmsi2);
    j.num("type2_1", i.type2_1);
    j.num("offset2_1", i.offset2_1);
}

pub(super) fn assigned_mode(j: &mut Json<'_>, a: &AssignedMode) {
    j.header(a.repeat, a.mmsi);
    for (k, (mmsi, offset, increment)) in a.assignments.iter().enumerate() {
        j.num(&format!("mmsi{}", k + 1), *mmsi);
        j.num(&format!("offset{}", k + 1), *offset);
        j.num(&format!("increment{}", k + 1), *increment);
    }
}

pub(super) fn dgnss(j: &mut Json<'_>, d: &DgnssBroadcast) {
    j.header(d.repeat, d.mmsi);
    j.fixed("lon", d.lon, 1);
    j.fixed("lat", d.lat, 1);
    j.data(&d.data);
}

pub(super) fn data_link(j: &mut Json<'_>, d: &DataLinkManagement) {
    j.header(d.repeat, d.mmsi);
    for (k, r) in d.reservations.iter().enumerate() {
        j.num(&format!("offset{}", k + 1), r.offset);
        j.num(&format!("number{}", k + 1), r.number);
        j.num(&format!("timeout{}", k + 1), r.timeout);
        j.num(&format!("increment{}", k + 1), r.increment);
    }
}

pub(super) fn channel_management(j: &mut Json<'_>, c: &ChannelManagement) {
    j.header(c.repeat, c.mmsi);
    j.num("channel_a", c.channel_a);
    j.num("channel_b", c.channel_b);
    j.num("txrx", c.txrx);
    j.flag("power", c.power);
    match c.target {
        ChannelTarget::Area {
            ne_lon,
            ne_lat,
            sw_lon,
            sw_lat,
        } => {
            j.corner("ne_lon", ne_lon);
            j.corner("ne_lat", ne_lat);
            j.corner("sw_lon", sw_lon);
            j.corner("sw_lat", sw_lat);
        }
        ChannelTarget::Addressed { dest1, dest2 } => {
            j.num("dest1", dest1);
            j.num("dest2", dest2);
        }
    }
    j.flag(
        "addressed",
        matches!(c.target, ChannelTarget::Addressed { .. }),
    );
    j.flag("band_a", c.band_a);
    j.flag("band_b", c.band_b);
    j.num("zonesize", c.zonesize);
}

pub(super) fn group_assignment(j: &mut Json<'_>, g: &GroupAssignment) {
    j.header(g.repeat, g.mmsi);
    j.corner("ne_lon", g.ne_lon);
    j.corner("ne_lat", g.ne_lat);
    j.corner("sw_lon", g.sw_lon);
    j.corner("sw_lat", g.sw_lat);
    j.num("stationtype", g.station_type);
    j.str("stationtype_text", legends::station_type(g.station_type));
    j.ship_type(g.ship_type);
    j.num("interval", g.interval);
    j.num("quiet", g.quiet);
}

pub(super) fn slot_binary(j: &mut Json<'_>, b: &SlotBinary) {
    j.header(b.repeat, b.mmsi);
    j.flag("addressed", b.dest_mmsi.is_some());
    j.flag("structured", b.app_id.is_some());
    j.num("dest_mmsi", b.dest_mmsi.unwrap_or(0));
    j.num("app_id", b.app_id.unwrap_or(0));
    j.data(&b.data);
    if let Some(radio) = b.radio {
        j.num("radio", radio);
    }
}
