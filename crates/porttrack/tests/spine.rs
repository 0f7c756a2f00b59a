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
    dead_letter_holds_the_malformed_line(&bus[0].1, &bus[1].1).await;
    grpc_health_and_reflection(&ingest, "porttrack.ingest.v1.IngestService").await;
    grpc_health_and_reflection(&ships, "porttrack.ships.v1.ShipsService").await;
}

/// Refused input is kept verbatim on the dead-letter topic, with its reason.
async fn dead_letter_holds_the_malformed_line(brokers: &str, prefix: &str) {
    use porttrack_platform::{EventBus, settings::BusSettings};
    use porttrack_proto::events::v1::{RejectedInput, topics};
    use prost::Message as _;
    let settings = BusSettings {
        kafka_brokers: Some(brokers.to_owned()),
        kafka_topic_prefix: prefix.to_owned(),
        instance_id: None,
        kafka_partitions: 6,
        kafka_replication: 1,
        produce_timeout: Duration::from_secs(10),
        produce_queue: 10,
        embedded_retention: 10,
        kafka_security: Default::default(),
    };
    let bus = EventBus::from_settings(&settings, "spine-test").expect("bus");
    let mut reader = bus
        .reader(topics::REJECTS, &Default::default())
        .await
        .expect("reader");
    let record = tokio::time::timeout(Duration::from_secs(30), reader.recv())
        .await
        .expect("a dead letter")
        .expect("recv");
    let rejected = RejectedInput::decode(record.payload.as_ref()).expect("RejectedInput");
    assert_eq!(rejected.reason, "malformed");
    assert_eq!(rejected.transport, "tcp");
    assert_eq!(rejected.raw.trim_end(), "AIVDM,2,2,1,B,00000000000,2*26");
    assert_eq!(rejected.schema_version, 1);
}

/// `grpc_health_probe` and `grpcurl` work against every gRPC server.
async fn grpc_health_and_reflection(service: &Service, name: &str) {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    let channel = tonic::transport::Endpoint::from_shared(service.grpc_url())
        .expect("url")
        .connect()
        .await
        .expect("connect");
    let mut health = HealthClient::new(channel.clone());
    for svc in ["", name] {
        let r = health
            .check(HealthCheckRequest {
                service: svc.into(),
            })
            .await
            .expect("health check")
            .into_inner();
        assert_eq!(r.status(), ServingStatus::Serving, "health of {svc:?}");
    }

    use tonic_reflection::pb::v1::{
        ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
    };
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut reflection = ServerReflectionClient::new(channel);
    let mut responses = reflection
        .server_reflection_info(futures::stream::iter([request]))
        .await
        .expect("reflection")
        .into_inner();
    let response = responses
        .message()
        .await
        .expect("response")
        .expect("one response");
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("{response:?}")
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    assert!(names.iter().any(|n| n == name), "{names:?}");
    assert!(
        names.iter().any(|n| n == "grpc.health.v1.Health"),
        "{names:?}"
    );
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
