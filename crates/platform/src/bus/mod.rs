//! The event bus: Kafka in production, an in-process log for `porttrack up`.
//! Both keep what PortTrack relies on: topics, partitions chosen by key
//! (murmur2, as Kafka's clients do), per-partition order, and committed
//! offsets per consumer group. Services see only [`EventBus`] and
//! [`Consumer`]; both backends report their figures as metrics
//! ([`stats`]).

mod kafka;
mod memory;
mod murmur2;
pub mod stats;

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use bytes::Bytes;

use crate::{settings::BusSettings, trace};

pub use murmur2::partition_for;

/// A record as consumed.
#[derive(Debug, Clone)]
pub struct Record {
    pub topic: Arc<str>,
    pub partition: i32,
    pub offset: i64,
    pub key: Bytes,
    pub payload: Bytes,
    pub headers: Vec<(String, Bytes)>,
    pub timestamp_ms: i64,
}

/// A record to publish.
#[derive(Debug, Clone, Copy)]
pub struct OutRecord<'a> {
    pub topic: &'a str,
    pub key: &'a [u8],
    pub payload: &'a [u8],
    pub headers: &'a [(&'a str, &'a [u8])],
}

/// Where the broker stored a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub partition: i32,
    pub offset: i64,
}

/// A topic PortTrack creates if it is missing.
#[derive(Debug, Clone)]
pub struct TopicSpec {
    pub name: &'static str,
    /// Keep only the latest record per key (static data), not a time window.
    pub compacted: bool,
}

/// Next offset to read, per partition of one topic.
pub type PartitionOffsets = BTreeMap<i32, i64>;

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The producer queue is full: back-pressure, not failure.
    #[error("event queue is full")]
    QueueFull,
    #[error("the broker did not take the record: {0}")]
    Delivery(String),
    #[error("kafka: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error("the event bus is closed")]
    Closed,
    #[error(transparent)]
    Security(#[from] crate::tls::TlsError),
}

/// Handle to the event bus; cheap to clone. Services name topics and groups
/// by their logical names; the configured prefix is applied here.
#[derive(Debug, Clone)]
pub struct EventBus {
    backend: Backend,
    prefix: Arc<str>,
}

#[derive(Debug, Clone)]
enum Backend {
    Kafka(Arc<kafka::KafkaBus>),
    Memory(memory::MemoryLog),
}

impl EventBus {
    /// Kafka when brokers are configured, else a fresh embedded log.
    pub fn from_settings(settings: &BusSettings, client_id: &str) -> Result<Self, BusError> {
        let backend = match &settings.kafka_brokers {
            Some(brokers) => Backend::Kafka(Arc::new(kafka::KafkaBus::new(
                brokers, settings, client_id,
            )?)),
            None => Backend::Memory(memory::MemoryLog::new(
                settings.kafka_partitions,
                settings.embedded_retention,
            )),
        };
        Ok(Self {
            backend,
            prefix: Arc::from(settings.kafka_topic_prefix.as_str()),
        })
    }

    /// For a service running alone: as [`EventBus::from_settings`], with a
    /// warning when no brokers are set, since an embedded log then connects
    /// this process to nothing.
    pub fn for_service(settings: &BusSettings, client_id: &str) -> Result<Self, BusError> {
        let bus = Self::from_settings(settings, client_id)?;
        if !bus.is_kafka() {
            tracing::warn!(
                "PORTTRACK_KAFKA_BROKERS is not set: events stay inside this process; \
                 run `porttrack up` for a single-process suite, or set the brokers"
            );
        }
        Ok(bus)
    }

    pub fn is_kafka(&self) -> bool {
        matches!(self.backend, Backend::Kafka(_))
    }

    fn name(&self, logical: &str) -> String {
        format!("{}{logical}", self.prefix)
    }

    /// Creates missing topics; existing ones are left as they are.
    pub async fn ensure_topics(&self, topics: &[TopicSpec]) -> Result<(), BusError> {
        let named: Vec<(String, bool)> = topics
            .iter()
            .map(|t| (self.name(t.name), t.compacted))
            .collect();
        match &self.backend {
            Backend::Kafka(k) => k.ensure_topics(&named).await,
            Backend::Memory(m) => {
                m.ensure_topics(&named);
                Ok(())
            }
        }
    }

