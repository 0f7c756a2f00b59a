//! The pipeline after real traffic: ingest's inputs, messages, duplicates
//! and fragments, the ships' and routes' figures, consumer lag and every
//! Kafka client's own figures.

use std::collections::BTreeMap;

use porttrack_testkit::process::Service;

use crate::{
    common::sample_sentences,
    exposition::{matching, samples, sum, until},
    suite::{FIRST_FRAGMENT, RADAR_FEED, STATION, Suite, traffic},
};

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

pub async fn ingest_metrics(suite: &Suite) {
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

pub async fn routes_metrics(suite: &Suite) {
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
