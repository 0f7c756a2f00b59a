//! The ships service's domain: positions, areas, registry entries, with
//! validation at the edge so the rest of the service holds valid values.

use porttrack_platform::{ApiError, FieldViolation};
use porttrack_proto::events::v1::PositionReport;

/// A vessel's position at one instant; lat/lon always valid degrees.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Position {
    pub mmsi: u32,
    pub lat: f64,
    pub lon: f64,
    pub sog_knots: Option<f64>,
    pub cog_deg: Option<f64>,
    pub heading_deg: Option<u32>,
    pub nav_status: Option<u32>,
    pub observed_at_ms: i64,
}

impl Position {
    /// From an event; `None` if it somehow carries an impossible position
    /// (ingest validates, but a consumer never trusts its input).
    pub fn from_event(e: &PositionReport) -> Option<Self> {
        let valid =
            (-90.0..=90.0).contains(&e.lat) && (-180.0..=180.0).contains(&e.lon) && e.mmsi != 0;
        valid.then_some(Self {
            mmsi: e.mmsi,
            lat: e.lat,
            lon: e.lon,
            sog_knots: e.sog_knots,
            cog_deg: e.cog_deg,
            heading_deg: e.heading_deg,
            nav_status: e.nav_status,
            observed_at_ms: e.observed_at_ms,
        })
    }
}

/// A lon/lat box. `min_lon > max_lon` means it crosses the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BoundingBox {
    pub const WORLD: Self = Self {
        min_lon: -180.0,
        min_lat: -90.0,
        max_lon: 180.0,
        max_lat: 90.0,
    };

    pub fn new(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        for (field, v) in [("min_lon", min_lon), ("max_lon", max_lon)] {
            if !(v.is_finite() && (-180.0..=180.0).contains(&v)) {
                errors.push(FieldViolation::new(
                    field,
                    format!("{v} is not within -180..=180"),
                ));
            }
        }
        for (field, v) in [("min_lat", min_lat), ("max_lat", max_lat)] {
            if !(v.is_finite() && (-90.0..=90.0).contains(&v)) {
                errors.push(FieldViolation::new(
                    field,
                    format!("{v} is not within -90..=90"),
                ));
            }
        }
        if min_lat > max_lat {
            errors.push(FieldViolation::new(
                "min_lat",
                "must not be greater than max_lat",
            ));
        }
        if errors.is_empty() {
            Ok(Self {
                min_lon,
                min_lat,
                max_lon,
                max_lat,
            })
        } else {
            Err(ApiError::InvalidArgument(errors))
        }
    }

    /// `minLon,minLat,maxLon,maxLat`, as in the REST query string.
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let parts: Vec<f64> = raw
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| {
                ApiError::invalid("bbox", "expected four numbers: minLon,minLat,maxLon,maxLat")
            })?;
        match parts[..] {
            [a, b, c, d] => Self::new(a, b, c, d).map_err(|e| prefix_fields(e, "bbox.")),
            _ => Err(ApiError::invalid(
                "bbox",
                "expected four numbers: minLon,minLat,maxLon,maxLat",
            )),
        }
    }

    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        let lon_ok = if self.min_lon <= self.max_lon {
            (self.min_lon..=self.max_lon).contains(&lon)
        } else {
            lon >= self.min_lon || lon <= self.max_lon
        };
        lon_ok && (self.min_lat..=self.max_lat).contains(&lat)
    }

    /// The box as one or two boxes that do not cross the antimeridian.
    pub fn split(&self) -> Vec<Self> {
        if self.min_lon <= self.max_lon {
            vec![*self]
        } else {
            vec![
                Self {
                    max_lon: 180.0,
                    ..*self
                },
                Self {
                    min_lon: -180.0,
                    ..*self
                },
            ]
        }
    }
}

fn prefix_fields(err: ApiError, prefix: &str) -> ApiError {
    match err {
        ApiError::InvalidArgument(v) => ApiError::InvalidArgument(
            v.into_iter()
                .map(|f| FieldViolation::new(format!("{prefix}{}", f.field), f.description))
                .collect(),
        ),
        other => other,
    }
}

