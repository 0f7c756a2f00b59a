//! `porttrack.routes.v1.RoutesService`: translation between protobuf and
//! the operations in [`crate::service`].

use pb::routes_service_server::{RoutesService, RoutesServiceServer};
use porttrack_platform::ApiError;
use porttrack_platform::auth::MethodScopes;
use porttrack_proto::routes::v1 as pb;
use tonic::{Request, Response, Status};

use crate::{
    domain::{self, LonLat, PortCallChange, PortCallInput, PortCallState, ZoneKind},
    scopes,
    service::Routes,
    store::Filter,
};

#[derive(Debug, Clone)]
pub struct RoutesGrpc {
    routes: Routes,
}

impl RoutesGrpc {
    pub fn new(routes: Routes) -> RoutesServiceServer<Self> {
        RoutesServiceServer::new(Self { routes })
    }
}

/// The scope each RPC needs (see `crate::scopes`).
pub const SCOPES: MethodScopes = &[
    ("CreateZone", scopes::ADMIN),
    ("ListZones", scopes::READ),
    ("CreatePortCall", scopes::WRITE),
    ("GetPortCall", scopes::READ),
    ("UpdatePortCall", scopes::WRITE),
    ("ListPortCalls", scopes::READ),
    ("GetTrafficBoard", scopes::READ),
];

#[tonic::async_trait]
impl RoutesService for RoutesGrpc {
    async fn create_zone(
        &self,
        request: Request<pb::CreateZoneRequest>,
    ) -> Result<Response<pb::Zone>, Status> {
        let r = request.into_inner();
        let ring = points(&r.ring);
        let (z, _) = self
            .routes
            .create_zone(Some(&r.idempotency_key), &r.name, zone_kind(r.kind)?, &ring)
            .await?;
        Ok(Response::new(zone_pb(&z)))
    }

    async fn list_zones(
        &self,
        request: Request<pb::ListZonesRequest>,
    ) -> Result<Response<pb::ListZonesResponse>, Status> {
        let r = request.into_inner();
        let (zones, next_page_token) = self
            .routes
            .list_zones(r.page_size, &r.page_token, zone_kind(r.kind)?)
            .await?;
        Ok(Response::new(pb::ListZonesResponse {
            zones: zones.iter().map(zone_pb).collect(),
            next_page_token,
        }))
    }

    async fn create_port_call(
        &self,
        request: Request<pb::CreatePortCallRequest>,
    ) -> Result<Response<pb::PortCall>, Status> {
        let r = request.into_inner();
        let waypoints = points(&r.waypoints);
        let input = PortCallInput {
            mmsi: r.mmsi,
            origin: &r.origin,
            destination: &r.destination,
            berth_id: &r.berth_id,
            eta_ms: r.eta_ms,
            etd_ms: r.etd_ms,
            waypoints: &waypoints,
        };
        let (c, _) = self
            .routes
            .create_port_call(Some(&r.idempotency_key), &input)
            .await?;
        Ok(Response::new(port_call_pb(&c)))
    }

    async fn get_port_call(
        &self,
        request: Request<pb::GetPortCallRequest>,
    ) -> Result<Response<pb::PortCall>, Status> {
        let c = self.routes.get_port_call(&request.into_inner().id).await?;
        Ok(Response::new(port_call_pb(&c)))
    }

    async fn update_port_call(
        &self,
        request: Request<pb::UpdatePortCallRequest>,
    ) -> Result<Response<pb::PortCall>, Status> {
        let r = request.into_inner();
        let change = PortCallChange {
            eta_ms: r.eta_ms,
            etd_ms: r.etd_ms,
            berth_id: r.berth_id,
            state: state(r.state)?,
        };
        let c = self
            .routes
            .update_port_call(&r.id, r.expected_version, change)
            .await?;
        Ok(Response::new(port_call_pb(&c)))
    }

    async fn list_port_calls(
        &self,
        request: Request<pb::ListPortCallsRequest>,
    ) -> Result<Response<pb::ListPortCallsResponse>, Status> {
        let r = request.into_inner();
        let filter = Filter {
            mmsi: r.mmsi,
            state: state(r.state)?,
        };
        let (calls, next_page_token) = self
            .routes
            .list_port_calls(r.page_size, &r.page_token, filter)
            .await?;
        Ok(Response::new(pb::ListPortCallsResponse {
            port_calls: calls.iter().map(port_call_pb).collect(),
            next_page_token,
        }))
    }

