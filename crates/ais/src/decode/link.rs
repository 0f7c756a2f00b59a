//! Bit layouts of the link-management, text and binary messages.

use crate::bits::BitReader;
use crate::message::*;

fn header(r: &BitReader<'_>) -> (u8, u8, u32) {
    (r.u(0, 6) as u8, r.u(6, 2) as u8, r.u(8, 30))
}

/// Bits from `start` to `end`, packed MSB first.
fn data(r: &BitReader<'_>, start: usize, end: usize) -> BinaryData {
    let bits = end.saturating_sub(start);
    let bytes = (0..bits.div_ceil(8))
        .map(|k| {
            let at = start + 8 * k;
            let width = (end - at).min(8);
            (r.u(at, width) << (8 - width)) as u8
        })
        .collect();
    BinaryData { bits, bytes }
}

/// 1/10 minute coordinates in `width` bits, as degrees.
fn short_coord(r: &BitReader<'_>, at: usize, width: usize) -> f64 {
    f64::from(r.i(at, width)) / 600.0
}

pub(super) fn binary(r: &BitReader<'_>) -> BinaryMessage {
    let (msg_type, repeat, mmsi) = header(r);
    let (addressed, at) = if msg_type == 6 {
        (Some((r.u(38, 2) as u8, r.u(40, 30), r.flag(70))), 72)
    } else {
        (None, 40)
    };
    let (dac, fid) = (r.u(at, 10) as u16, r.u(at + 10, 6) as u8);
    BinaryMessage {
        msg_type,
        repeat,
        mmsi,
        addressed,
        dac,
        fid,
        data: data(r, at + 16, r.len()),
        application: super::application::application(r, msg_type, dac, fid),
    }
}

pub(super) fn acknowledge(r: &BitReader<'_>) -> Acknowledge {
    let (msg_type, repeat, mmsi) = header(r);
    Acknowledge {
        msg_type,
        repeat,
        mmsi,
        acked: [0, 1, 2, 3].map(|k| r.u(40 + 32 * k, 30)),
    }
}

pub(super) fn utc_inquiry(r: &BitReader<'_>) -> UtcInquiry {
    let (_, repeat, mmsi) = header(r);
    UtcInquiry {
        repeat,
        mmsi,
        dest_mmsi: r.u(40, 30),
    }
}

pub(super) fn safety_text(r: &BitReader<'_>) -> SafetyText {
    let (msg_type, repeat, mmsi) = header(r);
    let (addressed, at) = if msg_type == 12 {
        (Some((r.u(38, 2) as u8, r.u(40, 30), r.flag(70))), 72)
    } else {
        (None, 40)
    };
    let chars = r.len().saturating_sub(at) / 6;
    SafetyText {
        msg_type,
        repeat,
        mmsi,
        addressed,
        text: r.text(at, chars),
    }
}

pub(super) fn interrogation(r: &BitReader<'_>) -> Interrogation {
    let (_, repeat, mmsi) = header(r);
    Interrogation {
        repeat,
        mmsi,
        mmsi1: r.u(40, 30),
        type1_1: r.u(70, 6) as u8,
        offset1_1: r.u(76, 12) as u16,
        type1_2: r.u(90, 6) as u8,
        offset1_2: r.u(96, 12) as u16,
        mmsi2: r.u(110, 30),
        type2_1: r.u(140, 6) as u8,
        offset2_1: r.u(146, 12) as u16,
    }
}

pub(super) fn assigned_mode(r: &BitReader<'_>) -> AssignedMode {
    let (_, repeat, mmsi) = header(r);
    let entry = |at: usize| {
        (
            r.u(at, 30),
            r.u(at + 30, 12) as u16,
            r.u(at + 42, 10) as u16,
        )
    };
    // A 96-bit message carries one assignment; gpsd reads the second only
    // from a 144-bit one, whatever the padding holds.
    let second = if r.len() >= 144 { entry(92) } else { (0, 0, 0) };
    AssignedMode {
        repeat,
        mmsi,
        assignments: [entry(40), second],
    }
}

pub(super) fn dgnss(r: &BitReader<'_>) -> DgnssBroadcast {
    let (_, repeat, mmsi) = header(r);
    DgnssBroadcast {
        repeat,
        mmsi,
        lon: short_coord(r, 40, 18),
        lat: short_coord(r, 58, 17),
        data: data(r, 80, r.len()),
    }
}

pub(super) fn data_link(r: &BitReader<'_>) -> DataLinkManagement {
    let (_, repeat, mmsi) = header(r);
    let block = |k: usize| {
        let at = 40 + 30 * k;
        SlotReservation {
            offset: r.u(at, 12) as u16,
            number: r.u(at + 12, 4) as u8,
            timeout: r.u(at + 16, 3) as u8,
            increment: r.u(at + 19, 11) as u16,
        }
    };
    DataLinkManagement {
        repeat,
        mmsi,
        reservations: [0, 1, 2, 3].map(block),
    }
}

pub(super) fn channel_management(r: &BitReader<'_>) -> ChannelManagement {
    let (_, repeat, mmsi) = header(r);
    // The addressed flag comes after the fields whose meaning it selects.
    let target = if r.flag(139) {
        ChannelTarget::Addressed {
            dest1: r.u(69, 30),
            dest2: r.u(104, 30),
        }
    } else {
        ChannelTarget::Area {
            ne_lon: short_coord(r, 69, 18),
            ne_lat: short_coord(r, 87, 17),
            sw_lon: short_coord(r, 104, 18),
            sw_lat: short_coord(r, 122, 17),
        }
    };
    ChannelManagement {
        repeat,
        mmsi,
        channel_a: r.u(40, 12) as u16,
        channel_b: r.u(52, 12) as u16,
        txrx: r.u(64, 4) as u8,
        power: r.flag(68),
        target,
        band_a: r.flag(140),
        band_b: r.flag(141),
        zonesize: r.u(142, 3) as u8,
    }
}

pub(super) fn group_assignment(r: &BitReader<'_>) -> GroupAssignment {
    let (_, repeat, mmsi) = header(r);
    GroupAssignment {
        repeat,
        mmsi,
        ne_lon: short_coord(r, 40, 18),
        ne_lat: short_coord(r, 58, 17),
        sw_lon: short_coord(r, 75, 18),
        sw_lat: short_coord(r, 93, 17),
        station_type: r.u(110, 4) as u8,
        ship_type: r.u(114, 8) as u8,
        txrx: r.u(144, 2) as u8,
        interval: r.u(146, 4) as u8,
        quiet: r.u(150, 4) as u8,
    }
}

pub(super) fn slot_binary(r: &BitReader<'_>) -> SlotBinary {
    let (msg_type, repeat, mmsi) = header(r);
    let mut at = 40;
    let dest_mmsi = r.flag(38).then(|| {
        at += 30;
        r.u(40, 30)
    });
    let app_id = r.flag(39).then(|| {
        at += 16;
        r.u(at - 16, 16) as u16
    });
    // Type 26 ends with a 20-bit radio status after the data.
    let (end, radio) = if msg_type == 26 {
        let end = r.len().saturating_sub(20).max(at);
        (end, Some(r.u(end, 20)))
    } else {
        (r.len(), None)
    };
    SlotBinary {
        msg_type,
        repeat,
        mmsi,
        dest_mmsi,
        app_id,
        data: data(r, at, end),
        radio,
    }
}
