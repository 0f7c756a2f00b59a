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

/// DAC 1 FI 13: fairway closed (IMO236).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FairwayClosed {
    pub reason: String,
    /// Locations the closure runs from and to.
    pub close_from: String,
    pub close_to: String,
    /// Extension of the closed area, in `extension_unit`s, as sent.
    pub radius: u16,
    /// Unit of `radius` as sent (0 not available, 1 km, 2 nm, 3 reserved).
    pub extension_unit: u8,
    pub from: DayTime,
    pub to: DayTime,
}

/// DAC 1 FI 25: dangerous cargo codes (IMO289).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CargoCodes {
    /// Unit of `amount` as sent (0 not available, 1 kg, 2 tonnes, 3 thousand tonnes).
    pub unit: u8,
    pub amount: u16,
    pub cargos: Vec<Cargo>,
}

/// One cargo of a [`CargoCodes`]: a code (IMDG class, BC, MARPOL...) and its subtype.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cargo {
    pub code: u8,
    pub subtype: u16,
}

/// DAC 1 FI 27 (broadcast) or FI 28 (addressed): route information (IMO289).
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub fid: u8,
    /// Message linkage id.
    pub linkage: u16,
    /// 0 ship, 1 authority, as sent.
    pub sender: u8,
    /// Route type code (1 mandatory, 2 recommended, ..., 31 cancel).
    pub route_type: u8,
    pub start: DayTime,
    /// Minutes; `None` for 262143 (not available).
    pub duration: Option<u32>,
    /// As many as the sender's count says (missing bits read as zero).
    pub waypoints: Vec<Waypoint>,
}

/// A route point, degrees (1/10000 minute resolution); `None` for 181/91
/// or out of range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Waypoint {
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

/// One target of DAC 1 FI 17 (IMO289), 122 bits: a vessel a VTS sees and
/// reports on its behalf.
#[derive(Debug, Clone, PartialEq)]
pub struct VtsTarget {
    pub id: TargetId,
    /// Degrees (1/1000 minute); `None` for 181/91 or out of range.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Degrees; `None` for 360.
    pub course: Option<u16>,
    /// UTC second; `None` for 60.
    pub second: Option<u8>,
    /// Knots; `None` for 255.
    pub speed: Option<u16>,
}

/// How a VTS target is identified (42 bits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetId {
    /// The number is read from the low 32 bits, as gpsd does.
    Mmsi(u32),
    Imo(u32),
    Callsign(String),
    Other(String),
}

/// DAC 1 FI 19: marine traffic signal (IMO289).
#[derive(Debug, Clone, PartialEq)]
pub struct TrafficSignal {
    /// Message linkage id.
    pub linkage: u16,
    /// Name of the signal station.
    pub station: String,
    /// Degrees (1/1000 minute); `None` for 181/91 or out of range.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Status of the signal as sent (1 in regular service, 2 irregular).
    pub status: u8,
    /// Signal in service and the next one expected (codes 1-14; 0 none).
    pub signal: u8,
    /// UTC time of the next shift; `None` for 24 and 60.
    pub hour: Option<u8>,
    pub minute: Option<u8>,
    pub next_signal: u8,
}

/// DAC 1 FI 20: berthing data (IMO289).
#[derive(Debug, Clone, PartialEq)]
pub struct Berthing {
    /// Message linkage id.
    pub linkage: u16,
    /// Metres; `None` for 0 (not available).
    pub berth_length: Option<u16>,
    /// Metres, 0.1 m steps; `None` for 0 (not available).
    pub berth_depth: Option<f32>,
    /// Mooring position: 1 port-side to, 2 starboard-side to, 3
    /// Mediterranean, 4 buoy, 5 anchorage; `None` for 0.
    pub position: Option<u8>,
    pub arrival: DayTime,
    /// Whether the services below are given.
    pub availability: bool,
    /// The 26 two-bit service codes as sent, in the order of
    /// [`BERTHING_SERVICES`]: 0 not available or requested, 1 available,
    /// 2 no data, 3 not to be used.
    pub services: [u8; 26],
    pub berth_name: String,
    /// Degrees (1/1000 minute); `None` for 181/91 or out of range.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

/// Names of [`Berthing::services`], as gpsd prints them.
pub const BERTHING_SERVICES: [&str; 26] = [
    "agent",
    "fuel",
    "chandler",
    "stevedore",
    "electrical",
    "water",
    "customs",
    "cartage",
    "crane",
    "lift",
    "medical",
    "navrepair",
    "provisions",
    "shiprepair",
    "surveyor",
    "steam",
    "tugs",
    "solidwaste",
    "liquidwaste",
    "hazardouswaste",
    "ballast",
    "additional",
    "regional1",
    "regional2",
    "future1",
    "future2",
];
