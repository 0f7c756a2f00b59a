//! Latest position per vessel, in memory, for spatial queries.
//!
//! Vessels live in a quadtree over longitude and latitude, each with its
//! point on the unit sphere as a 3-D vector: ordering by straight-line
//! (chord) distance is ordering by great-circle distance, and each cell
//! keeps the 3-D box around its part of the sphere, so "nearest" is exact
//! everywhere, poles and antimeridian included. A lon/lat box query walks
//! the cells it overlaps and filters their entries exactly.
//!
//! A cell depends only on coordinates, so a live report usually overwrites
//! its vessel in place, and queries stay as fast after hours of traffic as
//! after a bulk load. Each entry carries the vessel's whole position, so
//! queries read only the tree.
//!
//! - `entry`: what a leaf holds per vessel.
//! - `geo`: sphere geometry.
//! - `tree`: the quadtree, and where each vessel is in it.
//! - `knn`: the nearest-k search.
//! - `window`: the box search.

mod entry;
mod geo;
mod knn;
mod tree;
mod window;

use std::collections::HashMap;

pub use self::geo::EARTH_RADIUS_M;
use self::{entry::Entry, tree::Tree, window::InBox};
use crate::domain::{BoundingBox, Position};

/// Latest position per vessel. Positions must hold valid degrees, as
/// `Position` promises.
#[derive(Debug, Default)]
pub struct Index {
    tree: Tree,
}

impl Index {
    /// An index of the newest of `positions` per vessel, bulk-loaded:
    /// built several times faster than by inserting one by one, with each
    /// leaf's entries allocated at exactly their size.
    pub fn from_positions(positions: impl IntoIterator<Item = Position>) -> Self {
        let positions = positions.into_iter();
        let mut slots: HashMap<u32, usize> = HashMap::with_capacity(positions.size_hint().0);
        let mut entries: Vec<Entry> = Vec::with_capacity(positions.size_hint().0);
        for p in positions.filter(valid) {
            match slots.get(&p.mmsi) {
                Some(&i) if entries[i].observed_at_ms() >= p.observed_at_ms => {}
                Some(&i) => entries[i] = Entry::new(&p),
                None => {
                    slots.insert(p.mmsi, entries.len());
                    entries.push(Entry::new(&p));
                }
            }
        }
        drop(slots);
        Self {
            tree: Tree::build(entries),
        }
    }

    pub fn len(&self) -> usize {
        self.tree.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.len() == 0
    }

    pub fn get(&self, mmsi: u32) -> Option<Position> {
        self.tree.get(mmsi).map(Entry::position)
    }

    /// Keeps `p` if it is newer than what the index holds, so replays and
    /// late arrivals never move a vessel back in time. True if applied.
    pub fn apply(&mut self, p: Position) -> bool {
        // A cell is chosen by the point's own degrees: one outside the
        // globe (or NaN) would sit in a cell whose box does not hold it,
        // where nearest could miss it. The domain never builds one; the
        // index does not trust that blindly.
        valid(&p) && self.tree.put_newer(Entry::new(&p))
    }

    /// Vessels inside `bbox`, at most `limit`, in MMSI order.
    pub fn in_box(&self, bbox: &BoundingBox, limit: usize) -> Vec<Position> {
        let mut hits: Vec<&Entry> = Vec::with_capacity(64);
        InBox::new(bbox).collect(&self.tree, &mut hits);
        if hits.len() > limit && limit > 0 {
            // Only the first `limit` by MMSI are answered; order just those.
            hits.select_nth_unstable_by_key(limit - 1, |e| e.mmsi);
        }
        hits.truncate(limit);
        hits.sort_unstable_by_key(|e| e.mmsi);
        hits.into_iter().map(Entry::position).collect()
    }

    /// The `limit` vessels nearest to a point, nearest first, with their
    /// great-circle distance in metres.
    pub fn nearest(&self, lat: f64, lon: f64, limit: usize) -> Vec<(Position, f64)> {
        knn::nearest(&self.tree, lat, lon, limit)
            .into_iter()
            .map(|(chord_2, e)| (e.position(), geo::great_circle_m(chord_2)))
            .collect()
    }
}

fn valid(p: &Position) -> bool {
    (-90.0..=90.0).contains(&p.lat) && (-180.0..=180.0).contains(&p.lon)
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
