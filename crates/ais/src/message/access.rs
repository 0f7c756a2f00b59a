//! Fields every message has.

use super::Message;

impl Message {
    pub fn msg_type(&self) -> u8 {
        match self {
            Message::Position(m) => m.msg_type,
            Message::BaseStation(m) => m.msg_type,
            Message::StaticVoyage(_) => 5,
            Message::SarAircraft(_) => 9,
            Message::ClassBPosition(_) => 18,
            Message::ClassBExtended(_) => 19,
            Message::AidToNavigation(_) => 21,
            Message::StaticPartA(_) | Message::StaticPartB(_) => 24,
            Message::LongRange(_) => 27,
            Message::Binary(m) => m.msg_type,
            Message::Acknowledge(m) => m.msg_type,
            Message::UtcInquiry(_) => 10,
            Message::SafetyText(m) => m.msg_type,
            Message::Interrogation(_) => 15,
            Message::AssignedMode(_) => 16,
            Message::Dgnss(_) => 17,
            Message::DataLinkManagement(_) => 20,
            Message::ChannelManagement(_) => 22,
            Message::GroupAssignment(_) => 23,
            Message::SlotBinary(m) => m.msg_type,
            Message::Other { msg_type, .. } => *msg_type,
        }
    }

    pub fn mmsi(&self) -> u32 {
        match self {
            Message::Position(m) => m.mmsi,
            Message::BaseStation(m) => m.mmsi,
            Message::StaticVoyage(m) => m.mmsi,
            Message::SarAircraft(m) => m.mmsi,
            Message::ClassBPosition(m) => m.mmsi,
            Message::ClassBExtended(m) => m.mmsi,
            Message::AidToNavigation(m) => m.mmsi,
            Message::StaticPartA(m) => m.mmsi,
            Message::StaticPartB(m) => m.mmsi,
            Message::LongRange(m) => m.mmsi,
            Message::Binary(m) => m.mmsi,
            Message::Acknowledge(m) => m.mmsi,
            Message::UtcInquiry(m) => m.mmsi,
            Message::SafetyText(m) => m.mmsi,
            Message::Interrogation(m) => m.mmsi,
            Message::AssignedMode(m) => m.mmsi,
            Message::Dgnss(m) => m.mmsi,
            Message::DataLinkManagement(m) => m.mmsi,
            Message::ChannelManagement(m) => m.mmsi,
            Message::GroupAssignment(m) => m.mmsi,
            Message::SlotBinary(m) => m.mmsi,
            Message::Other { mmsi, .. } => *mmsi,
        }
    }
}
