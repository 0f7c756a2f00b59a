//! Changes to manifests and their items: optimistic versions, declaration
//! times, closed manifests, and writers racing from one version.

use porttrack_cargo::{
    domain::{ItemStatus, ManifestStatus},
    store::{Store, StoreError},
};

use crate::fixtures::{A, ETA, T0, container, dg, new};

on_every_backend!(
    updates_need_the_current_version,
    items_keep_their_declaration_time_unless_their_goods_change,
    closed_manifests_refuse_item_changes,
    of_concurrent_updates_from_one_version_exactly_one_wins,
);

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
