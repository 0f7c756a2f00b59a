//! The routes domain, validated at the edge so the rest of the service
//! holds valid values: zones ([`geo`]), port calls and their state machine
//! ([`port_call`]).

pub mod geo;
pub mod port_call;

use porttrack_platform::{ApiError, FieldViolation};

pub use geo::{LonLat, Polygon};
pub use port_call::{Observation, advance, check_transition};

/// Longest traffic-board window: a week.
pub const MAX_BOARD_HOURS: u32 = 168;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &[Self] = &[$(Self::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }

            pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    ApiError::invalid(field, format!("`{raw}` is not one of {}", names.join(", ")))
                })
            }
        }
    };
}

text_enum!(
    /// What a zone is for; berths are zones of kind berth.
    ZoneKind {
        PortApproach = "port_approach",
        Fairway = "fairway",
        Berth = "berth",
        Anchorage = "anchorage",
    }
);
text_enum!(
    /// Where a port call is in its visit (see [`port_call`]).
    PortCallState {
        Planned = "planned",
        Approaching = "approaching",
        Berthed = "berthed",
        Departed = "departed",
        Cancelled = "cancelled",
    }
);

impl PortCallState {
    /// States the position stream may still move on.
    pub const ACTIVE: &[Self] = &[Self::Planned, Self::Approaching, Self::Berthed];
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
pub fn check_page_size(n: u32, default: u32, max: u32) -> Result<usize, ApiError> {
    match n {
        0 => Ok(default as usize),
        n if n <= max => Ok(n as usize),
        n => Err(ApiError::invalid(
            "page_size",
            format!("{n} is more than the maximum {max}"),
        )),
    }
}

/// Hours ahead on the traffic board: 0 means 24.
pub fn check_board_hours(hours: u32) -> Result<i64, ApiError> {
    match hours {
        0 => Ok(24),
        h if h <= MAX_BOARD_HOURS => Ok(i64::from(h)),
        h => Err(ApiError::invalid(
            "hours",
            format!("{h} is more than {MAX_BOARD_HOURS}"),
        )),
    }
}

fn check_text(errors: &mut Vec<FieldViolation>, field: &str, raw: &str, required: bool) -> String {
    let t = raw.trim();
    if required && t.is_empty() {
        errors.push(FieldViolation::new(field, "required"));
    } else if t.chars().count() > 100 {
        errors.push(FieldViolation::new(field, "at most 100 characters"));
    }
    t.to_owned()
}

fn collect<T>(errors: &mut Vec<FieldViolation>, r: Result<T, ApiError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(ApiError::InvalidArgument(v)) => {
            errors.extend(v);
            None
        }
        Err(other) => {
            errors.push(FieldViolation::new("", other.to_string()));
            None
        }
    }
}

/// A validated zone, before the store gives it an id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewZone {
    pub name: String,
    pub kind: ZoneKind,
    pub polygon: Polygon,
}

impl NewZone {
    pub fn new(name: &str, kind: Option<ZoneKind>, ring: &[LonLat]) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let name = check_text(&mut errors, "name", name, true);
        if kind.is_none() {
            errors.push(FieldViolation::new("kind", "required"));
        }
        let polygon = collect(&mut errors, Polygon::parse("ring", ring));
        match (kind, polygon) {
            (Some(kind), Some(polygon)) if errors.is_empty() => Ok(Self {
                name,
                kind,
                polygon,
            }),
            _ => Err(ApiError::InvalidArgument(errors)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub id: String,
    pub name: String,
    pub kind: ZoneKind,
    pub polygon: Polygon,
    pub created_at_ms: i64,
}

/// A validated port call, before the store gives it an id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPortCall {
    pub mmsi: u32,
    pub origin: String,
    pub destination: String,
    pub berth_id: Option<String>,
    pub eta_ms: i64,
    pub etd_ms: Option<i64>,
    pub waypoints: Vec<LonLat>,
}

/// A port call as a client sends it.
#[derive(Debug, Clone, Default)]
pub struct PortCallInput<'a> {
    pub mmsi: u32,
    pub origin: &'a str,
    pub destination: &'a str,
    pub berth_id: &'a str,
    pub eta_ms: i64,
    pub etd_ms: i64,
    pub waypoints: &'a [LonLat],
}

