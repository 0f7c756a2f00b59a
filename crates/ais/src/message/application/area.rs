//! Area notices (DAC 1 FI 22, IMO SN.1/Circ.289): a notice type, a time
//! window and up to nine sub-areas that together draw the area.

use super::DayTime;

/// DAC 1 FI 22: area notice, broadcast.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaNotice {
    /// Message linkage id.
    pub linkage: u16,
    /// Notice description code (0-127; 127 undefined, 126 cancels the
    /// notice with this linkage id).
    pub notice_type: u8,
    pub start: DayTime,
    /// Minutes; `None` for 262143 (until further notice).
    pub duration: Option<u32>,
    /// Every whole 87-bit sub-area the message holds.
    pub sub_areas: Vec<SubArea>,
}

/// One sub-area. Distances are metres, already multiplied by the sent
/// scale factor (1, 10, 100 or 1000); positions are degrees at 1/1000
/// minute, `None` for 181/91 or out of range.
#[derive(Debug, Clone, PartialEq)]
pub enum SubArea {
    /// A circle, or a point when the radius is 0.
    Circle {
        lon: Option<f64>,
        lat: Option<f64>,
        /// Number of decimal places of the position that are meaningful (0-4).
        precision: u8,
        radius: u32,
    },
    Rectangle {
        lon: Option<f64>,
        lat: Option<f64>,
        precision: u8,
        east: u32,
        north: u32,
        /// Degrees clockwise from true north.
        orientation: u16,
    },
    Sector {
        lon: Option<f64>,
        lat: Option<f64>,
        precision: u8,
        radius: u32,
        /// Degrees from true north.
        left: u16,
        right: u16,
    },
    /// Points after the previous sub-area's position, as (angle in half
    /// degrees, 0-719, distance); a zero distance ends the list.
    Polyline(Vec<(u16, u32)>),
    Polygon(Vec<(u16, u32)>),
    /// Text attached to the notice (14 characters per sub-area).
    Text(String),
    /// Shapes 6 and 7, reserved.
    Reserved(u8),
}
