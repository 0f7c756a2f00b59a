//! What PortTrack accepts as a vessel report, and why it refuses the rest.
//! Everything here is pure: transports hand in decoded messages or
//! structured input, and get back events or a [`Rejection`].

use porttrack_proto::events::v1::{PositionReport, SCHEMA_VERSION, VesselStatic};

mod ais;

pub use ais::{from_ais, observed_at};

/// Clock skew tolerated before a time stamp counts as "in the future".
pub const MAX_FUTURE_SKEW_MS: i64 = 5_000;

/// A Maritime Mobile Service Identity: nine digits, never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mmsi(u32);

impl Mmsi {
    pub fn parse(raw: u32) -> Result<Self, Rejection> {
        if (1..=999_999_999).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(Rejection::new(
                "mmsi_out_of_range",
                "mmsi",
                format!("{raw} is not a 9-digit MMSI"),
            ))
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// The Kafka key: decimal MMSI, so every vessel keeps one partition.
    pub fn key(self) -> String {
        self.0.to_string()
    }
}

/// Why one input was refused, with a stable reason label for metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub reason: &'static str,
    pub field: &'static str,
    pub description: String,
}

impl Rejection {
    pub fn new(reason: &'static str, field: &'static str, description: impl Into<String>) -> Self {
        Self {
            reason,
            field,
            description: description.into(),
        }
    }
}

/// A validated report, ready to publish.
#[derive(Debug, Clone, PartialEq)]
pub enum Accepted {
    Position(PositionReport),
    Static(VesselStatic),
}

impl Accepted {
    pub fn mmsi(&self) -> u32 {
        match self {
            Self::Position(p) => p.mmsi,
            Self::Static(s) => s.mmsi,
        }
    }
}

/// Motion fields shared by every kind of position input.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Motion {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub sog_knots: Option<f64>,
    pub cog_deg: Option<f64>,
    pub heading_deg: Option<u32>,
    pub nav_status: Option<u32>,
    pub rate_of_turn: Option<f64>,
}

/// Where and when an input arrived.
#[derive(Debug, Clone, Copy)]
pub struct Receipt<'a> {
    pub received_at_ms: i64,
    pub source: &'a str,
}

/// Validates a position and builds its event. `observed_at_ms` is when the
/// vessel was there.
pub fn position(
    mmsi: u32,
    motion: Motion,
    observed_at_ms: i64,
    msg_type: u32,
    receipt: Receipt<'_>,
) -> Result<PositionReport, Rejection> {
    let mmsi = Mmsi::parse(mmsi)?;
    let (Some(lat), Some(lon)) = (motion.lat, motion.lon) else {
        return Err(Rejection::new(
            "position_unavailable",
            "lat",
            "the report carries no position",
        ));
    };
    in_range(lat, -90.0, 90.0, "lat", "latitude_out_of_range")?;
    in_range(lon, -180.0, 180.0, "lon", "longitude_out_of_range")?;
    if let Some(sog) = motion.sog_knots {
        in_range(sog, 0.0, 102.2, "sog_knots", "speed_out_of_range")?;
    }
    if let Some(cog) = motion.cog_deg {
        below(cog, 360.0, "cog_deg", "course_out_of_range")?;
    }
    if let Some(heading) = motion.heading_deg
        && heading >= 360
    {
        return Err(Rejection::new(
            "heading_out_of_range",
            "heading_deg",
            format!("{heading} is not within 0..360"),
        ));
    }
    if observed_at_ms > receipt.received_at_ms + MAX_FUTURE_SKEW_MS {
        return Err(Rejection::new(
            "timestamp_in_future",
            "timestamp",
            "the time stamp is in the future",
        ));
    }
    Ok(PositionReport {
        event_id: uuid::Uuid::now_v7().to_string(),
        schema_version: SCHEMA_VERSION,
        mmsi: mmsi.get(),
        observed_at_ms,
        received_at_ms: receipt.received_at_ms,
        lat,
        lon,
        sog_knots: motion.sog_knots,
        cog_deg: motion.cog_deg,
        heading_deg: motion.heading_deg,
        nav_status: motion.nav_status,
        msg_type,
        source: receipt.source.to_owned(),
        rate_of_turn: motion.rate_of_turn,
    })
}

fn in_range(
    v: f64,
    min: f64,
    max: f64,
    field: &'static str,
    reason: &'static str,
) -> Result<(), Rejection> {
    if v.is_finite() && (min..=max).contains(&v) {
        Ok(())
    } else {
        Err(Rejection::new(
            reason,
            field,
            format!("{v} is not within {min}..={max}"),
        ))
    }
}

fn below(v: f64, max: f64, field: &'static str, reason: &'static str) -> Result<(), Rejection> {
    if v.is_finite() && (0.0..max).contains(&v) {
        Ok(())
    } else {
        Err(Rejection::new(
            reason,
            field,
            format!("{v} is not within 0..{max}"),
        ))
    }
}

#[cfg(test)]
mod tests;
