//! The event bus as metrics, the same for every service: librdkafka's own
//! statistics (emitted every [`INTERVAL_MS`] to each client's context) for
//! Kafka, and committed offsets against the log's end for the embedded log.
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `porttrack_kafka_producer_queue_messages` | gauge | `client` (`producer`) |
//! | `porttrack_kafka_tx_retries_total` | counter | `client` |
//! | `porttrack_kafka_errors_total` | counter | `client`, `kind` |
//! | `porttrack_kafka_consumer_lag_messages` | gauge | `group`, `topic`, `partition` |
//! | `porttrack_kafka_commit_failures_total` | counter | `group` |
//!
//! `client` is the role of the client handle (`producer` or `consumer`),
//! never its librdkafka name (`rdkafka#producer-3`), which grows with every
//! handle a process opens. `kind` is one of [`ERROR_KINDS`]. librdkafka's
//! figures are totals per handle since it was created; they become
//! Prometheus counters by adding what grew since the last report, per
//! broker, so several handles of one role add up and a broker leaving the
//! metadata does not make a counter go backwards.
//!
//! Lag is reported for consumer-group members only, from the group's
//! committed offset (as lag exporters and alerts expect): readers that
//! commit nothing have no lag to report, and their group ids are random.
//! Partitions a member no longer owns drop to 0, so `max` or `sum` over
//! the replicas of a group stays right after a rebalance.

use std::{collections::BTreeMap, sync::Mutex, time::Duration};

use rdkafka::Statistics;

use super::memory::MemoryLog;

pub const PRODUCER_QUEUE: &str = "porttrack_kafka_producer_queue_messages";
pub const TX_RETRIES: &str = "porttrack_kafka_tx_retries_total";
pub const ERRORS: &str = "porttrack_kafka_errors_total";
pub const CONSUMER_LAG: &str = "porttrack_kafka_consumer_lag_messages";
pub const COMMIT_FAILURES: &str = "porttrack_kafka_commit_failures_total";

/// How often librdkafka reports, and the embedded log is looked at.
pub const INTERVAL_MS: u64 = 1000;
/// librdkafka's key for [`INTERVAL_MS`].
pub const INTERVAL_KEY: &str = "statistics.interval.ms";

/// Values of the `kind` label of [`ERRORS`]: requests that failed to be
/// sent (`tx`), responses that could not be read (`rx`), requests the
/// broker did not answer in time (`timeout`), and errors the client reports
/// about itself, such as every broker being down (`client`).
pub const ERROR_KINDS: [&str; 4] = ["tx", "rx", "timeout", "client"];

pub fn describe() {
    metrics::describe_gauge!(
        PRODUCER_QUEUE,
        metrics::Unit::Count,
        "Messages in the Kafka producer's queues, not yet acknowledged by a broker."
    );
    metrics::describe_counter!(
        TX_RETRIES,
        metrics::Unit::Count,
        "Kafka requests sent again after a failure."
    );
    metrics::describe_counter!(
        ERRORS,
        metrics::Unit::Count,
        "Kafka client errors, by kind (tx, rx, timeout, client)."
    );
    metrics::describe_gauge!(
        CONSUMER_LAG,
        metrics::Unit::Count,
        "Records in a partition after the consumer group's committed offset."
    );
    metrics::describe_counter!(
        COMMIT_FAILURES,
        metrics::Unit::Count,
        "Consumer offset commits that failed."
    );
}

/// Role of a client handle: the `client` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Producer,
    Consumer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Producer => "producer",
            Self::Consumer => "consumer",
        }
    }
}

/// Per-broker totals librdkafka keeps since the handle was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BrokerTotals {
    pub tx_errors: u64,
    pub rx_errors: u64,
    pub timeouts: u64,
    pub retries: u64,
}

impl BrokerTotals {
    /// What grew since `before`; a figure that went down (it cannot,
    /// within one handle) counts as no growth.
    fn since(self, before: Self) -> Self {
        Self {
            tx_errors: self.tx_errors.saturating_sub(before.tx_errors),
            rx_errors: self.rx_errors.saturating_sub(before.rx_errors),
            timeouts: self.timeouts.saturating_sub(before.timeouts),
            retries: self.retries.saturating_sub(before.retries),
        }
    }

    fn add(&mut self, other: Self) {
        self.tx_errors += other.tx_errors;
        self.rx_errors += other.rx_errors;
        self.timeouts += other.timeouts;
        self.retries += other.retries;
    }
}

/// The figures PortTrack exports from one statistics report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Messages waiting in the producer's queues.
    pub queue_messages: u64,
    /// By broker name (bootstrap entries included: they carry errors too).
    pub brokers: BTreeMap<String, BrokerTotals>,
    /// Committed-offset lag of the partitions this handle consumes, by
    /// (topic, partition); partitions with no known lag are left out.
    pub lag: BTreeMap<(String, i32), i64>,
}

impl Snapshot {
    pub fn of(stats: &Statistics) -> Self {
        let brokers = stats
            .brokers
            .iter()
            .map(|(name, b)| {
                let totals = BrokerTotals {
                    tx_errors: b.txerrs,
                    rx_errors: b.rxerrs,
                    timeouts: b.req_timeouts,
                    retries: b.txretries,
                };
                (name.clone(), totals)
            })
            .collect();
        let lag = stats
            .topics
            .values()
            .flat_map(|t| t.partitions.values().map(move |p| (t, p)))
            // Partition -1 is librdkafka's holder for messages not yet
            // partitioned; `desired` marks the partitions assigned to us.
            .filter(|(_, p)| p.partition >= 0 && p.desired && p.consumer_lag >= 0)
            .map(|(t, p)| ((t.topic.clone(), p.partition), p.consumer_lag))
            .collect();
        Self {
            queue_messages: stats.msg_cnt,
            brokers,
            lag,
        }
    }

