//! The staff store, each scenario written once and run against both
//! databases: SQLite in a temporary directory and a fresh PostgreSQL
//! database. Expected values are written out here.

mod support;

use porttrack_staff::{
    domain::{
        Certification, CertificationKind, NewTask, Refusal, Role, TaskKind, TaskStatus, Window,
        arrival_tasks,
    },
    store::{AssignmentFilter, Store, StoreError, TaskFilter},
};
use support::{ETA, H};

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
                    super::$scenario(super::support::store(&url).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $scenario() {
                    let url = porttrack_testkit::servers::fresh_postgres().await;
                    super::$scenario(super::support::store(&url).await).await;
                }
            )*
        }
    };
}

on_every_backend!(
    a_retried_create_returns_the_original_and_never_duplicates,
    updates_need_the_current_version,
    certifications_are_renewed_not_duplicated,
    shifts_do_not_overlap_and_a_retried_add_adds_once,
    arrival_tasks_are_opened_once_per_port_call,
    assignments_follow_the_rules,
    of_concurrent_assignments_of_one_person_exactly_one_wins,
    lists_page_in_id_order_and_filter,
    people_with_assignments_are_not_deleted,
);

fn w(from_h: i64, to_h: i64) -> Window {
    Window {
        start_ms: ETA + from_h * H,
        end_ms: ETA + to_h * H,
    }
}

/// A person of `role` with the role's certification valid until `expires`
/// and a shift of ETA-4h..ETA+4h.
async fn worker(store: &Store, name: &str, role: Role, expires: i64) -> String {
    let (p, _) = store.create_person(name, &[role], None, T0).await.unwrap();
    let cert = Certification {
        kind: role.required_certification(),
        expires_at_ms: expires,
    };
    store
        .set_certification(&p.id, None, cert, T0)
        .await
        .unwrap();
    store.add_shift(&p.id, w(-4, 4), None, T0).await.unwrap();
    p.id
}

async fn task(store: &Store, port_call: &str, kind: TaskKind) -> String {
    let filter = TaskFilter {
        port_call_id: Some(port_call.into()),
        status: None,
    };
    let tasks = store.list_tasks(&filter, "", 100).await.unwrap();
    tasks.into_iter().find(|t| t.kind == kind).expect("task").id
}

fn refusal(err: StoreError) -> &'static str {
    match err {
        StoreError::Refused(r) => r.reason(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

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

async fn shifts_do_not_overlap_and_a_retried_add_adds_once(store: Store) {
    let (p, _) = store
        .create_person("Ines", &[Role::Pilot], None, T0)
        .await
        .unwrap();
    let (s, created) = store
        .add_shift(&p.id, w(0, 8), Some("s1"), T0)
        .await
        .unwrap();
    assert!(created);
    let (again, created) = store
        .add_shift(&p.id, w(0, 8), Some("s1"), T0)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again, s);
    let overlapping = store.add_shift(&p.id, w(7, 12), None, T0).await;
    assert!(
        matches!(overlapping, Err(StoreError::Conflict(_))),
        "{overlapping:?}"
    );
    store.add_shift(&p.id, w(8, 12), None, T0).await.unwrap();
    let windows: Vec<_> = store
        .shifts(&p.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.window)
        .collect();
    assert_eq!(windows, [w(0, 8), w(8, 12)]);
    assert!(matches!(
        store.add_shift("nobody", w(0, 1), None, T0).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn arrival_tasks_are_opened_once_per_port_call(store: Store) {
    assert_eq!(
        store
            .open_tasks("NOOSL-1", &arrival_tasks(ETA), T0)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .open_tasks("NOOSL-1", &arrival_tasks(ETA + H), T0)
            .await
            .unwrap(),
        0
    );
    let later = [NewTask {
        kind: TaskKind::Unmooring,
        window: w(20, 21),
    }];
    assert_eq!(store.open_tasks("NOOSL-1", &later, T0).await.unwrap(), 1);
    let tasks = store
        .list_tasks(&TaskFilter::default(), "", 100)
        .await
        .unwrap();
    let mut kinds: Vec<_> = tasks.iter().map(|t| (t.kind, t.window, t.status)).collect();
    kinds.sort_by_key(|k| k.0);
    assert_eq!(
        kinds,
        [
            (TaskKind::PilotageIn, w(-1, 1), TaskStatus::Open),
            (TaskKind::Mooring, w(0, 2), TaskStatus::Open),
            (TaskKind::Unmooring, w(20, 21), TaskStatus::Open),
        ]
    );
}

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

async fn lists_page_in_id_order_and_filter(store: Store) {
    for (name, role) in [
        ("A", Role::Pilot),
        ("B", Role::Stevedore),
        ("C", Role::Pilot),
        ("D", Role::MooringCrew),
    ] {
        store.create_person(name, &[role], None, T0).await.unwrap();
    }
    let first = store.list_people(Some(Role::Pilot), "", 1).await.unwrap();
    let rest = store
        .list_people(Some(Role::Pilot), &first[0].id, 10)
        .await
        .unwrap();
    let names: Vec<_> = first.iter().chain(&rest).map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["A", "C"]);
    store
        .open_tasks("CALL-A", &arrival_tasks(ETA), T0)
        .await
        .unwrap();
    store
        .open_tasks("CALL-B", &arrival_tasks(ETA), T0)
        .await
        .unwrap();
    let ines = worker(&store, "Ines", Role::Pilot, ETA + 1000 * H).await;
    store
        .assign(
            &task(&store, "CALL-A", TaskKind::PilotageIn).await,
            &ines,
            T0,
        )
        .await
        .unwrap();
    let open = TaskFilter {
        port_call_id: None,
        status: Some(TaskStatus::Open),
    };
    assert_eq!(store.list_tasks(&open, "", 100).await.unwrap().len(), 3);
    let assigned_a = TaskFilter {
        port_call_id: Some("CALL-A".into()),
        status: Some(TaskStatus::Assigned),
    };
    let found = store.list_tasks(&assigned_a, "", 100).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, TaskKind::PilotageIn);
    let by_call = AssignmentFilter {
        person_id: None,
        port_call_id: Some("CALL-B".into()),
    };
    assert!(
        store
            .list_assignments(&by_call, "", 100)
            .await
            .unwrap()
            .is_empty()
    );
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
