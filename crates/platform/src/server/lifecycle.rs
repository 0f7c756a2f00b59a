//! Shutdown coordination: the drain token every listener, stream and loop
//! watches, background tasks that stop the process when they fail, and the
//! hooks that run last (a producer's flush).

use std::{
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex},
};

use tokio_util::{sync::CancellationToken, task::TaskTracker};

use super::{Health, red};
use crate::telemetry;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub(super) type StopHook = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Shutdown coordination shared by everything in one process.
#[derive(Clone)]
pub struct Lifecycle {
    pub(super) drain: CancellationToken,
    pub(super) failed: CancellationToken,
    pub(super) tasks: TaskTracker,
    pub(super) health: Health,
    pub(super) stop_hooks: Arc<Mutex<Vec<StopHook>>>,
}

impl std::fmt::Debug for Lifecycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lifecycle")
            .field("draining", &self.drain.is_cancelled())
            .finish_non_exhaustive()
    }
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self::new()
    }
}

impl Lifecycle {
    pub fn new() -> Self {
        // Install the recorder before anything records, or early counts vanish.
        telemetry::prometheus();
        red::describe();
        Self {
            drain: CancellationToken::new(),
            failed: CancellationToken::new(),
            tasks: TaskTracker::new(),
            health: Health::new(),
            stop_hooks: Arc::default(),
        }
    }

    /// Cancelled when the process starts draining: listeners, streams and
    /// background loops watch it and finish what they hold.
    pub fn draining(&self) -> CancellationToken {
        self.drain.clone()
    }

    pub fn health(&self) -> &Health {
        &self.health
    }

    /// Runs a background task until it returns. An error is logged and
    /// stops the process, since a service without its consumer or listener
    /// is not doing its job.
    pub fn spawn<F>(&self, name: &'static str, task: F)
    where
        F: Future<Output = Result<(), BoxError>> + Send + 'static,
    {
        let failed = self.failed.clone();
        self.tasks.spawn(async move {
            if let Err(err) = task.await {
                tracing::error!(task = name, error = %err, "background task failed");
                failed.cancel();
            }
        });
    }

    /// Flushes `bus` once servers and background tasks are done, so events
    /// accepted during the drain reach the broker before the process exits.
    pub fn flush_on_stop(&self, bus: crate::EventBus, timeout: std::time::Duration) {
        self.on_stop(async move {
            if let Err(err) = bus.flush(timeout).await {
                tracing::error!(error = %err, "producer flush failed; unacknowledged events may be lost");
            }
        });
    }

    /// Runs after servers and background tasks are done (flush a producer).
    pub fn on_stop<F: Future<Output = ()> + Send + 'static>(&self, hook: F) {
        self.stop_hooks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Box::pin(hook));
    }
}
