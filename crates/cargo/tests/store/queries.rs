//! Reading the store back: listing manifests in pages and by filter, and
//! finding a container wherever it is declared.

use porttrack_cargo::{
    domain::{ContainerNumber, ManifestStatus},
    store::{Filter, Store},
};

use crate::fixtures::{A, B, T0, container, new};

on_every_backend!(
    list_pages_in_id_order_and_filters,
    containers_are_found_across_manifests,
);

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
