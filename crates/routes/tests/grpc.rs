//! gRPC against the real service (`standalone`) on port 0 (SQLite, embedded bus).

mod support;

use std::time::Duration;

use porttrack_platform::{
    service::{ServiceSettings, standalone},
    settings::{DatabaseSettings, ServerSettings},
};
use porttrack_proto::routes::v1::{self as pb, routes_service_client::RoutesServiceClient};
use porttrack_routes::RoutesService;
use tonic::{Code, transport::Channel};
use tonic_types::StatusExt as _;

struct Running {
    client: RoutesServiceClient<Channel>,
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
    let app = standalone::<RoutesService>(settings).await.expect("build");
    let addr = app.grpc_addr();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        app.run_until_stopped(async {
            let _ = rx.await;
        })
        .await
        .expect("run");
    });
    let client = RoutesServiceClient::connect(format!("http://{addr}"))
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

fn ring(points: &[(f64, f64)]) -> Vec<pb::LonLat> {
    points
        .iter()
        .map(|&(lon, lat)| pb::LonLat { lon, lat })
        .collect()
}

fn field_errors(status: &tonic::Status) -> Vec<String> {
    status
        .get_error_details()
        .bad_request()
        .expect("field details")
        .field_violations
        .iter()
        .map(|v| v.field.clone())
        .collect()
}

#[tokio::test]
async fn zones_port_calls_and_the_board_over_grpc() {
    let mut app = start().await;
    let c = &mut app.client;

    let bad = c
        .create_zone(pb::CreateZoneRequest {
            name: "Tiny".into(),
            kind: pb::ZoneKind::Berth.into(),
            ring: ring(&[(10.0, 59.0), (10.1, 59.0)]),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert_eq!(field_errors(&bad), ["ring"]);

    let zone = pb::CreateZoneRequest {
        idempotency_key: "z1".into(),
        name: "Berth 7".into(),
        kind: pb::ZoneKind::Berth.into(),
        ring: ring(&[(10.4, 59.4), (10.5, 59.4), (10.5, 59.5), (10.4, 59.5)]),
    };
    let berth = c.create_zone(zone.clone()).await.unwrap().into_inner();
    assert_eq!(c.create_zone(zone).await.unwrap().into_inner(), berth);

    let eta = porttrack_platform::time::now_ms() + 3_600_000;
    let create = pb::CreatePortCallRequest {
        idempotency_key: "c1".into(),
        mmsi: support::MMSI,
        destination: "NOOSL".into(),
        berth_id: berth.id.clone(),
        eta_ms: eta,
        ..Default::default()
    };
    let call = c
        .create_port_call(create.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (call.state(), call.version),
        (pb::PortCallState::Planned, 1)
    );
    assert_eq!(c.create_port_call(create).await.unwrap().into_inner(), call);

    let bad = c
        .create_port_call(pb::CreatePortCallRequest::default())
        .await
        .unwrap_err();
    assert_eq!(field_errors(&bad), ["mmsi", "destination", "eta_ms"]);

    let approaching = pb::UpdatePortCallRequest {
        id: call.id.clone(),
        expected_version: 1,
        state: pb::PortCallState::Approaching.into(),
        ..Default::default()
    };
    let moved = c
        .update_port_call(approaching.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (moved.state(), moved.version),
        (pb::PortCallState::Approaching, 2)
    );
    let stale = c.update_port_call(approaching).await.unwrap_err();
    assert_eq!(stale.code(), Code::Aborted);
    let refused = c
        .update_port_call(pb::UpdatePortCallRequest {
            id: call.id.clone(),
            expected_version: 2,
            state: pb::PortCallState::Departed.into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(field_errors(&refused), ["state"]);

    let got = c
        .get_port_call(pb::GetPortCallRequest {
            id: call.id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got, moved);
    let listed = c
        .list_port_calls(pb::ListPortCallsRequest {
            state: pb::PortCallState::Approaching.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.port_calls, std::slice::from_ref(&moved));
    let zones = c
        .list_zones(pb::ListZonesRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(zones.zones, std::slice::from_ref(&berth));

    let board = c
        .get_traffic_board(pb::GetTrafficBoardRequest { hours: 2 })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(board.arrivals, [moved]);
    assert_eq!(board.zones.len(), 1);
    assert_eq!(board.zones[0].zone_id, berth.id);
    let too_far = c
        .get_traffic_board(pb::GetTrafficBoardRequest { hours: 1000 })
        .await
        .unwrap_err();
    assert_eq!(field_errors(&too_far), ["hours"]);

    app.stop().await;
}
