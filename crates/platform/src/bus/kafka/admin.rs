//! Topics and what the cluster knows about them: creating the topics a
//! service needs, partition counts, a group's committed offsets.

use std::sync::Arc;

use rdkafka::{
    Offset, TopicPartitionList,
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    client::DefaultClientContext,
    consumer::{BaseConsumer, Consumer as _, ConsumerContext},
    error::RDKafkaErrorCode,
};

use super::{
    KafkaBus, METADATA_TIMEOUT,
    client::{base_config, consumer_config},
};
use crate::bus::{BusError, PartitionOffsets};

impl KafkaBus {
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

pub(super) async fn partition_count<C, X>(consumer: Arc<C>, topic: &str) -> Result<i32, BusError>
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
