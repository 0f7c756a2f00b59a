//! REST bodies, with their OpenAPI schemas.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::{self, ItemKind, ItemStatus, ManifestStatus, Violation};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DangerousGoodsJson {
    /// `UN1203` (or `1203`): UN0001 to UN3548.
    #[schema(example = "UN1203")]
    pub un_number: String,
    /// `3`, `5.1`, `1.4S`, ...
    #[schema(example = "3")]
    pub imdg_class: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemJson {
    pub id: String,
    pub kind: ItemKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_number: Option<String>,
    pub description: String,
    pub weight_kg: u64,
    pub status: ItemStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dangerous_goods: Option<DangerousGoodsJson>,
    pub declared_at_ms: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ManifestJson {
    pub id: String,
    pub port_call_id: String,
    pub mmsi: u32,
    pub eta_ms: i64,
    pub declared_at_ms: i64,
    pub status: ManifestStatus,
    /// Also the `ETag`; send it back in `If-Match` to change the manifest.
    pub version: i64,
    pub updated_at_ms: i64,
    /// Empty in listings.
    pub items: Vec<ItemJson>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateManifestBody {
    pub port_call_id: String,
    pub mmsi: u32,
    pub eta_ms: i64,
    /// Used when no `Idempotency-Key` header is sent.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateManifestBody {
    #[serde(default)]
    pub eta_ms: Option<i64>,
    #[serde(default)]
    pub status: Option<ManifestStatus>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemBody {
    pub kind: Option<ItemKind>,
    /// ISO 6346 with check digit; containers only.
    #[serde(default)]
    #[schema(example = "CSQU3054383")]
    pub container_number: String,
    #[serde(default)]
    pub description: String,
    pub weight_kg: u64,
    #[serde(default)]
    pub status: Option<ItemStatus>,
    #[serde(default)]
    pub hold: Option<u32>,
    #[serde(default)]
    pub dangerous_goods: Option<DangerousGoodsJson>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// At most 1000; default 100.
    pub page_size: Option<String>,
    /// `next_page_token` of the previous page.
    pub page_token: Option<String>,
    pub mmsi: Option<String>,
    pub port_call_id: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ManifestPage {
    pub manifests: Vec<ManifestJson>,
    /// Empty on the last page.
    pub next_page_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContainerMatchJson {
    pub manifest_id: String,
    pub port_call_id: String,
    pub mmsi: u32,
    pub item: ItemJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContainerMatches {
    pub matches: Vec<ContainerMatchJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Violations {
    pub violations: Vec<Violation>,
    pub manifest_version: i64,
}

impl From<&domain::Item> for ItemJson {
    fn from(i: &domain::Item) -> Self {
        let s = &i.spec;
        Self {
            id: i.id.clone(),
            kind: s.kind,
            container_number: s.container_number.as_ref().map(|c| c.to_string()),
            description: s.description.clone(),
            weight_kg: s.weight_kg,
            status: s.status,
            hold: s.hold,
            dangerous_goods: s.dangerous_goods.map(|d| DangerousGoodsJson {
                un_number: d.un_number.to_string(),
                imdg_class: d.class.to_string(),
            }),
            declared_at_ms: i.declared_at_ms,
        }
    }
}

impl From<&domain::Manifest> for ManifestJson {
    fn from(m: &domain::Manifest) -> Self {
        Self {
            id: m.id.clone(),
            port_call_id: m.port_call_id.clone(),
            mmsi: m.mmsi,
            eta_ms: m.eta_ms,
            declared_at_ms: m.declared_at_ms,
            status: m.status,
            version: m.version,
            updated_at_ms: m.updated_at_ms,
            items: m.items.iter().map(Into::into).collect(),
        }
    }
}

impl ItemBody {
    pub fn input(&self) -> domain::ItemInput<'_> {
        domain::ItemInput {
            kind: self.kind,
            container_number: &self.container_number,
            description: &self.description,
            weight_kg: self.weight_kg,
            status: self.status,
            hold: self.hold,
            dangerous_goods: self
                .dangerous_goods
                .as_ref()
                .map(|d| (d.un_number.as_str(), d.imdg_class.as_str())),
        }
    }
}
