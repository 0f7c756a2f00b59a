//! Statistics parsing against real librdkafka reports, and the embedded
//! log's lag.

use super::*;

/// Real reports of librdkafka 2.12 (rdkafka-sys 4.10) against tansu;
/// see `tests/fixtures/librdkafka/README.md` and [`capture`].
fn fixture(name: &str) -> Statistics {
    let path = format!(
        "{}/../../tests/fixtures/librdkafka/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_slice(&raw).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn totals(tx_errors: u64, rx_errors: u64, timeouts: u64, retries: u64) -> BrokerTotals {
    BrokerTotals {
        tx_errors,
        rx_errors,
        timeouts,
        retries,
    }
}

#[test]
fn producer_report_gives_queue_and_broker_totals_and_no_lag() {
    let stats = fixture("producer.json");
    assert_eq!(stats.client_type, "producer");
    let snapshot = Snapshot::of(&stats);
    assert_eq!(snapshot.queue_messages, stats.msg_cnt);
    assert!(snapshot.lag.is_empty(), "{:?}", snapshot.lag);
    // One broker, known by its node id once metadata replaced the
    // bootstrap entry; a clean run has no errors or retries.
    assert_eq!(snapshot.brokers.len(), 1);
    assert!(snapshot.brokers.keys().all(|b| b.ends_with("/111")));
    assert_eq!(
        snapshot.growth_since(&Snapshot::default()),
        BrokerTotals::default()
    );
}

#[test]
fn consumer_report_gives_committed_lag_of_assigned_partitions_only() {
    let stats = fixture("consumer.json");
    assert_eq!(stats.client_type, "consumer");
    let snapshot = Snapshot::of(&stats);
    let topic = stats.topics.keys().next().expect("one topic").clone();
    // The capture committed 10 of 30 records spread over 3 partitions.
    let partitions: Vec<i32> = snapshot.lag.keys().map(|(_, p)| *p).collect();
    assert_eq!(partitions, [0, 1, 2]);
    assert!(snapshot.lag.keys().all(|(t, _)| *t == topic));
    assert_eq!(snapshot.lag.values().sum::<i64>(), 20);
    for ((_, p), lag) in &snapshot.lag {
        let part = &stats.topics[&topic].partitions[p];
        assert_eq!(*lag, part.hi_offset - part.committed_offset);
    }
}

#[test]
fn unassigned_and_unpartitioned_entries_have_no_lag() {
    let mut stats = fixture("consumer.json");
    let topic = stats.topics.values_mut().next().expect("topic");
    let mut undesired = topic.partitions[&0].clone();
    undesired.desired = false;
    topic.partitions.insert(0, undesired);
    let mut internal = topic.partitions[&1].clone();
    internal.partition = -1;
    topic.partitions.insert(-1, internal);
    let lag = Snapshot::of(&stats).lag;
    assert_eq!(lag.keys().map(|(_, p)| *p).collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn growth_is_per_broker_and_never_negative() {
    let before = Snapshot {
        brokers: BTreeMap::from([
            ("a/bootstrap".to_owned(), totals(1, 0, 0, 2)),
            ("b/1".to_owned(), totals(5, 5, 5, 5)),
        ]),
        ..Snapshot::default()
    };
    // The bootstrap entry left the metadata; a new broker appeared; b
    // grew on two counters.
    let now = Snapshot {
        brokers: BTreeMap::from([
            ("b/1".to_owned(), totals(6, 5, 7, 5)),
            ("c/2".to_owned(), totals(0, 1, 0, 3)),
        ]),
        ..Snapshot::default()
    };
    assert_eq!(now.growth_since(&before), totals(1, 1, 2, 3));
    assert_eq!(now.growth_since(&now), BrokerTotals::default());
    assert_eq!(
        before.growth_since(&Snapshot::default()),
        totals(6, 5, 5, 7)
    );
}

#[tokio::test]
async fn embedded_lag_is_end_minus_committed() {
    let log = MemoryLog::new(2, 100);
    log.ensure_topics(&[("t".to_owned(), false)]);
    for key in ["a", "b", "c", "d", "e", "f"] {
        log.publish(super::super::OutRecord {
            topic: "t",
            key: key.as_bytes(),
            payload: b"x",
            headers: &[],
        });
    }
    let ends = log.end_offsets("t");
    assert_eq!(ends.values().sum::<i64>(), 6);
    let consumer = log.consumer(
        Some("g"),
        &["t"],
        &super::super::PartitionOffsets::default(),
    );
    let first = ends
        .iter()
        .find(|(_, end)| **end > 0)
        .map(|(p, _)| *p)
        .expect("a partition with records");
    consumer.commit(&BTreeMap::from([((std::sync::Arc::from("t"), first), 1)]));
    let lag = embedded_lag(&log, "g", &["t".to_owned()]);
    assert_eq!(lag.values().sum::<i64>(), 5);
    assert_eq!(lag[&("t".to_owned(), first)], ends[&first] - 1);
    assert!(embedded_lag(&log, "g", &["missing".to_owned()]).is_empty());
}

/// Writes the fixtures from a real broker: run it with the servers of
/// `scripts/test.sh --servers-only` exported, then
/// `cargo test -p porttrack-platform capture_statistics -- --ignored`.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "writes fixtures; needs PORTTRACK_TEST_KAFKA_BROKERS"]
async fn capture_statistics() {
    capture::run().await;
}

mod capture {
    use std::{sync::Mutex, time::Duration};

    use rdkafka::{
        ClientConfig, ClientContext, Message, Offset, TopicPartitionList,
        admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
        client::DefaultClientContext,
        consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext},
        producer::{BaseRecord, Producer, ProducerContext, ThreadedProducer},
    };

    /// Keeps the latest raw report.
    #[derive(Default)]
    struct Keep(Mutex<Option<Vec<u8>>>);

    impl ClientContext for Keep {
        fn stats_raw(&self, raw: &[u8]) {
            *self.0.lock().expect("lock") = Some(raw.to_vec());
        }
    }
    impl ConsumerContext for Keep {}
    impl ProducerContext for Keep {
        type DeliveryOpaque = ();
        fn delivery(&self, _: &rdkafka::message::DeliveryResult<'_>, _: ()) {}
    }

    fn latest(context: &Keep) -> serde_json::Value {
        let raw = context.0.lock().expect("lock").clone().expect("a report");
        serde_json::from_slice(&raw).expect("JSON")
    }

    fn write(name: &str, value: &serde_json::Value) {
        let path = format!(
            "{}/../../tests/fixtures/librdkafka/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = serde_json::to_string_pretty(value).expect("JSON");
        std::fs::write(&path, text + "\n").unwrap_or_else(|e| panic!("{path}: {e}"));
    }

    pub async fn run() {
        let brokers = porttrack_testkit::servers::kafka_brokers();
        let topic = porttrack_testkit::unique("stats");
        let group = porttrack_testkit::unique("stats_group");
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &brokers)
            .set("statistics.interval.ms", "500");
        let admin: AdminClient<DefaultClientContext> = config.create().expect("admin");
        let new = NewTopic::new(&topic, 3, TopicReplication::Fixed(1));
        admin
            .create_topics([&new], &AdminOptions::new())
            .await
            .expect("create topic");

        // As KafkaBus produces: idempotent, acks=all, murmur2.
        let producer: ThreadedProducer<Keep> = config
            .clone()
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("partitioner", "murmur2_random")
            .create_with_context(Keep::default())
            .expect("producer");
        for i in 0..30 {
            let key = format!("vessel-{i}");
            let record = BaseRecord::to(&topic)
                .key(&key)
                .payload("x")
                .partition(i % 3);
            producer.send(record).map_err(|(e, _)| e).expect("send");
        }
        producer.flush(Duration::from_secs(10)).expect("flush");
        std::thread::sleep(Duration::from_millis(1500));
        write("producer.json", &latest(producer.context()));

        // As KafkaBus consumes: a group member committing by hand.
        let consumer: BaseConsumer<Keep> = config
            .clone()
            .set("group.id", &group)
            .set("enable.auto.commit", "false")
            .set("auto.offset.reset", "earliest")
            .create_with_context(Keep::default())
            .expect("consumer");
        consumer.subscribe(&[&topic]).expect("subscribe");
        let mut seen = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while seen.len() < 30 && std::time::Instant::now() < deadline {
            if let Some(m) = consumer.poll(Duration::from_millis(100)) {
                let m = m.expect("message");
                seen.push((m.partition(), m.offset()));
            }
        }
        assert_eq!(seen.len(), 30, "consumed");
        // Commit 10 of the 30: lag 20 remains.
        let mut tpl = TopicPartitionList::new();
        for p in 0..3 {
            let done = seen
                .iter()
                .filter(|(q, _)| *q == p)
                .take(10 / 3 + usize::from(p == 0))
                .map(|(_, o)| o + 1)
                .max()
                .expect("records");
            tpl.add_partition_offset(&topic, p, Offset::Offset(done))
                .expect("tpl");
        }
        consumer.commit(&tpl, CommitMode::Sync).expect("commit");
        let until = std::time::Instant::now() + Duration::from_secs(3);
        while std::time::Instant::now() < until {
            let _ = consumer.poll(Duration::from_millis(100));
        }
        write("consumer.json", &latest(consumer.context()));
    }
}

/// What `f` records, as Prometheus renders it.
fn rendered(f: impl FnOnce()) -> String {
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    metrics::with_local_recorder(&recorder, f);
    handle.render()
}

fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
}

#[test]
fn reports_become_counters_that_only_grow_and_lag_that_follows_assignment() {
    let first = fixture("consumer.json");
    let mut second = first.clone();
    for broker in second.brokers.values_mut() {
        broker.txerrs += 2;
        broker.txretries += 3;
    }
    let topic = second.topics.values_mut().next().expect("topic");
    let name = topic.topic.clone();
    // Partition 2 was revoked by a rebalance.
    topic.partitions.get_mut(&2).expect("partition 2").desired = false;
    let text = rendered(|| {
        let stats = ClientStats::consumer(Some("g"));
        stats.record(&first);
        stats.record(&second);
        stats.commit_failed();
        stats.client_error();
    });
    let brokers = first.brokers.len() as f64;
    let consumer = r#"client="consumer""#;
    assert_eq!(
        value(&text, &format!("{TX_RETRIES}{{{consumer}}}")),
        Some(3.0 * brokers)
    );
    assert_eq!(
        value(&text, &format!(r#"{ERRORS}{{{consumer},kind="tx"}}"#)),
        Some(2.0 * brokers)
    );
    assert_eq!(
        value(&text, &format!(r#"{ERRORS}{{{consumer},kind="client"}}"#)),
        Some(1.0)
    );
    assert_eq!(
        value(&text, &format!(r#"{ERRORS}{{{consumer},kind="rx"}}"#)),
        Some(0.0)
    );
    assert_eq!(
        value(&text, &format!(r#"{COMMIT_FAILURES}{{group="g"}}"#)),
        Some(1.0)
    );
    let lag = |p: i32| {
        value(
            &text,
            &format!(r#"{CONSUMER_LAG}{{group="g",topic="{name}",partition="{p}"}}"#),
        )
    };
    assert_eq!((lag(0), lag(1), lag(2)), (Some(6.0), Some(7.0), Some(0.0)));
    assert!(
        !text.contains(PRODUCER_QUEUE),
        "consumers have no producer queue"
    );
}

#[test]
fn producers_report_their_queue_and_readers_no_lag_or_group() {
    let text = rendered(|| {
        let producer = ClientStats::producer();
        producer.record(&fixture("producer.json"));
        let reader = ClientStats::consumer(None);
        reader.record(&fixture("consumer.json"));
        reader.commit_failed();
    });
    assert_eq!(
        value(&text, &format!(r#"{PRODUCER_QUEUE}{{client="producer"}}"#)),
        Some(0.0)
    );
    assert!(!text.contains(CONSUMER_LAG), "{text}");
    assert!(!text.contains(COMMIT_FAILURES), "{text}");
}
