//! Decoded AIS messages.
//!
//! Fields with an in-band "not available" value are `Option`s; `None`
//! means the sender said the value is unknown (or sent one out of range).
//! Everything else is kept raw so nothing the sender said is lost.

mod access;
mod application;
mod link;
mod timestamp;

pub use application::*;
pub use link::*;
pub use timestamp::Timestamp;

/// One decoded AIS message.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Types 1, 2 and 3: class A position report.
    Position(PositionReport),
    /// Types 4 and 11: base station report / UTC date response.
    BaseStation(BaseStationReport),
    /// Type 5: class A static and voyage data.
    StaticVoyage(StaticVoyage),
    /// Type 9: SAR aircraft position report.
    SarAircraft(SarAircraftReport),
    /// Type 18: class B position report.
    ClassBPosition(ClassBPosition),
    /// Type 19: extended class B position report.
    ClassBExtended(ClassBExtended),
    /// Type 21: aid-to-navigation report.
    AidToNavigation(AidToNavigation),
    /// Type 24 part A: class B name.
    StaticPartA(StaticPartA),
    /// Type 24 part B: class B type, vendor, callsign, dimensions.
    StaticPartB(StaticPartB),
    /// Type 27: long-range position report.
    LongRange(LongRangeReport),
    /// Types 6 and 8: binary message (raw bits, typed where decoded).
    Binary(BinaryMessage),
    /// Types 7 and 13.
    Acknowledge(Acknowledge),
    /// Type 10.
    UtcInquiry(UtcInquiry),
    /// Types 12 and 14.
    SafetyText(SafetyText),
    /// Type 15.
    Interrogation(Interrogation),
    /// Type 16.
    AssignedMode(AssignedMode),
    /// Type 17.
    Dgnss(DgnssBroadcast),
    /// Type 20.
    DataLinkManagement(DataLinkManagement),
    /// Type 22.
    ChannelManagement(ChannelManagement),
    /// Type 23.
    GroupAssignment(GroupAssignment),
    /// Types 25 and 26.
    SlotBinary(SlotBinary),
    /// Kept for callers matching on it; [`decode`](crate::decode()) now
    /// decodes every type 1-27 and rejects the rest as unsupported.
    Other { msg_type: u8, mmsi: u32 },
}

/// Reference point of the position fix, in metres from each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dimensions {
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
}

/// Types 1/2/3.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionReport {
    pub msg_type: u8,
    pub repeat: u8,
    pub mmsi: u32,
    pub nav_status: u8,
    /// Raw rate-of-turn indicator: -128 not available, ±127 turning faster
    /// than 5°/30 s with no turn indicator.
    pub rot_raw: i8,
    /// Degrees per minute; `None` for -128 and ±127 (magnitude unknown).
    pub rot: Option<f32>,
    /// Knots; `None` for 102.3.
    pub sog: Option<f32>,
    pub accuracy: bool,
    /// Degrees; `None` for 181 (or anything outside ±180).
    pub lon: Option<f64>,
    /// Degrees; `None` for 91 (or anything outside ±90).
    pub lat: Option<f64>,
    /// Degrees; `None` for 360 and above.
    pub cog: Option<f32>,
    /// Degrees; `None` for 511.
    pub heading: Option<u16>,
    /// UTC second of the fix, or why there is none (codes 60-63).
    pub timestamp: Timestamp,
    pub maneuver: u8,
    pub raim: bool,
    pub radio: u32,
}

/// Types 4/11. Date-time fields are raw (0 / 24 / 60 mean not available).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BaseStationReport {
    pub msg_type: u8,
    pub repeat: u8,
    pub mmsi: u32,
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub accuracy: bool,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub epfd: u8,
    pub raim: bool,
    pub radio: u32,
}

