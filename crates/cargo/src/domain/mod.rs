//! The cargo domain: manifests per port call and their items, validated at
//! the edge so the rest of the service holds valid values, and the
//! dangerous-goods checks ([`violations`]).

mod container;
mod dangerous;

use porttrack_platform::{ApiError, FieldViolation};

pub use container::ContainerNumber;
pub use dangerous::{DangerousGoods, ImdgClass, UnNumber, incompatible};

/// Dangerous goods must be declared at least this long before arrival.
pub const DECLARATION_LEAD_MS: i64 = 24 * 60 * 60 * 1000;
/// Heaviest single item accepted: a large bulk carrier's whole cargo.
pub const MAX_WEIGHT_KG: u64 = 500_000_000;

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
    /// Whether a manifest still takes changes from the ship's agent.
    ManifestStatus { Open = "open", Closed = "closed" }
);
text_enum!(ItemKind {
    Container = "container",
    Bulk = "bulk",
    BreakBulk = "break_bulk",
    Vehicle = "vehicle",
});
text_enum!(
    /// Where an item is in its load or discharge.
    ItemStatus {
        ToLoad = "to_load",
        Loaded = "loaded",
        ToDischarge = "to_discharge",
        Discharged = "discharged",
    }
);

/// A port call's identifier, as the routes service issues it.
pub fn check_port_call_id(raw: &str) -> Result<String, ApiError> {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    ok.then(|| raw.to_owned()).ok_or_else(|| {
        ApiError::invalid(
            "port_call_id",
            "1 to 64 characters: letters, digits, '-', '_', '.', ':'",
        )
    })
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

/// What a client asks for when it creates a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewManifest {
    pub port_call_id: String,
    pub mmsi: u32,
    pub eta_ms: i64,
}

impl NewManifest {
    pub fn new(port_call_id: &str, mmsi: u32, eta_ms: i64) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let port_call_id = collect(&mut errors, check_port_call_id(port_call_id));
        let mmsi = collect(&mut errors, check_mmsi(mmsi));
        if eta_ms <= 0 {
            errors.push(FieldViolation::new(
                "eta_ms",
                "required: epoch milliseconds",
            ));
        }
        match (port_call_id, mmsi) {
            (Some(port_call_id), Some(mmsi)) if errors.is_empty() => Ok(Self {
                port_call_id,
                mmsi,
                eta_ms,
            }),
            _ => Err(ApiError::InvalidArgument(errors)),
        }
    }
}

/// A validated item, before the store gives it an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSpec {
    pub kind: ItemKind,
    pub container_number: Option<ContainerNumber>,
    pub description: String,
    pub weight_kg: u64,
    pub status: ItemStatus,
    pub hold: Option<u32>,
    pub dangerous_goods: Option<DangerousGoods>,
}

/// An item as a client sends it, strings not yet parsed.
#[derive(Debug, Clone, Default)]
pub struct ItemInput<'a> {
    pub kind: Option<ItemKind>,
    pub container_number: &'a str,
    pub description: &'a str,
    pub weight_kg: u64,
    pub status: Option<ItemStatus>,
    pub hold: Option<u32>,
    /// UN number and IMDG class, when the item is dangerous goods.
    pub dangerous_goods: Option<(&'a str, &'a str)>,
}

impl ItemInput<'_> {
    /// Checks every field and reports every problem at once.
    pub fn validate(&self) -> Result<ItemSpec, ApiError> {
        let mut errors = Vec::new();
        let kind = self.kind.or_else(|| {
            errors.push(FieldViolation::new("kind", "required"));
            None
        });
        let container_number = match (kind, self.container_number.trim()) {
            (Some(ItemKind::Container), n) => {
                collect(&mut errors, ContainerNumber::parse(n)).map(Some)
            }
            (_, "") => Some(None),
            (_, _) => {
                errors.push(FieldViolation::new(
                    "container_number",
                    "only containers carry a container number",
                ));
                None
            }
        };
        if self.description.chars().count() > 500 {
            errors.push(FieldViolation::new("description", "at most 500 characters"));
        }
        if !(1..=MAX_WEIGHT_KG).contains(&self.weight_kg) {
            errors.push(FieldViolation::new(
                "weight_kg",
                format!("must be more than 0 and at most {MAX_WEIGHT_KG}"),
            ));
        }
        if self.hold.is_some_and(|h| !(1..=99).contains(&h)) {
            errors.push(FieldViolation::new("hold", "a hold number from 1 to 99"));
        }
        let dangerous_goods = match self.dangerous_goods {
            None => Some(None),
            Some((un, class)) => {
                let un = collect(&mut errors, UnNumber::parse(un));
                let class = collect(&mut errors, ImdgClass::parse(class));
                un.zip(class)
                    .map(|(un_number, class)| Some(DangerousGoods { un_number, class }))
            }
        };
        match (kind, container_number, dangerous_goods) {
            (Some(kind), Some(container_number), Some(dangerous_goods)) if errors.is_empty() => {
                Ok(ItemSpec {
                    kind,
                    container_number,
                    description: self.description.trim().to_owned(),
                    weight_kg: self.weight_kg,
                    status: self.status.unwrap_or(ItemStatus::ToLoad),
                    hold: self.hold,
                    dangerous_goods,
                })
            }
            _ => Err(ApiError::InvalidArgument(errors)),
        }
    }
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

/// An item as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub spec: ItemSpec,
    /// When its dangerous goods were declared (added, or last changed).
    pub declared_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub id: String,
    pub port_call_id: String,
    pub mmsi: u32,
    pub eta_ms: i64,
    pub declared_at_ms: i64,
    pub status: ManifestStatus,
    pub version: i64,
    pub updated_at_ms: i64,
    /// Empty in listings.
    pub items: Vec<Item>,
}

/// A broken dangerous-goods rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Violation {
    /// `late_declaration` or `segregation`.
    pub rule: &'static str,
    pub message: String,
    pub item_ids: Vec<String>,
}

/// The dangerous-goods checks: items declared later than 24 hours before
/// the ETA, and every incompatible pair (see [`incompatible`]).
pub fn violations(m: &Manifest) -> Vec<Violation> {
    let dg: Vec<(&Item, DangerousGoods)> = m
        .items
        .iter()
        .filter_map(|i| i.spec.dangerous_goods.map(|d| (i, d)))
        .collect();
    let deadline = m.eta_ms - DECLARATION_LEAD_MS;
    let mut out: Vec<Violation> = dg
        .iter()
        .filter(|(i, _)| i.declared_at_ms > deadline)
        .map(|(i, d)| Violation {
            rule: "late_declaration",
            message: format!(
                "{} (class {}) declared less than 24 h before the ETA",
                d.un_number, d.class
            ),
            item_ids: vec![i.id.clone()],
        })
        .collect();
    for (n, (a, da)) in dg.iter().enumerate() {
        for (b, db) in &dg[n + 1..] {
            if incompatible(da.class, db.class) {
                out.push(Violation {
                    rule: "segregation",
                    message: format!(
                        "class {} ({}) and class {} ({}) must not travel in one manifest",
                        da.class, da.un_number, db.class, db.un_number
                    ),
                    item_ids: vec![a.id.clone(), b.id.clone()],
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
