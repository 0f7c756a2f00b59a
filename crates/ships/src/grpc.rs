//! `porttrack.ships.v1.ShipsService`: translation between protobuf and the
//! operations in [`crate::service`].

use std::pin::Pin;

use futures::{Stream, StreamExt};
use pb::ships_service_server::{ShipsService, ShipsServiceServer};
use porttrack_platform::{
    ApiError,
    auth::{MethodScopes, Principal},
};
use porttrack_proto::ships::v1 as pb;
use tonic::{Request, Response, Status};

use crate::{
    domain::{self, BoundingBox},
    scopes,
    service::Ships,
};

#[derive(Debug, Clone)]
pub struct ShipsGrpc {
    ships: Ships,
}

impl ShipsGrpc {
    pub fn new(ships: Ships) -> ShipsServiceServer<Self> {
        ShipsServiceServer::new(Self { ships })
    }
}

type PositionStream = Pin<Box<dyn Stream<Item = Result<pb::Position, Status>> + Send>>;

fn bbox(b: Option<pb::BoundingBox>, field: &str) -> Result<BoundingBox, ApiError> {
    let b = b.ok_or_else(|| ApiError::invalid(field, "required"))?;
    BoundingBox::new(b.min_lon, b.min_lat, b.max_lon, b.max_lat)
}

/// The scope each RPC needs (see `crate::scopes`).
pub const SCOPES: MethodScopes = &[
    ("GetVessel", scopes::READ),
    ("ListVessels", scopes::READ),
    ("VesselsInBox", scopes::READ),
    ("NearestVessels", scopes::READ),
    ("GetTrack", scopes::READ),
    ("StreamPositions", scopes::READ),
    ("PutRegistry", scopes::WRITE),
];

#[tonic::async_trait]
impl ShipsService for ShipsGrpc {
    async fn get_vessel(
        &self,
        request: Request<pb::GetVesselRequest>,
    ) -> Result<Response<pb::Vessel>, Status> {
        let vessel = self.ships.get_vessel(request.into_inner().mmsi).await?;
        Ok(Response::new(vessel_pb(vessel)))
    }

    async fn list_vessels(
        &self,
        request: Request<pb::ListVesselsRequest>,
    ) -> Result<Response<pb::ListVesselsResponse>, Status> {
        let r = request.into_inner();
        let (vessels, next_page_token) = self
            .ships
            .list(r.page_size, &r.page_token, &r.name_prefix)
            .await?;
        Ok(Response::new(pb::ListVesselsResponse {
            vessels: vessels.into_iter().map(vessel_pb).collect(),
            next_page_token,
        }))
    }

    async fn vessels_in_box(
        &self,
        request: Request<pb::VesselsInBoxRequest>,
    ) -> Result<Response<pb::VesselsInBoxResponse>, Status> {
        let r = request.into_inner();
        let positions = self.ships.in_box(bbox(r.bbox, "bbox")?, r.limit)?;
        Ok(Response::new(pb::VesselsInBoxResponse {
            positions: positions.into_iter().map(position_pb).collect(),
        }))
    }

    async fn nearest_vessels(
        &self,
        request: Request<pb::NearestVesselsRequest>,
    ) -> Result<Response<pb::NearestVesselsResponse>, Status> {
        let r = request.into_inner();
        let vessels = self
            .ships
            .nearest(r.lat, r.lon, r.limit)?
            .into_iter()
            .map(|(p, distance_m)| pb::NearestVessel {
                position: Some(position_pb(p)),
                distance_m,
            })
            .collect();
        Ok(Response::new(pb::NearestVesselsResponse { vessels }))
    }

    async fn get_track(
        &self,
        request: Request<pb::GetTrackRequest>,
    ) -> Result<Response<pb::Track>, Status> {
        let r = request.into_inner();
        let to = if r.to_ms == 0 { i64::MAX } else { r.to_ms };
        let positions = self.ships.track(r.mmsi, r.from_ms, to, r.limit).await?;
        Ok(Response::new(pb::Track {
            mmsi: r.mmsi,
            positions: positions.into_iter().map(position_pb).collect(),
        }))
    }

    type StreamPositionsStream = PositionStream;

    async fn stream_positions(
        &self,
        request: Request<pb::StreamPositionsRequest>,
    ) -> Result<Response<Self::StreamPositionsStream>, Status> {
        let client = request.extensions().get::<Principal>().cloned();
        let r = request.into_inner();
        let area = match r.bbox {
            None => BoundingBox::WORLD,
            some => bbox(some, "bbox")?,
        };
        let stream = self
            .ships
            .live_positions(area, client.as_ref())?
            .map(|p| Ok(position_pb(p)));
        Ok(Response::new(Box::pin(stream)))
    }

    async fn put_registry(
        &self,
        request: Request<pb::PutRegistryRequest>,
    ) -> Result<Response<pb::Vessel>, Status> {
        let r = request.into_inner();
        let registry = r
            .registry
            .ok_or_else(|| ApiError::invalid("registry", "required"))?;
        let vessel = self
            .ships
            .put_registry(r.mmsi, registry.operator, registry.flag, registry.notes)
            .await?;
        Ok(Response::new(vessel_pb(vessel)))
    }
}

pub fn position_pb(p: domain::Position) -> pb::Position {
    pb::Position {
        mmsi: p.mmsi,
        lat: p.lat,
        lon: p.lon,
        sog_knots: p.sog_knots,
        cog_deg: p.cog_deg,
        heading_deg: p.heading_deg,
        nav_status: p.nav_status,
        observed_at_ms: p.observed_at_ms,
    }
}

fn vessel_pb(v: domain::Vessel) -> pb::Vessel {
    pb::Vessel {
        mmsi: v.mmsi,
        position: v.position.map(position_pb),
        static_data: v.static_data.map(|s| pb::StaticData {
            name: s.name,
            callsign: s.callsign,
            imo: s.imo,
            ship_type: s.ship_type,
            length_m: s.length_m,
            beam_m: s.beam_m,
            destination: s.destination,
            draught_m: s.draught_m,
            eta: s.eta,
            updated_at_ms: s.updated_at_ms,
        }),
        registry: v.registry.map(|r| pb::Registry {
            operator: r.operator,
            flag: r.flag,
            notes: r.notes,
            updated_at_ms: r.updated_at_ms,
        }),
    }
}