    /// Queues a record without waiting. Records sent one after another keep
    /// that order within their partition; await the returned
    /// [`PendingDelivery`] to know the broker has it. When tracing is on the
    /// record carries the current trace in its headers.
    pub fn send(&self, record: OutRecord<'_>) -> Result<PendingDelivery, BusError> {
        let topic = self.name(record.topic);
        let span = trace::kafka_send(&topic, record.key);
        let trace_headers = trace::record_headers(&span);
        let with_trace: Vec<(&str, &[u8])>;
        let headers = if trace_headers.is_empty() {
            record.headers
        } else {
            with_trace = record
                .headers
                .iter()
                .copied()
                .chain(trace_headers.iter().map(|(k, v)| (*k, v.as_bytes())))
                .collect();
            &with_trace
        };
        let record = OutRecord {
            topic: &topic,
            headers,
            ..record
        };
        let inner = match &self.backend {
            Backend::Kafka(k) => Pending::Kafka(k.send(record)?),
            Backend::Memory(m) => Pending::Done(m.publish(record)),
        };
        Ok(PendingDelivery { inner, span })
    }

    /// Publishes and waits until the broker has the record (`acks=all`).
    pub async fn publish(&self, record: OutRecord<'_>) -> Result<Delivery, BusError> {
        self.send(record)?.wait().await
    }

    /// Waits for queued records to reach the broker, up to `timeout`.
    pub async fn flush(&self, timeout: Duration) -> Result<(), BusError> {
        match &self.backend {
            Backend::Kafka(k) => k.flush(timeout).await,
            Backend::Memory(_) => Ok(()),
        }
    }

    /// A member of consumer group `group`: partitions shared with the
    /// group's other members, starting at the group's committed offsets.
    pub fn group_consumer(&self, group: &str, topics: &[&str]) -> Result<Consumer, BusError> {
        let group = self.name(group);
        let topics: Vec<String> = topics.iter().map(|t| self.name(t)).collect();
        let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
        let (inner, lag) = match &self.backend {
            Backend::Kafka(k) => (Inner::Kafka(k.group_consumer(&group, &topics)?), None),
            Backend::Memory(m) => (
                Inner::Memory(m.consumer(Some(&group), &topics, &BTreeMap::new())),
                // librdkafka reports Kafka lag; the embedded log is watched.
                stats::LagWatch::embedded(m.clone(), &group, &topics),
            ),
        };
        let mut consumer = Consumer::new(inner, self.prefix.clone(), Some(group));
        consumer._lag = lag;
        Ok(consumer)
    }

    /// A reader of every partition of `topic`, from `start` (partitions not
    /// named start at the earliest record). It commits nothing.
    pub async fn reader(
        &self,
        topic: &str,
        start: &PartitionOffsets,
    ) -> Result<Consumer, BusError> {
        let topic = self.name(topic);
        let inner = match &self.backend {
            Backend::Kafka(k) => Inner::Kafka(k.reader(&topic, start).await?),
            Backend::Memory(m) => Inner::Memory(m.consumer(None, &[&topic], start)),
        };
        Ok(Consumer::new(inner, self.prefix.clone(), None))
    }

    /// Offsets `group` has committed on `topic`.
    pub async fn committed_offsets(
        &self,
        group: &str,
        topic: &str,
    ) -> Result<PartitionOffsets, BusError> {
        let (group, topic) = (self.name(group), self.name(topic));
        match &self.backend {
            Backend::Kafka(k) => k.committed_offsets(&group, &topic).await,
            Backend::Memory(m) => Ok(m.committed(&group, &topic)),
        }
    }
}

/// A record queued by [`EventBus::send`], not yet confirmed.
pub struct PendingDelivery {
    inner: Pending,
    /// The PRODUCER span, ended when the broker answers.
    span: tracing::Span,
}

enum Pending {
    Kafka(rdkafka::producer::DeliveryFuture),
    Done(Delivery),
}

