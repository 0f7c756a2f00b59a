//! Latest position per vessel, in memory, for spatial queries.
//!
//! Points live on the unit sphere as 3-D vectors in one R-tree: ordering by
//! straight-line (chord) distance is ordering by great-circle distance, so
//! "nearest" is exact everywhere, poles and antimeridian included. A lon/lat
//! box becomes the 3-D box that encloses it, and hits are filtered exactly.

use std::collections::HashMap;

use rstar::{AABB, RTree, primitives::GeomWithData};

use crate::domain::{BoundingBox, Position};

/// Mean Earth radius, metres (IUGG).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

type Entry = GeomWithData<[f64; 3], u32>;

#[derive(Debug, Default)]
pub struct Index {
    latest: HashMap<u32, Position>,
    tree: RTree<Entry>,
}

impl Index {
    pub fn len(&self) -> usize {
        self.latest.len()
    }

    pub fn is_empty(&self) -> bool {
        self.latest.is_empty()
    }

    pub fn get(&self, mmsi: u32) -> Option<&Position> {
        self.latest.get(&mmsi)
    }

    /// Keeps `p` if it is newer than what the index holds, so replays and
    /// late arrivals never move a vessel back in time. True if applied.
    pub fn apply(&mut self, p: Position) -> bool {
        if let Some(old) = self.latest.get(&p.mmsi) {
            if old.observed_at_ms >= p.observed_at_ms {
                return false;
            }
            self.tree
                .remove(&Entry::new(unit_vector(old.lat, old.lon), p.mmsi));
        }
        self.tree
            .insert(Entry::new(unit_vector(p.lat, p.lon), p.mmsi));
        self.latest.insert(p.mmsi, p);
        true
    }

    /// Vessels inside `bbox`, at most `limit`, in MMSI order.
    pub fn in_box(&self, bbox: &BoundingBox, limit: usize) -> Vec<Position> {
        let mut hits: Vec<Position> = bbox
            .split()
            .iter()
            .flat_map(|b| self.tree.locate_in_envelope_intersecting(&envelope(b)))
            .filter_map(|e| self.latest.get(&e.data))
            .filter(|p| bbox.contains(p.lat, p.lon))
            .copied()
            .collect();
        hits.sort_by_key(|p| p.mmsi);
        hits.dedup_by_key(|p| p.mmsi);
        hits.truncate(limit);
        hits
    }

    /// The `limit` vessels nearest to a point, nearest first, with their
    /// great-circle distance in metres.
    pub fn nearest(&self, lat: f64, lon: f64, limit: usize) -> Vec<(Position, f64)> {
        let query = unit_vector(lat, lon);
        self.tree
            .nearest_neighbor_iter(&query)
            .take(limit)
            .filter_map(|e| self.latest.get(&e.data))
            .map(|p| (*p, great_circle_m(query, unit_vector(p.lat, p.lon))))
            .collect()
    }
}

fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (lat, lon) = (lat.to_radians(), lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

fn great_circle_m(a: [f64; 3], b: [f64; 3]) -> f64 {
    let chord = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
    2.0 * (chord / 2.0).clamp(0.0, 1.0).asin() * EARTH_RADIUS_M
}

/// Smallest 3-D box around the part of the sphere inside `b` (which does
/// not cross the antimeridian). Each coordinate is a product of a factor of
/// latitude and one of longitude, so its extremes are among the products
/// of the factors' extremes.
fn envelope(b: &BoundingBox) -> AABB<[f64; 3]> {
    let (lat0, lat1) = (b.min_lat.to_radians(), b.max_lat.to_radians());
    let (lon0, lon1) = (b.min_lon.to_radians(), b.max_lon.to_radians());
    let cos_lat = range(&[lat0.cos(), lat1.cos()], lat0 <= 0.0 && 0.0 <= lat1, 1.0);
    let cos_lon = extremes(lon0, lon1, f64::cos);
    let sin_lon = extremes(lon0, lon1, f64::sin);
    let (x0, x1) = product_range(cos_lat, cos_lon);
    let (y0, y1) = product_range(cos_lat, sin_lon);
    // A small margin absorbs rounding at the box's edges.
    const E: f64 = 1e-9;
    AABB::from_corners(
        [x0 - E, y0 - E, lat0.sin() - E],
        [x1 + E, y1 + E, lat1.sin() + E],
    )
}

/// Range of `f` (cos or sin) over [a, b] ⊂ [-π, π]: endpoints plus any
/// multiple of π/2 inside where it reaches ±1.
fn extremes(a: f64, b: f64, f: fn(f64) -> f64) -> (f64, f64) {
    let mut values = vec![f(a), f(b)];
    for k in -2..=2 {
        let x = f64::from(k) * std::f64::consts::FRAC_PI_2;
        if a <= x && x <= b {
            values.push(f(x));
        }
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}

fn range(values: &[f64], includes_peak: bool, peak: f64) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, if includes_peak { peak } else { hi })
}

fn product_range(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let products = [a.0 * b.0, a.0 * b.1, a.1 * b.0, a.1 * b.1];
    (
        products.iter().copied().fold(f64::INFINITY, f64::min),
        products.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    )
}

#[cfg(test)]
mod tests;
