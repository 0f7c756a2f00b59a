//! What every PortTrack service stands on, so that each service's own code is
//! only its domain.
//!
//! - [`settings`]: flags and `PORTTRACK_*` variables shared by services.
//! - [`telemetry`]: JSON logs and the Prometheus recorder.
//! - [`bus`]: the event bus, Kafka or the embedded log, behind one API.
//! - [`db`]: database pools (PostgreSQL or SQLite) and migrations.
//! - [`idempotency`]: creates that a retry cannot duplicate.
//! - [`outbox`]: events stored with their change, relayed to the bus in order.
//! - [`server`]: HTTP + gRPC bootstrap, health, graceful shutdown.
//! - [`service`]: what a domain service is, and how it runs alone or in `porttrack up`.
//! - [`tls`]: rustls for servers (reloaded certificates) and clients; Kafka TLS settings.
//! - [`secret`]: values that never print.
//! - [`api_error`]: one error type rendered as problem+json and `tonic::Status`.
//! - [`conditional`]: ETag, If-Match and Idempotency-Key, the same everywhere.
//! - [`time`]: the wall clock in the units events use.

pub mod api_error;
pub mod auth;
pub mod bus;
pub mod conditional;
pub mod db;
pub mod idempotency;
pub mod limits;
pub mod outbox;
pub mod secret;
pub mod server;
pub mod service;
pub mod settings;
pub mod telemetry;
pub mod time;
pub mod tls;
pub mod trace;

pub use api_error::{ApiError, FieldViolation};
pub use bus::{
    BusError, Consumer, Delivery, EventBus, OutRecord, PendingDelivery, Record, TopicSpec,
};
pub use server::{Endpoints, Lifecycle, Server};
