//! Events to Kafka with bounded memory: a permit per event not yet
//! acknowledged, so a slow or absent broker turns into back-pressure on
//! feeds instead of an unbounded queue or silent loss.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use porttrack_platform::{BusError, EventBus, OutRecord, bus::TopicSpec};
use porttrack_proto::events::v1::{RejectedInput, SCHEMA_VERSION, topics};
use prost::Message as _;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{domain::Accepted, metrics as m};

/// Topics ingest writes.
pub const TOPICS: &[TopicSpec] = &[
    TopicSpec {
        name: topics::POSITIONS,
        compacted: false,
    },
    TopicSpec {
        name: topics::STATIC,
        compacted: true,
    },
    TopicSpec {
        name: topics::REJECTS,
        compacted: false,
    },
];

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("the produce queue is full")]
    Full,
    #[error(transparent)]
    Bus(#[from] BusError),
}

#[derive(Debug, Clone)]
pub struct Publisher {
    bus: EventBus,
    permits: Arc<Semaphore>,
    capacity: usize,
}

/// An event queued for Kafka; await [`Queued::confirmed`] for the ack.
#[derive(Debug)]
pub struct Queued {
    pending: porttrack_platform::PendingDelivery,
    _permit: OwnedSemaphorePermit,
    queued_at: Instant,
    publisher: Publisher,
}

impl Queued {
    pub async fn confirmed(self) -> Result<(), BusError> {
        let Self {
            pending,
            _permit: permit,
            queued_at,
            publisher,
        } = self;
        let result = pending.wait().await;
        metrics::histogram!(m::PRODUCE_SECONDS).record(queued_at.elapsed().as_secs_f64());
        if result.is_err() {
            metrics::counter!(m::PRODUCE_FAILED).increment(1);
        }
        drop(permit);
        publisher.report_depth();
        result.map(|_| ())
    }
}

impl Publisher {
    pub fn new(bus: EventBus, capacity: usize) -> Self {
        Self {
            bus,
            permits: Arc::new(Semaphore::new(capacity)),
            capacity,
        }
    }

    pub fn bus(&self) -> &EventBus {
        &self.bus
    }

    /// Queues `event`, waiting at most `wait` for room (`None`: as long as
    /// it takes, which is how a TCP feed is slowed down).
    pub async fn queue(
        &self,
        event: &Accepted,
        wait: Option<Duration>,
    ) -> Result<Queued, PublishError> {
        let permit = match wait {
            None => self
                .permits
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| PublishError::Bus(BusError::Closed))?,
            Some(wait) => tokio::time::timeout(wait, self.permits.clone().acquire_owned())
                .await
                .map_err(|_| PublishError::Full)?
                .map_err(|_| PublishError::Bus(BusError::Closed))?,
        };
        let key = event.mmsi().to_string();
        let (topic, payload, kind) = match event {
            Accepted::Position(p) => (topics::POSITIONS, p.encode_to_vec(), "position"),
            Accepted::Static(s) => (topics::STATIC, s.encode_to_vec(), "static"),
        };
        let record = OutRecord {
            topic,
            key: key.as_bytes(),
            payload: &payload,
            headers: &[],
        };
        let pending = self.bus.send(record).map_err(|e| match e {
            BusError::QueueFull => PublishError::Full,
            other => PublishError::Bus(other),
        })?;
        metrics::counter!(m::ACCEPTED, "kind" => kind).increment(1);
        self.report_depth();
        Ok(Queued {
            pending,
            _permit: permit,
            queued_at: Instant::now(),
            publisher: self.clone(),
        })
    }

    /// Sends refused input to the dead-letter topic without waiting; if even
    /// that cannot be queued the reject is still counted and logged.
    pub fn dead_letter(
        &self,
        transport: &str,
        source: &str,
        raw: &str,
        reason: &str,
        detail: &str,
    ) {
        let event = RejectedInput {
            event_id: uuid::Uuid::now_v7().to_string(),
            schema_version: SCHEMA_VERSION,
            received_at_ms: porttrack_platform::time::now_ms(),
            transport: transport.to_owned(),
            source: source.to_owned(),
            raw: raw.chars().take(4096).collect(),
            reason: reason.to_owned(),
            detail: detail.to_owned(),
        };
        let payload = event.encode_to_vec();
        let record = OutRecord {
            topic: topics::REJECTS,
            key: source.as_bytes(),
            payload: &payload,
            headers: &[],
        };
        match self.bus.send(record) {
            Ok(pending) => {
                tokio::spawn(async move {
                    if let Err(err) = pending.wait().await {
                        tracing::warn!(error = %err, "dead-letter record not stored");
                    }
                });
            }
            Err(err) => tracing::warn!(error = %err, reason, "dead-letter record dropped"),
        }
    }

    fn report_depth(&self) {
        let depth = self.capacity - self.permits.available_permits();
        metrics::gauge!(m::QUEUE_DEPTH).set(depth as f64);
    }
}
