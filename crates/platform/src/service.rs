//! What the four domain services (ships, routes, cargo, staff) have in
//! common: the settings they read, the ways they fail to start, and the
//! two ways they run: alone, as Kubernetes runs them, or side by side in
//! `porttrack up`. A service only says how it builds its endpoints.

use std::future::Future;

use crate::{
    BusError, Endpoints, EventBus, Lifecycle, Server,
    db::DbError,
    server::ServerError,
    settings::{BusSettings, DatabaseSettings, LimitSettings, ServerSettings},
};

/// Everything a domain service run alone reads
/// (`porttrack ships|routes|cargo|staff`).
#[derive(Debug, Clone, clap::Args)]
pub struct ServiceSettings {
    #[command(flatten)]
    pub server: ServerSettings,
    #[command(flatten)]
    pub bus: BusSettings,
    #[command(flatten)]
    pub database: DatabaseSettings,
}

/// Why a domain service could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("event bus: {0}")]
    Bus(#[from] BusError),
    #[error(transparent)]
    Server(#[from] ServerError),
}

/// What a service is given to build itself. Background work (consumers,
/// outbox relays) is spawned under `lifecycle`, so it drains with the
/// process whichever way the service runs.
#[derive(Debug)]
pub struct Context<'a> {
    pub database_url: String,
    pub bus: &'a EventBus,
    pub lifecycle: &'a Lifecycle,
    pub limits: LimitSettings,
}

impl<'a> Context<'a> {
    /// A context with the default request limits, as tests build one.
    pub fn new(database_url: String, bus: &'a EventBus, lifecycle: &'a Lifecycle) -> Self {
        Self {
            database_url,
            bus,
            lifecycle,
            limits: LimitSettings::default(),
        }
    }
}

/// A domain service: its name and how it builds its endpoints.
pub trait DomainService {
    /// Names its database (`sqlite://<data_dir>/<NAME>.db` on embedded
    /// defaults) and, as [`process_name`], its Kafka client and telemetry.
    const NAME: &'static str;

    /// Connects and migrates the database, makes sure the topics exist,
    /// starts the background work under `cx.lifecycle`, and returns the
    /// routes and gRPC services to serve. Not `Send`: sqlx's migration
    /// future cannot be proven `Send` through a generic caller, and a build
    /// runs once, on the main task, so nothing needs it to be.
    fn build(cx: Context<'_>) -> impl Future<Output = Result<Endpoints, ServiceError>>;
}

/// `porttrack-<NAME>`: how `S` run alone names itself to Kafka and in
/// telemetry.
pub fn process_name<S: DomainService>() -> String {
    format!("porttrack-{}", S::NAME)
}

/// Builds `S` on a bus and lifecycle that others may share, as `porttrack
/// up` does; its database is named after the service.
pub async fn build_in<S: DomainService>(
    settings: &ServiceSettings,
    bus: &EventBus,
    lifecycle: &Lifecycle,
) -> Result<Endpoints, ServiceError> {
    S::build(Context {
        database_url: settings.database.url_for(S::NAME),
        bus,
        lifecycle,
        limits: settings.server.limits.clone(),
    })
    .await
}

/// `S` alone, as Kubernetes runs it: its own lifecycle, bus client and
/// listeners, bound and ready to run.
pub async fn standalone<S: DomainService>(
    settings: ServiceSettings,
) -> Result<Server, ServiceError> {
    let lifecycle = Lifecycle::new();
    let bus = EventBus::for_service(&settings.bus, &process_name::<S>())?;
    let endpoints = build_in::<S>(&settings, &bus, &lifecycle).await?;
    Ok(Server::bind(&settings.server, &lifecycle, endpoints).await?)
}
