//! The staff service: port personnel, their certifications and shifts,
//! and their assignment to the tasks of port calls.
//!
//! [`domain`] holds the types and the assignment rules (double booking,
//! certifications, shifts, rest); [`store`] keeps everything on PostgreSQL
//! or SQLite with versions and idempotency keys; [`service`] holds the
//! operations; [`grpc`] and [`http`] translate them; [`events`] consumes
//! the routes service's port-call events and opens the tasks an
//! approaching call needs.

pub mod domain;
pub mod events;
pub mod grpc;
pub mod http;
pub mod scopes;
pub mod service;
pub mod store;

use porttrack_platform::{
    BusError, Endpoints, EventBus, Lifecycle, Server,
    db::{DbError, connect_and_migrate},
    server::ServerError,
    settings::{BusSettings, DatabaseSettings, ServerSettings},
};

use crate::{service::Staff, store::Store};

/// Everything `porttrack staff` reads.
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
pub enum StaffError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("event bus: {0}")]
    Bus(#[from] BusError),
    #[error(transparent)]
    Server(#[from] ServerError),
}

/// The staff pieces, for running alone or inside `porttrack up`.
#[derive(Debug)]
pub struct StaffService {
    pub endpoints: Endpoints,
}

impl StaffService {
    /// Connects and migrates the database, makes sure the port-call topic
    /// exists and starts its consumer under `lifecycle`.
    pub async fn build(
        database_url: &str,
        bus: &EventBus,
        lifecycle: &Lifecycle,
    ) -> Result<Self, StaffError> {
        let pool = connect_and_migrate(database_url, &store::MIGRATOR).await?;
        events::ensure_topics(bus).await?;
        let staff = Staff::new(Store::new(pool));
        let consumer = events::port_call_loop(bus.clone(), staff.clone(), lifecycle.draining());
        lifecycle.spawn("staff-port-calls", consumer);
        Ok(Self {
            endpoints: Endpoints::new(http::router(staff.clone()))
                .with_openapi(http::openapi())
                .with_grpc(grpc::StaffGrpc::new(staff), grpc::SCOPES),
        })
    }
}

/// `porttrack staff`: the service alone, as Kubernetes runs it, bound and
/// ready to run.
pub async fn application(settings: Settings) -> Result<Server, StaffError> {
    let lifecycle = Lifecycle::new();
    let bus = EventBus::for_service(&settings.bus, "porttrack-staff")?;
    let staff = StaffService::build(&settings.database.url_for("staff"), &bus, &lifecycle).await?;
    Ok(Server::bind(&settings.server, &lifecycle, staff.endpoints).await?)
}
