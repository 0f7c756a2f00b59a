//! IMO application payloads (DAC 1) other than met/hydro: IMO SN.1/Circ.236
//! (FI 12, 14) and SN.1/Circ.289 (FI 18, 30, 32).

use super::DayTime;

/// DAC 1 FI 12: dangerous cargo indication (IMO236).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DangerousCargo {
    /// UN/LOCODE of the last port of call.
    pub last_port: String,
    pub departure: DayTime,
    /// UN/LOCODE of the next port of call.
    pub next_port: String,
    pub eta: DayTime,
    /// Main dangerous good, free text.
    pub dangerous: String,
    /// IMD category.
    pub imd_category: String,
    pub un_number: u16,
    pub amount: u16,
    /// Unit of `amount` as sent (1 kg, 2 tonnes, 3 thousand tonnes); 0 is
    /// not available.
    pub unit: u8,
}

/// DAC 1 FI 14 (IMO236) or FI 32 (IMO289): tidal window.
#[derive(Debug, Clone, PartialEq)]
pub struct TidalWindow {
    /// 14 or 32; the two differ in position resolution and speed width.
    pub fid: u8,
    /// `None` for 0 (not available).
    pub month: Option<u8>,
    pub day: Option<u8>,
    pub tidals: Vec<Tidal>,
}

/// One point of a tidal window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tidal {
    /// Degrees; `None` for 181/91 (or anything out of range).
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// `None` for hour 24 and minute 60.
    pub from_hour: Option<u8>,
    pub from_minute: Option<u8>,
    pub to_hour: Option<u8>,
    pub to_minute: Option<u8>,
    /// Predicted current direction, degrees; `None` for 360.
    pub cdir: Option<u16>,
    /// Predicted current speed, knots; `None` for the not-available code
    /// (12.7 in FI 14, 25.5 in FI 32).
    pub cspeed: Option<f32>,
}

/// DAC 1 FI 18: clearance time to enter port (IMO289).
#[derive(Debug, Clone, PartialEq)]
pub struct ClearanceTime {
    /// Message linkage id.
    pub linkage: u16,
    pub time: DayTime,
    /// Name of port and berth.
    pub port_name: String,
    /// UN/LOCODE.
    pub destination: String,
    /// Degrees (1/1000 minute resolution); `None` for 181/91 or out of range.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

/// DAC 1 FI 30 (addressed) or FI 29 (broadcast): text description (IMO289).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextDescription {
    /// Message linkage id.
    pub linkage: u16,
    pub text: String,
}