impl PortCallInput<'_> {
    /// Checks every field and reports every problem at once.
    pub fn validate(&self) -> Result<NewPortCall, ApiError> {
        let mut errors = Vec::new();
        let mmsi = collect(&mut errors, check_mmsi(self.mmsi));
        let origin = check_text(&mut errors, "origin", self.origin, false);
        let destination = check_text(&mut errors, "destination", self.destination, true);
        let berth_id = check_text(&mut errors, "berth_id", self.berth_id, false);
        if self.eta_ms <= 0 {
            errors.push(FieldViolation::new(
                "eta_ms",
                "required: epoch milliseconds",
            ));
        }
        if self.etd_ms < 0 || (self.etd_ms > 0 && self.etd_ms < self.eta_ms) {
            errors.push(FieldViolation::new(
                "etd_ms",
                "0 (unknown) or not before eta_ms",
            ));
        }
        let waypoints = collect(&mut errors, geo::check_waypoints(self.waypoints));
        match (mmsi, waypoints) {
            (Some(mmsi), Some(waypoints)) if errors.is_empty() => Ok(NewPortCall {
                mmsi,
                origin,
                destination,
                berth_id: Some(berth_id).filter(|b| !b.is_empty()),
                eta_ms: self.eta_ms,
                etd_ms: Some(self.etd_ms).filter(|e| *e > 0),
                waypoints,
            }),
            _ => Err(ApiError::InvalidArgument(errors)),
        }
    }
}

/// What an update may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PortCallChange {
    pub eta_ms: Option<i64>,
    pub etd_ms: Option<i64>,
    /// `Some("")` removes the berth.
    pub berth_id: Option<String>,
    pub state: Option<PortCallState>,
}

impl PortCallChange {
    pub fn check(self) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        if self.eta_ms.is_some_and(|e| e <= 0) {
            errors.push(FieldViolation::new("eta_ms", "epoch milliseconds"));
        }
        if self.etd_ms.is_some_and(|e| e < 0) {
            errors.push(FieldViolation::new("etd_ms", "epoch milliseconds, or 0"));
        }
        let berth_id = self
            .berth_id
            .as_deref()
            .map(|b| check_text(&mut errors, "berth_id", b, false));
        if errors.is_empty() {
            Ok(Self { berth_id, ..self })
        } else {
            Err(ApiError::InvalidArgument(errors))
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PortCall {
    pub id: String,
    pub mmsi: u32,
    pub origin: String,
    pub destination: String,
    pub berth_id: Option<String>,
    pub eta_ms: i64,
    pub etd_ms: Option<i64>,
    pub ata_ms: Option<i64>,
    pub atd_ms: Option<i64>,
    pub state: PortCallState,
    pub waypoints: Vec<LonLat>,
    /// Derived from positions; not part of the version.
    pub estimated_arrival_ms: Option<i64>,
    pub version: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// Vessels inside one zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Occupancy {
    pub zone_id: String,
    pub name: String,
    pub kind: ZoneKind,
    pub mmsis: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrafficBoard {
    pub from_ms: i64,
    pub to_ms: i64,
    pub arrivals: Vec<PortCall>,
    pub departures: Vec<PortCall>,
    pub zones: Vec<Occupancy>,
}

/// A position as the consumer applies it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    pub mmsi: u32,
    pub observed_at_ms: i64,
    pub at: LonLat,
    pub sog_kn: Option<f64>,
}

impl Fix {
    /// `None` for a report no vessel could have sent.
    pub fn from_event(e: &porttrack_proto::events::v1::PositionReport) -> Option<Self> {
        let at = LonLat::new(e.lon, e.lat);
        let valid = check_mmsi(e.mmsi).is_ok() && e.observed_at_ms > 0 && at.is_valid();
        valid.then_some(Self {
            mmsi: e.mmsi,
            observed_at_ms: e.observed_at_ms,
            at,
            sog_kn: e.sog_knots.filter(|s| s.is_finite() && *s >= 0.0),
        })
    }
}

#[cfg(test)]
mod tests;
