//! The cargo service: manifests per port call, their items, and the
//! dangerous-goods checks a port applies.
//!
//! [`domain`] validates what clients send (ISO 6346 container numbers, UN
//! numbers, IMDG classes) and holds the rule checks; [`store`] keeps
//! manifests on PostgreSQL or SQLite with versions and idempotency keys;
//! [`service`] holds the operations; [`grpc`] and [`http`] translate them;
//! [`events`] publishes every change to Kafka through an outbox.

pub mod domain;
pub mod events;
pub mod grpc;
pub mod http;
pub mod scopes;
pub mod service;
pub mod store;

use std::time::Duration;

use porttrack_platform::{
    Endpoints,
    db::connect_and_migrate,
    outbox,
    service::{Context, DomainService, ServiceError},
};

use crate::{service::Cargo, store::Store};

/// The cargo service, for running alone or inside `porttrack up`.
#[derive(Debug)]
pub struct CargoService;

impl DomainService for CargoService {
    const NAME: &'static str = "cargo";

    /// Also creates the event topic and starts the outbox relay.
    async fn build(cx: Context<'_>) -> Result<Endpoints, ServiceError> {
        let pool = connect_and_migrate(&cx.database_url, &store::MIGRATOR).await?;
        events::ensure_topics(cx.bus).await?;
        let store = Store::new(pool);
        let relay = outbox::relay(
            cx.bus.clone(),
            store.pool().clone(),
            cx.lifecycle.draining(),
        );
        cx.lifecycle.spawn("cargo-relay", relay);
        cx.lifecycle
            .flush_on_stop(cx.bus.clone(), Duration::from_secs(5));
        let cargo = Cargo::new(store);
        Ok(Endpoints::new(http::router(cargo.clone()))
            .with_openapi(http::openapi())
            .with_grpc(grpc::CargoGrpc::new(cargo), grpc::SCOPES))
    }
}
