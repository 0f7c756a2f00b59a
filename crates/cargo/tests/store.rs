//! The cargo store, each scenario written once and run against both
//! databases it supports: SQLite in a temporary directory and a fresh
//! PostgreSQL database. Expected values are written out here.

use porttrack_cargo::{
    domain::{
        ContainerNumber, ItemInput, ItemKind, ItemSpec, ItemStatus, ManifestStatus, NewManifest,
    },
    store::{Filter, MIGRATOR, Store, StoreError},
};
use porttrack_platform::db::connect_and_migrate;

const A: u32 = 244_740_981;
const B: u32 = 257_123_456;
const ETA: i64 = 1_800_000_000_000;
const T0: i64 = 1_700_000_000_000;

/// Runs each named scenario as one test per database.
macro_rules! on_every_backend {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $scenario() {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let url = porttrack_testkit::servers::sqlite_in(&dir);
                    super::$scenario(super::store(&url).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $scenario() {
                    let url = porttrack_testkit::servers::fresh_postgres().await;
                    super::$scenario(super::store(&url).await).await;
                }
            )*
        }
    };
}

on_every_backend!(
    a_retried_create_returns_the_original_and_never_duplicates,
    one_manifest_per_port_call,
    updates_need_the_current_version,
    items_keep_their_declaration_time_unless_their_goods_change,
    a_retried_add_item_adds_once,
    closed_manifests_refuse_item_changes,
    list_pages_in_id_order_and_filters,
    containers_are_found_across_manifests,
    of_concurrent_updates_from_one_version_exactly_one_wins,
    concurrent_creates_with_one_key_create_one_manifest,
    every_committed_change_waits_in_the_outbox_in_order,
);

async fn store(url: &str) -> Store {
    let pool = connect_and_migrate(url, &MIGRATOR)
        .await
        .expect("connect and migrate");
    Store::new(pool)
}

fn new(port_call: &str, mmsi: u32) -> NewManifest {
    NewManifest::new(port_call, mmsi, ETA).unwrap()
}

fn container(number: &str, weight_kg: u64) -> ItemSpec {
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

fn dg(un: &str, class: &str) -> ItemSpec {
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

async fn a_retried_create_returns_the_original_and_never_duplicates(store: Store) {
    let (first, created) = store
        .create_manifest(&new("PC-1", A), Some("key-1"), T0)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(
        (first.port_call_id.as_str(), first.mmsi, first.eta_ms),
        ("PC-1", A, ETA)
    );
    assert_eq!((first.version, first.declared_at_ms), (1, T0));
    assert_eq!(first.status, ManifestStatus::Open);

    let (again, created) = store
        .create_manifest(&new("PC-1", A), Some("key-1"), T0 + 5)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again, first);

    // The same key for another request is a client bug, not a retry.
    let reused = store
        .create_manifest(&new("PC-2", A), Some("key-1"), T0)
        .await
        .unwrap_err();
    assert!(matches!(reused, StoreError::Conflict(_)), "{reused:?}");
    let all = store.list(&Filter::default(), "", 100).await.unwrap();
    assert_eq!(all.len(), 1);
}

async fn one_manifest_per_port_call(store: Store) {
    store
        .create_manifest(&new("PC-1", A), None, T0)
        .await
        .unwrap();
    let err = store
        .create_manifest(&new("PC-1", A), Some("other"), T0)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    // The failed create did not keep its key: the key may be used again.
    let (m, created) = store
        .create_manifest(&new("PC-2", A), Some("other"), T0)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(m.port_call_id, "PC-2");
}

async fn updates_need_the_current_version(store: Store) {
    let (m, _) = store
        .create_manifest(&new("PC-1", A), None, T0)
        .await
        .unwrap();
    let (m2, _) = store
        .add_item(
            &m.id,
            &container("CSQU3054383", 12_000),
            None,
            Some(1),
            T0 + 1,
        )
        .await
        .unwrap();
    assert_eq!(m2.version, 2);
    assert_eq!(m2.updated_at_ms, T0 + 1);

    let stale = store
        .update_manifest(&m.id, 1, Some(ETA + 1), None, T0 + 2)
        .await
        .unwrap_err();
    assert!(
        matches!(
            stale,
            StoreError::VersionMismatch {
                expected: 1,
                current: 2
            }
        ),
        "{stale:?}"
    );
    let m3 = store
        .update_manifest(&m.id, 2, Some(ETA + 1), None, T0 + 2)
        .await
        .unwrap();
    assert_eq!((m3.version, m3.eta_ms), (3, ETA + 1));
    assert_eq!(m3.items.len(), 1);
    assert_eq!(store.manifest(&m.id).await.unwrap(), Some(m3));

    let missing = store
        .update_manifest("nope", 1, None, None, T0)
        .await
        .unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)), "{missing:?}");
    assert_eq!(store.manifest("nope").await.unwrap(), None);
}

