//! Kafka through rdkafka: every client setting PortTrack relies on is here,
//! so producers and consumers behave the same in every service.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use bytes::Bytes;
use futures::FutureExt;
use rdkafka::{
    ClientConfig, Message, Offset, TopicPartitionList,
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    client::ClientContext,
    client::DefaultClientContext,
    config::RDKafkaLogLevel,
    consumer::{
        BaseConsumer, CommitMode, Consumer as _, ConsumerContext, Rebalance, StreamConsumer,
    },
    error::{KafkaError, RDKafkaErrorCode},
    message::{BorrowedMessage, Header, Headers, OwnedHeaders},
    producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer as _},
};

use super::{BusError, Delivery, OutRecord, PartitionOffsets, Record, stats};
use crate::{settings::BusSettings, tls::kafka::KafkaSecurity};

const METADATA_TIMEOUT: Duration = Duration::from_secs(10);

pub struct KafkaBus {
    brokers: Brokers,
    client_id: String,
    instance_id: Option<String>,
    producer: FutureProducer<Observed>,
    partitions: i32,
    replication: i32,
}

impl std::fmt::Debug for KafkaBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaBus")
            .field("brokers", &self.brokers)
            .finish_non_exhaustive()
    }
}

impl KafkaBus {
    pub fn new(brokers: &str, settings: &BusSettings, client_id: &str) -> Result<Self, BusError> {
        let brokers = Brokers {
            list: brokers.to_owned(),
            security: KafkaSecurity::from_settings(&settings.kafka_security)?,
        };
        let producer = base_config(&brokers, client_id)
            // Exactly-once per partition and in order across retries.
            .set("enable.idempotence", "true")
            .set("acks", "all")
            // Same partition per key as the Java client and the embedded log.
            .set("partitioner", "murmur2_random")
            .set("linger.ms", "5")
            .set(
                "message.timeout.ms",
                settings.produce_timeout.as_millis().to_string(),
            )
            .set(
                "queue.buffering.max.messages",
                settings.produce_queue.to_string(),
            )
            .set(stats::INTERVAL_KEY, stats::INTERVAL_MS.to_string())
            .create_with_context(Observed::new(stats::ClientStats::producer()))?;
        Ok(Self {
            brokers,
            client_id: client_id.to_owned(),
            instance_id: settings.instance_id.clone(),
            producer,
            partitions: settings.kafka_partitions,
            replication: settings.kafka_replication,
        })
    }

    /// `(name, compacted)` pairs.
    pub async fn ensure_topics(&self, topics: &[(String, bool)]) -> Result<(), BusError> {
        let admin: AdminClient<DefaultClientContext> =
            base_config(&self.brokers, &self.client_id).create()?;
        let new: Vec<NewTopic<'_>> = topics
            .iter()
            .map(|(name, compacted)| {
                let topic = NewTopic::new(
                    name,
                    self.partitions,
                    TopicReplication::Fixed(self.replication),
                );
                if *compacted {
                    topic.set("cleanup.policy", "compact")
                } else {
                    topic
                }
            })
            .collect();
        let options = AdminOptions::new().operation_timeout(Some(METADATA_TIMEOUT));
        for result in admin.create_topics(&new, &options).await? {
            match result {
                Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((name, code)) => {
                    return Err(BusError::Delivery(format!(
                        "cannot create topic {name}: {code}"
                    )));
                }
            }
        }
        Ok(())
    }

