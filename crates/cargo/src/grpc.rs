//! `porttrack.cargo.v1.CargoService`: translation between protobuf and the
//! operations in [`crate::service`].

use pb::cargo_service_server::{CargoService, CargoServiceServer};
use porttrack_platform::ApiError;
use porttrack_platform::auth::MethodScopes;
use porttrack_proto::cargo::v1 as pb;
use tonic::{Request, Response, Status};

use crate::{
    domain::{self, ItemInput, ItemKind, ItemStatus, ManifestStatus},
    scopes,
    service::Cargo,
    store::Filter,
};

#[derive(Debug, Clone)]
pub struct CargoGrpc {
    cargo: Cargo,
}

impl CargoGrpc {
    pub fn new(cargo: Cargo) -> CargoServiceServer<Self> {
        CargoServiceServer::new(Self { cargo })
    }
}

/// The scope each RPC needs (see `crate::scopes`).
pub const SCOPES: MethodScopes = &[
    ("CreateManifest", scopes::WRITE),
    ("GetManifest", scopes::READ),
    ("UpdateManifest", scopes::WRITE),
    ("ListManifests", scopes::READ),
    ("AddItem", scopes::WRITE),
    ("UpdateItem", scopes::WRITE),
    ("FindContainer", scopes::READ),
    ("ListViolations", scopes::READ),
];

#[tonic::async_trait]
impl CargoService for CargoGrpc {
    async fn create_manifest(
        &self,
        request: Request<pb::CreateManifestRequest>,
    ) -> Result<Response<pb::Manifest>, Status> {
        let r = request.into_inner();
        let (m, _) = self
            .cargo
            .create_manifest(Some(&r.idempotency_key), &r.port_call_id, r.mmsi, r.eta_ms)
            .await?;
        Ok(Response::new(manifest_pb(&m)))
    }

    async fn get_manifest(
        &self,
        request: Request<pb::GetManifestRequest>,
    ) -> Result<Response<pb::Manifest>, Status> {
        let m = self.cargo.get_manifest(&request.into_inner().id).await?;
        Ok(Response::new(manifest_pb(&m)))
    }

    async fn update_manifest(
        &self,
        request: Request<pb::UpdateManifestRequest>,
    ) -> Result<Response<pb::Manifest>, Status> {
        let r = request.into_inner();
        let status = manifest_status(r.status)?;
        let m = self
            .cargo
            .update_manifest(&r.id, r.expected_version, r.eta_ms, status)
            .await?;
        Ok(Response::new(manifest_pb(&m)))
    }

    async fn list_manifests(
        &self,
        request: Request<pb::ListManifestsRequest>,
    ) -> Result<Response<pb::ListManifestsResponse>, Status> {
        let r = request.into_inner();
        let filter = Filter {
            mmsi: r.mmsi,
            port_call_id: Some(r.port_call_id).filter(|p| !p.is_empty()),
            status: manifest_status(r.status)?,
        };
        let (manifests, next_page_token) =
            self.cargo.list(r.page_size, &r.page_token, filter).await?;
        Ok(Response::new(pb::ListManifestsResponse {
            manifests: manifests.iter().map(manifest_pb).collect(),
            next_page_token,
        }))
    }

    async fn add_item(
        &self,
        request: Request<pb::AddItemRequest>,
    ) -> Result<Response<pb::Manifest>, Status> {
        let r = request.into_inner();
        let item = r
            .item
            .ok_or_else(|| ApiError::invalid("item", "required"))?;
        let (m, _) = self
            .cargo
            .add_item(
                &r.manifest_id,
                Some(&r.idempotency_key),
                r.expected_version,
                &item_input(&item)?,
            )
            .await?;
        Ok(Response::new(manifest_pb(&m)))
    }

    async fn update_item(
        &self,
        request: Request<pb::UpdateItemRequest>,
    ) -> Result<Response<pb::Manifest>, Status> {
        let r = request.into_inner();
        let item = r
            .item
            .ok_or_else(|| ApiError::invalid("item", "required"))?;
        let m = self
            .cargo
            .update_item(
                &r.manifest_id,
                &r.item_id,
                r.expected_version,
                &item_input(&item)?,
            )
            .await?;
        Ok(Response::new(manifest_pb(&m)))
    }

    async fn find_container(
        &self,
        request: Request<pb::FindContainerRequest>,
    ) -> Result<Response<pb::FindContainerResponse>, Status> {
        let found = self
            .cargo
            .find_container(&request.into_inner().container_number)
            .await?;
        let matches = found
            .into_iter()
            .map(|(m, item)| pb::ContainerMatch {
                manifest_id: m.id,
                port_call_id: m.port_call_id,
                mmsi: m.mmsi,
                item: Some(item_pb(&item)),
            })
            .collect();
        Ok(Response::new(pb::FindContainerResponse { matches }))
    }