async fn items_keep_their_declaration_time_unless_their_goods_change(store: Store) {
    let (m, _) = store
        .create_manifest(&new("PC-1", A), None, T0)
        .await
        .unwrap();
    let (m, _) = store
        .add_item(&m.id, &dg("UN1203", "3"), None, None, T0 + 10)
        .await
        .unwrap();
    let item = m.items[0].clone();
    assert_eq!(item.spec, dg("UN1203", "3"));
    assert_eq!(item.declared_at_ms, T0 + 10);

    let mut moved = dg("UN1203", "3");
    moved.status = ItemStatus::Loaded;
    moved.hold = Some(3);
    let m = store
        .update_item(&m.id, &item.id, &moved, m.version, T0 + 20)
        .await
        .unwrap();
    assert_eq!(m.items[0].spec, moved);
    assert_eq!(m.items[0].declared_at_ms, T0 + 10, "same goods");

    let m = store
        .update_item(&m.id, &item.id, &dg("UN1942", "5.1"), m.version, T0 + 30)
        .await
        .unwrap();
    assert_eq!(m.items[0].declared_at_ms, T0 + 30, "new goods");
    assert_eq!(m.version, 4);

    let missing = store
        .update_item(&m.id, "no-such-item", &moved, m.version, T0)
        .await
        .unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)), "{missing:?}");
    assert_eq!(
        store.manifest(&m.id).await.unwrap().unwrap().version,
        4,
        "rolled back"
    );
}

async fn a_retried_add_item_adds_once(store: Store) {
    let (m, _) = store
        .create_manifest(&new("PC-1", A), None, T0)
        .await
        .unwrap();
    let spec = container("MSKU9070323", 20_000);
    let (first, created) = store
        .add_item(&m.id, &spec, Some("item-key"), None, T0)
        .await
        .unwrap();
    assert!(created);
    let (again, created) = store
        .add_item(&m.id, &spec, Some("item-key"), None, T0)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again, first);
    assert_eq!((again.items.len(), again.version), (1, 2));
}

async fn closed_manifests_refuse_item_changes(store: Store) {
    let (m, _) = store
        .create_manifest(&new("PC-1", A), None, T0)
        .await
        .unwrap();
    let m = store
        .update_manifest(&m.id, 1, None, Some(ManifestStatus::Closed), T0)
        .await
        .unwrap();
    assert_eq!((m.status, m.version), (ManifestStatus::Closed, 2));
    let err = store
        .add_item(&m.id, &dg("UN1203", "3"), None, Some(2), T0)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    // Reopening is an update like any other.
    let m = store
        .update_manifest(&m.id, 2, None, Some(ManifestStatus::Open), T0)
        .await
        .unwrap();
    assert_eq!(m.version, 3);
}

async fn list_pages_in_id_order_and_filters(store: Store) {
    let mut ids = Vec::new();
    for (pc, mmsi) in [("PC-1", A), ("PC-2", B), ("PC-3", A), ("PC-4", A)] {
        ids.push(
            store
                .create_manifest(&new(pc, mmsi), None, T0)
                .await
                .unwrap()
                .0
                .id,
        );
    }
    store
        .update_manifest(&ids[3], 1, None, Some(ManifestStatus::Closed), T0)
        .await
        .unwrap();
    let calls = |ms: Vec<porttrack_cargo::domain::Manifest>| -> Vec<String> {
        ms.into_iter().map(|m| m.port_call_id).collect()
    };
    let all = Filter::default();
    assert_eq!(
        calls(store.list(&all, "", 100).await.unwrap()),
        ["PC-1", "PC-2", "PC-3", "PC-4"]
    );
    let page = store.list(&all, "", 2).await.unwrap();
    assert!(page.iter().all(|m| m.items.is_empty()));
    assert_eq!(calls(page), ["PC-1", "PC-2"]);
    assert_eq!(
        calls(store.list(&all, &ids[1], 2).await.unwrap()),
        ["PC-3", "PC-4"]
    );

    let by_a = Filter {
        mmsi: Some(A),
        ..Filter::default()
    };
    assert_eq!(
        calls(store.list(&by_a, "", 100).await.unwrap()),
        ["PC-1", "PC-3", "PC-4"]
    );
    let open_a = Filter {
        status: Some(ManifestStatus::Open),
        ..by_a.clone()
    };
    assert_eq!(
        calls(store.list(&open_a, &ids[0], 100).await.unwrap()),
        ["PC-3"]
    );
    let by_call = Filter {
        port_call_id: Some("PC-2".into()),
        ..Filter::default()
    };
    assert_eq!(
        calls(store.list(&by_call, "", 100).await.unwrap()),
        ["PC-2"]
    );
    let none = Filter {
        port_call_id: Some("PC-2".into()),
        ..by_a
    };
    assert!(store.list(&none, "", 100).await.unwrap().is_empty());
}

