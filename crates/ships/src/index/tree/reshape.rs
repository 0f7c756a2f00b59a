//! How the tree changes shape: leaves splitting and merging, the bulk
//! load, and how a leaf's storage grows.

use super::{CAPACITY, Cell, Kind, Leaf, Loc, MAX_DEPTH, MERGE_AT, NO_PARENT, Node, Tree};
use crate::index::{entry::Entry, geo::unit_vector};

impl Tree {
    pub(super) fn split(&mut self, node: u32, cell: Cell) {
        let Leaf { points, entries } = std::mem::take(self.leaf_mut(node));
        let first = self.alloc_children(node, &cell);
        self.nodes[node as usize].kind = Kind::Branch(first);
        let mut counts = [0; 4];
        for e in &entries {
            counts[cell.quadrant(e.lat, e.lon)] += 1;
        }
        let mut parts = counts.map(Leaf::with_capacity);
        for (point, e) in points.into_iter().zip(entries) {
            let part = &mut parts[cell.quadrant(e.lat, e.lon)];
            part.points.push(point);
            part.entries.push(e);
        }
        for (q, part) in parts.into_iter().enumerate() {
            let (child, full) = (first + q as u32, part.entries.len() > CAPACITY);
            self.set_leaf(child, part);
            // Everyone in one quadrant (a crowd at one spot): split again.
            if full && cell.depth + 1 < MAX_DEPTH {
                self.split(child, cell.child(q));
            }
        }
    }

    /// Merges `node`'s four children into it if they are leaves holding
    /// few, then tries the same one level up.
    pub(super) fn merge_up(&mut self, mut node: u32) {
        while node != NO_PARENT {
            let Kind::Branch(first) = self.nodes[node as usize].kind else {
                return;
            };
            let children = first as usize..first as usize + 4;
            let mut total = 0;
            for child in &self.nodes[children.clone()] {
                match &child.kind {
                    Kind::Leaf(leaf) => total += leaf.entries.len(),
                    Kind::Branch(_) => return,
                }
            }
            if total > MERGE_AT {
                return;
            }
            let mut merged = Leaf::with_capacity(total);
            for child in &mut self.nodes[children] {
                if let Kind::Leaf(leaf) = &mut child.kind {
                    let Leaf {
                        mut points,
                        mut entries,
                    } = std::mem::take(leaf);
                    merged.points.append(&mut points);
                    merged.entries.append(&mut entries);
                }
            }
            self.free.push(first);
            self.set_leaf(node, merged);
            node = self.nodes[node as usize].parent;
        }
    }

    /// Four empty leaves under `parent`, reusing a freed group if any.
    fn alloc_children(&mut self, parent: u32, cell: &Cell) -> u32 {
        let children = (0..4).map(|q| Node::leaf(parent, &cell.child(q)));
        match self.free.pop() {
            Some(first) => {
                let at = first as usize;
                for (slot, node) in self.nodes[at..at + 4].iter_mut().zip(children) {
                    *slot = node;
                }
                first
            }
            None => {
                let first = self.nodes.len() as u32;
                self.nodes.extend(children);
                first
            }
        }
    }

    fn set_leaf(&mut self, node: u32, leaf: Leaf) {
        for (slot, e) in leaf.entries.iter().enumerate() {
            let slot = slot as u32;
            self.locs.insert(e.mmsi, Loc { node, slot });
        }
        self.nodes[node as usize].kind = Kind::Leaf(leaf);
    }

    /// Bulk load: partitions `entries` in place, cell by cell, and copies
    /// each leaf's share into an allocation of exactly its size.
    pub(super) fn fill(&mut self, node: u32, cell: Cell, entries: &mut [Entry]) {
        if entries.len() <= CAPACITY || cell.depth >= MAX_DEPTH {
            let points = entries.iter().map(|e| unit_vector(e.lat, e.lon));
            let leaf = Leaf {
                points: points.collect(),
                entries: entries.to_vec(),
            };
            self.set_leaf(node, leaf);
            return;
        }
        let first = self.alloc_children(node, &cell);
        self.nodes[node as usize].kind = Kind::Branch(first);
        let quadrant = |e: &Entry| cell.quadrant(e.lat, e.lon);
        let south = partition(entries, |e| quadrant(e) & 2 == 0);
        let (south, north) = entries.split_at_mut(south);
        let sw = partition(south, |e| quadrant(e) & 1 == 0);
        let nw = partition(north, |e| quadrant(e) & 1 == 0);
        let (sw, se) = south.split_at_mut(sw);
        let (nw, ne) = north.split_at_mut(nw);
        for (q, part) in [sw, se, nw, ne].into_iter().enumerate() {
            self.fill(first + q as u32, cell.child(q), part);
        }
    }
}

impl Leaf {
    fn with_capacity(n: usize) -> Self {
        Self {
            points: Vec::with_capacity(n),
            entries: Vec::with_capacity(n),
        }
    }

    pub(super) fn push(&mut self, point: [f64; 3], entry: Entry) {
        if self.entries.len() == self.entries.capacity() {
            // A quarter more, not double: most leaves grow by a vessel or
            // two, and each costs 80 bytes.
            let more = (self.entries.len() / 4).max(4);
            self.points.reserve_exact(more);
            self.entries.reserve_exact(more);
        }
        self.points.push(point);
        self.entries.push(entry);
    }
}

/// Moves the entries for which `left` holds to the front; how many.
fn partition(entries: &mut [Entry], left: impl Fn(&Entry) -> bool) -> usize {
    let mut n = 0;
    for i in 0..entries.len() {
        if left(&entries[i]) {
            entries.swap(n, i);
            n += 1;
        }
    }
    n
}
