//! What must hold when things go wrong: ships restarting or crashing
//! loses and duplicates nothing, ships rides out a broker restart, a broker
//! that vanishes turns into back-pressure instead of silent loss, and
//! SIGTERM drains in order.

mod common;

use std::time::Duration;

use common::{BIN, http, wait_ready};
use futures::stream;
use porttrack_proto::ingest::v1::{PositionInput, ingest_service_client::IngestServiceClient};
use porttrack_testkit::{eventually, process::Service, rfc3339, servers, unique};

const VESSELS: [u32; 5] = [
    257_100_001,
    257_100_002,
    257_100_003,
    257_100_004,
    257_100_005,
];
/// Reports start here (epoch ms) and advance one second each.
const T0: i64 = 1_790_000_000_000;

async fn try_post_positions(
    ingest: &Service,
    from: i64,
    count: i64,
) -> reqwest::Result<reqwest::Response> {
    let positions: Vec<serde_json::Value> = (from..from + count)
        .flat_map(|i| {
            VESSELS.iter().map(move |mmsi| {
                serde_json::json!({
                    "mmsi": mmsi, "lat": 59.0 + i as f64 * 0.001, "lon": 10.0,
                    "timestamp": rfc3339(T0 + i * 1000),
                })
            })
        })
        .collect();
    http()
        .post(format!("{}/v1/positions", ingest.http_url()))
        .json(&serde_json::json!({ "positions": positions }))
        .send()
        .await
}

async fn post_positions(ingest: &Service, from: i64, count: i64) {
    let r = try_post_positions(ingest, from, count).await.expect("POST");
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
}

async fn track(ships: &Service, mmsi: u32) -> Vec<i64> {
    let url = format!("{}/v1/vessels/{mmsi}/track", ships.http_url());
    let v: serde_json::Value = http()
        .get(url)
        .send()
        .await
        .expect("track")
        .json()
        .await
        .expect("json");
    v["positions"].as_array().map_or_else(Vec::new, |a| {
        a.iter()
            .filter_map(|p| p["observed_at_ms"].as_i64())
            .collect()
    })
}

