//! Vessels inside a lon/lat box. Cells are lon/lat boxes too, so the walk
//! compares coordinates only; entries in the cells it reaches are then
//! tested exactly against the box.

use super::{
    entry::Entry,
    tree::{Cell, Kind, ROOT, Tree},
};
use crate::domain::BoundingBox;

/// A box that crosses the antimeridian is two parts, walked together so
/// that each entry is seen once.
#[derive(Debug)]
pub struct InBox {
    bbox: BoundingBox,
    parts: [BoundingBox; 2],
    /// How many of `parts` are in use: 2 across the antimeridian.
    used: usize,
}

impl InBox {
    pub fn new(bbox: &BoundingBox) -> Self {
        let (parts, used) = if bbox.min_lon <= bbox.max_lon {
            ([*bbox; 2], 1)
        } else {
            let west = BoundingBox {
                max_lon: 180.0,
                ..*bbox
            };
            let east = BoundingBox {
                min_lon: -180.0,
                ..*bbox
            };
            ([west, east], 2)
        };
        Self {
            bbox: *bbox,
            parts,
            used,
        }
    }

    /// Everything inside the box, in tree order.
    pub fn collect<'a>(&self, tree: &'a Tree, hits: &mut Vec<&'a Entry>) {
        self.visit(tree, ROOT, Cell::WORLD, hits);
    }

    fn visit<'a>(&self, tree: &'a Tree, node: u32, cell: Cell, hits: &mut Vec<&'a Entry>) {
        match tree.nodes[node as usize].kind {
            Kind::Leaf(ref leaf) => {
                for e in &leaf.entries {
                    if e.in_box(&self.bbox) {
                        hits.push(e);
                    }
                }
            }
            Kind::Branch(first) => {
                let quadrants = self.quadrants(&cell);
                for q in 0..4 {
                    if quadrants & 1 << q != 0 {
                        self.visit(tree, first + q as u32, cell.child(q), hits);
                    }
                }
            }
        }
    }

    /// Which of `cell`'s quadrants meet the box, one bit each in
    /// `Cell::quadrant` order. Edges count: a point on a cell's edge may be
    /// inside the box.
    fn quadrants(&self, cell: &Cell) -> u8 {
        let (lon_mid, lat_mid) = cell.middle();
        let mut bits = 0;
        for b in &self.parts[..self.used] {
            let west = cell.west <= b.max_lon && b.min_lon <= lon_mid;
            let east = lon_mid <= b.max_lon && b.min_lon <= cell.east;
            let south = cell.south <= b.max_lat && b.min_lat <= lat_mid;
            let north = lat_mid <= b.max_lat && b.min_lat <= cell.north;
            bits |= u8::from(west && south)
                | u8::from(east && south) << 1
                | u8::from(west && north) << 2
                | u8::from(east && north) << 3;
        }
        bits
    }
}
