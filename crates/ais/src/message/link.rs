//! Link-management, text and binary messages (types 6-8, 10, 12-17, 20, 22,
//! 23, 25, 26). Binary payloads are kept raw, and typed as well for the
//! DAC/FI pairs in [`Application`](crate::message::Application).

/// Raw application bits, packed MSB first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BinaryData {
    pub bits: usize,
    pub bytes: Vec<u8>,
}

/// Types 6 (addressed) and 8 (broadcast) binary messages.
#[derive(Debug, Clone, PartialEq)]
pub struct BinaryMessage {
    pub msg_type: u8,
    pub repeat: u8,
    pub mmsi: u32,
    /// Type 6 only: sequence number, destination, retransmit flag.
    pub addressed: Option<(u8, u32, bool)>,
    pub dac: u16,
    pub fid: u8,
    /// The application bits after DAC and FI, always kept.
    pub data: BinaryData,
    /// The same bits decoded, for the DAC/FI pairs gpsd decodes that we do too.
    pub application: Option<crate::message::Application>,
}

/// Types 7 and 13: acknowledged MMSIs (0 = slot unused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acknowledge {
    pub msg_type: u8,
    pub repeat: u8,
    pub mmsi: u32,
    pub acked: [u32; 4],
}

/// Type 10: UTC/date inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcInquiry {
    pub repeat: u8,
    pub mmsi: u32,
    pub dest_mmsi: u32,
}

/// Types 12 (addressed, `addressed` is Some) and 14 (broadcast) safety text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyText {
    pub msg_type: u8,
    pub repeat: u8,
    pub mmsi: u32,
    /// Sequence number, destination, retransmit flag.
    pub addressed: Option<(u8, u32, bool)>,
    pub text: String,
}

/// Type 15: interrogation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrogation {
    pub repeat: u8,
    pub mmsi: u32,
    pub mmsi1: u32,
    pub type1_1: u8,
    pub offset1_1: u16,
    pub type1_2: u8,
    pub offset1_2: u16,
    pub mmsi2: u32,
    pub type2_1: u8,
    pub offset2_1: u16,
}

/// Type 16: assigned mode command; each entry is (mmsi, offset, increment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssignedMode {
    pub repeat: u8,
    pub mmsi: u32,
    pub assignments: [(u32, u16, u16); 2],
}

/// Type 17: DGNSS broadcast; reference position in 1/10 minute.
#[derive(Debug, Clone, PartialEq)]
pub struct DgnssBroadcast {
    pub repeat: u8,
    pub mmsi: u32,
    pub lon: f64,
    pub lat: f64,
    pub data: BinaryData,
}

/// One type 20 reservation block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SlotReservation {
    pub offset: u16,
    pub number: u8,
    pub timeout: u8,
    pub increment: u16,
}

/// Type 20: data link management.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataLinkManagement {
    pub repeat: u8,
    pub mmsi: u32,
    pub reservations: [SlotReservation; 4],
}

/// Where a type 22 applies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChannelTarget {
    /// North-east and south-west corners, degrees (1/10 minute resolution).
    Area {
        ne_lon: f64,
        ne_lat: f64,
        sw_lon: f64,
        sw_lat: f64,
    },
    Addressed {
        dest1: u32,
        dest2: u32,
    },
}

/// Type 22: channel management.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelManagement {
    pub repeat: u8,
    pub mmsi: u32,
    pub channel_a: u16,
    pub channel_b: u16,
    pub txrx: u8,
    pub power: bool,
    pub target: ChannelTarget,
    pub band_a: bool,
    pub band_b: bool,
    pub zonesize: u8,
}

/// Type 23: group assignment command.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupAssignment {
    pub repeat: u8,
    pub mmsi: u32,
    pub ne_lon: f64,
    pub ne_lat: f64,
    pub sw_lon: f64,
    pub sw_lat: f64,
    pub station_type: u8,
    pub ship_type: u8,
    pub txrx: u8,
    pub interval: u8,
    pub quiet: u8,
}

/// Types 25 and 26: single/multiple slot binary message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotBinary {
    pub msg_type: u8,
    pub repeat: u8,
    pub mmsi: u32,
    pub dest_mmsi: Option<u32>,
    pub app_id: Option<u16>,
    pub data: BinaryData,
    /// Type 26 only.
    pub radio: Option<u32>,
}
