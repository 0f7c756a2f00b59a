//! The metrics dashboards, alerts and canary analysis read, on every
//! service's `/metrics`:
//!
//! - requests: gRPC by service, method and code; HTTP by route template
//!   and status class; never a raw path or an MMSI as a label;
//! - the pipeline, after real traffic through ingest, the broker and the
//!   services: inputs per feed, messages by type, duplicates, fragments
//!   pending, Kafka client figures and consumer lag, event-time lag, zone
//!   events and port calls;
//! - `promtool check metrics` has nothing to say about any of them.

mod common;
// Kept out of `common/mod.rs`, which every end-to-end test compiles.
#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/suite.rs"]
mod suite;

use std::collections::{BTreeMap, BTreeSet};

use common::{http, metric, metrics_text, sample_sentences, send_tcp, up_ready};
use exposition::{contract, matching, parse, promtool_check, samples, sum, until};
use porttrack_proto::ships::v1::{GetVesselRequest, ships_service_client::ShipsServiceClient};
use porttrack_testkit::process::Service;
use suite::{FIRST_FRAGMENT, MMSI, RADAR_FEED, STATION, Suite, traffic};

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

/// Messages per AIS type in gpsd's decode of its sample. gpsd merges the
/// two parts of a type 24 message into one object; PortTrack, like the
/// sentences, has a message per part, so type 24 is counted from them.
fn gpsd_decodes() -> BTreeMap<String, f64> {
    let path = format!(
        "{}/../../tests/fixtures/ais/gpsd/sample.aivdm.js.chk",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("gpsd decodes");
    let mut by_type = BTreeMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        *by_type.entry(v["type"].to_string()).or_insert(0.0) += 1.0;
    }
    // Payloads of type 24 start with `H` (24 in AIS's 6-bit armour).
    let parts = sample_sentences()
        .lines()
        .filter(|l| l.split(',').nth(5).is_some_and(|p| p.starts_with('H')))
        .count();
    by_type.insert("24".to_owned(), parts as f64);
    by_type
}

/// Messages of the sample equal to an earlier one (gpsd's sample repeats
/// a few transmissions), decoded as ingest decodes them.
fn sample_repeats() -> f64 {
    let mut decoder = porttrack_ais::Decoder::default();
    let mut seen = Vec::new();
    let mut repeats = 0;
    for line in sample_sentences().lines() {
        if let Ok(Some(decoded)) = decoder.push_line(line, 0) {
            if seen.contains(&decoded.message) {
                repeats += 1;
            } else {
                seen.push(decoded.message);
            }
        }
    }
    repeats as f64
}

/// The lag series of `group`: present for `topic`, and all 0.
async fn lag_reaches_zero(service: &Service, group: &str, topic: &str) {
    until(
        service,
        &format!("lag of {group} on {topic} present and 0"),
        |s| {
            let lag = matching(
                s,
                "porttrack_kafka_consumer_lag_messages",
                &[("group", group)],
            );
            lag.iter().any(|l| l.has(&[("topic", topic)])) && lag.iter().all(|l| l.value == 0.0)
        },
    )
    .await;
}

