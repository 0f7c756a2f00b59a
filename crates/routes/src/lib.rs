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
    BusError, Endpoints, EventBus, Lifecycle, Server,
    db::{DbError, connect_and_migrate},
    outbox,
    server::ServerError,
    settings::{BusSettings, DatabaseSettings, ServerSettings},
};

use crate::{service::Routes, store::Store};

/// Everything `porttrack routes` reads.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    #[command(flatten)]
    pub server: ServerSettings,
    #[command(flatten)]
    pub bus: BusSettings,
    #[command(flatten)]
    pub database: DatabaseSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum RoutesError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("event bus: {0}")]
    Bus(#[from] BusError),
    #[error(transparent)]
    Server(#[from] ServerError),
}

/// The routes pieces, for running alone or inside `porttrack up`.
#[derive(Debug)]
pub struct RoutesService {
    pub endpoints: Endpoints,
}

impl RoutesService {
    /// Connects and migrates the database, creates the event topics, and
    /// starts the position consumer and the outbox relay under `lifecycle`.
    pub async fn build(
        database_url: &str,
        bus: &EventBus,
        lifecycle: &Lifecycle,
    ) -> Result<Self, RoutesError> {
        let pool = connect_and_migrate(database_url, &store::MIGRATOR).await?;
        events::ensure_topics(bus).await?;
        let store = Store::new(pool);
        let relay = outbox::relay(bus.clone(), store.pool().clone(), lifecycle.draining());
        lifecycle.spawn("routes-relay", relay);
        let consumer = events::positions_loop(bus.clone(), store.clone(), lifecycle.draining());
        lifecycle.spawn("routes-positions", consumer);
        lifecycle.flush_on_stop(bus.clone(), Duration::from_secs(5));
        let routes = Routes::new(store);
        Ok(Self {
            endpoints: Endpoints::new(http::router(routes.clone()))
                .with_openapi(http::openapi())
                .with_grpc(grpc::RoutesGrpc::new(routes), grpc::SCOPES),
        })
    }
}

/// `porttrack routes`: the service alone, as Kubernetes runs it, bound and
/// ready to run.
pub async fn application(settings: Settings) -> Result<Server, RoutesError> {
    let lifecycle = Lifecycle::new();
    let bus = EventBus::for_service(&settings.bus, "porttrack-routes")?;
    let routes =
        RoutesService::build(&settings.database.url_for("routes"), &bus, &lifecycle).await?;
    Ok(Server::bind(&settings.server, &lifecycle, routes.endpoints).await?)
}
