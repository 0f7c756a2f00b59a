//! Latest position per vessel, in memory, for spatial queries.
//!
//! Points live on the unit sphere as 3-D vectors in one R-tree: ordering by
//! straight-line (chord) distance is ordering by great-circle distance, so
//! "nearest" is exact everywhere, poles and antimeridian included. A lon/lat
//! box becomes the 3-D box that encloses it, and hits are filtered exactly.
//!
//! Each tree entry carries the vessel's whole position, so queries read
//! only the tree; the map beside it only finds a vessel's entry by MMSI
//! (for `get` and for moving it), and keeps its point in `f32` to do so.
//!
//! - `entry`: what the tree holds, and the selections that walk it.
//! - `geo`: sphere geometry.
//! - `knn`: the nearest-k search.

mod entry;
mod geo;
mod knn;

use std::collections::HashMap;

use rstar::RTree;

use self::entry::{Entry, InBox, Params, Vessel};
pub use self::geo::EARTH_RADIUS_M;
use crate::domain::{BoundingBox, Position};

#[derive(Debug)]
pub struct Index {
    /// Where each vessel is, to find its entry. std's SipHash, not a faster
    /// one: MMSIs come off the air, and anyone with a transmitter chooses
    /// them.
    points: HashMap<u32, [f32; 3]>,
    tree: RTree<Entry, Params>,
}

impl Default for Index {
    fn default() -> Self {
        Self {
            points: HashMap::new(),
            tree: RTree::new_with_params(),
        }
    }
}

impl Index {
    /// An index of the newest of `positions` per vessel, bulk-loaded: a
    /// packed tree, built several times faster than by inserting one by
    /// one, and smaller and quicker to search.
    pub fn from_positions(positions: impl IntoIterator<Item = Position>) -> Self {
        let positions = positions.into_iter();
        let mut slots: HashMap<u32, usize> = HashMap::with_capacity(positions.size_hint().0);
        let mut entries: Vec<Entry> = Vec::with_capacity(positions.size_hint().0);
        for p in positions {
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
        let mut points = HashMap::with_capacity(entries.len());
        points.extend(entries.iter().map(|e| (e.mmsi, approx(e.point))));
        Self {
            points,
            tree: RTree::bulk_load_with_params(entries),
        }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    pub fn get(&self, mmsi: u32) -> Option<Position> {
        self.entry(mmsi).map(Entry::position)
    }

    /// Keeps `p` if it is newer than what the index holds, so replays and
    /// late arrivals never move a vessel back in time. True if applied.
    pub fn apply(&mut self, p: Position) -> bool {
        let entry = Entry::new(&p);
        if let Some(&old) = self.points.get(&p.mmsi) {
            if self
                .entry(p.mmsi)
                .is_some_and(|e| e.observed_at_ms() >= p.observed_at_ms)
            {
                return false;
            }
            self.tree
                .remove_with_selection_function(Vessel::new(p.mmsi, old));
        }
        self.points.insert(p.mmsi, approx(entry.point));
        self.tree.insert(entry);
        true
    }

    /// Vessels inside `bbox`, at most `limit`, in MMSI order.
    pub fn in_box(&self, bbox: &BoundingBox, limit: usize) -> Vec<Position> {
        let mut hits: Vec<&Entry> = Vec::with_capacity(64);
        InBox::new(bbox).collect(self.tree.root(), &mut hits);
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
        knn::nearest(self.tree.root(), geo::unit_vector(lat, lon), limit)
            .into_iter()
            .map(|(chord_2, e)| (e.position(), geo::great_circle_m(chord_2)))
            .collect()
    }

    fn entry(&self, mmsi: u32) -> Option<&Entry> {
        let near = *self.points.get(&mmsi)?;
        self.tree
            .locate_with_selection_function(Vessel::new(mmsi, near))
            .next()
    }
}

fn approx(point: [f64; 3]) -> [f32; 3] {
    point.map(|c| c as f32)
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
