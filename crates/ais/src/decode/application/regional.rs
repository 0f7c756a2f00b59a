//! Bit layouts of the inland (DAC 200) and GLA (DAC 235/250) payloads.
//! gpsd types them only at their exact length, so a payload that merely
//! claims the DAC/FI stays raw; we follow it.

use super::{day_time, lon_lat_28, unless};
use crate::bits::BitReader;
use crate::message::{
    AtonMonitoring, Gauge, InlandArrival, InlandPersons, InlandStatic, SignalStatus, WaterLevels,
};

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

/// FI 21 (248 bits) and FI 22 (232 bits) share everything up to bit 228.
pub(super) fn inland_arrival(r: &BitReader<'_>, fid: u8) -> Option<InlandArrival> {
    let eta = fid == 21;
    if r.len() != if eta { 248 } else { 232 } {
        return None;
    }
    Some(InlandArrival {
        fid,
        country: r.text(88, 2),
        locode: r.text(100, 3),
        section: r.text(118, 5),
        terminal: r.text(148, 5),
        hectometre: r.text(178, 5),
        time: day_time(r, 208),
        tugs: eta.then(|| unless(r.u(228, 3) as u8, 7)).flatten(),
        air_draught: eta.then(|| unless(r.u(231, 12) as u16, 0)).flatten(),
        status: (!eta).then(|| unless(r.u(228, 2) as u8, 3)).flatten(),
    })
}

pub(super) fn inland_persons(r: &BitReader<'_>) -> Option<InlandPersons> {
    (r.len() == 168).then(|| InlandPersons {
        crew: unless(r.u(88, 8) as u8, 255),
        passengers: unless(r.u(96, 13) as u16, 8191),
        personnel: unless(r.u(109, 8) as u8, 255),
    })
}

/// Four 25-bit gauges after the country code.
pub(super) fn water_levels(r: &BitReader<'_>) -> Option<WaterLevels> {
    (r.len() == 168).then(|| WaterLevels {
        country: r.text(56, 2),
        gauges: (68..r.len())
            .step_by(25)
            .map(|a| Gauge {
                id: unless(r.u(a, 11) as u16, 0),
                level: r.i(a + 11, 14) as i16,
            })
            .collect(),
    })
}

pub(super) fn signal_status(r: &BitReader<'_>) -> Option<SignalStatus> {
    if r.len() != 168 {
        return None;
    }
    let (lon, lat) = lon_lat_28(r, 56);
    Some(SignalStatus {
        lon,
        lat,
        form: unless(r.u(111, 4) as u8, 0),
        facing: r.u(115, 9) as u16,
        direction: unless(r.u(124, 3) as u8, 0),
        status: r.u(127, 30),
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
