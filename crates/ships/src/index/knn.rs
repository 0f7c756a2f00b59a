//! The k entries nearest to a point, best first over the tree's nodes.
//!
//! rstar's `nearest_neighbor_iter` queues every child it meets, leaves
//! included, with no bound. Here a node is opened only while it may hold
//! something closer than the k-th best found so far, and leaves go
//! straight into a short sorted list: far fewer heap operations per query.

use std::{cmp::Ordering, collections::BinaryHeap};

use rstar::{ParentNode, RTreeNode};

use super::{entry::Entry, geo::chord_2};

/// A node still to open, ordered nearest first.
struct Pending<'a> {
    chord_2: f64,
    node: &'a ParentNode<Entry>,
}

/// Up to `k` entries nearest to `query`, nearest first, each with its
/// squared chord distance. Equal distances are ordered by MMSI, so the
/// answer does not depend on the tree's shape.
pub fn nearest(root: &ParentNode<Entry>, query: [f64; 3], k: usize) -> Vec<(f64, &Entry)> {
    let mut best = Best {
        hits: Vec::with_capacity(k + 1),
        k,
    };
    if k == 0 {
        return best.hits;
    }
    let mut queue: BinaryHeap<Pending> = BinaryHeap::with_capacity(32);
    queue.push(Pending {
        chord_2: 0.0,
        node: root,
    });
    while let Some(Pending { chord_2: d, node }) = queue.pop() {
        if d > best.worst() {
            break;
        }
        for child in node.children() {
            match child {
                RTreeNode::Leaf(entry) => best.offer(query, entry),
                RTreeNode::Parent(p) => {
                    let d = p.envelope().distance_2(&query);
                    if d <= best.worst() {
                        queue.push(Pending {
                            chord_2: d,
                            node: p,
                        });
                    }
                }
            }
        }
    }
    best.hits
}

/// The k best so far, sorted: after the first leaf few candidates beat
/// the k-th, so an insertion is rare and cheaper than a heap's upkeep.
struct Best<'a> {
    hits: Vec<(f64, &'a Entry)>,
    k: usize,
}

impl<'a> Best<'a> {
    fn worst(&self) -> f64 {
        if self.hits.len() < self.k {
            f64::INFINITY
        } else {
            self.hits[self.k - 1].0
        }
    }

    fn offer(&mut self, query: [f64; 3], entry: &'a Entry) {
        let d = chord_2(query, entry.point);
        // Equal distance may still win on MMSI.
        if d <= self.worst() {
            let at = self
                .hits
                .partition_point(|&(bd, be)| bd < d || (bd == d && be.mmsi < entry.mmsi));
            self.hits.insert(at, (d, entry));
            self.hits.truncate(self.k);
        }
    }
}

impl Ord for Pending<'_> {
    /// Reversed: `BinaryHeap` pops its greatest, and the nearest node
    /// should come out first. Distances are never NaN.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .chord_2
            .partial_cmp(&self.chord_2)
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for Pending<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Pending<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pending<'_> {}
