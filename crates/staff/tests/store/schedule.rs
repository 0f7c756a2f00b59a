//! Shifts and tasks: shifts of one person never overlap, and a port
//! call's arrival tasks are opened once.

use porttrack_staff::{
    domain::{NewTask, Role, TaskKind, TaskStatus, arrival_tasks},
    store::{Store, StoreError, TaskFilter},
};

use crate::{
    fixtures::{T0, w},
    support::{ETA, H},
};

on_every_backend!(
    shifts_do_not_overlap_and_a_retried_add_adds_once,
    arrival_tasks_are_opened_once_per_port_call,
);

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