    pub fn send(&self, out: OutRecord<'_>) -> Result<DeliveryFuture, BusError> {
        let mut headers = OwnedHeaders::new_with_capacity(out.headers.len());
        for (key, value) in out.headers {
            headers = headers.insert(Header {
                key,
                value: Some(*value),
            });
        }
        let record = FutureRecord::to(out.topic)
            .key(out.key)
            .payload(out.payload)
            .headers(headers);
        self.producer
            .send_result(record)
            .map_err(|(err, _)| match err {
                KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull) => BusError::QueueFull,
                other => BusError::Kafka(other),
            })
    }

    pub async fn flush(&self, timeout: Duration) -> Result<(), BusError> {
        let producer = self.producer.clone();
        tokio::task::spawn_blocking(move || producer.flush(timeout))
            .await
            .map_err(|_| BusError::Closed)?
            .map_err(BusError::from)
    }

    pub fn group_consumer(&self, group: &str, topics: &[&str]) -> Result<KafkaConsumer, BusError> {
        let mut config = consumer_config(&self.brokers, &self.client_id, group);
        if let Some(instance) = &self.instance_id {
            config.set("group.instance.id", format!("{group}-{instance}"));
        }
        config.set(stats::INTERVAL_KEY, stats::INTERVAL_MS.to_string());
        let consumer: ObservedConsumer =
            config.create_with_context(Observed::new(stats::ClientStats::consumer(Some(group))))?;
        consumer.subscribe(topics)?;
        Ok(KafkaConsumer {
            consumer: Arc::new(consumer),
        })
    }

    pub async fn reader(
        &self,
        topic: &str,
        start: &PartitionOffsets,
    ) -> Result<KafkaConsumer, BusError> {
        // A group id is required by librdkafka even when nothing is
        // committed; a unique one keeps readers out of each other's way.
        let group = format!("{}-reader-{}", self.client_id, uuid::Uuid::now_v7());
        let consumer: ObservedConsumer = consumer_config(&self.brokers, &self.client_id, &group)
            .set(stats::INTERVAL_KEY, stats::INTERVAL_MS.to_string())
            .create_with_context(Observed::new(stats::ClientStats::consumer(None)))?;
        let consumer = Arc::new(consumer);
        let partitions = partition_count(consumer.clone(), topic).await?;
        let mut tpl = TopicPartitionList::new();
        for p in 0..partitions {
            let offset = start
                .get(&p)
                .map_or(Offset::Beginning, |o| Offset::Offset(*o));
            tpl.add_partition_offset(topic, p, offset)?;
        }
        consumer.assign(&tpl)?;
        Ok(KafkaConsumer { consumer })
    }

    pub async fn committed_offsets(
        &self,
        group: &str,
        topic: &str,
    ) -> Result<PartitionOffsets, BusError> {
        let consumer: Arc<BaseConsumer> =
            Arc::new(consumer_config(&self.brokers, &self.client_id, group).create()?);
        let partitions = partition_count(consumer.clone(), topic).await?;
        let topic = topic.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut tpl = TopicPartitionList::new();
            for p in 0..partitions {
                tpl.add_partition(&topic, p);
            }
            let committed = consumer.committed_offsets(tpl, METADATA_TIMEOUT)?;
            Ok(committed
                .elements()
                .iter()
                .filter_map(|e| match e.offset() {
                    Offset::Offset(o) => Some((e.partition(), o)),
                    _ => None,
                })
                .collect())
        })
        .await
        .map_err(|_| BusError::Closed)?
    }
}

pub async fn delivered(future: DeliveryFuture) -> Result<Delivery, BusError> {
    match future.await {
        Ok(Ok(d)) => Ok(Delivery {
            partition: d.partition,
            offset: d.offset,
        }),
        Ok(Err((err, _))) => Err(BusError::Delivery(err.to_string())),
        Err(_canceled) => Err(BusError::Closed),
    }
}

async fn partition_count<C, X>(consumer: Arc<C>, topic: &str) -> Result<i32, BusError>
where
    C: rdkafka::consumer::Consumer<X> + Send + Sync + 'static,
    X: ConsumerContext + 'static,
{
    let topic = topic.to_owned();
    tokio::task::spawn_blocking(move || {
        let metadata = consumer.fetch_metadata(Some(&topic), METADATA_TIMEOUT)?;
        let count = metadata
            .topics()
            .first()
            .map_or(0, |t| t.partitions().len());
        if count == 0 {
            return Err(BusError::Delivery(format!(
                "topic {topic} has no partitions"
            )));
        }
        Ok(count as i32)
    })
    .await
    .map_err(|_| BusError::Closed)?
}