async fn containers_are_found_across_manifests(store: Store) {
    let (m1, _) = store
        .create_manifest(&new("PC-1", A), None, T0)
        .await
        .unwrap();
    let (m2, _) = store
        .create_manifest(&new("PC-2", B), None, T0)
        .await
        .unwrap();
    store
        .add_item(&m1.id, &container("CSQU3054383", 12_000), None, None, T0)
        .await
        .unwrap();
    store
        .add_item(&m1.id, &container("MSKU9070323", 9_000), None, None, T0)
        .await
        .unwrap();
    store
        .add_item(&m2.id, &container("CSQU3054383", 12_500), None, None, T0)
        .await
        .unwrap();
    let n = ContainerNumber::parse("CSQU3054383").unwrap();
    let found: Vec<(String, u64)> = store
        .find_container(&n)
        .await
        .unwrap()
        .into_iter()
        .map(|(m, i)| (m.port_call_id, i.spec.weight_kg))
        .collect();
    assert_eq!(
        found,
        [("PC-1".to_owned(), 12_000), ("PC-2".to_owned(), 12_500)]
    );
    let other = ContainerNumber::parse("TGHU8785089").unwrap();
    assert!(store.find_container(&other).await.unwrap().is_empty());
}

/// Eight writers read version 1 and race: one moves it to 2, the others
/// learn that 1 is stale; none is lost or applied twice.
async fn of_concurrent_updates_from_one_version_exactly_one_wins(store: Store) {
    let (m, _) = store
        .create_manifest(&new("PC-1", A), None, T0)
        .await
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|n| {
            let (store, id) = (store.clone(), m.id.clone());
            tokio::spawn(async move {
                store
                    .update_manifest(&id, 1, Some(ETA + n), None, T0 + n)
                    .await
            })
        })
        .collect();
    let mut won = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(m) => won.push(m),
            Err(StoreError::VersionMismatch {
                expected: 1,
                current: 2,
            }) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(won.len(), 1);
    let stored = store.manifest(&m.id).await.unwrap().unwrap();
    assert_eq!(stored, won[0]);
    assert_eq!(stored.version, 2);
}

/// A client that retries before its first attempt answered: both carry
/// the key, one manifest exists, and both get it.
async fn concurrent_creates_with_one_key_create_one_manifest(store: Store) {
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .create_manifest(&new("PC-1", A), Some("same-key"), T0)
                    .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    let mut created = 0;
    for task in tasks {
        let (m, c) = task.await.unwrap().unwrap();
        ids.push(m.id);
        created += usize::from(c);
    }
    assert_eq!(created, 1);
    ids.dedup();
    assert_eq!(
        ids.len(),
        1,
        "every attempt answered with the same manifest"
    );
    assert_eq!(
        store.list(&Filter::default(), "", 100).await.unwrap().len(),
        1
    );
}

/// One event per committed change, none for a refused change or a retry,
/// in version order; confirmed events leave the outbox.
async fn every_committed_change_waits_in_the_outbox_in_order(store: Store) {
    use porttrack_proto::cargo::v1::{ManifestEvent, ManifestEventKind as K};
    use prost::Message as _;

    let (m, _) = store
        .create_manifest(&new("PC-1", A), Some("k"), T0)
        .await
        .unwrap();
    store
        .create_manifest(&new("PC-1", A), Some("k"), T0)
        .await
        .unwrap();
    let (m2, _) = store
        .add_item(&m.id, &dg("UN1203", "3"), None, None, T0)
        .await
        .unwrap();
    store
        .update_item(&m.id, &m2.items[0].id, &dg("UN1942", "5.1"), 2, T0)
        .await
        .unwrap();
    store
        .update_manifest(&m.id, 1, None, None, T0)
        .await
        .unwrap_err();
    store
        .update_manifest(&m.id, 3, None, Some(ManifestStatus::Closed), T0)
        .await
        .unwrap();

    let waiting = store.outbox(100).await.unwrap();
    let seen: Vec<(String, K, i64)> = waiting
        .iter()
        .map(|p| {
            let e = ManifestEvent::decode(p.payload.as_slice()).unwrap();
            (p.key.clone(), e.kind(), e.manifest.unwrap().version)
        })
        .collect();
    let pc = |k, v| ("PC-1".to_owned(), k, v);
    assert_eq!(
        seen,
        [
            pc(K::Created, 1),
            pc(K::ItemAdded, 2),
            pc(K::ItemUpdated, 3),
            pc(K::Updated, 4)
        ]
    );
    let first_two: Vec<String> = waiting[..2].iter().map(|p| p.id.clone()).collect();
    store.outbox_done(&first_two).await.unwrap();
    let left: Vec<String> = store
        .outbox(100)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(left, [waiting[2].id.clone(), waiting[3].id.clone()]);
}
