//! What the staff store scenarios share: shift windows around the ETA,
//! certified people on shift, the tasks of a port call, and refusals.

use porttrack_staff::{
    domain::{Certification, Role, TaskKind, Window},
    store::{Store, StoreError, TaskFilter},
};

use crate::support::{ETA, H};

pub const T0: i64 = 1_700_000_000_000;

pub fn w(from_h: i64, to_h: i64) -> Window {
    Window {
        start_ms: ETA + from_h * H,
        end_ms: ETA + to_h * H,
    }
}

/// A person of `role` with the role's certification valid until `expires`
/// and a shift of ETA-4h..ETA+4h.
pub async fn worker(store: &Store, name: &str, role: Role, expires: i64) -> String {
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

pub async fn task(store: &Store, port_call: &str, kind: TaskKind) -> String {
    let filter = TaskFilter {
        port_call_id: Some(port_call.into()),
        status: None,
    };
    let tasks = store.list_tasks(&filter, "", 100).await.unwrap();
    tasks.into_iter().find(|t| t.kind == kind).expect("task").id
}

pub fn refusal(err: StoreError) -> &'static str {
    match err {
        StoreError::Refused(r) => r.reason(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}