    async fn list_violations(
        &self,
        request: Request<pb::ListViolationsRequest>,
    ) -> Result<Response<pb::ListViolationsResponse>, Status> {
        let (violations, manifest_version) = self
            .cargo
            .violations(&request.into_inner().manifest_id)
            .await?;
        Ok(Response::new(pb::ListViolationsResponse {
            violations: violations.into_iter().map(violation_pb).collect(),
            manifest_version,
        }))
    }
}

/// Unspecified means "not given"; a number outside the enum is refused.
fn manifest_status(raw: i32) -> Result<Option<ManifestStatus>, ApiError> {
    match pb::ManifestStatus::try_from(raw) {
        Ok(pb::ManifestStatus::Unspecified) => Ok(None),
        Ok(pb::ManifestStatus::Open) => Ok(Some(ManifestStatus::Open)),
        Ok(pb::ManifestStatus::Closed) => Ok(Some(ManifestStatus::Closed)),
        Err(_) => Err(ApiError::invalid(
            "status",
            format!("{raw} is not a ManifestStatus"),
        )),
    }
}

fn item_input(i: &pb::ItemInput) -> Result<ItemInput<'_>, ApiError> {
    let kind = match pb::ItemKind::try_from(i.kind) {
        Ok(pb::ItemKind::Unspecified) => None,
        Ok(pb::ItemKind::Container) => Some(ItemKind::Container),
        Ok(pb::ItemKind::Bulk) => Some(ItemKind::Bulk),
        Ok(pb::ItemKind::BreakBulk) => Some(ItemKind::BreakBulk),
        Ok(pb::ItemKind::Vehicle) => Some(ItemKind::Vehicle),
        Err(_) => {
            return Err(ApiError::invalid(
                "kind",
                format!("{} is not an ItemKind", i.kind),
            ));
        }
    };
    let status = match pb::ItemStatus::try_from(i.status) {
        Ok(pb::ItemStatus::Unspecified) => None,
        Ok(pb::ItemStatus::ToLoad) => Some(ItemStatus::ToLoad),
        Ok(pb::ItemStatus::Loaded) => Some(ItemStatus::Loaded),
        Ok(pb::ItemStatus::ToDischarge) => Some(ItemStatus::ToDischarge),
        Ok(pb::ItemStatus::Discharged) => Some(ItemStatus::Discharged),
        Err(_) => {
            return Err(ApiError::invalid(
                "status",
                format!("{} is not an ItemStatus", i.status),
            ));
        }
    };
    Ok(ItemInput {
        kind,
        container_number: &i.container_number,
        description: &i.description,
        weight_kg: i.weight_kg,
        status,
        hold: i.hold,
        dangerous_goods: i
            .dangerous_goods
            .as_ref()
            .map(|d| (d.un_number.as_str(), d.imdg_class.as_str())),
    })
}

pub fn manifest_pb(m: &domain::Manifest) -> pb::Manifest {
    pb::Manifest {
        id: m.id.clone(),
        port_call_id: m.port_call_id.clone(),
        mmsi: m.mmsi,
        eta_ms: m.eta_ms,
        declared_at_ms: m.declared_at_ms,
        status: match m.status {
            ManifestStatus::Open => pb::ManifestStatus::Open,
            ManifestStatus::Closed => pb::ManifestStatus::Closed,
        }
        .into(),
        version: m.version,
        items: m.items.iter().map(item_pb).collect(),
        updated_at_ms: m.updated_at_ms,
    }
}

pub fn item_pb(i: &domain::Item) -> pb::CargoItem {
    let s = &i.spec;
    pb::CargoItem {
        id: i.id.clone(),
        kind: match s.kind {
            ItemKind::Container => pb::ItemKind::Container,
            ItemKind::Bulk => pb::ItemKind::Bulk,
            ItemKind::BreakBulk => pb::ItemKind::BreakBulk,
            ItemKind::Vehicle => pb::ItemKind::Vehicle,
        }
        .into(),
        container_number: s
            .container_number
            .as_ref()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        description: s.description.clone(),
        weight_kg: s.weight_kg,
        status: match s.status {
            ItemStatus::ToLoad => pb::ItemStatus::ToLoad,
            ItemStatus::Loaded => pb::ItemStatus::Loaded,
            ItemStatus::ToDischarge => pb::ItemStatus::ToDischarge,
            ItemStatus::Discharged => pb::ItemStatus::Discharged,
        }
        .into(),
        hold: s.hold,
        dangerous_goods: s.dangerous_goods.map(|d| pb::DangerousGoods {
            un_number: d.un_number.to_string(),
            imdg_class: d.class.to_string(),
        }),
        declared_at_ms: i.declared_at_ms,
    }
}

pub fn violation_pb(v: domain::Violation) -> pb::Violation {
    pb::Violation {
        rule: v.rule.to_owned(),
        message: v.message,
        item_ids: v.item_ids,
    }
}
