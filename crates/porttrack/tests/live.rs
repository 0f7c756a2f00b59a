//! Live positions: a subscriber sees a position applied after it
//! subscribed, inside its area and not outside, over gRPC and SSE.

mod common;

use std::time::Duration;

use common::{http, metric, up_ready};
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
    let (up, _dir) = up_ready().await;

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

/// A subscriber that stops reading must not hold the others back: once it
/// is a whole buffer behind, it skips ahead to the newest positions. What
/// it skipped is counted in `porttrack_ships_live_skipped_total`, so every
/// position is either delivered or counted, never dropped unseen.
#[tokio::test(flavor = "multi_thread")]
async fn a_subscriber_that_falls_behind_skips_ahead_and_every_skip_is_counted() {
    const SENT: u32 = 20_000;
    const FIRST: u32 = 257_500_000;
    let (up, _dir) = up_ready().await;

    // A tiny HTTP/2 window: the server can send the subscriber almost
    // nothing until it reads, so the positions pile up in the server.
    let channel = tonic::transport::Endpoint::from_shared(up.grpc_url())
        .expect("endpoint")
        .initial_stream_window_size(Some(1024))
        .initial_connection_window_size(Some(1024))
        .connect()
        .await
        .expect("connect");
    let world = BoundingBox {
        min_lon: -180.0,
        min_lat: -90.0,
        max_lon: 180.0,
        max_lat: 90.0,
    };
    let mut stream = ShipsServiceClient::new(channel)
        .stream_positions(StreamPositionsRequest { bbox: Some(world) })
        .await
        .expect("subscribe")
        .into_inner();

    for first in (0..SENT).step_by(1_000) {
        let positions: Vec<_> = (first..first + 1_000)
            .map(|i| {
                let (lat, lon) = (50.0 + f64::from(i % 100) * 0.01, f64::from(i / 100) * 0.01);
                serde_json::json!({ "mmsi": FIRST + i, "lat": lat, "lon": lon })
            })
            .collect();
        let r = http()
            .post(format!("{}/v1/positions", up.http_url()))
            .json(&serde_json::json!({ "positions": positions }))
            .send()
            .await
            .expect("POST");
        assert_eq!(r.status(), 200);
    }
    let applied = "porttrack_ships_positions_applied_total";
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while metric(&up, applied).await < f64::from(SENT) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "positions not applied in time"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let skipped_metric = "porttrack_ships_live_skipped_total";
    let mut received = 0_u32;
    let mut seen = std::collections::HashSet::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let skipped = loop {
        let skipped = metric(&up, skipped_metric).await as u32;
        if received + skipped >= SENT {
            break skipped;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{received} received and {skipped} skipped of {SENT}"
        );
        while let Ok(Ok(Some(p))) =
            tokio::time::timeout(Duration::from_millis(200), stream.message()).await
        {
            assert!((FIRST..FIRST + SENT).contains(&p.mmsi), "{}", p.mmsi);
            assert!(seen.insert(p.mmsi), "{} delivered twice", p.mmsi);
            received += 1;
        }
    };
    assert!(skipped > 0, "the subscriber never fell behind");
    assert!(received > 0, "nothing delivered after skipping ahead");
    assert_eq!(received + skipped, SENT, "delivered plus skipped");
}
