//! Decoded DAC/FI application payloads of binary messages (types 6 and 8).
//! The ones gpsd decodes are typed, and a few it leaves raw (area notices,
//! extended static data); the rest stay raw bits.

mod area;
mod extended;
mod imo;
mod regional;

pub use area::*;
pub use extended::*;
pub use imo::*;
pub use regional::*;

/// A typed application payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Application {
    /// DAC 1, FI 11 (IMO236) or FI 31 (IMO289): meteorological and
    /// hydrological data.
    MetHydro(MetHydro),
    /// DAC 1, FI 12 (IMO236), addressed: dangerous cargo indication.
    DangerousCargo(DangerousCargo),
    /// DAC 1, FI 13 (IMO236), broadcast: fairway closed.
    FairwayClosed(FairwayClosed),
    /// DAC 1, FI 15 (IMO236), broadcast: extended ship static and voyage
    /// related data, which holds only the air draught: 11 bits as sent
    /// (0.1 m steps, 0 not available), printed raw as gpsd prints it.
    AirDraught(u16),
    /// DAC 1, FI 24 (IMO289), broadcast: extended ship static and
    /// voyage-related data. gpsd leaves it raw, and so does our gpsd-style
    /// JSON.
    ExtendedStaticVoyage(ExtendedStaticVoyage),
    /// DAC 1, FI 22 (IMO289), broadcast: area notice. gpsd leaves it raw,
    /// and so does our gpsd-style JSON.
    AreaNotice(AreaNotice),
    /// DAC 1, FI 25 (IMO289), addressed: dangerous cargo codes.
    CargoCodes(CargoCodes),
    /// DAC 1, FI 27 (broadcast) or FI 28 (addressed), IMO289: route information.
    Route(Route),
    /// DAC 1, FI 14 (IMO236) or FI 32 (IMO289), addressed: tidal window.
    TidalWindow(TidalWindow),
    /// DAC 1, FI 17 (IMO289), broadcast: VTS-generated (synthetic) targets.
    VtsTargets(Vec<VtsTarget>),
    /// DAC 1, FI 18 (IMO289), addressed: clearance time to enter port.
    ClearanceTime(ClearanceTime),
    /// DAC 1, FI 19 (IMO289), broadcast: marine traffic signal.
    TrafficSignal(TrafficSignal),
    /// DAC 1, FI 20 (IMO289), addressed: berthing data.
    Berthing(Berthing),
    /// DAC 1, FI 30 (addressed) or FI 29 (broadcast), IMO289: text description.
    TextDescription(TextDescription),
    /// DAC 200, FI 10, broadcast: inland ship static and voyage data.
    InlandStatic(InlandStatic),
    /// DAC 200, FI 21 (ETA) or FI 22 (RTA), addressed: inland arrival at a
    /// lock, bridge or terminal.
    InlandArrival(InlandArrival),
    /// DAC 200, FI 55, addressed: inland persons on board.
    InlandPersons(InlandPersons),
    /// DAC 200, FI 24, broadcast: inland water levels.
    WaterLevels(WaterLevels),
    /// DAC 200, FI 40, broadcast: inland signal status.
    SignalStatus(SignalStatus),
    /// DAC 235 or 250, FI 10, addressed: UK/ROI (GLA) aid-to-navigation
    /// monitoring data.
    AtonMonitoring(AtonMonitoring),
}

/// A UTC time without the year, as the IMO application messages send it.
///
/// `None` is the not-available code (month 0, day 0, hour 24, minute 60);
/// any other value is kept as sent, even out of range, as gpsd prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayTime {
    pub month: Option<u8>,
    pub day: Option<u8>,
    pub hour: Option<u8>,
    pub minute: Option<u8>,
}

/// Meteorological and hydrological data (DAC 1, FI 11 and FI 31).
///
/// Values are scaled to the units below; a field at its "not available"
/// code keeps the scaled code (gpsd prints it that way), for example
/// `wspeed` 127 or `airtemp` -102.4.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetHydro {
    /// 11 (IMO236) or 31 (IMO289); the layouts differ slightly.
    pub fid: u8,
    /// Degrees (1/1000 minute resolution).
    pub lon: f64,
    pub lat: f64,
    /// FI 31 only.
    pub accuracy: Option<bool>,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    /// Knots.
    pub wspeed: u8,
    pub wgust: u8,
    /// Degrees.
    pub wdir: u16,
    pub wgustdir: u16,
    /// Percent.
    pub humidity: u8,
    /// °C.
    pub airtemp: f32,
    pub dewpoint: f32,
    /// hPa.
    pub pressure: u16,
    /// Code as sent: 0 steady, 3 not available (gpsd names 1 increasing, 2 decreasing).
    pub pressuretend: u8,
    /// FI 31 only: visibility is greater than the value given.
    pub visgreater: Option<bool>,
    /// Nautical miles.
    pub visibility: f32,
    /// Metres.
    pub waterlevel: f32,
    pub leveltrend: u8,
    /// Knots; current at the surface, then at two depths (metres).
    pub cspeed: f32,
    pub cdir: u16,
    pub cspeed2: f32,
    pub cdir2: u16,
    pub cdepth2: u8,
    pub cspeed3: f32,
    pub cdir3: u16,
    pub cdepth3: u8,
    /// Metres, seconds, degrees.
    pub waveheight: f32,
    pub waveperiod: u8,
    pub wavedir: u16,
    pub swellheight: f32,
    pub swellperiod: u8,
    pub swelldir: u16,
    /// Beaufort scale.
    pub seastate: u8,
    /// °C.
    pub watertemp: f32,
    pub preciptype: u8,
    /// Per mille.
    pub salinity: f32,
    /// 0 no, 1 yes, 3 not available.
    pub ice: u8,
}