/// A point to search around.
pub fn check_point(lat: f64, lon: f64) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
        errors.push(FieldViolation::new(
            "lat",
            format!("{lat} is not within -90..=90"),
        ));
    }
    if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
        errors.push(FieldViolation::new(
            "lon",
            format!("{lon} is not within -180..=180"),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::InvalidArgument(errors))
    }
}

pub fn check_mmsi(mmsi: u32) -> Result<u32, ApiError> {
    if (1..=999_999_999).contains(&mmsi) {
        Ok(mmsi)
    } else {
        Err(ApiError::invalid(
            "mmsi",
            format!("{mmsi} is not a 9-digit MMSI"),
        ))
    }
}

/// A page size: 0 means `default`, anything above `max` is refused.
pub fn check_limit(limit: u32, default: u32, max: u32) -> Result<usize, ApiError> {
    match limit {
        0 => Ok(default as usize),
        n if n <= max => Ok(n as usize),
        n => Err(ApiError::invalid(
            "limit",
            format!("{n} is more than the maximum {max}"),
        )),
    }
}

/// Registry data AIS does not carry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Registry {
    pub operator: String,
    /// ISO 3166-1 alpha-2 flag state, or empty when unknown.
    pub flag: String,
    pub notes: String,
    pub updated_at_ms: i64,
}

impl Registry {
    pub fn new(
        operator: String,
        flag: String,
        notes: String,
        now_ms: i64,
    ) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        if operator.chars().count() > 200 {
            errors.push(FieldViolation::new(
                "registry.operator",
                "at most 200 characters",
            ));
        }
        if !(flag.is_empty() || (flag.len() == 2 && flag.bytes().all(|b| b.is_ascii_uppercase()))) {
            errors.push(FieldViolation::new(
                "registry.flag",
                "an ISO 3166-1 alpha-2 code such as NO, or empty",
            ));
        }
        if notes.chars().count() > 2000 {
            errors.push(FieldViolation::new(
                "registry.notes",
                "at most 2000 characters",
            ));
        }
        if errors.is_empty() {
            Ok(Self {
                operator,
                flag,
                notes,
                updated_at_ms: now_ms,
            })
        } else {
            Err(ApiError::InvalidArgument(errors))
        }
    }
}

/// Static and voyage data as stored.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct StaticData {
    pub name: Option<String>,
    pub callsign: Option<String>,
    pub imo: Option<u32>,
    pub ship_type: Option<u32>,
    pub length_m: Option<u32>,
    pub beam_m: Option<u32>,
    pub destination: Option<String>,
    pub draught_m: Option<f64>,
    pub eta: Option<String>,
    pub updated_at_ms: i64,
}

/// Everything known about one vessel.
#[derive(Debug, Clone, PartialEq)]
pub struct Vessel {
    pub mmsi: u32,
    pub position: Option<Position>,
    pub static_data: Option<StaticData>,
    pub registry: Option<Registry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_parses_and_refuses_with_field_names() {
        let b = BoundingBox::parse("10.5,59.0,11.0,60").unwrap();
        assert!(b.contains(59.5, 10.7));
        assert!(!b.contains(59.5, 11.1));
        match BoundingBox::parse("10,95,11,60").unwrap_err() {
            ApiError::InvalidArgument(v) => assert_eq!(v[0].field, "bbox.min_lat"),
            other => panic!("{other:?}"),
        }
        assert!(BoundingBox::parse("1,2,3").is_err());
        assert!(BoundingBox::parse("a,b,c,d").is_err());
        assert!(BoundingBox::parse("1,60,2,59").is_err());
    }

    #[test]
    fn antimeridian_boxes_split_in_two() {
        let b = BoundingBox::new(170.0, -10.0, -170.0, 10.0).unwrap();
        assert!(b.contains(0.0, 179.0) && b.contains(0.0, -179.0) && !b.contains(0.0, 0.0));
        assert_eq!(b.split().len(), 2);
    }

    #[test]
    fn registry_flag_must_be_alpha2() {
        assert!(Registry::new("Op".into(), "NO".into(), String::new(), 0).is_ok());
        assert!(Registry::new("Op".into(), "Norway".into(), String::new(), 0).is_err());
        assert!(Registry::new("Op".into(), String::new(), String::new(), 0).is_ok());
    }
}
