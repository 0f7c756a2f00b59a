//! The index shared by queries and the live stream: applying a position
//! updates the index and tells subscribers, in one step.

use std::sync::{Arc, RwLock, RwLockReadGuard};

use tokio::sync::broadcast;

use crate::{domain::Position, index::Index, metrics as m};

/// Positions a slow subscriber may fall behind before it skips ahead.
const LIVE_BUFFER: usize = 8192;

#[derive(Debug, Clone)]
pub struct Live {
    index: Arc<RwLock<Index>>,
    updates: broadcast::Sender<Position>,
}

impl Default for Live {
    fn default() -> Self {
        Self {
            index: Arc::default(),
            updates: broadcast::channel(LIVE_BUFFER).0,
        }
    }
}

impl Live {
    /// True when `p` moved its vessel (it was newer than the last one).
    pub fn apply(&self, p: Position) -> bool {
        let (applied, len) = {
            let mut index = self.index.write().unwrap_or_else(|e| e.into_inner());
            (index.apply(p), index.len())
        };
        if applied {
            metrics::counter!(m::APPLIED).increment(1);
            metrics::gauge!(m::TRACKED).set(len as f64);
            // No subscribers is normal, not an error.
            let _ = self.updates.send(p);
        }
        applied
    }

    /// Loads a snapshot (the database at start) in one bulk build, far
    /// quicker than applying it position by position and a tighter tree.
    /// Nothing is broadcast: the snapshot is where vessels were, not news.
    pub fn load(&self, positions: Vec<Position>) {
        let mut index = self.index.write().unwrap_or_else(|e| e.into_inner());
        if index.is_empty() {
            *index = Index::from_positions(positions);
        } else {
            for p in positions {
                index.apply(p);
            }
        }
        metrics::gauge!(m::TRACKED).set(index.len() as f64);
    }

    pub fn read(&self) -> RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Position> {
        self.updates.subscribe()
    }
}
