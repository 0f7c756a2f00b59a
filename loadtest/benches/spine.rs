//! The spine against bare Kafka, on one broker, in one run. Ratios, never
//! pass/fail:
//!
//! 1. Throughput: NMEA over TCP into `porttrack ingest` until Kafka has
//!    acknowledged every record, against a bare rdkafka producer sending the
//!    same records (the PositionReport events ingest would produce, pre-encoded)
//!    with the same settings.
//! 2. Latency: a bare produce→consume hop at the scenario's rate, against
//!    the `e2e-10k` scenario (NMEA in → live subscriber) through
//!    `porttrack up` on the same broker.
//!
//! Needs a broker and release binaries:
//! `export PORTTRACK_TEST_KAFKA_BROKERS=...` (`scripts/test.sh --servers-only`),
//! `cargo build --release -p porttrack`, then
//! `cargo bench -p porttrack-loadtest --bench spine`. `SPINE_RECORDS`
//! (default 200000) and `SPINE_E2E_SECONDS` (default 20) size it.

use std::{path::Path, time::Duration};

use hdrhistogram::Histogram;
use porttrack_loadtest::{
    LoadTest, Scenario, Spawned,
    sim::{Kind, Pace, SimConfig, Simulator},
    stats::Latency,
    target::porttrack_binary,
};
use porttrack_proto::events::v1::PositionReport;
use prost::Message as _;
use rdkafka::{
    ClientConfig, Message as _,
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    consumer::{Consumer as _, StreamConsumer},
    producer::{FutureProducer, FutureRecord},
};
use tokio::{io::AsyncWriteExt, net::TcpStream, time::Instant};

const PARTITIONS: i32 = 6;

fn env_or(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    // `cargo test --all-targets` runs benches without `--bench`: nothing to prove there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("spine: run with `cargo bench`; skipped");
        return;
    }
    let Ok(brokers) = std::env::var("PORTTRACK_TEST_KAFKA_BROKERS") else {
        println!("spine: PORTTRACK_TEST_KAFKA_BROKERS is not set; skipped");
        return;
    };
    let records = env_or("SPINE_RECORDS", 200_000) as u32;
    let prefix = format!("bench{}.", std::process::id());
    let lines = nmea_lines(records);
    let events = events(records);
    println!("spine: {records} records, broker {brokers}, prefix {prefix}");

    let bare = bare_producer(&brokers, &format!("{prefix}bare"), &events).await;
    let spine = ingest_tcp(&brokers, &prefix, &lines, records).await;
    println!(
        "throughput  bare rdkafka producer {bare:>9.0} rec/s | NMEA/TCP → ingest → Kafka acked {spine:>9.0} rec/s | ratio {:.2}",
        spine / bare
    );

    let secs = env_or("SPINE_E2E_SECONDS", 20);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/e2e-10k.toml");
    let mut scenario = Scenario::load(&path).expect("e2e-10k scenario");
    scenario.duration_s = secs as f64;
    let rate = scenario.rate.expect("a fixed rate");
    let hop = bare_hop(&brokers, &format!("{prefix}hop"), rate, secs, None).await;
    let quick = bare_hop(&brokers, &format!("{prefix}hop10"), rate, secs, Some(10)).await;
    println!(
        "bare hop at {rate:.0}/s, fetch.wait.max.ms default (500): p50 {:.2} p99 {:.2} max {:.2} ms; fetch.wait.max.ms=10: p50 {:.2} p99 {:.2} max {:.2} ms",
        hop.0, hop.1, hop.2, quick.0, quick.1, quick.2
    );
    // The scenario's own environment lifts ingest's per-source NMEA limit.
    let mut env: Vec<(&str, String)> = scenario
        .spawn_env
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    env.extend([
        ("PORTTRACK_KAFKA_BROKERS", brokers.clone()),
        ("PORTTRACK_KAFKA_TOPIC_PREFIX", format!("{prefix}up.")),
    ]);
    let suite = Spawned::up(&porttrack_binary().display().to_string(), &env).expect("porttrack up");
    let report = LoadTest::run(scenario, suite.target.clone())
        .await
        .expect("e2e run");
    println!("{}", report.human());
    let live = report
        .latency
        .get(&Latency::EndToEndLive)
        .cloned()
        .unwrap_or_default();
    // Against the hop with the 10 ms fetch wait: PortTrack's consumers
    // fetch that way too.
    println!(
        "latency p99 at {rate:.0}/s  bare produce→consume (fetch.wait.max.ms=10) {:.2} ms | NMEA → subscriber {:.2} ms | PortTrack adds {:.2} ms (p50 {:.2} vs {:.2}, max {:.2} vs {:.2})",
        quick.1,
        live.p99_ms,
        live.p99_ms - quick.1,
        quick.0,
        live.p50_ms,
        quick.2,
        live.max_ms
    );
    // The broker hop inside the suite is not the bare one: the same broker
    // also serves ships' store consumer, on the same two cores. What
    // PortTrack's own stages add is the rest: the live end-to-end mean less
    // the publish-to-apply mean ships measured in this run.
    if let Some(st) = &report.stages {
        println!(
            "latency mean at {rate:.0}/s  NMEA → subscriber {:.2} ms = publish → applied (broker hop and consumer, ships' metrics) {:.2} ms + PortTrack's own stages {:.2} ms; bare hop mean {:.2} ms",
            live.mean_ms,
            st.publish_to_apply_mean_ms,
            st.rest_mean_ms(live.mean_ms),
            quick.3,
        );
    }
    suite.stop(Duration::from_secs(30));
}

