//! Listing people, tasks and assignments in pages and by filter.

use porttrack_staff::{
    domain::{Role, TaskKind, TaskStatus, arrival_tasks},
    store::{AssignmentFilter, Store, TaskFilter},
};

use crate::{
    fixtures::{T0, task, worker},
    support::{ETA, H},
};

on_every_backend!(lists_page_in_id_order_and_filter);

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
