//! Readiness, as HTTP `/health/ready` and the gRPC health service report it.
//! A service is ready once every gate it opened is released (the ships index
//! has loaded, say) and until draining starts.

use std::sync::{
    Arc,
    atomic::{AtomicBool, AtomicUsize, Ordering},
};

use tokio::sync::Mutex;
use tonic_health::{
    ServingStatus,
    pb::health_server::HealthServer,
    server::{HealthReporter, HealthService},
};

#[derive(Clone)]
pub struct Health {
    inner: Arc<Inner>,
}

struct Inner {
    closed_gates: AtomicUsize,
    draining: AtomicBool,
    reporter: HealthReporter,
    services: Mutex<Vec<&'static str>>,
}

impl std::fmt::Debug for Health {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Health")
            .field("ready", &self.is_ready())
            .finish()
    }
}

impl Default for Health {
    fn default() -> Self {
        Self::new()
    }
}

impl Health {
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Inner {
                closed_gates: AtomicUsize::new(0),
                draining: AtomicBool::new(false),
                reporter: HealthReporter::new(),
                services: Mutex::default(),
            }),
        }
    }

    pub fn is_ready(&self) -> bool {
        !self.inner.draining.load(Ordering::Acquire)
            && self.inner.closed_gates.load(Ordering::Acquire) == 0
    }

    /// Holds readiness back until the returned gate is opened.
    pub fn gate(&self) -> ReadinessGate {
        self.inner.closed_gates.fetch_add(1, Ordering::AcqRel);
        ReadinessGate {
            health: Some(self.clone()),
        }
    }

    pub(crate) fn grpc_service(&self) -> HealthServer<HealthService> {
        HealthServer::new(HealthService::from_health_reporter(
            self.inner.reporter.clone(),
        ))
    }

    pub(crate) async fn register(&self, services: &[&'static str]) {
        self.inner.services.lock().await.extend_from_slice(services);
        self.publish().await;
    }

    pub(crate) async fn begin_drain(&self) {
        self.inner.draining.store(true, Ordering::Release);
        self.publish().await;
    }

    async fn publish(&self) {
        let status = if self.is_ready() {
            ServingStatus::Serving
        } else {
            ServingStatus::NotServing
        };
        let services = self.inner.services.lock().await;
        for name in services.iter().copied().chain([""]) {
            self.inner.reporter.set_service_status(name, status).await;
        }
    }
}

/// Keeps its service "not ready" until [`ReadinessGate::open`]; dropping it
/// unopened keeps the service not ready (it never finished starting).
#[derive(Debug)]
pub struct ReadinessGate {
    health: Option<Health>,
}

impl ReadinessGate {
    pub async fn open(mut self) {
        if let Some(health) = self.health.take() {
            health.inner.closed_gates.fetch_sub(1, Ordering::AcqRel);
            health.publish().await;
        }
    }
}
