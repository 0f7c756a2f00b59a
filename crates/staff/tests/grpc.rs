//! gRPC against the real service (`standalone`) on port 0 (SQLite, embedded bus).

mod support;

use std::time::Duration;

use porttrack_platform::{
    service::{ServiceSettings, standalone},
    settings::{DatabaseSettings, ServerSettings},
};
use porttrack_proto::staff::v1::{self as pb, staff_service_client::StaffServiceClient};
use porttrack_staff::StaffService;
use support::{ETA, H};
use tonic::{Code, transport::Channel};
use tonic_types::StatusExt as _;

#[tokio::test]
async fn people_and_refused_assignments_through_grpc() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = ServiceSettings {
        server: ServerSettings {
            http_addr: "127.0.0.1:0".parse().unwrap(),
            grpc_addr: "127.0.0.1:0".parse().unwrap(),
            drain_delay: Duration::ZERO,
            shutdown_grace: Duration::from_secs(5),
            auth: porttrack_platform::auth::AuthSettings::off(),
            limits: Default::default(),
            tls: Default::default(),
            fault: Default::default(),
        },
        bus: support::bus_settings(None),
        database: DatabaseSettings {
            database_url: None,
            database_url_file: None,
            data_dir: dir.path().to_owned(),
        },
    };
    let app = standalone::<StaffService>(settings).await.expect("build");
    let addr = app.grpc_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let mut client: StaffServiceClient<Channel> =
        StaffServiceClient::connect(format!("http://{addr}"))
            .await
            .expect("connect");

    let create = pb::CreatePersonRequest {
        idempotency_key: "k".into(),
        name: "Ines".into(),
        roles: vec!["pilot".into()],
    };
    let p = client
        .create_person(create.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(client.create_person(create).await.unwrap().into_inner(), p);
    let bad = client
        .create_person(pb::CreatePersonRequest {
            name: "X".into(),
            roles: vec!["captain".into()],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert_eq!(
        bad.get_details_bad_request().unwrap().field_violations[0].field,
        "roles"
    );

    let update = pb::UpdatePersonRequest {
        id: p.id.clone(),
        expected_version: 7,
        name: Some("Y".into()),
        roles: None,
    };
    assert_eq!(
        client.update_person(update).await.unwrap_err().code(),
        Code::Aborted
    );

    // Tasks come from port-call events; none here, so the list is empty and
    // an unknown task is NOT_FOUND.
    let tasks = client
        .list_tasks(pb::ListTasksRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(tasks.tasks.is_empty());
    let assign = pb::AssignTaskRequest {
        task_id: "nope".into(),
        person_id: p.id.clone(),
    };
    assert_eq!(
        client.assign_task(assign).await.unwrap_err().code(),
        Code::NotFound
    );

    let shift = pb::AddShiftRequest {
        person_id: p.id.clone(),
        idempotency_key: "s".into(),
        start_ms: ETA - 4 * H,
        end_ms: ETA + 4 * H,
    };
    client.add_shift(shift).await.unwrap();
    let shifts = client
        .list_shifts(pb::ListShiftsRequest {
            person_id: p.id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shifts.shifts.len(), 1);

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("stopped")
        .unwrap()
        .unwrap();
}
