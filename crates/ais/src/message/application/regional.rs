//! Regional application payloads: inland AIS (DAC 200) and the UK/Ireland
//! lighthouse authorities (DAC 235 and 250).

/// DAC 200 FI 10: inland ship static and voyage related data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlandStatic {
    /// European vessel identification number (ENI).
    pub vin: String,
    /// Length and beam in decimetres; `None` for 0 (not available).
    pub length: Option<u16>,
    pub beam: Option<u16>,
    /// ERI ship or combination type (8000-8510, or its AIS code).
    pub ship_type: u16,
    /// Blue cones or lights: 0-3, or 4 for a B-flag; `None` for 5 (unknown).
    pub hazard: Option<u8>,
    /// Centimetres; `None` for 0 (not available).
    pub draught: Option<u16>,
    /// 1 unloaded, 2 loaded (3 is unused); `None` for 0 (not available).
    pub loaded: Option<u8>,
    /// Quality of speed, course and heading: true for high.
    pub speed_q: bool,
    pub course_q: bool,
    pub heading_q: bool,
}

/// DAC 200 FI 21 (estimated) or FI 22 (requested): time of arrival at an
/// inland lock, bridge or terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlandArrival {
    /// 21 (ETA, with tugs and air draught) or 22 (RTA, with a status).
    pub fid: u8,
    /// UN country code, UN/LOCODE, fairway section, terminal code and
    /// fairway hectometre, as sent.
    pub country: String,
    pub locode: String,
    pub section: String,
    pub terminal: String,
    pub hectometre: String,
    pub time: super::DayTime,
    /// FI 21: assisting tugs; `None` for 7 (unknown).
    pub tugs: Option<u8>,
    /// FI 21: air draught in centimetres; `None` for 0 (unknown).
    pub air_draught: Option<u16>,
    /// FI 22: 0 operational, 1 limited, 2 out of order; `None` for 3.
    pub status: Option<u8>,
}

/// DAC 200 FI 55: persons on board an inland vessel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InlandPersons {
    /// `None` for the not-available codes (255, 8191, 255).
    pub crew: Option<u8>,
    pub passengers: Option<u16>,
    pub personnel: Option<u8>,
}

/// DAC 200 FI 24: water levels at inland gauges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaterLevels {
    /// UN country code.
    pub country: String,
    pub gauges: Vec<Gauge>,
}

/// One gauge reading of a [`WaterLevels`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gauge {
    /// `None` for 0 (unknown).
    pub id: Option<u16>,
    /// Signed level as sent (0 also means unknown).
    pub level: i16,
}

/// DAC 200 FI 40: status of an inland signal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignalStatus {
    /// Degrees (1/10000 minute); `None` for 181/91 or out of range.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Signal form code; `None` for 0 (unknown).
    pub form: Option<u8>,
    /// Orientation of the signal, degrees, as sent.
    pub facing: u16,
    /// 1 upstream, 2 downstream, 3 to left bank, 4 to right bank; `None` for 0.
    pub direction: Option<u8>,
    /// Light status bits as sent (30 bits).
    pub status: u32,
}

/// DAC 235/250 FI 10: aid-to-navigation monitoring data (GLA).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtonMonitoring {
    /// Supply voltages in volts (0.05 V steps), internal then the two
    /// external inputs; `None` for 0 (not available).
    pub ana_int: Option<f32>,
    pub ana_ext1: Option<f32>,
    pub ana_ext2: Option<f32>,
    /// RACON status: 0 none, 1 not monitored, 2 operational, 3 error.
    pub racon: u8,
    /// Light status: 0 none or not monitored, 1 on, 2 off, 3 error.
    pub light: u8,
    /// Health alarm.
    pub alarm: bool,
    /// Eight external status bits.
    pub stat_ext: u8,
    pub off_position: bool,
}
