//! Reading records: a group member or a reader from given offsets, and
//! committing what the service has stored.

use std::{collections::BTreeMap, sync::Arc};

use bytes::Bytes;
use futures::FutureExt;
use rdkafka::{
    Message, Offset, TopicPartitionList,
    consumer::{CommitMode, Consumer as _, StreamConsumer},
    error::KafkaError,
    message::{BorrowedMessage, Headers},
};

use super::client::Observed;
use crate::bus::{BusError, Record};

pub(super) type ObservedConsumer = StreamConsumer<Observed>;

pub struct KafkaConsumer {
    pub(super) consumer: Arc<ObservedConsumer>,
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
    use rdkafka::error::RDKafkaErrorCode;

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
