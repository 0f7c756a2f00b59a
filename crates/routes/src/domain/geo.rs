//! Positions on the sphere: polygons with a ray-casting containment test,
//! great-circle distances, and the ETA estimate along a route.

use porttrack_platform::{ApiError, FieldViolation};

/// Mean Earth radius in nautical miles.
const EARTH_RADIUS_NM: f64 = 3440.065;
/// Below this speed a vessel is not going anywhere: no ETA.
pub const MIN_SOG_FOR_ETA_KN: f64 = 0.5;
pub const MAX_RING_POINTS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    pub fn new(lon: f64, lat: f64) -> Self {
        Self { lon, lat }
    }

    pub fn is_valid(self) -> bool {
        self.lon.is_finite()
            && self.lat.is_finite()
            && (-180.0..=180.0).contains(&self.lon)
            && (-90.0..=90.0).contains(&self.lat)
    }

    fn check(self, field: &str) -> Option<FieldViolation> {
        (!self.is_valid())
            .then(|| FieldViolation::new(field, "lon must be -180..=180 and lat -90..=90"))
    }

    /// Great-circle (haversine) distance in nautical miles.
    pub fn distance_nm(self, other: LonLat) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_NM * a.sqrt().min(1.0).asin()
    }
}

/// A simple polygon's outer ring, without its closing point. Zones are a
/// few nautical miles across, so lon/lat are treated as planar inside one.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    ring: Vec<LonLat>,
}

impl Polygon {
    /// At least 3 distinct points with valid coordinates; a closing point
    /// equal to the first is dropped.
    pub fn parse(field: &str, points: &[LonLat]) -> Result<Self, ApiError> {
        let mut errors: Vec<FieldViolation> = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.check(&format!("{field}[{i}]")))
            .collect();
        let mut ring = points.to_vec();
        if ring.len() > 1 && ring.first() == ring.last() {
            ring.pop();
        }
        if ring.len() < 3 {
            errors.push(FieldViolation::new(field, "at least 3 distinct points"));
        }
        if ring.len() > MAX_RING_POINTS {
            errors.push(FieldViolation::new(
                field,
                format!("at most {MAX_RING_POINTS} points"),
            ));
        }
        if errors.is_empty() {
            Ok(Self { ring })
        } else {
            Err(ApiError::InvalidArgument(errors))
        }
    }

    pub fn points(&self) -> &[LonLat] {
        &self.ring
    }

    /// Ray casting: a ray from `p` towards +lon crosses the boundary an odd
    /// number of times exactly when `p` is inside.
    pub fn contains(&self, p: LonLat) -> bool {
        let mut inside = false;
        let mut j = self.ring.len() - 1;
        for i in 0..self.ring.len() {
            let (a, b) = (self.ring[i], self.ring[j]);
            if (a.lat > p.lat) != (b.lat > p.lat) {
                let lon_at = a.lon + (p.lat - a.lat) / (b.lat - a.lat) * (b.lon - a.lon);
                if p.lon < lon_at {
                    inside = !inside;
                }
            }
            j = i;
        }
        inside
    }
}

/// Checks a route plan's waypoints (any number, valid coordinates).
pub fn check_waypoints(points: &[LonLat]) -> Result<Vec<LonLat>, ApiError> {
    let errors: Vec<FieldViolation> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.check(&format!("waypoints[{i}]")))
        .collect();
    if points.len() > MAX_RING_POINTS {
        return Err(ApiError::invalid(
            "waypoints",
            format!("at most {MAX_RING_POINTS}"),
        ));
    }
    if errors.is_empty() {
        Ok(points.to_vec())
    } else {
        Err(ApiError::InvalidArgument(errors))
    }
}

/// Distance left from `at` along `route` to its last waypoint. The next
/// waypoint is the nearest one, unless the vessel is already past it
/// (closer to the one after than the two waypoints are to each other).
pub fn remaining_nm(at: LonLat, route: &[LonLat]) -> Option<f64> {
    let (mut next, _) = route
        .iter()
        .enumerate()
        .map(|(i, w)| (i, at.distance_nm(*w)))
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    if let Some(after) = route.get(next + 1)
        && at.distance_nm(*after) < route[next].distance_nm(*after)
    {
        next += 1;
    }
    let legs: f64 = route[next..]
        .windows(2)
        .map(|w| w[0].distance_nm(w[1]))
        .sum();
    Some(at.distance_nm(route[next]) + legs)
}

