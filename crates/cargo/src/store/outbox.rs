//! Manifest events go through the platform's outbox (see
//! `porttrack_platform::outbox`): stored with the change they announce.

use porttrack_platform::outbox::{self, Pending};
use porttrack_proto::cargo::v1::{ManifestEventKind, topics};
use sqlx::AnyConnection;

use super::{Store, StoreError};
use crate::{domain::Manifest, events};

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

/// Stores the event for `m` as it is now, in the caller's transaction,
/// keyed by port call so one call's events stay in order.
pub(super) async fn enqueue(
    conn: &mut AnyConnection,
    kind: ManifestEventKind,
    m: &Manifest,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let payload = events::encode(kind, m, now_ms);
    outbox::enqueue(conn, topics::MANIFESTS, &m.port_call_id, &payload, now_ms).await
}
