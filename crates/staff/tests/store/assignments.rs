//! Assigning people to tasks: every rule that refuses an assignment, and
//! one person's concurrent assignments.

use porttrack_staff::{
    domain::{
        Certification, CertificationKind, Refusal, Role, TaskKind, TaskStatus, arrival_tasks,
    },
    store::{AssignmentFilter, Store, StoreError},
};

use crate::{
    fixtures::{T0, refusal, task, w, worker},
    support::{ETA, H},
};

on_every_backend!(
    assignments_follow_the_rules,
    of_concurrent_assignments_of_one_person_exactly_one_wins,
);

async fn assignments_follow_the_rules(store: Store) {
    store
        .open_tasks("CALL-A", &arrival_tasks(ETA), T0)
        .await
        .unwrap();
    store
        .open_tasks("CALL-B", &arrival_tasks(ETA + H), T0)
        .await
        .unwrap();
    let pilotage_a = task(&store, "CALL-A", TaskKind::PilotageIn).await;
    let pilotage_b = task(&store, "CALL-B", TaskKind::PilotageIn).await;
    let mooring_a = task(&store, "CALL-A", TaskKind::Mooring).await;

    let ines = worker(&store, "Ines", Role::Pilot, ETA + 1000 * H).await;
    let (a, created) = store.assign(&pilotage_a, &ines, T0).await.unwrap();
    assert!(created);
    assert_eq!(
        (a.port_call_id.as_str(), a.task_kind, a.window),
        ("CALL-A", TaskKind::PilotageIn, w(-1, 1))
    );
    // The same assignment again is a no-op that answers with the original.
    let (again, created) = store.assign(&pilotage_a, &ines, T0).await.unwrap();
    assert!(!created);
    assert_eq!(again, a);

    // B's pilotage (ETA .. ETA+2h) overlaps A's (ETA-1h .. ETA+1h).
    assert_eq!(
        refusal(store.assign(&pilotage_b, &ines, T0).await.unwrap_err()),
        "double_booking"
    );
    // Someone else may not take A's pilotage.
    let olav = worker(&store, "Olav", Role::Pilot, ETA + 1000 * H).await;
    assert!(matches!(
        store.assign(&pilotage_a, &olav, T0).await,
        Err(StoreError::Conflict(_))
    ));
    // A pilot is not mooring crew.
    assert_eq!(
        refusal(store.assign(&mooring_a, &olav, T0).await.unwrap_err()),
        "role_missing"
    );
    // A licence that lapses during the task.
    let lapsing = worker(&store, "Kari", Role::Pilot, ETA + H).await;
    assert_eq!(
        refusal(store.assign(&pilotage_b, &lapsing, T0).await.unwrap_err()),
        "certification_expired"
    );
    // No licence at all.
    let (raw, _) = store
        .create_person("Nils", &[Role::Pilot], None, T0)
        .await
        .unwrap();
    assert_eq!(
        refusal(store.assign(&pilotage_b, &raw.id, T0).await.unwrap_err()),
        "certification_missing"
    );
    // Certified but with no shift covering the task.
    let cert = Certification {
        kind: CertificationKind::PilotLicence,
        expires_at_ms: ETA + 1000 * H,
    };
    store
        .set_certification(&raw.id, None, cert, T0)
        .await
        .unwrap();
    assert_eq!(
        refusal(store.assign(&pilotage_b, &raw.id, T0).await.unwrap_err()),
        "not_on_shift"
    );
    // Olav worked ETA-4h..ETA+4h; a shift 9 h later is too soon.
    store
        .open_tasks("CALL-C", &arrival_tasks(ETA + 15 * H), T0)
        .await
        .unwrap();
    let pilotage_c = task(&store, "CALL-C", TaskKind::PilotageIn).await;
    store.assign(&pilotage_b, &olav, T0).await.unwrap();
    store.add_shift(&olav, w(13, 21), None, T0).await.unwrap();
    let err = store.assign(&pilotage_c, &olav, T0).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Refused(Refusal::InsufficientRest { rest_ms }) if rest_ms == 9 * H),
        "{err:?}"
    );
    let task_b = store.task(&pilotage_b).await.unwrap().unwrap();
    assert_eq!(
        (task_b.status, task_b.person_id.as_deref()),
        (TaskStatus::Assigned, Some(olav.as_str()))
    );
}

async fn of_concurrent_assignments_of_one_person_exactly_one_wins(store: Store) {
    let ines = worker(&store, "Ines", Role::Pilot, ETA + 1000 * H).await;
    let mut tasks = Vec::new();
    for call in ["C1", "C2", "C3", "C4"] {
        store
            .open_tasks(call, &arrival_tasks(ETA), T0)
            .await
            .unwrap();
        tasks.push(task(&store, call, TaskKind::PilotageIn).await);
    }
    let attempts = tasks.iter().map(|t| {
        let (store, t, ines) = (store.clone(), t.clone(), ines.clone());
        tokio::spawn(async move { store.assign(&t, &ines, T0).await })
    });
    let mut won = 0;
    for a in attempts {
        match a.await.unwrap() {
            Ok(_) => won += 1,
            Err(e) => assert_eq!(refusal(e), "double_booking"),
        }
    }
    assert_eq!(won, 1);
    let mine = AssignmentFilter {
        person_id: Some(ines),
        port_call_id: None,
    };
    assert_eq!(
        store.list_assignments(&mine, "", 100).await.unwrap().len(),
        1
    );
}