/// Type 5.
#[derive(Debug, Clone, PartialEq)]
pub struct StaticVoyage {
    pub repeat: u8,
    pub mmsi: u32,
    pub ais_version: u8,
    pub imo: u32,
    pub callsign: String,
    pub shipname: String,
    pub ship_type: u8,
    pub dimensions: Dimensions,
    pub epfd: u8,
    /// ETA, raw: month 0, day 0, hour 24, minute 60 mean not available.
    pub eta_month: u8,
    pub eta_day: u8,
    pub eta_hour: u8,
    pub eta_minute: u8,
    /// Metres; raw tenths / 10.
    pub draught: f32,
    pub destination: String,
    pub dte: bool,
}

/// Type 9.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SarAircraftReport {
    pub repeat: u8,
    pub mmsi: u32,
    /// Metres; `None` for 4095.
    pub altitude: Option<u16>,
    /// Knots (whole knots for aircraft); `None` for 1023.
    pub sog: Option<u16>,
    pub accuracy: bool,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub cog: Option<f32>,
    pub timestamp: Timestamp,
    pub regional: u8,
    pub dte: bool,
    pub assigned: bool,
    pub raim: bool,
    pub radio: u32,
}

/// Type 18.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassBPosition {
    pub repeat: u8,
    pub mmsi: u32,
    pub reserved: u8,
    pub sog: Option<f32>,
    pub accuracy: bool,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub cog: Option<f32>,
    pub heading: Option<u16>,
    pub timestamp: Timestamp,
    pub regional: u8,
    pub cs: bool,
    pub display: bool,
    pub dsc: bool,
    pub band: bool,
    pub msg22: bool,
    pub assigned: bool,
    pub raim: bool,
    pub radio: u32,
}

/// Type 19.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassBExtended {
    pub repeat: u8,
    pub mmsi: u32,
    pub reserved: u8,
    pub sog: Option<f32>,
    pub accuracy: bool,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub cog: Option<f32>,
    pub heading: Option<u16>,
    pub timestamp: Timestamp,
    pub regional: u8,
    pub shipname: String,
    pub ship_type: u8,
    pub dimensions: Dimensions,
    pub epfd: u8,
    pub raim: bool,
    pub dte: bool,
    pub assigned: bool,
}

/// Type 21.
#[derive(Debug, Clone, PartialEq)]
pub struct AidToNavigation {
    pub repeat: u8,
    pub mmsi: u32,
    pub aid_type: u8,
    /// Name with the name extension appended.
    pub name: String,
    pub accuracy: bool,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub dimensions: Dimensions,
    pub epfd: u8,
    pub timestamp: Timestamp,
    pub off_position: bool,
    pub regional: u8,
    pub raim: bool,
    pub virtual_aid: bool,
    pub assigned: bool,
}

/// Type 24 part A.
#[derive(Debug, Clone, PartialEq)]
pub struct StaticPartA {
    pub repeat: u8,
    pub mmsi: u32,
    pub shipname: String,
}

/// Type 24 part B.
#[derive(Debug, Clone, PartialEq)]
pub struct StaticPartB {
    pub repeat: u8,
    pub mmsi: u32,
    pub ship_type: u8,
    /// All 42 bits as text, as gpsd reports it; `model` and `serial`
    /// re-read the last 24 of those bits (ITU-R M.1371-4 layout).
    pub vendor_id: String,
    pub model: u8,
    pub serial: u32,
    pub callsign: String,
    /// Dimensions, or the mothership of an auxiliary craft (MMSI 98xxxxxxx).
    pub craft: CraftInfo,
}

/// The last 30 bits of a type 24 part B.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CraftInfo {
    Dimensions(Dimensions),
    Mothership(u32),
}

/// Type 27. Positions have 1/10 minute resolution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LongRangeReport {
    pub repeat: u8,
    pub mmsi: u32,
    pub accuracy: bool,
    pub raim: bool,
    pub nav_status: u8,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Knots; `None` for 63.
    pub sog: Option<u8>,
    /// Degrees; `None` for 511.
    pub cog: Option<u16>,
    /// True when the position is not from the current GNSS fix.
    pub gnss: bool,
}
