//! Kafka through rdkafka: every client setting PortTrack relies on is here,
//! so producers and consumers behave the same in every service.

mod admin;
mod client;
mod consumer;

use std::{sync::Arc, time::Duration};

use rdkafka::{
    Offset, TopicPartitionList,
    consumer::Consumer as _,
    error::{KafkaError, RDKafkaErrorCode},
    message::{Header, OwnedHeaders},
    producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer as _},
};

pub use self::consumer::KafkaConsumer;
use self::{
    admin::partition_count,
    client::{Brokers, Observed, base_config, consumer_config},
    consumer::ObservedConsumer,
};
use super::{BusError, Delivery, OutRecord, PartitionOffsets, stats};
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