/// When a vessel at `at`, making `sog_kn`, reaches the end of `route`.
pub fn estimate_arrival_ms(
    at: LonLat,
    sog_kn: Option<f64>,
    route: &[LonLat],
    now_ms: i64,
) -> Option<i64> {
    let sog = sog_kn.filter(|s| s.is_finite() && *s >= MIN_SOG_FOR_ETA_KN)?;
    let hours = remaining_nm(at, route)? / sog;
    Some(now_ms + (hours * 3_600_000.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> Polygon {
        let pts = [(10.0, 59.0), (11.0, 59.0), (11.0, 60.0), (10.0, 60.0)];
        let ring: Vec<LonLat> = pts
            .iter()
            .map(|&(lon, lat)| LonLat::new(lon, lat))
            .collect();
        Polygon::parse("ring", &ring).unwrap()
    }

    #[test]
    fn ray_casting_tells_inside_from_outside() {
        let sq = square();
        assert!(sq.contains(LonLat::new(10.5, 59.5)));
        assert!(!sq.contains(LonLat::new(11.5, 59.5)));
        assert!(!sq.contains(LonLat::new(10.5, 60.5)));
        assert!(!sq.contains(LonLat::new(9.5, 59.5)));
    }

    #[test]
    fn concave_polygons_exclude_their_notch() {
        // A "U": the notch between the arms is outside.
        let u = [
            (0.0, 0.0),
            (3.0, 0.0),
            (3.0, 3.0),
            (2.0, 3.0),
            (2.0, 1.0),
            (1.0, 1.0),
            (1.0, 3.0),
            (0.0, 3.0),
        ];
        let ring: Vec<LonLat> = u.iter().map(|&(lon, lat)| LonLat::new(lon, lat)).collect();
        let poly = Polygon::parse("ring", &ring).unwrap();
        assert!(poly.contains(LonLat::new(0.5, 2.0)));
        assert!(poly.contains(LonLat::new(2.5, 2.0)));
        assert!(!poly.contains(LonLat::new(1.5, 2.0)));
    }

    #[test]
    fn rings_need_three_points_and_valid_coordinates() {
        let two = [LonLat::new(0.0, 0.0), LonLat::new(1.0, 1.0)];
        assert!(Polygon::parse("ring", &two).is_err());
        let closed = [
            LonLat::new(0.0, 0.0),
            LonLat::new(1.0, 0.0),
            LonLat::new(0.0, 0.0),
        ];
        assert!(
            Polygon::parse("ring", &closed).is_err(),
            "2 distinct points"
        );
        let bad = [
            LonLat::new(0.0, 0.0),
            LonLat::new(181.0, 0.0),
            LonLat::new(0.0, f64::NAN),
        ];
        let Err(ApiError::InvalidArgument(v)) = Polygon::parse("ring", &bad) else {
            panic!("refused")
        };
        let fields: Vec<&str> = v.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["ring[1]", "ring[2]"]);
    }

    #[test]
    fn one_degree_of_latitude_is_sixty_nautical_miles() {
        let d = LonLat::new(10.0, 59.0).distance_nm(LonLat::new(10.0, 60.0));
        assert!((d - 60.04).abs() < 0.1, "{d}");
    }

    #[test]
    fn eta_follows_the_route_from_the_next_waypoint() {
        let route = [
            LonLat::new(10.0, 58.0),
            LonLat::new(10.0, 59.0),
            LonLat::new(10.0, 60.0),
        ];
        // Halfway between the first two waypoints: 30 + 60 nm left.
        let at = LonLat::new(10.0, 58.5);
        let left = remaining_nm(at, &route).unwrap();
        assert!((left - 90.06).abs() < 0.2, "{left}");
        // At 10 kn: 9 hours.
        let eta = estimate_arrival_ms(at, Some(10.0), &route, 0).unwrap();
        assert!((eta - 9 * 3_600_000).abs() < 120_000, "{eta}");
        assert_eq!(estimate_arrival_ms(at, Some(0.2), &route, 0), None);
        assert_eq!(estimate_arrival_ms(at, None, &route, 0), None);
        assert_eq!(estimate_arrival_ms(at, Some(10.0), &[], 0), None);
    }
}
