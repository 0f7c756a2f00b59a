//! The position spine end to end: gpsd's sample over NMEA TCP into ingest,
//! through the event bus, into ships, answered over REST and gRPC. Run
//! against the real broker and PostgreSQL with separate processes, and
//! against `porttrack up` on embedded defaults.

mod common;

use std::time::Duration;

use common::{BIN, expected_positions, metric_sum, sample_sentences, send_tcp, wait_ready};
use porttrack_proto::ships::v1::{GetVesselRequest, ships_service_client::ShipsServiceClient};
use porttrack_testkit::{eventually, process::Service, servers, unique};

#[tokio::test(flavor = "multi_thread")]
async fn sample_through_kafka_and_postgres_in_separate_processes() {
    let bus = [
        ("PORTTRACK_KAFKA_BROKERS", servers::kafka_brokers()),
        (
            "PORTTRACK_KAFKA_TOPIC_PREFIX",
            format!("{}.", unique("spine")),
        ),
    ];
    let database = servers::fresh_postgres().await;
    let ships = Service::start(
        BIN,
        &["ships"],
        &[&bus[..], &[("PORTTRACK_DATABASE_URL", database)]].concat(),
    );
    let ingest = Service::start(BIN, &["ingest"], &bus);
    scenario(&ingest, &ships).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sample_through_porttrack_up_on_embedded_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let up = Service::start(
        BIN,
        &["up"],
        &[("PORTTRACK_DATA_DIR", dir.path().display().to_string())],
    );
    scenario(&up, &up).await;
    assert!(
        dir.path().join("ships.db").exists(),
        "ships keeps its SQLite file in the data directory"
    );
}

async fn scenario(ingest: &Service, ships: &Service) {
    wait_ready(ingest).await;
    wait_ready(ships).await;
    send_tcp(ingest, &sample_sentences()).await;

    let expected = expected_positions();
    assert_eq!(
        expected.len(),
        11,
        "vessels with a position in gpsd's sample"
    );
    let client = common::http();
    for e in expected.values() {
        let url = format!("{}/v1/vessels/{}", ships.http_url(), e.mmsi);
        let body: serde_json::Value = eventually(
            &format!("vessel {} over REST", e.mmsi),
            Duration::from_secs(30),
            || {
                let req = client.get(&url).send();
                async move {
                    let r = req.await.ok()?;
                    if !r.status().is_success() {
                        return None;
                    }
                    let v: serde_json::Value = r.json().await.ok()?;
                    v["position"].is_object().then_some(v)
                }
            },
        )
        .await;
        assert_eq!(body["mmsi"], e.mmsi);
        let (lat, lon) = (
            body["position"]["lat"].as_f64().unwrap(),
            body["position"]["lon"].as_f64().unwrap(),
        );
        assert!(
            (lat - e.lat).abs() <= e.tolerance,
            "{}: lat {lat} vs gpsd {}",
            e.mmsi,
            e.lat
        );
        assert!(
            (lon - e.lon).abs() <= e.tolerance,
            "{}: lon {lon} vs gpsd {}",
            e.mmsi,
            e.lon
        );
        assert_eq!(
            body["position"]["sog_knots"].as_f64(),
            e.speed,
            "{}: speed",
            e.mmsi
        );
    }

    let mut grpc = ShipsServiceClient::connect(ships.grpc_url())
        .await
        .expect("gRPC connect");
    for e in expected.values() {
        let v = grpc
            .get_vessel(GetVesselRequest { mmsi: e.mmsi })
            .await
            .expect("GetVessel")
            .into_inner();
        let p = v.position.expect("position");
        assert!(
            (p.lat - e.lat).abs() <= e.tolerance && (p.lon - e.lon).abs() <= e.tolerance,
            "{}: {p:?}",
            e.mmsi
        );
    }
    let missing = grpc
        .get_vessel(GetVesselRequest { mmsi: 999_999_998 })
        .await
        .expect_err("unknown vessel");
    assert_eq!(missing.code(), tonic::Code::NotFound);

    // Static data (type 5) arrives on its own topic.
    let url = format!("{}/v1/vessels/351759000", ships.http_url());
    let name = eventually("static data of 351759000", Duration::from_secs(30), || {
        let req = client.get(&url).send();
        async move {
            let v: serde_json::Value = req.await.ok()?.json().await.ok()?;
            v["static"]["name"].as_str().map(str::to_owned)
        }
    })
    .await;
    assert_eq!(name, "EVER DIADEM");

    // The sample's one malformed line (a sentence without its `!`) is
    // refused and counted; nothing else is.
    let malformed = metric_sum(
        ingest,
        "porttrack_ingest_inputs_rejected_total",
        "reason=\"malformed\"",
    )
    .await;
    let all = metric_sum(
        ingest,
        "porttrack_ingest_inputs_rejected_total",
        "transport=\"tcp\"",
    )
    .await;
    assert_eq!((malformed, all), (1.0, 1.0));
}
