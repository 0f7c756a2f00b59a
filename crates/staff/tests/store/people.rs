//! People: created once per key, changed with the current version,
//! certifications renewed in place, deleted only while unassigned.

use porttrack_staff::{
    domain::{Certification, CertificationKind, Role, TaskKind, arrival_tasks},
    store::{Store, StoreError},
};

use crate::{
    fixtures::{T0, task, w, worker},
    support::{ETA, H},
};

on_every_backend!(
    a_retried_create_returns_the_original_and_never_duplicates,
    updates_need_the_current_version,
    certifications_are_renewed_not_duplicated,
    people_with_assignments_are_not_deleted,
);

async fn a_retried_create_returns_the_original_and_never_duplicates(store: Store) {
    let (a, created) = store
        .create_person("Ines Berg", &[Role::Pilot], Some("k1"), T0)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(a.version, 1);
    assert_eq!(a.roles, [Role::Pilot]);
    let (b, created) = store
        .create_person("Ines Berg", &[Role::Pilot], Some("k1"), T0)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(b, a);
    let reused = store
        .create_person("Someone Else", &[], Some("k1"), T0)
        .await;
    assert!(matches!(reused, Err(StoreError::Conflict(_))), "{reused:?}");
    assert_eq!(store.list_people(None, "", 100).await.unwrap().len(), 1);
}

async fn updates_need_the_current_version(store: Store) {
    let (p, _) = store
        .create_person("Ines", &[Role::Pilot], None, T0)
        .await
        .unwrap();
    let roles = [Role::Pilot, Role::HarbourMaster];
    let p2 = store
        .update_person(&p.id, 1, Some("Ines Berg"), Some(&roles), T0 + 1)
        .await
        .unwrap();
    assert_eq!((p2.version, p2.name.as_str()), (2, "Ines Berg"));
    assert_eq!(p2.roles, roles);
    let stale = store.update_person(&p.id, 1, Some("X"), None, T0 + 2).await;
    assert!(
        matches!(
            stale,
            Err(StoreError::VersionMismatch {
                expected: 1,
                current: 2
            })
        ),
        "{stale:?}"
    );
    let missing = store.update_person("nobody", 1, None, None, T0).await;
    assert!(
        matches!(missing, Err(StoreError::NotFound(_))),
        "{missing:?}"
    );
}

async fn certifications_are_renewed_not_duplicated(store: Store) {
    let (p, _) = store
        .create_person("Ines", &[Role::Pilot], None, T0)
        .await
        .unwrap();
    let licence = |e| Certification {
        kind: CertificationKind::PilotLicence,
        expires_at_ms: e,
    };
    store
        .set_certification(&p.id, Some(1), licence(T0 + 10), T0)
        .await
        .unwrap();
    let p3 = store
        .set_certification(&p.id, None, licence(T0 + 20), T0)
        .await
        .unwrap();
    assert_eq!(p3.version, 3);
    assert_eq!(p3.certifications, [licence(T0 + 20)]);
    let stale = store
        .set_certification(&p.id, Some(1), licence(T0), T0)
        .await;
    assert!(matches!(stale, Err(StoreError::VersionMismatch { .. })));
}

async fn people_with_assignments_are_not_deleted(store: Store) {
    let (idle, _) = store
        .create_person("Idle", &[Role::Pilot], None, T0)
        .await
        .unwrap();
    store.add_shift(&idle.id, w(0, 1), None, T0).await.unwrap();
    assert!(matches!(
        store.delete_person(&idle.id, 7).await,
        Err(StoreError::VersionMismatch { .. })
    ));
    store.delete_person(&idle.id, 1).await.unwrap();
    assert_eq!(store.person(&idle.id).await.unwrap(), None);
    let ines = worker(&store, "Ines", Role::Pilot, ETA + 1000 * H).await;
    store
        .open_tasks("CALL-A", &arrival_tasks(ETA), T0)
        .await
        .unwrap();
    store
        .assign(
            &task(&store, "CALL-A", TaskKind::PilotageIn).await,
            &ines,
            T0,
        )
        .await
        .unwrap();
    let version = store.person(&ines).await.unwrap().unwrap().version;
    assert!(matches!(
        store.delete_person(&ines, version).await,
        Err(StoreError::Conflict(_))
    ));
}
