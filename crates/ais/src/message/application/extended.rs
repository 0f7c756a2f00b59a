//! Extended ship static and voyage-related data: the IMO236 form (DAC 1
//! FI 15, air draught only) and the IMO289 form (DAC 1 FI 24), which adds
//! ports of call, equipment status and bunkers.

/// DAC 1 FI 24 (IMO SN.1/Circ.289), broadcast: extended ship static and
/// voyage-related data. gpsd leaves it raw, and so does our gpsd-style JSON.
///
/// Codes are kept as sent where IMO289 gives them meanings beyond "not
/// available"; text fields are empty when not available (`@@@@@`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtendedStaticVoyage {
    /// Message linkage id; 0 is not available.
    pub linkage: u16,
    /// Height above the waterline as sent (13 bits); 0 is not available.
    /// IMO289 says 0.1 m steps up to 81.9 m, then 81.91 m "or greater"
    /// for the top code, which only 0.01 m steps reach; so it stays raw.
    pub air_draught: u16,
    /// UN/LOCODEs of the last, next and second-next ports of call.
    pub last_port: String,
    pub next_port: String,
    pub second_port: String,
    /// Status of the required SOLAS equipment, in IMO289's order: AIS
    /// class A, ATA, BNWAS, ECDIS back-up, ECDIS/paper chart, echo
    /// sounder, electronic plotting aid, emergency steering gear, GNSS,
    /// gyro compass, LRIT, magnetic compass, NAVTEX, radar ARPA, radar S
    /// band, radar X band, HF, INMARSAT, MF and VHF radio, speed log over
    /// ground and through water, transmitting heading device, track
    /// control system, VDR, and one reserved.
    pub solas: [SolasStatus; 26],
    /// Ice class code (0 not classified, 15 not available).
    pub ice_class: u8,
    /// Shaft horse power (18 bits, 262143 not available).
    pub shaft_power: u32,
    /// VHF working channel as sent (12 bits).
    pub vhf_channel: u16,
    /// Lloyd's ship type, 7 characters.
    pub lloyds_ship_type: String,
    /// Gross tonnage (18 bits, 262143 not available).
    pub gross_tonnage: u32,
    /// 0 not available, 1 laden, 2 ballast, 3 not in use.
    pub laden: u8,
    /// Bunker oil on board: 0 not available, 1 no, 2 yes, 3 not in use.
    pub heavy_fuel_oil: u8,
    pub light_fuel_oil: u8,
    pub diesel: u8,
    /// Total bunker oil in tonnes, as sent (14 bits).
    pub bunker_oil: u16,
    /// Persons on board, as sent (13 bits); 0 is not available.
    pub persons: u16,
}

/// One SOLAS equipment item's 2-bit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SolasStatus {
    /// 0: not available or not requested (the default).
    #[default]
    NotAvailable,
    /// 1.
    Operational,
    /// 2.
    NotOperational,
    /// 3: no data (the equipment may or may not be on board).
    NoData,
}

impl SolasStatus {
    /// The status for a 2-bit code; bits above the second are ignored.
    pub fn from_raw(raw: u8) -> Self {
        match raw & 3 {
            0 => Self::NotAvailable,
            1 => Self::Operational,
            2 => Self::NotOperational,
            _ => Self::NoData,
        }
    }
}
