//! Geometry on the unit sphere: points as 3-D vectors, great-circle
//! distance from chord length, and the 3-D box around a lon/lat box.

use crate::domain::BoundingBox;

/// Mean Earth radius, metres (IUGG).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// An axis-aligned 3-D box. Around a part of the sphere, its squared
/// distance to a point never exceeds the squared chord to anything inside,
/// which is what lets a search skip it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Aabb {
    pub min: [f64; 3],
    pub max: [f64; 3],
}

impl Aabb {
    pub fn distance_2(&self, p: [f64; 3]) -> f64 {
        let gap = |i: usize| (self.min[i] - p[i]).max(p[i] - self.max[i]).max(0.0);
        let d = [gap(0), gap(1), gap(2)];
        d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
    }
}

pub fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (lat, lon) = (lat.to_radians(), lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// Squared chord length. It grows with the great-circle distance, so it
/// orders candidates without the `asin` that only the answers need.
pub fn chord_2(a: [f64; 3], b: [f64; 3]) -> f64 {
    let d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
}

pub fn great_circle_m(chord_2: f64) -> f64 {
    2.0 * (chord_2.sqrt() / 2.0).clamp(0.0, 1.0).asin() * EARTH_RADIUS_M
}

/// A lon/lat box around every point within squared chord `chord_2` of
/// (lat, lon), a nanoradian (6 mm) wider than the cap so that rounding in
/// the chords compared against it cannot matter. `None` when the cap
/// reaches a pole or the antimeridian, where only the whole world holds it.
pub fn cap_box(lat: f64, lon: f64, chord_2: f64) -> Option<BoundingBox> {
    // Infinite before k candidates are found; 2 is a quarter circle.
    if chord_2.is_nan() || chord_2 >= 2.0 {
        return None;
    }
    let angle = 2.0 * (chord_2.sqrt() / 2.0).asin() + 1e-9;
    let d_lat = angle.to_degrees();
    let (south, north) = (lat - d_lat, lat + d_lat);
    if south <= -90.0 || north >= 90.0 {
        return None;
    }
    // The widest a cap that clears both poles spans in longitude.
    let d_lon = (angle.sin() / lat.to_radians().cos()).asin().to_degrees() * (1.0 + 1e-9);
    let (west, east) = (lon - d_lon, lon + d_lon);
    if !(-180.0 < west && east < 180.0) {
        return None;
    }
    Some(BoundingBox {
        min_lon: west,
        min_lat: south,
        max_lon: east,
        max_lat: north,
    })
}

/// Smallest 3-D box around the part of the sphere inside `b` (which does
/// not cross the antimeridian). Each coordinate is a product of a factor of
/// latitude and one of longitude, so its extremes are among the products
/// of the factors' extremes.
pub fn envelope(b: &BoundingBox) -> Aabb {
    let (lat0, lat1) = (b.min_lat.to_radians(), b.max_lat.to_radians());
    let (lon0, lon1) = (b.min_lon.to_radians(), b.max_lon.to_radians());
    let cos_lat = range(&[lat0.cos(), lat1.cos()], lat0 <= 0.0 && 0.0 <= lat1, 1.0);
    let cos_lon = extremes(lon0, lon1, f64::cos);
    let sin_lon = extremes(lon0, lon1, f64::sin);
    let (x0, x1) = product_range(cos_lat, cos_lon);
    let (y0, y1) = product_range(cos_lat, sin_lon);
    // A small margin absorbs rounding at the box's edges.
    const E: f64 = 1e-9;
    Aabb {
        min: [x0 - E, y0 - E, lat0.sin() - E],
        max: [x1 + E, y1 + E, lat1.sin() + E],
    }
}

/// Range of `f` (cos or sin) over [a, b] ⊂ [-π, π]: endpoints plus any
/// multiple of π/2 inside where it reaches ±1.
fn extremes(a: f64, b: f64, f: fn(f64) -> f64) -> (f64, f64) {
    let (mut lo, mut hi) = (f(a).min(f(b)), f(a).max(f(b)));
    for k in -2..=2 {
        let x = f64::from(k) * std::f64::consts::FRAC_PI_2;
        if a <= x && x <= b {
            lo = lo.min(f(x));
            hi = hi.max(f(x));
        }
    }
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
