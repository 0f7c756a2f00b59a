//! Routes events go through the platform's outbox (see
//! `porttrack_platform::outbox`): stored with the change they announce.

use porttrack_platform::outbox::{self, Pending};

use super::{Store, StoreError};

pub(super) use outbox::enqueue;

impl Store {
    /// The oldest waiting events, in the order their changes committed.
    pub async fn outbox(&self, limit: usize) -> Result<Vec<Pending>, StoreError> {
        Ok(outbox::waiting(&self.pool, limit).await?)
    }

    /// Forgets events the broker has confirmed.
    pub async fn outbox_done(&self, ids: &[String]) -> Result<(), StoreError> {
        Ok(outbox::confirmed(&self.pool, ids).await?)
    }
}
