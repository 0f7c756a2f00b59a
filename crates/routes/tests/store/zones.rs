//! Zones: created once per idempotency key, listed by kind and in pages.

use porttrack_routes::{
    domain::ZoneKind,
    store::{Store, StoreError},
};

use crate::{
    fixtures::{T0, zone},
    support,
};

on_every_backend!(zones_are_created_once_per_key_and_listed_by_kind);

async fn zones_are_created_once_per_key_and_listed_by_kind(store: Store) {
    let new = zone("Approach", ZoneKind::PortApproach, &support::approach());
    let (first, created) = store.create_zone(&new, Some("z-1"), T0).await.unwrap();
    assert!(created);
    assert_eq!(first.polygon.points(), support::approach().as_slice());
    let (again, created) = store.create_zone(&new, Some("z-1"), T0 + 1).await.unwrap();
    assert!(!created);
    assert_eq!(again, first);
    let other = zone("Berth", ZoneKind::Berth, &support::berth());
    let reused = store
        .create_zone(&other, Some("z-1"), T0)
        .await
        .unwrap_err();
    assert!(matches!(reused, StoreError::Conflict(_)), "{reused:?}");
    store.create_zone(&other, None, T0).await.unwrap();

    let all = store.zones(None, "", 0).await.unwrap();
    assert_eq!(all.len(), 2);
    let berths = store.zones(Some(ZoneKind::Berth), "", 10).await.unwrap();
    assert_eq!(berths.len(), 1);
    assert_eq!(berths[0].name, "Berth");
    let page = store.zones(None, "", 1).await.unwrap();
    let rest = store.zones(None, &page[0].id, 10).await.unwrap();
    assert_eq!((page.len(), rest.len()), (1, 1));
}
