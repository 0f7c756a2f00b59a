//! Bit layouts of the inland (DAC 200) and GLA (DAC 235/250) payloads.
//! gpsd types them only at their exact length, so a payload that merely
//! claims the DAC/FI stays raw; we follow it.

use super::unless;
use crate::bits::BitReader;
use crate::message::{AtonMonitoring, InlandStatic};

/// Highest hazard code (5, unknown); gpsd leaves larger ones raw.
const HAZARD_MAX: u8 = 5;

pub(super) fn inland_static(r: &BitReader<'_>) -> Option<InlandStatic> {
    let hazard = r.u(141, 3) as u8;
    if r.len() != 168 || hazard > HAZARD_MAX {
        return None;
    }
    Some(InlandStatic {
        vin: r.text(56, 8),
        length: unless(r.u(104, 13) as u16, 0),
        beam: unless(r.u(117, 10) as u16, 0),
        ship_type: r.u(127, 14) as u16,
        hazard: unless(hazard, HAZARD_MAX),
        draught: unless(r.u(144, 11) as u16, 0),
        loaded: unless(r.u(155, 2) as u8, 0),
        speed_q: r.flag(157),
        course_q: r.flag(158),
        heading_q: r.flag(159),
    })
}

pub(super) fn aton_monitoring(r: &BitReader<'_>) -> Option<AtonMonitoring> {
    if r.len() != 136 {
        return None;
    }
    let volts = |at: usize| unless(r.u(at, 10), 0).map(|v| v as f32 * 0.05);
    Some(AtonMonitoring {
        ana_int: volts(88),
        ana_ext1: volts(98),
        ana_ext2: volts(108),
        racon: r.u(118, 2) as u8,
        light: r.u(120, 2) as u8,
        alarm: r.flag(122),
        stat_ext: r.u(123, 8) as u8,
        off_position: r.flag(131),
    })
}
