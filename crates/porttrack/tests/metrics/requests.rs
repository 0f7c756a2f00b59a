//! gRPC and HTTP requests counted by service, method, route template and
//! status, never by a raw path or an MMSI.

use porttrack_proto::ships::v1::{GetVesselRequest, ships_service_client::ShipsServiceClient};

use crate::common::{http, metric, metrics_text, up_ready};

#[tokio::test(flavor = "multi_thread")]
async fn grpc_and_http_requests_are_counted_with_bounded_labels() {
    let (up, _dir) = up_ready().await;

    let mut grpc = ShipsServiceClient::connect(up.grpc_url())
        .await
        .expect("connect");
    for _ in 0..3 {
        let status = grpc
            .get_vessel(GetVesselRequest { mmsi: 257_500_001 })
            .await
            .expect_err("unknown vessel");
        assert_eq!(status.code(), tonic::Code::NotFound);
    }
    let status = grpc
        .get_vessel(GetVesselRequest { mmsi: 0 })
        .await
        .expect_err("bad mmsi");
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    for mmsi in ["257500001", "257500002", "nonsense"] {
        http()
            .get(format!("{}/v1/vessels/{mmsi}", up.http_url()))
            .send()
            .await
            .expect("GET");
    }

    let get_vessel = r#"grpc_service="porttrack.ships.v1.ShipsService",grpc_method="GetVessel""#;
    assert_eq!(
        metric(&up, &format!("grpc_server_started_total{{{get_vessel}}}")).await,
        4.0
    );
    assert_eq!(
        metric(
            &up,
            &format!("grpc_server_handled_total{{{get_vessel},grpc_code=\"NotFound\"}}")
        )
        .await,
        3.0
    );
    assert_eq!(
        metric(
            &up,
            &format!("grpc_server_handled_total{{{get_vessel},grpc_code=\"InvalidArgument\"}}")
        )
        .await,
        1.0
    );
    assert_eq!(
        metric(
            &up,
            &format!("grpc_server_handling_seconds_count{{{get_vessel}}}")
        )
        .await,
        4.0
    );

    let route = r#"method="GET",route="/v1/vessels/{mmsi}""#;
    assert_eq!(
        metric(
            &up,
            &format!("http_server_requests_total{{{route},status_class=\"4xx\"}}")
        )
        .await,
        3.0
    );
    let text = metrics_text(&up).await;
    assert!(
        !text.contains("257500001"),
        "an MMSI must never become a label"
    );
    assert!(
        !text.contains("route=\"/v1/vessels/257"),
        "raw paths must never become labels"
    );
}
