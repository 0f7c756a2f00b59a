//! The routes service: zones, port calls and the traffic board, kept up to
//! date by the position stream.
//!
//! [`domain`] holds the pure rules (polygons and point-in-polygon, the
//! port-call transition table, the ETA estimate); [`store`] keeps zones,
//! port calls and each vessel's current zones on PostgreSQL or SQLite with
//! versions, idempotency keys and an outbox; [`service`] holds the
//! operations; [`grpc`] and [`http`] translate them; [`events`] consumes
//! positions and relays the outbox to Kafka.

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

use crate::{service::Routes, store::Store};

/// The routes service, for running alone or inside `porttrack up`.
#[derive(Debug)]
pub struct RoutesService;

impl DomainService for RoutesService {
    const NAME: &'static str = "routes";

    /// Also creates the event topics and starts the position consumer and
    /// the outbox relay.
    async fn build(cx: Context<'_>) -> Result<Endpoints, ServiceError> {
        let (bus, lifecycle) = (cx.bus, cx.lifecycle);
        let pool = connect_and_migrate(&cx.database_url, &store::MIGRATOR).await?;
        events::ensure_topics(bus).await?;
        let store = Store::new(pool);
        let relay = outbox::relay(bus.clone(), store.pool().clone(), lifecycle.draining());
        lifecycle.spawn("routes-relay", relay);
        let consumer = events::positions_loop(bus.clone(), store.clone(), lifecycle.draining());
        lifecycle.spawn("routes-positions", consumer);
        lifecycle.flush_on_stop(bus.clone(), Duration::from_secs(5));
        let routes = Routes::new(store);
        Ok(Endpoints::new(http::router(routes.clone()))
            .with_openapi(http::openapi())
            .with_grpc(grpc::RoutesGrpc::new(routes), grpc::SCOPES))
    }
}
