//! Answers for producers that wait for one (gRPC streams, REST batches):
//! per-item refusals, and "accepted" only once Kafka has every event.

use std::time::Duration;

use futures::future::join_all;
use porttrack_platform::ApiError;
use porttrack_proto::ingest::v1::{IngestSummary, ItemRejection};

use crate::{
    intake::Outcome,
    publisher::{PublishError, Queued},
};

/// Unconfirmed events held before waiting for them, so a long stream
/// holds bounded memory and queue room.
const SETTLE_EVERY: usize = 1024;

#[derive(Debug, Default)]
pub struct Batch {
    items: u64,
    accepted: u64,
    not_stored: u64,
    rejections: Vec<ItemRejection>,
    unconfirmed: Vec<(u64, Vec<Queued>)>,
}

impl Batch {
    pub async fn add(&mut self, outcome: Outcome) {
        let index = self.items;
        self.items += 1;
        if let Some(r) = outcome.rejection {
            self.rejections.push(ItemRejection {
                index,
                reason: r.reason.to_owned(),
                field: r.field.to_owned(),
                description: r.description,
            });
        } else if !outcome.queued.is_empty() {
            self.unconfirmed.push((index, outcome.queued));
            if self.unconfirmed.len() >= SETTLE_EVERY {
                self.settle().await;
            }
        }
    }

    async fn settle(&mut self) {
        let waiting = std::mem::take(&mut self.unconfirmed);
        let results = join_all(waiting.into_iter().map(|(_, queued)| async move {
            join_all(queued.into_iter().map(Queued::confirmed))
                .await
                .into_iter()
                .all(|r| r.is_ok())
        }))
        .await;
        for stored in results {
            if stored {
                self.accepted += 1;
            } else {
                self.not_stored += 1;
            }
        }
    }

    pub fn items(&self) -> u64 {
        self.items
    }

    /// Waits for Kafka, then answers. Any event Kafka did not take fails the
    /// whole answer, since the producer must resend; a resend is harmless
    /// (positions are stored once per vessel and time).
    pub async fn finish(mut self, pending_fragments: u64) -> Result<IngestSummary, ApiError> {
        self.settle().await;
        if self.not_stored > 0 {
            return Err(ApiError::Unavailable {
                detail: format!(
                    "{} of {} items were not stored in Kafka; resending the batch is safe",
                    self.not_stored, self.items
                ),
                retry_after: Duration::from_secs(1),
            });
        }
        Ok(IngestSummary {
            accepted: self.accepted,
            rejected: self.rejections.len() as u64,
            rejections: self.rejections,
            pending_fragments,
        })
    }

    /// Gives up early (the queue stayed full, or the bus failed). The
    /// producer is told at once to back off and resend; what was already
    /// queued still goes to Kafka in the background (a resend duplicates
    /// nothing that matters: positions are stored once per vessel and time).
    pub fn abort(self, err: PublishError) -> ApiError {
        let queued: Vec<Queued> = self.unconfirmed.into_iter().flat_map(|(_, q)| q).collect();
        if !queued.is_empty() {
            tokio::spawn(join_all(queued.into_iter().map(Queued::confirmed)));
        }
        match err {
            PublishError::Full => {
                metrics::counter!(crate::metrics::BACKPRESSURE).increment(1);
                ApiError::Overloaded {
                    retry_after: Duration::from_secs(1),
                }
            }
            PublishError::Bus(err) => ApiError::Unavailable {
                detail: err.to_string(),
                retry_after: Duration::from_secs(1),
            },
        }
    }
}
