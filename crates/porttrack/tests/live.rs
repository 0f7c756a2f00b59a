//! Live positions: a subscriber sees a position applied after it
//! subscribed, inside its area and not outside, over gRPC and SSE.

mod common;

use std::time::Duration;

use common::{BIN, http, wait_ready};
use futures::StreamExt;
use porttrack_proto::ships::v1::{
    BoundingBox, StreamPositionsRequest, ships_service_client::ShipsServiceClient,
};
use porttrack_testkit::process::Service;

async fn post(up: &Service, mmsi: u32, lat: f64, lon: f64) {
    let body = serde_json::json!({ "positions": [ { "mmsi": mmsi, "lat": lat, "lon": lon } ] });
    let r = http()
        .post(format!("{}/v1/positions", up.http_url()))
        .json(&body)
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn grpc_and_sse_subscribers_see_positions_in_their_area() {
    let dir = tempfile::tempdir().expect("tempdir");
    let up = Service::start(
        BIN,
        &["up"],
        &[("PORTTRACK_DATA_DIR", dir.path().display().to_string())],
    );
    wait_ready(&up).await;

    let oslo = BoundingBox {
        min_lon: 10.0,
        min_lat: 59.0,
        max_lon: 11.5,
        max_lat: 60.5,
    };
    let mut grpc = ShipsServiceClient::connect(up.grpc_url())
        .await
        .expect("connect");
    let mut stream = grpc
        .stream_positions(StreamPositionsRequest { bbox: Some(oslo) })
        .await
        .expect("subscribe")
        .into_inner();
    let sse = http()
        .get(format!(
            "{}/v1/positions/stream?bbox=10,59,11.5,60.5",
            up.http_url()
        ))
        .send()
        .await
        .expect("SSE");
    assert_eq!(sse.headers()["content-type"], "text/event-stream");
    let mut sse = sse.bytes_stream();

    // Subscriptions are registered once the responses have started.
    post(&up, 257_400_001, 40.0, -70.0).await;
    post(&up, 257_400_002, 59.9, 10.7).await;

    let first = tokio::time::timeout(Duration::from_secs(10), stream.message())
        .await
        .expect("in time");
    let p = first.expect("stream").expect("a position");
    assert_eq!(
        p.mmsi, 257_400_002,
        "the position outside the area is not sent"
    );

    let mut text = String::new();
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(chunk)) = sse.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains("257400002") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "SSE so far: {text}");
    assert!(text.contains("event: position"));
    assert!(!text.contains("257400001"));

    let bad = http()
        .get(format!("{}/v1/positions/stream?bbox=1,2,3", up.http_url()))
        .send()
        .await
        .expect("GET");
    assert_eq!(bad.status(), 400);
}
