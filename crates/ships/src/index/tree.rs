//! The quadtree that holds the entries: cells halve longitude and latitude.
//!
//! Which leaf a vessel belongs to depends only on its own coordinates,
//! never on what else is stored. So a report that moves a vessel within
//! its cell (most of them: a ship covers a few hundred metres between
//! reports) overwrites the entry in place, and a leaf's entries stay in one
//! allocation however long the index has run: queries after hours of live
//! traffic read memory as compactly as right after a bulk load. A leaf
//! splits past `CAPACITY`; four sibling leaves that together hold few
//! merge back, so emptied sea does not keep its cells.

mod reshape;

use std::collections::HashMap;

use super::{
    entry::Entry,
    geo::{Aabb, envelope, unit_vector},
};
use crate::domain::BoundingBox;

/// Most entries a leaf holds before it splits. Tuned at 500,000 vessels:
/// smaller leaves mean more levels to walk, larger ones more points to
/// test per leaf.
const CAPACITY: usize = 32;
/// Four sibling leaves holding together at most this many merge; well
/// below `CAPACITY`, so a vessel going back and forth across a cell's edge
/// does not split and merge it each time.
const MERGE_AT: usize = CAPACITY / 4;
/// Cells stop splitting at a few centimetres: only vessels reported at the
/// very same point share a smaller cell, and no split would part them.
const MAX_DEPTH: u8 = 30;
pub const ROOT: u32 = 0;
const NO_PARENT: u32 = u32::MAX;

/// A node's part of the globe. Halving is exact in binary, so a point on a
/// cell's edge goes to the same side in every computation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
    depth: u8,
}

#[derive(Debug)]
pub struct Node {
    /// Around the cell's part of the sphere, not around its entries, so it
    /// holds for as long as the cell exists, whoever moves inside.
    pub envelope: Aabb,
    parent: u32,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Kind {
    /// Four children at `first..first + 4`, in `Cell::quadrant` order.
    Branch(u32),
    Leaf(Leaf),
}

/// A leaf's vessels: their points on the sphere apart from the rest, so
/// the nearest search reads 24 bytes per candidate instead of 80, and the
/// rest only for the answers.
#[derive(Debug, Default)]
pub struct Leaf {
    pub points: Vec<[f64; 3]>,
    pub entries: Vec<Entry>,
}

/// Where a vessel's entry is.
#[derive(Debug, Clone, Copy)]
struct Loc {
    node: u32,
    slot: u32,
}

#[derive(Debug)]
pub struct Tree {
    pub nodes: Vec<Node>,
    /// First indices of groups of four nodes that merges gave back.
    free: Vec<u32>,
    /// std's SipHash, not a faster one: MMSIs come off the air, and anyone
    /// with a transmitter chooses them.
    locs: HashMap<u32, Loc>,
}

impl Cell {
    pub const WORLD: Self = Self {
        west: -180.0,
        south: -90.0,
        east: 180.0,
        north: 90.0,
        depth: 0,
    };

    /// Longitude and latitude where the cell halves.
    pub fn middle(&self) -> (f64, f64) {
        (
            (self.west + self.east) / 2.0,
            (self.south + self.north) / 2.0,
        )
    }

    /// 0 south-west, 1 south-east, 2 north-west, 3 north-east. A point on
    /// the middle lines goes east or north.
    pub fn quadrant(&self, lat: f64, lon: f64) -> usize {
        let (lon_mid, lat_mid) = self.middle();
        usize::from(lon >= lon_mid) | usize::from(lat >= lat_mid) << 1
    }

    pub fn child(&self, quadrant: usize) -> Self {
        let (lon_mid, lat_mid) = self.middle();
        let (west, east) = match quadrant & 1 {
            0 => (self.west, lon_mid),
            _ => (lon_mid, self.east),
        };
        let (south, north) = match quadrant & 2 {
            0 => (self.south, lat_mid),
            _ => (lat_mid, self.north),
        };
        Self {
            west,
            south,
            east,
            north,
            depth: self.depth + 1,
        }
    }