    /// Growth of every counter since `before`, summed over brokers.
    pub fn growth_since(&self, before: &Self) -> BrokerTotals {
        let mut growth = BrokerTotals::default();
        for (name, now) in &self.brokers {
            let then = before.brokers.get(name).copied().unwrap_or_default();
            growth.add(now.since(then));
        }
        growth
    }
}

/// What one client handle reports: the context of every rdkafka client
/// PortTrack creates holds one.
#[derive(Debug)]
pub struct ClientStats {
    role: Role,
    /// The consumer group, for group members only.
    group: Option<String>,
    last: Mutex<Snapshot>,
}

impl ClientStats {
    pub fn producer() -> Self {
        Self::new(Role::Producer, None)
    }

    /// A consumer; `group` for members of a consumer group, `None` for
    /// readers that commit nothing.
    pub fn consumer(group: Option<&str>) -> Self {
        Self::new(Role::Consumer, group.map(str::to_owned))
    }

    fn new(role: Role, group: Option<String>) -> Self {
        describe();
        // Counters exist from the start, so rates and alerts see a 0, not
        // a missing series, until something goes wrong.
        let client = role.as_str();
        metrics::counter!(TX_RETRIES, "client" => client).increment(0);
        for kind in ERROR_KINDS {
            metrics::counter!(ERRORS, "client" => client, "kind" => kind).increment(0);
        }
        if let Some(group) = &group {
            group_created(group);
        }
        Self {
            role,
            group,
            last: Mutex::new(Snapshot::default()),
        }
    }

    /// One statistics report from librdkafka.
    pub fn record(&self, stats: &Statistics) {
        let now = Snapshot::of(stats);
        let client = self.role.as_str();
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let growth = now.growth_since(&last);
        metrics::counter!(TX_RETRIES, "client" => client).increment(growth.retries);
        for (kind, n) in [
            ("tx", growth.tx_errors),
            ("rx", growth.rx_errors),
            ("timeout", growth.timeouts),
        ] {
            metrics::counter!(ERRORS, "client" => client, "kind" => kind).increment(n);
        }
        if self.role == Role::Producer {
            metrics::gauge!(PRODUCER_QUEUE, "client" => client).set(now.queue_messages as f64);
        }
        if let Some(group) = &self.group {
            report_lag(group, &last.lag, &now.lag);
        }
        *last = now;
    }

    /// An error librdkafka reports about the client as a whole.
    pub fn client_error(&self) {
        metrics::counter!(ERRORS, "client" => self.role.as_str(), "kind" => "client").increment(1);
    }

    /// A failed offset commit of this consumer's group.
    pub fn commit_failed(&self) {
        if let Some(group) = &self.group {
            metrics::counter!(COMMIT_FAILURES, "group" => group.clone()).increment(1);
        }
    }
}

/// A consumer group member was created: its commit-failure counter starts at 0.
pub fn group_created(group: &str) {
    describe();
    metrics::counter!(COMMIT_FAILURES, "group" => group.to_owned()).increment(0);
}

/// Sets the lag of `now`'s partitions, and 0 for those reported before
/// but no longer (revoked, or their lag became unknown).
fn report_lag(
    group: &str,
    before: &BTreeMap<(String, i32), i64>,
    now: &BTreeMap<(String, i32), i64>,
) {
    for ((topic, partition), lag) in now {
        lag_gauge(group, topic, *partition).set(*lag as f64);
    }
    for (topic, partition) in before.keys().filter(|k| !now.contains_key(*k)) {
        lag_gauge(group, topic, *partition).set(0.0);
    }
}

fn lag_gauge(group: &str, topic: &str, partition: i32) -> metrics::Gauge {
    metrics::gauge!(
        CONSUMER_LAG,
        "group" => group.to_owned(),
        "topic" => topic.to_owned(),
        "partition" => partition.to_string(),
    )
}

/// Reports the lag of an embedded-log consumer group while it lives; the
/// task stops when this is dropped.
#[derive(Debug)]
pub struct LagWatch {
    task: tokio::task::JoinHandle<()>,
}

impl LagWatch {
    /// `None` outside a Tokio runtime (nothing could run the watch).
    pub fn embedded(log: MemoryLog, group: &str, topics: &[&str]) -> Option<Self> {
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        group_created(group);
        let group = group.to_owned();
        let topics: Vec<String> = topics.iter().map(|t| (*t).to_owned()).collect();
        let task = runtime.spawn(async move {
            let mut before = BTreeMap::new();
            let mut tick = tokio::time::interval(Duration::from_millis(INTERVAL_MS));
            loop {
                tick.tick().await;
                let now = embedded_lag(&log, &group, &topics);
                report_lag(&group, &before, &now);
                before = now;
            }
        });
        Some(Self { task })
    }
}

impl Drop for LagWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// End of each partition minus the group's committed offset (0 when the
/// group has committed nothing there yet: it starts at the beginning).
fn embedded_lag(log: &MemoryLog, group: &str, topics: &[String]) -> BTreeMap<(String, i32), i64> {
    let mut lag = BTreeMap::new();
    for topic in topics {
        let committed = log.committed(group, topic);
        for (partition, end) in log.end_offsets(topic) {
            let from = committed.get(&partition).copied().unwrap_or(0);
            lag.insert((topic.clone(), partition), (end - from).max(0));
        }
    }
    lag
}

#[cfg(test)]
mod tests {
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
}
