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
    BusError, Endpoints, EventBus, Lifecycle, Server,
    db::{DbError, connect_and_migrate},
    outbox,
    server::ServerError,
    settings::{BusSettings, DatabaseSettings, ServerSettings},
};

use crate::{service::Cargo, store::Store};

/// Everything `porttrack cargo` reads.
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
pub enum CargoError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("event bus: {0}")]
    Bus(#[from] BusError),
    #[error(transparent)]
    Server(#[from] ServerError),
}

/// The cargo pieces, for running alone or inside `porttrack up`.
#[derive(Debug)]
pub struct CargoService {
    pub endpoints: Endpoints,
}

impl CargoService {
    /// Connects and migrates the database, creates the event topic and
    /// starts the outbox relay under `lifecycle`.
    pub async fn build(
        database_url: &str,
        bus: &EventBus,
        lifecycle: &Lifecycle,
    ) -> Result<Self, CargoError> {
        let pool = connect_and_migrate(database_url, &store::MIGRATOR).await?;
        events::ensure_topics(bus).await?;
        let store = Store::new(pool);
        let relay = outbox::relay(bus.clone(), store.pool().clone(), lifecycle.draining());
        lifecycle.spawn("cargo-relay", relay);
        lifecycle.flush_on_stop(bus.clone(), Duration::from_secs(5));
        let cargo = Cargo::new(store);
        Ok(Self {
            endpoints: Endpoints::new(http::router(cargo.clone()))
                .with_openapi(http::openapi())
                .with_grpc(grpc::CargoGrpc::new(cargo), grpc::SCOPES),
        })
    }
}

/// `porttrack cargo`: the service alone, as Kubernetes runs it, bound and
/// ready to run.
pub async fn application(settings: Settings) -> Result<Server, CargoError> {
    let lifecycle = Lifecycle::new();
    let bus = EventBus::for_service(&settings.bus, "porttrack-cargo")?;
    let cargo = CargoService::build(&settings.database.url_for("cargo"), &bus, &lifecycle).await?;
    Ok(Server::bind(&settings.server, &lifecycle, cargo.endpoints).await?)
}