async fn wait_tracks(ships: &Service, count: usize) {
    for mmsi in VESSELS {
        eventually(
            &format!("{count} track points of {mmsi}"),
            Duration::from_secs(60),
            || async move { (track(ships, mmsi).await.len() >= count).then_some(()) },
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ships_crash_and_restart_lose_nothing_and_apply_nothing_twice() {
    let bus = [
        ("PORTTRACK_KAFKA_BROKERS", servers::kafka_brokers()),
        (
            "PORTTRACK_KAFKA_TOPIC_PREFIX",
            format!("{}.", unique("restart")),
        ),
    ];
    let database = ("PORTTRACK_DATABASE_URL", servers::fresh_postgres().await);
    // A crashed container restarts under the same pod name: static group
    // membership hands it its partitions back without a rebalance.
    let env = [
        &bus[..],
        &[
            database.clone(),
            ("PORTTRACK_INSTANCE_ID", "ships-0".to_owned()),
        ],
    ]
    .concat();
    let ingest = Service::start(BIN, &["ingest"], &bus);
    let mut ships = Service::start(BIN, &["ships"], &env);
    wait_ready(&ingest).await;
    wait_ready(&ships).await;

    post_positions(&ingest, 0, 20).await;
    wait_tracks(&ships, 20).await;
    // A crash: no drain, no final commit.
    ships.kill();
    post_positions(&ingest, 20, 20).await;
    let ships = Service::start(BIN, &["ships"], &env);
    wait_ready(&ships).await;
    post_positions(&ingest, 40, 20).await;
    wait_tracks(&ships, 60).await;

    let expected: Vec<i64> = (0..60).map(|i| T0 + i * 1000).collect();
    for mmsi in VESSELS {
        assert_eq!(
            track(&ships, mmsi).await,
            expected,
            "track of {mmsi}: every report once, in order"
        );
        let v: serde_json::Value = http()
            .get(format!("{}/v1/vessels/{mmsi}", ships.http_url()))
            .send()
            .await
            .expect("vessel")
            .json()
            .await
            .expect("json");
        assert_eq!(
            v["position"]["observed_at_ms"],
            T0 + 59_000,
            "latest position of {mmsi}"
        );
    }
    // A second replica started now answers for every vessel at once.
    let replica_env = [
        &bus[..],
        &[database, ("PORTTRACK_INSTANCE_ID", "ships-1".to_owned())],
    ]
    .concat();
    let replica = Service::start(BIN, &["ships"], &replica_env);
    wait_ready(&replica).await;
    for mmsi in VESSELS {
        assert_eq!(track(&replica, mmsi).await.len(), 60);
        let r = http()
            .get(format!("{}/v1/vessels/{mmsi}", replica.http_url()))
            .send()
            .await
            .expect("vessel");
        let v: serde_json::Value = r.json().await.expect("json");
        assert_eq!(
            v["position"]["observed_at_ms"],
            T0 + 59_000,
            "replica index for {mmsi}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ships_rides_out_a_broker_restart() {
    // File-backed, so what the broker acknowledged survives its restart.
    let mut broker = servers::OwnBroker::start(true);
    let bus = [("PORTTRACK_KAFKA_BROKERS", broker.brokers())];
    let data = tempfile::tempdir().expect("tempdir");
    let ships_env = [
        bus[0].clone(),
        ("PORTTRACK_DATA_DIR", data.path().display().to_string()),
    ];
    let ingest = Service::start(BIN, &["ingest"], &bus);
    let mut ships = Service::start(BIN, &["ships"], &ships_env);
    wait_ready(&ingest).await;
    wait_ready(&ships).await;
    post_positions(&ingest, 0, 10).await;
    wait_tracks(&ships, 10).await;

    // librdkafka reports "all brokers down" to the consumer while the
    // broker is away; that must be waited out, not end the process.
    tokio::task::block_in_place(|| broker.restart());
    let ingest = &ingest;
    eventually(
        "ingest accepting again",
        Duration::from_secs(60),
        || async move {
            let r = try_post_positions(ingest, 10, 1).await.ok()?;
            r.status().is_success().then_some(())
        },
    )
    .await;
    wait_tracks(&ships, 11).await;
    assert_eq!(ships.exited(), None, "ships stopped: {:?}", ships.log());
}

#[tokio::test(flavor = "multi_thread")]
async fn broker_gone_means_backpressure_not_silent_loss() {
    let mut broker = servers::OwnBroker::start(false);
    let ingest = Service::start(
        BIN,
        &["ingest"],
        &[
            ("PORTTRACK_KAFKA_BROKERS", broker.brokers()),
            ("PORTTRACK_PRODUCE_QUEUE", "4".into()),
            ("PORTTRACK_QUEUE_WAIT", "200ms".into()),
            ("PORTTRACK_PRODUCE_TIMEOUT", "3s".into()),
        ],
    );
    wait_ready(&ingest).await;
    broker.stop();

    let positions: Vec<serde_json::Value> = (0..10)
        .map(|i| serde_json::json!({ "mmsi": 257_200_000 + i, "lat": 1.0, "lon": 1.0 }))
        .collect();
    let r = http()
        .post(format!("{}/v1/positions", ingest.http_url()))
        .json(&serde_json::json!({ "positions": positions }))
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 503);
    assert!(
        r.headers().contains_key("retry-after"),
        "Retry-After tells the producer when to come back"
    );
    assert_eq!(r.headers()["content-type"], "application/problem+json");

    let mut client = IngestServiceClient::connect(ingest.grpc_url())
        .await
        .expect("connect");
    let items: Vec<PositionInput> = (0..10)
        .map(|i| PositionInput {
            mmsi: 257_300_000 + i,
            lat: 1.0,
            lon: 1.0,
            ..PositionInput::default()
        })
        .collect();
    let status = client
        .stream_positions(stream::iter(items))
        .await
        .expect_err("no broker");
    assert!(
        matches!(
            status.code(),
            tonic::Code::ResourceExhausted | tonic::Code::Unavailable
        ),
        "{status:?}"
    );
    let refusals = common::metric(&ingest, "porttrack_ingest_backpressure_total").await;
    assert!(
        refusals >= 2.0,
        "REST and gRPC refusals counted: {refusals}"
    );
    // What was queued before the refusal is not dropped silently: Kafka's
    // timeout fails it, and the failure is counted.
    eventually(
        "produce failures counted",
        Duration::from_secs(60),
        || async {
            (common::metric(&ingest, "porttrack_ingest_produce_failures_total").await >= 4.0)
                .then_some(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_turns_unready_ends_streams_and_exits_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut up = Service::start(
        BIN,
        &["up"],
        &[
            ("PORTTRACK_DATA_DIR", dir.path().display().to_string()),
            ("PORTTRACK_DRAIN_DELAY", "1s".into()),
        ],
    );
    wait_ready(&up).await;
    let mut sse = http()
        .get(format!("{}/v1/positions/stream", up.http_url()))
        .send()
        .await
        .expect("SSE");
    assert_eq!(sse.status(), 200);

    up.terminate();
    let ready_url = format!("{}/health/ready", up.http_url());
    eventually(
        "readiness turns to 503 while draining",
        Duration::from_secs(5),
        || {
            let req = http().get(&ready_url).send();
            async move { req.await.ok().filter(|r| r.status() == 503).map(|_| ()) }
        },
    )
    .await;
    // The live stream ends instead of holding the shutdown hostage.
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(_)) = sse.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "SSE stream still open after shutdown");
    let status = up.wait(Duration::from_secs(20));
    assert!(status.success(), "exit status {status:?}");
    assert!(
        up.log()
            .iter()
            .any(|l| l.contains("\"message\":\"stopped\""))
    );
}
