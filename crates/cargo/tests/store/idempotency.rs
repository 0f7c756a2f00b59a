//! Retries and unique keys: an idempotency key creates once and answers
//! every retry with the original; a port call has one manifest.

use porttrack_cargo::{
    domain::ManifestStatus,
    store::{Filter, Store, StoreError},
};

use crate::fixtures::{A, ETA, T0, container, new};

on_every_backend!(
    a_retried_create_returns_the_original_and_never_duplicates,
    one_manifest_per_port_call,
    a_retried_add_item_adds_once,
    concurrent_creates_with_one_key_create_one_manifest,
);

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