/// One position per vessel, so none is a copy of another.
fn fixes(records: u32) -> Vec<(u32, porttrack_loadtest::sim::Fix)> {
    let mut sim = Simulator::new(SimConfig {
        vessels: records,
        seed: 1,
        epoch_ms: 1_795_000_000_000,
        pace: Pace::Aggregate(f64::from(records)),
        static_data: false,
        malformed_share: 0.0,
        duplicate_share: 0.0,
    });
    let mut out = Vec::with_capacity(records as usize);
    // Vessel i is due at i / records seconds: all of them inside the first second.
    while let Some(e) = sim.next_until(Duration::from_nanos(999_999_999)) {
        if let Kind::Position(f) = e.kind {
            out.push((e.mmsi, f));
        }
    }
    out
}

fn nmea_lines(records: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for (mmsi, f) in fixes(records) {
        let line = porttrack_ais::encode::encode_position(
            &porttrack_loadtest::sim::position_report(mmsi, &f),
            'A',
        );
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// What ingest would publish for the same positions.
fn events(records: u32) -> Vec<(String, Vec<u8>)> {
    fixes(records)
        .into_iter()
        .map(|(mmsi, f)| {
            let e = PositionReport {
                event_id: format!("0193a1b2-c3d4-7e5f-8a9b-{mmsi:012}"),
                schema_version: 1,
                mmsi,
                observed_at_ms: f.observed_at_ms,
                received_at_ms: f.observed_at_ms,
                lat: f.lat,
                lon: f.lon,
                sog_knots: Some(f.sog_knots),
                cog_deg: Some(f.cog_deg),
                heading_deg: Some(f.cog_deg as u32),
                nav_status: Some(u32::from(f.nav_status)),
                msg_type: 1,
                source: "127.0.0.1:40000".to_owned(),
                rate_of_turn: Some(0.0),
            };
            (mmsi.to_string(), e.encode_to_vec())
        })
        .collect()
}

/// The producer settings ingest uses (platform's Kafka bus).
fn producer(brokers: &str) -> FutureProducer {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("partitioner", "murmur2_random")
        .set("linger.ms", "5")
        .set("queue.buffering.max.messages", "100000")
        .create()
        .expect("producer")
}

async fn create_topic(brokers: &str, topic: &str) {
    let admin: AdminClient<_> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .expect("admin");
    let t = NewTopic::new(topic, PARTITIONS, TopicReplication::Fixed(1));
    let _ = admin.create_topics(&[t], &AdminOptions::new()).await;
}

/// Records per second from the first send to the last acknowledgement.
async fn bare_producer(brokers: &str, topic: &str, events: &[(String, Vec<u8>)]) -> f64 {
    create_topic(brokers, topic).await;
    let producer = producer(brokers);
    let start = Instant::now();
    let mut pending = Vec::with_capacity(events.len());
    for (key, payload) in events {
        loop {
            match producer.send_result(FutureRecord::to(topic).key(key).payload(payload)) {
                Ok(f) => {
                    pending.push(f);
                    break;
                }
                // Queue full: the same back-pressure ingest gets.
                Err(_) => tokio::time::sleep(Duration::from_millis(1)).await,
            }
        }
    }
    let mut failed = 0;
    for f in pending {
        if !matches!(f.await, Ok(Ok(_))) {
            failed += 1;
        }
    }
    assert_eq!(failed, 0, "bare producer deliveries failed");
    events.len() as f64 / start.elapsed().as_secs_f64()
}

/// Records per second from the first byte written to ingest's NMEA port
/// until ingest counts every record acknowledged by Kafka.
async fn ingest_tcp(brokers: &str, prefix: &str, lines: &[u8], records: u32) -> f64 {
    let suite = Spawned::command(
        &porttrack_binary().display().to_string(),
        "ingest",
        &[
            ("PORTTRACK_KAFKA_BROKERS", brokers.to_owned()),
            ("PORTTRACK_KAFKA_TOPIC_PREFIX", format!("{prefix}ingest.")),
            // Throughput of the pipeline, not of the per-source limit.
            ("PORTTRACK_NMEA_RATE", "0".to_owned()),
        ],
    )
    .expect("porttrack ingest");
    let metrics = format!("{}/metrics", suite.target.http);
    let http = reqwest::Client::new();
    let before = acked(&http, &metrics).await;
    let start = Instant::now();
    let feeds = 4;
    let chunk = lines.len().div_ceil(feeds);
    let mut writers = tokio::task::JoinSet::new();
    let mut from = 0;
    for _ in 0..feeds {
        // Split on line boundaries.
        let mut to = (from + chunk).min(lines.len());
        while to < lines.len() && lines[to - 1] != b'\n' {
            to += 1;
        }
        let part = lines[from..to].to_vec();
        from = to;
        let addr = suite.target.nmea;
        writers.spawn(async move {
            let mut c = TcpStream::connect(addr).await.expect("connect");
            c.write_all(&part).await.expect("write");
            c.shutdown().await.expect("shutdown");
        });
    }
    while writers.join_next().await.is_some() {}
    let want = before + f64::from(records);
    let deadline = Instant::now() + Duration::from_secs(env_or("SPINE_ACK_TIMEOUT", 120));
    while acked(&http, &metrics).await < want && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let got = acked(&http, &metrics).await - before;
    if got < f64::from(records) {
        let text = http.get(&metrics).send().await.expect("metrics");
        let text = text.text().await.expect("text");
        for l in text
            .lines()
            .filter(|l| l.starts_with("porttrack_ingest_") && !l.contains("_bucket"))
        {
            println!("  {l}");
        }
        println!("only {got} of {records} acknowledged");
    }
    suite.stop(Duration::from_secs(30));
    f64::from(records) / elapsed
}

/// `porttrack_ingest_produce_seconds_count`: records Kafka acknowledged.
async fn acked(http: &reqwest::Client, url: &str) -> f64 {
    let Ok(r) = http.get(url).send().await else {
        return 0.0;
    };
    let text = r.text().await.unwrap_or_default();
    text.lines()
        .filter(|l| l.starts_with("porttrack_ingest_produce_seconds_count"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// A bare hop at `rate` records/s for `secs`: (p50, p99, max, mean) in ms from a
/// record's intended send time to its consumption.
/// `fetch_wait_ms`: the consumer's `fetch.wait.max.ms` (librdkafka's
/// default, 500, when `None`, as PortTrack's consumers use it).
async fn bare_hop(
    brokers: &str,
    topic: &str,
    rate: f64,
    secs: u64,
    fetch_wait_ms: Option<u32>,
) -> (f64, f64, f64, f64) {
    create_topic(brokers, topic).await;
    let mut config = ClientConfig::new();
    if let Some(ms) = fetch_wait_ms {
        config.set("fetch.wait.max.ms", ms.to_string());
    }
    let consumer: StreamConsumer = config
        .set("bootstrap.servers", brokers)
        .set("group.id", format!("{topic}.group"))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer");
    consumer.subscribe(&[topic]).expect("subscribe");
    // Let the group settle before timing anything.
    let _ = tokio::time::timeout(Duration::from_secs(5), consumer.recv()).await;
    let producer = producer(brokers);
    let start = Instant::now();
    let total = (rate * secs as f64) as u64;
    let topic_owned = topic.to_owned();
    let sender = tokio::spawn(async move {
        for i in 0..total {
            let offset = Duration::from_secs_f64(i as f64 / rate);
            tokio::time::sleep_until(start + offset).await;
            let payload = (offset.as_micros() as u64).to_be_bytes();
            let key = (i % 20_000).to_string();
            loop {
                let record = FutureRecord::to(&topic_owned).key(&key).payload(&payload);
                match producer.send_result(record) {
                    // Delivery is seen by the consumer; the future is not needed.
                    Ok(_) => break,
                    Err(_) => tokio::time::sleep(Duration::from_millis(1)).await,
                }
            }
        }
    });
    let mut h = Histogram::<u64>::new_with_bounds(1, 600_000_000, 3).expect("histogram");
    let mut seen = 0;
    while seen < total {
        let Ok(Ok(m)) = tokio::time::timeout(Duration::from_secs(30), consumer.recv()).await else {
            break;
        };
        let Some(bytes) = m.payload().and_then(|p| <[u8; 8]>::try_from(p).ok()) else {
            continue;
        };
        let intended = start + Duration::from_micros(u64::from_be_bytes(bytes));
        h.saturating_record(intended.elapsed().as_micros().max(1) as u64);
        seen += 1;
    }
    let _ = sender.await;
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    println!("bare hop: {seen} of {total} consumed");
    (
        ms(0.5),
        ms(0.99),
        h.max() as f64 / 1000.0,
        h.mean() / 1000.0,
    )
}