    async fn get_traffic_board(
        &self,
        request: Request<pb::GetTrafficBoardRequest>,
    ) -> Result<Response<pb::TrafficBoard>, Status> {
        let b = self
            .routes
            .traffic_board(request.into_inner().hours)
            .await?;
        Ok(Response::new(pb::TrafficBoard {
            from_ms: b.from_ms,
            to_ms: b.to_ms,
            arrivals: b.arrivals.iter().map(port_call_pb).collect(),
            departures: b.departures.iter().map(port_call_pb).collect(),
            zones: b
                .zones
                .into_iter()
                .map(|o| pb::ZoneOccupancy {
                    zone_id: o.zone_id,
                    name: o.name,
                    kind: zone_kind_pb(o.kind).into(),
                    mmsis: o.mmsis,
                })
                .collect(),
        }))
    }
}

fn points(p: &[pb::LonLat]) -> Vec<LonLat> {
    p.iter().map(|p| LonLat::new(p.lon, p.lat)).collect()
}

fn points_pb(p: &[LonLat]) -> Vec<pb::LonLat> {
    p.iter()
        .map(|p| pb::LonLat {
            lon: p.lon,
            lat: p.lat,
        })
        .collect()
}

/// Unspecified means "not given"; a number outside the enum is refused.
fn zone_kind(raw: i32) -> Result<Option<ZoneKind>, ApiError> {
    match pb::ZoneKind::try_from(raw) {
        Ok(pb::ZoneKind::Unspecified) => Ok(None),
        Ok(pb::ZoneKind::PortApproach) => Ok(Some(ZoneKind::PortApproach)),
        Ok(pb::ZoneKind::Fairway) => Ok(Some(ZoneKind::Fairway)),
        Ok(pb::ZoneKind::Berth) => Ok(Some(ZoneKind::Berth)),
        Ok(pb::ZoneKind::Anchorage) => Ok(Some(ZoneKind::Anchorage)),
        Err(_) => Err(ApiError::invalid(
            "kind",
            format!("{raw} is not a ZoneKind"),
        )),
    }
}

fn zone_kind_pb(k: ZoneKind) -> pb::ZoneKind {
    match k {
        ZoneKind::PortApproach => pb::ZoneKind::PortApproach,
        ZoneKind::Fairway => pb::ZoneKind::Fairway,
        ZoneKind::Berth => pb::ZoneKind::Berth,
        ZoneKind::Anchorage => pb::ZoneKind::Anchorage,
    }
}

fn state(raw: i32) -> Result<Option<PortCallState>, ApiError> {
    match pb::PortCallState::try_from(raw) {
        Ok(pb::PortCallState::Unspecified) => Ok(None),
        Ok(pb::PortCallState::Planned) => Ok(Some(PortCallState::Planned)),
        Ok(pb::PortCallState::Approaching) => Ok(Some(PortCallState::Approaching)),
        Ok(pb::PortCallState::Berthed) => Ok(Some(PortCallState::Berthed)),
        Ok(pb::PortCallState::Departed) => Ok(Some(PortCallState::Departed)),
        Ok(pb::PortCallState::Cancelled) => Ok(Some(PortCallState::Cancelled)),
        Err(_) => Err(ApiError::invalid(
            "state",
            format!("{raw} is not a PortCallState"),
        )),
    }
}

fn state_pb(s: PortCallState) -> pb::PortCallState {
    match s {
        PortCallState::Planned => pb::PortCallState::Planned,
        PortCallState::Approaching => pb::PortCallState::Approaching,
        PortCallState::Berthed => pb::PortCallState::Berthed,
        PortCallState::Departed => pb::PortCallState::Departed,
        PortCallState::Cancelled => pb::PortCallState::Cancelled,
    }
}

pub fn zone_pb(z: &domain::Zone) -> pb::Zone {
    pb::Zone {
        id: z.id.clone(),
        name: z.name.clone(),
        kind: zone_kind_pb(z.kind).into(),
        ring: points_pb(z.polygon.points()),
        created_at_ms: z.created_at_ms,
    }
}

pub fn port_call_pb(c: &domain::PortCall) -> pb::PortCall {
    pb::PortCall {
        id: c.id.clone(),
        mmsi: c.mmsi,
        origin: c.origin.clone(),
        destination: c.destination.clone(),
        berth_id: c.berth_id.clone().unwrap_or_default(),
        eta_ms: c.eta_ms,
        etd_ms: c.etd_ms.unwrap_or(0),
        ata_ms: c.ata_ms.unwrap_or(0),
        atd_ms: c.atd_ms.unwrap_or(0),
        state: state_pb(c.state).into(),
        waypoints: points_pb(&c.waypoints),
        estimated_arrival_ms: c.estimated_arrival_ms.unwrap_or(0),
        version: c.version,
        created_at_ms: c.created_at_ms,
        updated_at_ms: c.updated_at_ms,
    }
}