impl std::fmt::Debug for PendingDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            Pending::Kafka(_) => f.write_str("PendingDelivery::Kafka"),
            Pending::Done(d) => f.debug_tuple("PendingDelivery::Done").field(d).finish(),
        }
    }
}

impl PendingDelivery {
    /// Waits until the broker has the record, or says it never will.
    pub async fn wait(self) -> Result<Delivery, BusError> {
        let Self { inner, span } = self;
        let result = match inner {
            Pending::Kafka(future) => kafka::delivered(future).await,
            Pending::Done(delivery) => Ok(delivery),
        };
        match &result {
            Ok(d) => {
                span.record(
                    "messaging.destination.partition.id",
                    d.partition.to_string(),
                );
                span.record("messaging.kafka.offset", d.offset);
            }
            Err(_) => {
                span.record("otel.status_code", "ERROR");
            }
        }
        result
    }
}

enum Inner {
    Kafka(kafka::KafkaConsumer),
    Memory(memory::MemoryConsumer),
}

/// Receives records; for group members, commits what has been handled.
/// Records carry logical topic names (prefix removed).
pub struct Consumer {
    inner: Inner,
    prefix: Arc<str>,
    group: Option<String>,
    uncommitted: BTreeMap<(Arc<str>, i32), i64>,
    /// Reports an embedded group's lag for as long as it lives.
    _lag: Option<stats::LagWatch>,
}

impl std::fmt::Debug for Consumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Consumer")
            .field("uncommitted", &self.uncommitted)
            .finish_non_exhaustive()
    }
}

impl Consumer {
    fn new(inner: Inner, prefix: Arc<str>, group: Option<String>) -> Self {
        Self {
            inner,
            prefix,
            group,
            uncommitted: BTreeMap::new(),
            _lag: None,
        }
    }

    /// Waits for the next record.
    pub async fn recv(&mut self) -> Result<Record, BusError> {
        let record = match &mut self.inner {
            Inner::Kafka(k) => k.recv().await?,
            Inner::Memory(m) => m.recv().await?,
        };
        Ok(self.logical(record))
    }

    fn logical(&self, mut record: Record) -> Record {
        if !self.prefix.is_empty()
            && let Some(name) = record.topic.strip_prefix(&*self.prefix)
        {
            record.topic = Arc::from(name);
        }
        record
    }

    /// Waits for one record, then takes those already waiting, up to `max`.
    pub async fn recv_batch(&mut self, max: usize, out: &mut Vec<Record>) -> Result<(), BusError> {
        out.push(self.recv().await?);
        while out.len() < max {
            let next = match &mut self.inner {
                Inner::Kafka(k) => k.try_recv()?,
                Inner::Memory(m) => m.try_recv(),
            };
            match next {
                Some(record) => out.push(self.logical(record)),
                None => break,
            }
        }
        Ok(())
    }

    /// The CONSUMER span to process `records` (one topic's batch) in:
    /// it continues the trace of the first traced record and links the rest.
    pub fn process_span(&self, records: &[Record]) -> tracing::Span {
        let Some(first) = records.first() else {
            return tracing::Span::none();
        };
        let topic = format!("{}{}", self.prefix, first.topic);
        trace::kafka_process(&topic, self.group.as_deref(), records)
    }

    /// Marks `record` as handled; [`Consumer::commit`] makes it durable.
    pub fn mark_done(&mut self, record: &Record) {
        let topic: Arc<str> = Arc::from(format!("{}{}", self.prefix, record.topic));
        let next = self
            .uncommitted
            .entry((topic, record.partition))
            .or_insert(0);
        *next = (*next).max(record.offset + 1);
    }

    /// Commits every record marked done. Call it only after their effect is
    /// durable: a crash before the commit replays them, never skips them.
    pub async fn commit(&mut self) -> Result<(), BusError> {
        if self.uncommitted.is_empty() {
            return Ok(());
        }
        let offsets = std::mem::take(&mut self.uncommitted);
        match &mut self.inner {
            Inner::Kafka(k) => k.commit(&offsets).await,
            Inner::Memory(m) => {
                m.commit(&offsets);
                Ok(())
            }
        }
    }
}