/// Bootstrap servers and how to reach them (TLS, SASL).
#[derive(Debug)]
struct Brokers {
    list: String,
    security: KafkaSecurity,
}

fn base_config(brokers: &Brokers, client_id: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", &brokers.list)
        .set("client.id", client_id);
    brokers.security.apply(&mut config);
    config
}

fn consumer_config(brokers: &Brokers, client_id: &str, group: &str) -> ClientConfig {
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
    stats: stats::ClientStats,
}

impl Observed {
    fn new(stats: stats::ClientStats) -> Self {
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

type ObservedConsumer = StreamConsumer<Observed>;

pub struct KafkaConsumer {
    consumer: Arc<ObservedConsumer>,
}

impl std::fmt::Debug for KafkaConsumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaConsumer").finish_non_exhaustive()
    }
}

impl KafkaConsumer {
    /// The next record. Consumption errors librdkafka recovers from itself
    /// (a broker restarting, all brokers briefly down, a partition leader
    /// moving) are logged, counted and waited out: returning them would
    /// stop the service's consumer task, and with it the process, on every
    /// broker restart. Only a fatal error ends consumption.
    pub async fn recv(&mut self) -> Result<Record, BusError> {
        loop {
            match self.consumer.recv().await {
                Ok(message) => return Ok(to_record(&message)),
                Err(err) => self.unless_transient(err)?,
            }
        }
    }

    /// A record already fetched, without waiting.
    pub fn try_recv(&mut self) -> Result<Option<Record>, BusError> {
        loop {
            match self.consumer.recv().now_or_never() {
                Some(Ok(message)) => return Ok(Some(to_record(&message))),
                Some(Err(err)) => self.unless_transient(err)?,
                None => return Ok(None),
            }
        }
    }

    fn unless_transient(&self, err: KafkaError) -> Result<(), BusError> {
        if !is_transient(&err) {
            return Err(err.into());
        }
        self.consumer.context().stats.client_error();
        tracing::warn!(target: "librdkafka", error = %err, "consumer error; librdkafka recovers, consumption goes on");
        Ok(())
    }

    pub async fn commit(
        &mut self,
        offsets: &BTreeMap<(Arc<str>, i32), i64>,
    ) -> Result<(), BusError> {
        let mut tpl = TopicPartitionList::new();
        for ((topic, partition), offset) in offsets {
            tpl.add_partition_offset(topic, *partition, Offset::Offset(*offset))?;
        }
        let consumer = self.consumer.clone();
        tokio::task::spawn_blocking(move || consumer.commit(&tpl, CommitMode::Sync))
            .await
            .map_err(|_| BusError::Closed)?
            .inspect_err(|_| self.consumer.context().stats.commit_failed())
            .map_err(BusError::from)
    }
}

/// An error the consumer reports but recovers from by itself; librdkafka
/// flags the ones it cannot recover from as fatal.
fn is_transient(err: &KafkaError) -> bool {
    matches!(err, KafkaError::MessageConsumption(_))
}

fn to_record(message: &BorrowedMessage<'_>) -> Record {
    let headers = message
        .headers()
        .map(|h| {
            h.iter()
                .map(|h| {
                    (
                        h.key.to_owned(),
                        Bytes::copy_from_slice(h.value.unwrap_or_default()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Record {
        topic: Arc::from(message.topic()),
        partition: message.partition(),
        offset: message.offset(),
        key: Bytes::copy_from_slice(message.key().unwrap_or_default()),
        payload: Bytes::copy_from_slice(message.payload().unwrap_or_default()),
        headers,
        timestamp_ms: message.timestamp().to_millis().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumption_errors_are_waited_out_unless_fatal() {
        let down = RDKafkaErrorCode::AllBrokersDown;
        assert!(is_transient(&KafkaError::MessageConsumption(down)));
        assert!(is_transient(&KafkaError::MessageConsumption(
            RDKafkaErrorCode::BrokerTransportFailure
        )));
        assert!(!is_transient(&KafkaError::MessageConsumptionFatal(
            RDKafkaErrorCode::Fatal
        )));
    }
}
