//! Vessels as clients see them: listed in pages and by name prefix, with
//! their registry entries beside the AIS data.

use porttrack_ships::{
    domain::Registry,
    store::{Change, Store},
};

use crate::fixtures::{A, B, pos, type_24a};

on_every_backend!(
    list_pages_by_mmsi_and_filters_by_name_prefix,
    registry_is_stored_updated_and_shown,
);

async fn list_pages_by_mmsi_and_filters_by_name_prefix(store: Store) {
    store
        .apply(&[
            type_24a(311_000_222, 1_000, "ATLANTIC"),
            type_24a(211_000_001, 1_000, "Nordic Star"),
            Change::Position(pos(A, 1_000, 52.0, 4.0, None)),
            type_24a(B, 1_000, "NORDLYS"),
            // Known only from static data: no position ever.
            type_24a(636_000_999, 1_000, "NORTHERN LIGHT"),
        ])
        .await
        .unwrap();
    let mmsis = |vs: Vec<porttrack_ships::domain::Vessel>| -> Vec<u32> {
        vs.into_iter().map(|v| v.mmsi).collect()
    };

    let all = store.list(0, "", 100).await.unwrap();
    assert_eq!(
        all.iter().map(|v| v.mmsi).collect::<Vec<_>>(),
        [211_000_001, A, B, 311_000_222, 636_000_999]
    );
    assert_eq!(all[1].static_data, None, "position-only vessel");
    let static_only = all[4].static_data.as_ref().expect("static-only vessel");
    assert_eq!(static_only.name.as_deref(), Some("NORTHERN LIGHT"));

    // Pages of two, each after the previous page's last MMSI.
    assert_eq!(mmsis(store.list(0, "", 2).await.unwrap()), [211_000_001, A]);
    assert_eq!(mmsis(store.list(A, "", 2).await.unwrap()), [B, 311_000_222]);
    assert_eq!(
        mmsis(store.list(311_000_222, "", 2).await.unwrap()),
        [636_000_999]
    );
    assert!(store.list(636_000_999, "", 2).await.unwrap().is_empty());

    // Prefix, whatever the case of the query or the stored name.
    assert_eq!(
        mmsis(store.list(0, "nOr", 100).await.unwrap()),
        [211_000_001, B, 636_000_999]
    );
    assert_eq!(
        mmsis(store.list(0, "NORD", 100).await.unwrap()),
        [211_000_001, B]
    );
    assert_eq!(
        mmsis(store.list(0, "nordic", 100).await.unwrap()),
        [211_000_001]
    );
    assert_eq!(mmsis(store.list(211_000_001, "nor", 1).await.unwrap()), [B]);
    assert!(
        store.list(0, "star", 100).await.unwrap().is_empty(),
        "prefix, not substring"
    );
}

async fn registry_is_stored_updated_and_shown(store: Store) {
    assert_eq!(store.vessel(999_999_999).await.unwrap(), None);

    store
        .apply(&[type_24a(A, 1_000, "NORDIC STAR")])
        .await
        .unwrap();
    let first = Registry {
        operator: "Fjord Line".to_owned(),
        flag: "NO".to_owned(),
        notes: String::new(),
        updated_at_ms: 5_000,
    };
    store.put_registry(A, &first).await.unwrap();
    let v = store.vessel(A).await.unwrap().expect("vessel");
    assert_eq!(v.registry.as_ref(), Some(&first));
    assert_eq!(
        v.static_data.and_then(|s| s.name).as_deref(),
        Some("NORDIC STAR"),
        "registry and AIS data side by side"
    );

    let second = Registry {
        operator: "Color Line".to_owned(),
        flag: "DK".to_owned(),
        notes: "pilot required".to_owned(),
        updated_at_ms: 6_000,
    };
    store.put_registry(A, &second).await.unwrap();
    assert_eq!(
        store.vessel(A).await.unwrap().and_then(|v| v.registry),
        Some(second.clone())
    );

    // A vessel known only from the registry is a vessel too.
    let only = Registry {
        operator: "Harbour Tugs".to_owned(),
        flag: String::new(),
        notes: String::new(),
        updated_at_ms: 7_000,
    };
    store.put_registry(B, &only).await.unwrap();
    let listed = store.list(0, "", 100).await.unwrap();
    let registries: Vec<(u32, Option<Registry>)> =
        listed.into_iter().map(|v| (v.mmsi, v.registry)).collect();
    assert_eq!(registries, [(A, Some(second)), (B, Some(only))]);
    assert_eq!(
        store.vessel(B).await.unwrap().and_then(|v| v.static_data),
        None
    );
}
