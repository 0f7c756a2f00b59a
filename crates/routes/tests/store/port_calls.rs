//! Port calls as clients write them: created once per key, berthed only
//! at berth zones, changed with the current version along allowed
//! transitions.

use porttrack_routes::{
    domain::{PortCallChange, PortCallState},
    store::{Store, StoreError},
};

use crate::{
    fixtures::{ETA, T0, call, outbox, port_zones},
    support::MMSI,
};

on_every_backend!(
    a_retried_port_call_create_returns_the_original,
    berths_must_be_berth_zones,
    updates_need_the_current_version_and_an_allowed_transition,
);

async fn a_retried_port_call_create_returns_the_original(store: Store) {
    let new = call(MMSI, "", ETA, ETA + 3_600_000).validate().unwrap();
    let (first, created) = store.create_port_call(&new, Some("k"), T0).await.unwrap();
    assert!(created);
    assert_eq!(
        (
            first.state,
            first.version,
            first.etd_ms,
            first.berth_id.as_deref()
        ),
        (PortCallState::Planned, 1, Some(ETA + 3_600_000), None)
    );
    let (again, created) = store
        .create_port_call(&new, Some("k"), T0 + 9)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again, first);
    let other = call(MMSI, "", ETA + 1, 0).validate().unwrap();
    let reused = store
        .create_port_call(&other, Some("k"), T0)
        .await
        .unwrap_err();
    assert!(matches!(reused, StoreError::Conflict(_)), "{reused:?}");
    assert_eq!(
        outbox(&store).await,
        ["->planned@1"],
        "one event for one call"
    );
}

async fn berths_must_be_berth_zones(store: Store) {
    let (approach, berth) = port_zones(&store).await;
    for (id, why) in [(approach.as_str(), "not a berth"), ("nope", "no zone nope")] {
        let new = call(MMSI, id, ETA, 0).validate().unwrap();
        let err = store.create_port_call(&new, None, T0).await.unwrap_err();
        match err {
            StoreError::Invalid { field, reason } => {
                assert_eq!(field, "berth_id");
                assert!(reason.contains(why), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }
    let new = call(MMSI, &berth, ETA, 0).validate().unwrap();
    let (c, _) = store.create_port_call(&new, None, T0).await.unwrap();
    assert_eq!(c.berth_id.as_deref(), Some(berth.as_str()));
}

async fn updates_need_the_current_version_and_an_allowed_transition(store: Store) {
    let new = call(MMSI, "", ETA, 0).validate().unwrap();
    let (c, _) = store.create_port_call(&new, None, T0).await.unwrap();
    let later = PortCallChange {
        eta_ms: Some(ETA + 60_000),
        etd_ms: Some(ETA + 7_200_000),
        ..PortCallChange::default()
    };
    let c2 = store
        .update_port_call(&c.id, 1, &later, T0 + 1)
        .await
        .unwrap();
    assert_eq!(
        (c2.version, c2.eta_ms, c2.etd_ms),
        (2, ETA + 60_000, Some(ETA + 7_200_000))
    );
    let stale = store
        .update_port_call(&c.id, 1, &later, T0 + 2)
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
    let berthed = PortCallChange {
        state: Some(PortCallState::Berthed),
        ..PortCallChange::default()
    };
    let refused = store
        .update_port_call(&c.id, 2, &berthed, T0 + 3)
        .await
        .unwrap_err();
    match refused {
        StoreError::Invalid {
            field: "state",
            reason,
        } => assert_eq!(
            reason,
            "a planned port call can become approaching or cancelled, not berthed"
        ),
        other => panic!("{other:?}"),
    }
    let cancel = PortCallChange {
        state: Some(PortCallState::Cancelled),
        ..PortCallChange::default()
    };
    let c3 = store
        .update_port_call(&c.id, 2, &cancel, T0 + 4)
        .await
        .unwrap();
    assert_eq!((c3.state, c3.version), (PortCallState::Cancelled, 3));
    let missing = store
        .update_port_call("nope", 1, &cancel, T0)
        .await
        .unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)), "{missing:?}");
    assert_eq!(
        outbox(&store).await,
        ["->planned@1", "planned->planned@2", "planned->cancelled@3"]
    );
}
