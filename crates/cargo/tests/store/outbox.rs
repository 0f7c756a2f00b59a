//! The outbox: one event per committed change, waiting in order until the
//! relay confirms it.

use porttrack_cargo::{domain::ManifestStatus, store::Store};

use crate::fixtures::{A, T0, dg, new};

on_every_backend!(every_committed_change_waits_in_the_outbox_in_order);

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
