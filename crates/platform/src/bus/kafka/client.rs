//! What every Kafka client shares: how it reaches the brokers, the
//! consumer settings, and the context that turns librdkafka's logs,
//! rebalances, statistics and errors into PortTrack's logs and metrics.

use rdkafka::{
    ClientConfig,
    client::ClientContext,
    config::RDKafkaLogLevel,
    consumer::{BaseConsumer, Consumer as _, ConsumerContext, Rebalance},
    error::KafkaError,
};

use crate::{bus::stats, tls::kafka::KafkaSecurity};

/// Bootstrap servers and how to reach them (TLS, SASL).
#[derive(Debug)]
pub(super) struct Brokers {
    pub(super) list: String,
    pub(super) security: KafkaSecurity,
}

pub(super) fn base_config(brokers: &Brokers, client_id: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", &brokers.list)
        .set("client.id", client_id);
    brokers.security.apply(&mut config);
    config
}

pub(super) fn consumer_config(brokers: &Brokers, client_id: &str, group: &str) -> ClientConfig {
    let mut config = base_config(brokers, client_id);
    config
        .set("group.id", group)
        // Offsets are committed by the service once its store has the change.
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("session.timeout.ms", "10000")
        .set("heartbeat.interval.ms", "1000")
        .set("max.poll.interval.ms", "20000")
        .set("partition.assignment.strategy", "cooperative-sticky")
        // Positions are wanted as they come: the broker answers a fetch
        // after 10 ms at most instead of librdkafka's 500 ms long poll,
        // which set the floor of the end-to-end latency.
        .set("fetch.wait.max.ms", "10");
    config
}

/// librdkafka's own log lines and rebalances, as structured log events;
/// its statistics and errors, as metrics.
#[derive(Debug)]
pub struct Observed {
    pub(super) stats: stats::ClientStats,
}

impl Observed {
    pub(super) fn new(stats: stats::ClientStats) -> Self {
        Self { stats }
    }
}

impl ClientContext for Observed {
    fn log(&self, level: RDKafkaLogLevel, facility: &str, message: &str) {
        match level {
            RDKafkaLogLevel::Emerg
            | RDKafkaLogLevel::Alert
            | RDKafkaLogLevel::Critical
            | RDKafkaLogLevel::Error => {
                tracing::error!(target: "librdkafka", facility, message)
            }
            RDKafkaLogLevel::Warning => tracing::warn!(target: "librdkafka", facility, message),
            RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => {
                tracing::info!(target: "librdkafka", facility, message)
            }
            RDKafkaLogLevel::Debug => tracing::debug!(target: "librdkafka", facility, message),
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        self.stats.client_error();
        tracing::warn!(target: "librdkafka", %error, reason, "client error");
    }

    fn stats(&self, statistics: rdkafka::Statistics) {
        self.stats.record(&statistics);
    }
}

impl ConsumerContext for Observed {
    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        // With the cooperative protocol a rebalance lists only the change;
        // the resulting assignment is what an operator needs to see.
        let assigned = consumer.assignment().map(|tpl| tpl.count()).unwrap_or(0);
        match rebalance {
            Rebalance::Assign(tpl) => {
                tracing::info!(added = tpl.count(), assigned, "partitions assigned")
            }
            Rebalance::Revoke(tpl) => {
                tracing::info!(removed = tpl.count(), assigned, "partitions revoked")
            }
            Rebalance::Error(err) => tracing::warn!(error = %err, assigned, "rebalance failed"),
        }
    }
}
