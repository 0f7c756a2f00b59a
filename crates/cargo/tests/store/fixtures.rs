//! What the cargo store scenarios share: the store on a database, and
//! manifests and items with the values the scenarios expect back.

use porttrack_cargo::{
    domain::{ItemInput, ItemKind, ItemSpec, NewManifest},
    store::{MIGRATOR, Store},
};
use porttrack_platform::db::connect_and_migrate;

pub const A: u32 = 244_740_981;
pub const B: u32 = 257_123_456;
pub const ETA: i64 = 1_800_000_000_000;
pub const T0: i64 = 1_700_000_000_000;

pub async fn store(url: &str) -> Store {
    let pool = connect_and_migrate(url, &MIGRATOR)
        .await
        .expect("connect and migrate");
    Store::new(pool)
}

pub fn new(port_call: &str, mmsi: u32) -> NewManifest {
    NewManifest::new(port_call, mmsi, ETA).unwrap()
}

pub fn container(number: &str, weight_kg: u64) -> ItemSpec {
    ItemInput {
        kind: Some(ItemKind::Container),
        container_number: number,
        description: "machine parts",
        weight_kg,
        ..ItemInput::default()
    }
    .validate()
    .unwrap()
}

pub fn dg(un: &str, class: &str) -> ItemSpec {
    ItemInput {
        kind: Some(ItemKind::BreakBulk),
        description: "drums",
        weight_kg: 800,
        hold: Some(2),
        dangerous_goods: Some((un, class)),
        ..ItemInput::default()
    }
    .validate()
    .unwrap()
}
