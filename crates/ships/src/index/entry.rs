//! What a leaf holds per vessel besides its point on the sphere: the whole
//! latest position, so a query reads nothing outside the tree.

use crate::domain::{BoundingBox, Position};

/// A `Position` in 56 bytes instead of 80: its options share one byte of
/// flags, and nothing is rounded, so answers are the values that arrived.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub lat: f64,
    pub lon: f64,
    observed_at_ms: i64,
    sog_knots: f64,
    cog_deg: f64,
    pub mmsi: u32,
    heading_deg: u32,
    nav_status: u32,
    present: u8,
}

const SOG: u8 = 1;
const COG: u8 = 2;
const HEADING: u8 = 4;
const NAV: u8 = 8;

impl Entry {
    pub fn new(p: &Position) -> Self {
        let flag = |present: bool, bit: u8| if present { bit } else { 0 };
        Self {
            lat: p.lat,
            lon: p.lon,
            observed_at_ms: p.observed_at_ms,
            sog_knots: p.sog_knots.unwrap_or_default(),
            cog_deg: p.cog_deg.unwrap_or_default(),
            mmsi: p.mmsi,
            heading_deg: p.heading_deg.unwrap_or_default(),
            nav_status: p.nav_status.unwrap_or_default(),
            present: flag(p.sog_knots.is_some(), SOG)
                | flag(p.cog_deg.is_some(), COG)
                | flag(p.heading_deg.is_some(), HEADING)
                | flag(p.nav_status.is_some(), NAV),
        }
    }

    pub fn position(&self) -> Position {
        let has = |bit: u8| self.present & bit != 0;
        Position {
            mmsi: self.mmsi,
            lat: self.lat,
            lon: self.lon,
            sog_knots: has(SOG).then_some(self.sog_knots),
            cog_deg: has(COG).then_some(self.cog_deg),
            heading_deg: has(HEADING).then_some(self.heading_deg),
            nav_status: has(NAV).then_some(self.nav_status),
            observed_at_ms: self.observed_at_ms,
        }
    }

    pub fn observed_at_ms(&self) -> i64 {
        self.observed_at_ms
    }

    pub fn in_box(&self, bbox: &BoundingBox) -> bool {
        bbox.contains(self.lat, self.lon)
    }
}
