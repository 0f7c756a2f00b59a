//! What the tree holds per vessel: the whole latest position next to its
//! point on the sphere, so a query reads nothing outside the tree.

use rstar::{
    AABB, Envelope as _, ParentNode, RStarInsertionStrategy, RTreeNode, RTreeObject, RTreeParams,
    SelectionFunction,
};

use super::geo::{envelope, unit_vector};
use crate::domain::{BoundingBox, Position};

/// Wider nodes than rstar's default of 6: fewer levels and fewer parent
/// nodes, which is both faster to search and smaller at 500,000 vessels.
#[derive(Debug)]
pub struct Params;

impl RTreeParams for Params {
    const MIN_SIZE: usize = 6;
    const MAX_SIZE: usize = 16;
    const REINSERTION_COUNT: usize = 4;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// A `Position` in 80 bytes instead of 80 plus a map entry: its options
/// share one byte of flags, and nothing is rounded, so answers are the
/// values that arrived.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub point: [f64; 3],
    lat: f64,
    lon: f64,
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

/// Finds one vessel's entry from a point near the stored one (the map
/// keeps its point in `f32`, to half its size).
#[derive(Debug)]
pub struct Vessel {
    pub mmsi: u32,
    pub near: AABB<[f64; 3]>,
}

/// Vessels inside a lon/lat box, in one walk even when the box crosses the
/// antimeridian (then it is two 3-D boxes): each entry is seen once, so
/// nothing needs removing twice.
#[derive(Debug)]
pub struct InBox {
    bbox: BoundingBox,
    envelopes: [AABB<[f64; 3]>; 2],
    /// How many of `envelopes` are in use: 2 across the antimeridian.
    parts: usize,
}

impl Entry {
    pub fn new(p: &Position) -> Self {
        let flag = |present: bool, bit: u8| if present { bit } else { 0 };
        Self {
            point: unit_vector(p.lat, p.lon),
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

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 3]>;

    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.point)
    }
}

impl Vessel {
    /// `approx` is within `f32` rounding of the stored point.
    pub fn new(mmsi: u32, approx: [f32; 3]) -> Self {
        // f32 keeps 24 bits: at most 6e-8 off for coordinates within ±1.
        const E: f64 = 1e-6;
        let [x, y, z] = approx.map(f64::from);
        Self {
            mmsi,
            near: AABB::from_corners([x - E, y - E, z - E], [x + E, y + E, z + E]),
        }
    }
}

impl SelectionFunction<Entry> for Vessel {
    fn should_unpack_parent(&self, envelope: &AABB<[f64; 3]>) -> bool {
        envelope.intersects(&self.near)
    }

    fn should_unpack_leaf(&self, leaf: &Entry) -> bool {
        leaf.mmsi == self.mmsi
    }
}

impl InBox {
    pub fn new(bbox: &BoundingBox) -> Self {
        let (envelopes, parts) = if bbox.min_lon <= bbox.max_lon {
            ([envelope(bbox); 2], 1)
        } else {
            let west = BoundingBox {
                max_lon: 180.0,
                ..*bbox
            };
            let east = BoundingBox {
                min_lon: -180.0,
                ..*bbox
            };
            ([envelope(&west), envelope(&east)], 2)
        };
        Self {
            bbox: *bbox,
            envelopes,
            parts,
        }
    }

    /// Everything inside the box, in tree order. A plain recursion: rstar's
    /// selection iterator pushes every child of an opened node on a stack,
    /// which costs more than the test it defers.
    pub fn collect<'a>(&self, node: &'a ParentNode<Entry>, hits: &mut Vec<&'a Entry>) {
        for child in node.children() {
            match child {
                RTreeNode::Leaf(e) if e.in_box(&self.bbox) => hits.push(e),
                RTreeNode::Leaf(_) => {}
                RTreeNode::Parent(p) => {
                    let envelope = p.envelope();
                    if self.envelopes[..self.parts]
                        .iter()
                        .any(|e| e.intersects(&envelope))
                    {
                        self.collect(p, hits);
                    }
                }
            }
        }
    }
}
