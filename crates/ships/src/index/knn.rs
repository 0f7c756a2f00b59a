//! The k entries nearest to a point: the query's own leaf first, for a
//! bound, then a depth-first walk that opens a cell only while its box may
//! hold something closer than the k-th best so far, nearest child first.
//!
//! The walk starts at the smallest cell that holds the whole cap within
//! that bound, not at the root: large cells' 3-D boxes are loose (a box
//! around a quarter of a hemisphere holds much of the sphere's inside), and
//! a walk from the root would open many of them. Seeded that way it opens
//! little beyond the query's neighbourhood, and needs no priority queue.

use super::{
    entry::Entry,
    geo::{cap_box, chord_2, unit_vector},
    tree::{Cell, Kind, Leaf, ROOT, Tree},
};

/// Up to `k` entries nearest to the point, nearest first, each with its
/// squared chord distance. Equal distances are ordered by MMSI, so the
/// answer does not depend on the tree's shape.
pub fn nearest(tree: &Tree, lat: f64, lon: f64, k: usize) -> Vec<(f64, &Entry)> {
    let mut best = Best {
        hits: Vec::with_capacity(k + 1),
        k,
        worst: f64::INFINITY,
    };
    if k == 0 {
        return best.hits;
    }
    let query = unit_vector(lat, lon);
    let home = tree.leaf_of(lat, lon).0;
    best.offer_leaf(query, tree.leaf(home));
    let start = start(tree, lat, lon, best.worst);
    Walk { tree, query, home }.visit(start, &mut best);
    best.hits
}

/// The smallest cell on the point's path that holds every point within
/// squared chord `worst` of it: nothing outside can be nearer.
fn start(tree: &Tree, lat: f64, lon: f64, worst: f64) -> u32 {
    let Some(cap) = cap_box(lat, lon, worst) else {
        return ROOT;
    };
    // Strictly inside: a point on a cell's east or north edge belongs to
    // the next cell.
    let holds = |c: &Cell| {
        c.west <= cap.min_lon
            && cap.max_lon < c.east
            && c.south <= cap.min_lat
            && cap.max_lat < c.north
    };
    let (mut node, mut cell) = (ROOT, Cell::WORLD);
    while let Kind::Branch(first) = tree.nodes[node as usize].kind {
        let q = cell.quadrant(lat, lon);
        let child = cell.child(q);
        if !holds(&child) {
            break;
        }
        (node, cell) = (first + q as u32, child);
    }
    node
}

struct Walk<'a> {
    tree: &'a Tree,
    query: [f64; 3],
    /// Already searched.
    home: u32,
}

impl<'a> Walk<'a> {
    fn visit(&self, node: u32, best: &mut Best<'a>) {
        match self.tree.nodes[node as usize].kind {
            Kind::Leaf(ref leaf) if node != self.home => best.offer_leaf(self.query, leaf),
            Kind::Leaf(_) => {}
            Kind::Branch(first) => {
                let mut children: [(f64, u32); 4] = std::array::from_fn(|q| {
                    let child = first + q as u32;
                    let envelope = &self.tree.nodes[child as usize].envelope;
                    (envelope.distance_2(self.query), child)
                });
                // Insertion sort: for four, cheaper than a general sort.
                for i in 1..4 {
                    let mut j = i;
                    while j > 0 && children[j - 1].0 > children[j].0 {
                        children.swap(j - 1, j);
                        j -= 1;
                    }
                }
                for (d, child) in children {
                    // `>`, not `>=`: an equal distance may still win on MMSI.
                    if d > best.worst {
                        break;
                    }
                    self.visit(child, best);
                }
            }
        }
    }
}

/// The k best so far, sorted: after the first leaf few candidates beat
/// the k-th, so an insertion is rare and cheaper than a heap's upkeep.
struct Best<'a> {
    hits: Vec<(f64, &'a Entry)>,
    k: usize,
    /// The k-th distance once there are k hits, infinite before: kept
    /// apart so that turning a candidate down is one comparison.
    worst: f64,
}

impl<'a> Best<'a> {
    fn offer_leaf(&mut self, query: [f64; 3], leaf: &'a Leaf) {
        for (&point, entry) in leaf.points.iter().zip(&leaf.entries) {
            let d = chord_2(query, point);
            // Equal distance may still win on MMSI.
            if d <= self.worst {
                self.insert(d, entry);
            }
        }
    }

    fn insert(&mut self, d: f64, entry: &'a Entry) {
        let at = self
            .hits
            .partition_point(|&(bd, be)| bd < d || (bd == d && be.mmsi < entry.mmsi));
        self.hits.insert(at, (d, entry));
        self.hits.truncate(self.k);
        if self.hits.len() == self.k {
            self.worst = self.hits[self.k - 1].0;
        }
    }
}