/// Every client's librdkafka figures, present from its first report.
async fn kafka_client_metrics_present(service: &Service, client: &str) {
    until(service, &format!("Kafka {client} metrics"), |s| {
        let labels = [("client", client)];
        !matching(s, "porttrack_kafka_tx_retries_total", &labels).is_empty()
            && ["tx", "rx", "timeout", "client"].iter().all(|kind| {
                !matching(
                    s,
                    "porttrack_kafka_errors_total",
                    &[("client", client), ("kind", kind)],
                )
                .is_empty()
            })
            && (client != "producer"
                || !matching(s, "porttrack_kafka_producer_queue_messages", &labels).is_empty())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pipeline_metrics_after_traffic_through_kafka_and_postgres() {
    let suite = Suite::start().await;
    traffic(&suite).await;
    ingest_metrics(&suite).await;
    ships_metrics(&suite).await;
    routes_metrics(&suite).await;

    // Staff follows port calls; ingest and cargo only produce.
    let port_calls = suite.topic(porttrack_proto::routes::v1::topics::PORT_CALLS);
    lag_reaches_zero(&suite.staff, &suite.group("porttrack-staff"), &port_calls).await;
    for (name, service) in suite.all() {
        kafka_client_metrics_present(service, "producer").await;
        if !["ingest", "cargo"].contains(&name) {
            kafka_client_metrics_present(service, "consumer").await;
        }
    }
    fragments_pending_while_a_message_is_incomplete(&suite.ingest).await;
}

async fn ingest_metrics(suite: &Suite) {
    let ingest = &suite.ingest;
    let (gpsd, repeats) = (gpsd_decodes(), sample_repeats());
    let expected_total = gpsd.values().sum::<f64>() + 1.0;
    until(ingest, "every message decoded", |s| {
        sum(s, "porttrack_ingest_messages_decoded_total", &[]) >= expected_total
    })
    .await;
    let s = samples(ingest).await;
    for (msg_type, n) in &gpsd {
        // The tag-blocked copy is one more type 1.
        let n = if msg_type == "1" { n + 1.0 } else { *n };
        assert_eq!(
            sum(
                &s,
                "porttrack_ingest_messages_decoded_total",
                &[("msg_type", msg_type)]
            ),
            n,
            "decoded messages of type {msg_type}"
        );
    }
    assert_eq!(
        sum(&s, "porttrack_ingest_messages_decoded_total", &[]),
        expected_total,
        "no other types decoded"
    );
    // gpsd's sample repeats some messages; the tag-blocked copy is one more.
    assert_eq!(
        sum(&s, "porttrack_ingest_duplicates_suppressed_total", &[]),
        repeats + 1.0,
        "repeats in the sample: {repeats}"
    );
    assert!(repeats > 0.0, "the sample has repeats to suppress");

    let received = |transport: &str, feed: &str| {
        sum(
            &s,
            "porttrack_ingest_inputs_received_total",
            &[("transport", transport), ("feed", feed)],
        )
    };
    let sample_lines = sample_sentences().lines().count() as f64;
    assert_eq!(received("tcp", "unknown"), sample_lines);
    assert_eq!(received("tcp", STATION), 1.0);
    assert_eq!(received("rest", RADAR_FEED), 4.0);
    assert_eq!(
        sum(&s, "porttrack_ingest_inputs_received_total", &[]),
        sample_lines + 5.0,
        "every input counted once"
    );
    assert!(
        sum(
            &s,
            "porttrack_ingest_events_accepted_total",
            &[("kind", "position")]
        ) > 0.0
    );
    for transport in ["tcp", "udp", "grpc", "rest"] {
        let b = matching(
            &s,
            "porttrack_ingest_backpressure_total",
            &[("transport", transport)],
        );
        assert_eq!(b.len(), 1, "back-pressure series for {transport}");
        assert_eq!(b[0].value, 0.0);
    }
    assert_eq!(sum(&s, "porttrack_ingest_fragments_pending", &[]), 0.0);
}

async fn fragments_pending_while_a_message_is_incomplete(ingest: &Service) {
    use tokio::io::AsyncWriteExt;
    let mut feed = tokio::net::TcpStream::connect(ingest.addr("nmea"))
        .await
        .expect("connect NMEA");
    feed.write_all(format!("{FIRST_FRAGMENT}\r\n").as_bytes())
        .await
        .expect("write");
    until(ingest, "one message pending", |s| {
        sum(s, "porttrack_ingest_fragments_pending", &[]) == 1.0
    })
    .await;
    drop(feed);
    until(ingest, "nothing pending once the feed is gone", |s| {
        sum(s, "porttrack_ingest_fragments_pending", &[]) == 0.0
    })
    .await;
}

async fn ships_metrics(suite: &Suite) {
    use porttrack_proto::events::v1::topics;
    let ships = &suite.ships;
    let group = suite.group("porttrack-ships");
    lag_reaches_zero(ships, &group, &suite.topic(topics::POSITIONS)).await;
    lag_reaches_zero(ships, &group, &suite.topic(topics::STATIC)).await;
    until(ships, "positions applied with their event-time lag", |s| {
        sum(s, "porttrack_ships_event_time_lag_seconds_count", &[]) > 0.0
            && sum(s, "porttrack_ships_positions_applied_total", &[]) > 0.0
    })
    .await;
    let s = samples(ships).await;
    // 11 vessels of the sample and the one sent over REST.
    assert_eq!(sum(&s, "porttrack_ships_vessels_tracked", &[]), 12.0);
    // The REST track is 30 to 120 s old: above the finest buckets.
    assert!(sum(&s, "porttrack_ships_event_time_lag_seconds_sum", &[]) >= 30.0);
    // Every applied position is also timed from its publication, which is
    // this test's own doing: seconds at most, whatever the vessel's clock.
    let applied = sum(&s, "porttrack_ships_positions_applied_total", &[]);
    assert_eq!(
        sum(&s, "porttrack_ships_publish_to_apply_seconds_count", &[]),
        applied
    );
    let mean = sum(&s, "porttrack_ships_publish_to_apply_seconds_sum", &[]) / applied;
    assert!((0.0..10.0).contains(&mean), "publish to apply {mean} s");
    assert_eq!(sum(&s, "porttrack_ships_live_skipped_total", &[]), 0.0);
    let failures = matching(
        &s,
        "porttrack_kafka_commit_failures_total",
        &[("group", &group)],
    );
    assert_eq!(failures.len(), 1, "commit failures series for {group}");
    assert_eq!(failures[0].value, 0.0);
}

async fn routes_metrics(suite: &Suite) {
    let routes = &suite.routes;
    let group = suite.group("porttrack-routes");
    let positions = suite.topic(porttrack_proto::events::v1::topics::POSITIONS);
    until(routes, "the vessel's zone crossings and port call", |s| {
        let zones = |kind| sum(s, "porttrack_routes_zone_events_total", &[("kind", kind)]);
        let calls = |kind| sum(s, "porttrack_routes_port_calls_total", &[("kind", kind)]);
        (
            zones("entered"),
            zones("left"),
            calls("arrived"),
            calls("departed"),
        ) == (2.0, 1.0, 1.0, 1.0)
    })
    .await;
    lag_reaches_zero(routes, &group, &positions).await;
    let s = samples(routes).await;
    assert_eq!(
        matching(
            &s,
            "porttrack_kafka_commit_failures_total",
            &[("group", &group)]
        )
        .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn promtool_finds_nothing_to_complain_about_on_any_service() {
    let suite = Suite::start().await;
    traffic(&suite).await;
    // Every series the traffic creates is in place: Kafka reports, lag,
    // the routes' counters.
    ingest_metrics(&suite).await;
    routes_metrics(&suite).await;
    let (up, _dir) = up_ready().await;
    send_tcp(&up, &sample_sentences()).await;
    until(&up, "the embedded log's lag", |s| {
        !matching(s, "porttrack_kafka_consumer_lag_messages", &[]).is_empty()
    })
    .await;

    let mut services: Vec<(&str, &Service)> = suite.all().to_vec();
    services.push(("up", &up));
    let mut complaints = Vec::new();
    for (name, service) in services {
        let text = metrics_text(service).await;
        assert!(text.contains("porttrack_"), "{name} exposes metrics");
        let found = promtool_check(&text);
        if !found.is_empty() {
            complaints.push(format!("{name}:\n{found}"));
        }
    }
    assert!(
        complaints.is_empty(),
        "promtool check metrics:\n{}",
        complaints.join("\n")
    );
}

/// Every metric the contract lists is on some service's `/metrics` after
/// traffic, with the type and exactly the label names it lists.
#[tokio::test(flavor = "multi_thread")]
async fn every_metric_in_the_contract_is_exposed_with_its_labels() {
    let contract = contract();
    let suite = Suite::start().await;
    traffic(&suite).await;
    ingest_metrics(&suite).await;
    routes_metrics(&suite).await;
    let mut ships = ShipsServiceClient::connect(suite.ships.grpc_url())
        .await
        .expect("connect");
    ships
        .get_vessel(GetVesselRequest { mmsi: MMSI })
        .await
        .expect("GetVessel");

    let mut exposed = String::new();
    for (_, service) in suite.all() {
        exposed.push_str(&metrics_text(service).await);
    }
    let all = parse(&exposed);
    let mut problems = Vec::new();
    for c in &contract {
        let declared = exposed
            .lines()
            .find_map(|l| l.strip_prefix(&format!("# TYPE {} ", c.name)));
        if declared != Some(c.kind.as_str()) {
            problems.push(format!(
                "{}: type {declared:?}, contract says {}",
                c.name, c.kind
            ));
        }
        let series_name = if c.kind == "histogram" {
            format!("{}_count", c.name)
        } else {
            c.name.clone()
        };
        let series = matching(&all, &series_name, &[]);
        if series.is_empty() {
            problems.push(format!("{}: no series on any service", c.name));
        }
        for s in series {
            let labels: BTreeSet<String> = s.labels.keys().cloned().collect();
            if labels != c.labels {
                problems.push(format!(
                    "{}: labels {labels:?}, contract says {:?}",
                    c.name, c.labels
                ));
                break;
            }
        }
    }
    assert!(
        problems.is_empty(),
        "metric contract:\n{}",
        problems.join("\n")
    );
}
