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
mod tests;
