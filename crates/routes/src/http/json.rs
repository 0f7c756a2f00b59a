//! REST bodies, with their OpenAPI schemas.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::{self, LonLat, PortCallState, ZoneKind};

#[derive(Debug, Serialize, ToSchema)]
pub struct ZoneJson {
    pub id: String,
    pub name: String,
    pub kind: ZoneKind,
    /// The outer ring without its closing point.
    pub ring: Vec<LonLat>,
    pub created_at_ms: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateZoneBody {
    pub name: String,
    pub kind: Option<ZoneKind>,
    /// At least 3 points; closing the ring is optional.
    pub ring: Vec<LonLat>,
    /// Used when no `Idempotency-Key` header is sent.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ZoneQuery {
    /// At most 1000; default 100.
    pub page_size: Option<String>,
    pub page_token: Option<String>,
    /// `port_approach`, `fairway`, `berth` or `anchorage`.
    pub kind: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ZonePage {
    pub zones: Vec<ZoneJson>,
    /// Empty on the last page.
    pub next_page_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PortCallJson {
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
    /// From distance along the route and speed over ground; not versioned.
    pub estimated_arrival_ms: Option<i64>,
    /// Also the `ETag`; send it back in `If-Match` to change the call.
    pub version: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePortCallBody {
    pub mmsi: u32,
    #[serde(default)]
    pub origin: String,
    pub destination: String,
    /// Id of a berth zone.
    #[serde(default)]
    pub berth_id: String,
    pub eta_ms: i64,
    #[serde(default)]
    pub etd_ms: i64,
    #[serde(default)]
    pub waypoints: Vec<LonLat>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePortCallBody {
    #[serde(default)]
    pub eta_ms: Option<i64>,
    #[serde(default)]
    pub etd_ms: Option<i64>,
    /// Empty removes the berth.
    #[serde(default)]
    pub berth_id: Option<String>,
    #[serde(default)]
    pub state: Option<PortCallState>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PortCallQuery {
    pub page_size: Option<String>,
    pub page_token: Option<String>,
    pub mmsi: Option<String>,
    /// `planned`, `approaching`, `berthed`, `departed` or `cancelled`.
    pub state: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PortCallPage {
    pub port_calls: Vec<PortCallJson>,
    pub next_page_token: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrafficQuery {
    /// 1 to 168; default 24.
    pub hours: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OccupancyJson {
    pub zone_id: String,
    pub name: String,
    pub kind: ZoneKind,
    pub mmsis: Vec<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrafficBoardJson {
    pub from_ms: i64,
    pub to_ms: i64,
    pub arrivals: Vec<PortCallJson>,
    pub departures: Vec<PortCallJson>,
    pub zones: Vec<OccupancyJson>,
}

impl From<&domain::Zone> for ZoneJson {
    fn from(z: &domain::Zone) -> Self {
        Self {
            id: z.id.clone(),
            name: z.name.clone(),
            kind: z.kind,
            ring: z.polygon.points().to_vec(),
            created_at_ms: z.created_at_ms,
        }
    }
}

impl From<&domain::PortCall> for PortCallJson {
    fn from(c: &domain::PortCall) -> Self {
        Self {
            id: c.id.clone(),
            mmsi: c.mmsi,
            origin: c.origin.clone(),
            destination: c.destination.clone(),
            berth_id: c.berth_id.clone(),
            eta_ms: c.eta_ms,
            etd_ms: c.etd_ms,
            ata_ms: c.ata_ms,
            atd_ms: c.atd_ms,
            state: c.state,
            waypoints: c.waypoints.clone(),
            estimated_arrival_ms: c.estimated_arrival_ms,
            version: c.version,
            created_at_ms: c.created_at_ms,
            updated_at_ms: c.updated_at_ms,
        }
    }
}

impl From<domain::TrafficBoard> for TrafficBoardJson {
    fn from(b: domain::TrafficBoard) -> Self {
        Self {
            from_ms: b.from_ms,
            to_ms: b.to_ms,
            arrivals: b.arrivals.iter().map(Into::into).collect(),
            departures: b.departures.iter().map(Into::into).collect(),
            zones: b
                .zones
                .into_iter()
                .map(|o| OccupancyJson {
                    zone_id: o.zone_id,
                    name: o.name,
                    kind: o.kind,
                    mmsis: o.mmsis,
                })
                .collect(),
        }
    }
}

impl CreatePortCallBody {
    pub fn input(&self) -> domain::PortCallInput<'_> {
        domain::PortCallInput {
            mmsi: self.mmsi,
            origin: &self.origin,
            destination: &self.destination,
            berth_id: &self.berth_id,
            eta_ms: self.eta_ms,
            etd_ms: self.etd_ms,
            waypoints: &self.waypoints,
        }
    }
}
