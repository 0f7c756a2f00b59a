//! What stays open without a token: health, readiness, metrics, the
//! OpenAPI document and gRPC health.

use reqwest::StatusCode;

use crate::{common::http, suite::Suite};

pub async fn open_endpoints_stay_open(suite: &Suite) {
    let base = suite.service.http_url();
    for path in ["/health/live", "/health/ready", "/metrics", "/openapi.json"] {
        let r = http().get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};
    let channel = tonic::transport::Endpoint::from_shared(suite.service.grpc_url())
        .unwrap()
        .connect()
        .await
        .unwrap();
    HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("gRPC health needs no token");
}
