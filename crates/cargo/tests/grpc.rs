//! gRPC against the real service (`standalone`) on port 0 (SQLite, embedded bus).

mod support;

use std::time::Duration;

use porttrack_cargo::CargoService;
use porttrack_platform::{
    service::{ServiceSettings, standalone},
    settings::{DatabaseSettings, ServerSettings},
};
use porttrack_proto::cargo::v1::{self as pb, cargo_service_client::CargoServiceClient};
use tonic::{Code, transport::Channel};
use tonic_types::StatusExt as _;

struct Running {
    client: CargoServiceClient<Channel>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

async fn start() -> Running {
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
    let app = standalone::<CargoService>(settings).await.expect("build");
    let addr = app.grpc_addr();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        app.run_until_stopped(async {
            let _ = rx.await;
        })
        .await
        .expect("run");
    });
    let client = CargoServiceClient::connect(format!("http://{addr}"))
        .await
        .expect("connect");
    Running {
        client,
        stop: Some(tx),
        task,
        _dir: dir,
    }
}

impl Running {
    async fn stop(mut self) {
        let _ = self.stop.take().map(|tx| tx.send(()));
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("stopped in time")
            .expect("server task");
    }
}

fn create(port_call: &str, key: &str) -> pb::CreateManifestRequest {
    pb::CreateManifestRequest {
        idempotency_key: key.into(),
        port_call_id: port_call.into(),
        mmsi: 244_740_981,
        eta_ms: support::eta_in_days(3),
    }
}

fn dg(un: &str, class: &str) -> pb::ItemInput {
    pb::ItemInput {
        kind: pb::ItemKind::BreakBulk.into(),
        weight_kg: 800,
        dangerous_goods: Some(pb::DangerousGoods {
            un_number: un.into(),
            imdg_class: class.into(),
        }),
        ..pb::ItemInput::default()
    }
}

#[tokio::test]
async fn manifests_over_grpc_with_versions_keys_and_field_errors() {
    let mut app = start().await;
    let c = &mut app.client;

    // A retry sends the very same request.
    let request = create("PC-1", "k1");
    let first = c
        .create_manifest(request.clone())
        .await
        .unwrap()
        .into_inner();
    let retry = c.create_manifest(request).await.unwrap().into_inner();
    assert_eq!(retry, first, "a retry returns the original");
    assert_eq!(first.version, 1);
    assert_eq!(first.status(), pb::ManifestStatus::Open);

    let bad = c
        .create_manifest(pb::CreateManifestRequest::default())
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    let details = bad.get_error_details();
    let fields: Vec<&str> = details
        .bad_request()
        .expect("field details")
        .field_violations
        .iter()
        .map(|v| v.field.as_str())
        .collect();
    assert_eq!(fields, ["port_call_id", "mmsi", "eta_ms"]);

    let container = pb::ItemInput {
        kind: pb::ItemKind::Container.into(),
        container_number: "CSQU3054383".into(),
        weight_kg: 24_000,
        ..pb::ItemInput::default()
    };
    let add = |item: pb::ItemInput, key: &str, expected: Option<i64>| pb::AddItemRequest {
        manifest_id: first.id.clone(),
        idempotency_key: key.into(),
        expected_version: expected,
        item: Some(item),
    };
    let m = c
        .add_item(add(container.clone(), "i1", Some(1)))
        .await
        .unwrap()
        .into_inner();
    let again = c
        .add_item(add(container, "i1", None))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((m.version, again.version, again.items.len()), (2, 2, 1));
    let m = c
        .add_item(add(dg("UN1203", "3"), "", None))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        m.items[1].dangerous_goods.as_ref().unwrap().un_number,
        "UN1203"
    );
    let m = c
        .add_item(add(dg("UN1942", "5.1"), "", Some(3)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(m.version, 4);

    let stale = c
        .update_manifest(pb::UpdateManifestRequest {
            id: first.id.clone(),
            expected_version: 2,
            status: pb::ManifestStatus::Closed.into(),
            ..pb::UpdateManifestRequest::default()
        })
        .await
        .unwrap_err();
    assert_eq!(stale.code(), Code::Aborted);

    let mut loaded = dg("UN1203", "3");
    loaded.set_status(pb::ItemStatus::Loaded);
    let m = c
        .update_item(pb::UpdateItemRequest {
            manifest_id: first.id.clone(),
            item_id: m.items[1].id.clone(),
            expected_version: 4,
            item: Some(loaded),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (m.version, m.items[1].status()),
        (5, pb::ItemStatus::Loaded)
    );

    let v = c
        .list_violations(pb::ListViolationsRequest {
            manifest_id: first.id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(v.manifest_version, 5);
    let rules: Vec<&str> = v.violations.iter().map(|v| v.rule.as_str()).collect();
    assert_eq!(rules, ["segregation"]);
    assert_eq!(
        v.violations[0].item_ids,
        [m.items[1].id.clone(), m.items[2].id.clone()]
    );

    let found = c
        .find_container(pb::FindContainerRequest {
            container_number: "CSQU3054383".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(found.matches.len(), 1);
    assert_eq!(found.matches[0].port_call_id, "PC-1");

    c.create_manifest(pb::CreateManifestRequest {
        mmsi: 257_123_456,
        ..create("PC-2", "")
    })
    .await
    .unwrap();
    let list = c
        .list_manifests(pb::ListManifestsRequest {
            mmsi: Some(244_740_981),
            ..pb::ListManifestsRequest::default()
        })
        .await
        .unwrap()
        .into_inner();
    let calls: Vec<&str> = list
        .manifests
        .iter()
        .map(|m| m.port_call_id.as_str())
        .collect();
    assert_eq!((calls, list.next_page_token.as_str()), (vec!["PC-1"], ""));
    let page = c
        .list_manifests(pb::ListManifestsRequest {
            page_size: 1,
            ..pb::ListManifestsRequest::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.next_page_token, first.id);

    let missing = c
        .get_manifest(pb::GetManifestRequest { id: "nope".into() })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    app.stop().await;
}