    fn envelope(&self) -> Aabb {
        envelope(&BoundingBox {
            min_lon: self.west,
            min_lat: self.south,
            max_lon: self.east,
            max_lat: self.north,
        })
    }
}

impl Node {
    fn leaf(parent: u32, cell: &Cell) -> Self {
        Self {
            envelope: cell.envelope(),
            parent,
            kind: Kind::Leaf(Leaf::default()),
        }
    }
}

impl Default for Tree {
    fn default() -> Self {
        Self {
            nodes: vec![Node::leaf(NO_PARENT, &Cell::WORLD)],
            free: Vec::new(),
            locs: HashMap::new(),
        }
    }
}

impl Tree {
    /// A tree of `entries` (one per vessel), each leaf sized exactly.
    pub fn build(mut entries: Vec<Entry>) -> Self {
        let mut tree = Self {
            locs: HashMap::with_capacity(entries.len()),
            ..Self::default()
        };
        tree.fill(ROOT, Cell::WORLD, &mut entries);
        tree
    }

    pub fn len(&self) -> usize {
        self.locs.len()
    }

    pub fn get(&self, mmsi: u32) -> Option<&Entry> {
        let loc = self.locs.get(&mmsi)?;
        self.leaf(loc.node).entries.get(loc.slot as usize)
    }

    /// Stores `entry` unless the vessel already has one at least as new.
    /// True if stored.
    pub fn put_newer(&mut self, entry: Entry) -> bool {
        let Some(&loc) = self.locs.get(&entry.mmsi) else {
            self.insert(entry);
            return true;
        };
        let old = &self.leaf(loc.node).entries[loc.slot as usize];
        if old.observed_at_ms() >= entry.observed_at_ms() {
            return false;
        }
        if self.leaf_of(entry.lat, entry.lon).0 == loc.node {
            let leaf = self.leaf_mut(loc.node);
            leaf.points[loc.slot as usize] = unit_vector(entry.lat, entry.lon);
            leaf.entries[loc.slot as usize] = entry;
        } else {
            self.remove(loc);
            self.insert(entry);
        }
        true
    }

    /// The leaf whose cell holds the point, and that cell.
    pub fn leaf_of(&self, lat: f64, lon: f64) -> (u32, Cell) {
        let (mut node, mut cell) = (ROOT, Cell::WORLD);
        while let Kind::Branch(first) = self.nodes[node as usize].kind {
            let q = cell.quadrant(lat, lon);
            node = first + q as u32;
            cell = cell.child(q);
        }
        (node, cell)
    }

    /// `node`'s entries; none if it is a branch.
    pub fn leaf(&self, node: u32) -> &Leaf {
        const NONE: &Leaf = &Leaf {
            points: Vec::new(),
            entries: Vec::new(),
        };
        match &self.nodes[node as usize].kind {
            Kind::Leaf(leaf) => leaf,
            Kind::Branch(_) => NONE,
        }
    }

    fn leaf_mut(&mut self, node: u32) -> &mut Leaf {
        match &mut self.nodes[node as usize].kind {
            Kind::Leaf(leaf) => leaf,
            Kind::Branch(_) => unreachable!("entries are only ever located in leaves"),
        }
    }

    fn insert(&mut self, entry: Entry) {
        let (node, cell) = self.leaf_of(entry.lat, entry.lon);
        let leaf = self.leaf_mut(node);
        let slot = leaf.entries.len() as u32;
        let (mmsi, full) = (entry.mmsi, leaf.entries.len() >= CAPACITY);
        leaf.push(unit_vector(entry.lat, entry.lon), entry);
        self.locs.insert(mmsi, Loc { node, slot });
        if full && cell.depth < MAX_DEPTH {
            self.split(node, cell);
        }
    }

    /// Takes the entry at `loc` out of its leaf; the caller stores it again
    /// (which updates its location) before anyone looks it up.
    fn remove(&mut self, loc: Loc) {
        let leaf = self.leaf_mut(loc.node);
        leaf.points.swap_remove(loc.slot as usize);
        leaf.entries.swap_remove(loc.slot as usize);
        if let Some(moved) = leaf.entries.get(loc.slot as usize) {
            let mmsi = moved.mmsi;
            self.locs.insert(mmsi, loc);
        }
        self.merge_up(self.nodes[loc.node as usize].parent);
    }
}
