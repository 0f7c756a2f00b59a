//! The ships service: what port-authority clients talk to.
//!
//! Positions and static data come from Kafka ([`events`]): one loop stores
//! them ([`store`], PostgreSQL or SQLite), another keeps every vessel's
//! latest position in an in-memory spatial [`index`], shared with live
//! subscribers through [`live`]. [`service`] holds the operations; [`grpc`]
//! and [`http`] translate them. [`domain`] validates what clients send.

pub mod domain;
pub mod events;
pub mod grpc;
pub mod http;
pub mod index;
pub mod live;
pub mod metrics;
pub mod scopes;
pub mod service;
pub mod store;

use porttrack_platform::{
    BusError, Endpoints, EventBus, Lifecycle, Server,
    db::{DbError, connect_and_migrate},
    limits::StreamQuota,
    server::ServerError,
    settings::{BusSettings, DatabaseSettings, ServerSettings},
};

use crate::{live::Live, service::Ships, store::Store};

/// Everything `porttrack ships` reads.
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
pub enum ShipsError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("event bus: {0}")]
    Bus(#[from] BusError),
    #[error(transparent)]
    Server(#[from] ServerError),
}

/// The ships pieces, for running alone or inside `porttrack up`.
#[derive(Debug)]
pub struct ShipsService {
    pub endpoints: Endpoints,
}

impl ShipsService {
    /// Connects and migrates the database and starts the consumers under
    /// `lifecycle`. Readiness waits until the index holds the database.
    pub async fn build(
        database_url: &str,
        bus: &EventBus,
        lifecycle: &Lifecycle,
        streams_per_client: usize,
    ) -> Result<Self, ShipsError> {
        metrics::describe();
        let pool = connect_and_migrate(database_url, &store::MIGRATOR).await?;
        let store = Store::new(pool);
        bus.ensure_topics(&[
            porttrack_platform::TopicSpec {
                name: porttrack_proto::events::v1::topics::POSITIONS,
                compacted: false,
            },
            porttrack_platform::TopicSpec {
                name: porttrack_proto::events::v1::topics::STATIC,
                compacted: true,
            },
        ])
        .await?;
        let live = Live::default();
        let drain = lifecycle.draining();

        let (b, s, d) = (bus.clone(), store.clone(), drain.clone());
        lifecycle.spawn("ships-store", events::store_loop(b, s, d));
        let gate = lifecycle.health().gate();
        let (b, s, l, d) = (bus.clone(), store.clone(), live.clone(), drain.clone());
        lifecycle.spawn("ships-index", async move {
            let (opened_tx, opened_rx) = tokio::sync::oneshot::channel();
            tokio::spawn(async move {
                if opened_rx.await.is_ok() {
                    gate.open().await;
                }
            });
            events::index_loop(b, s, l, d, move || {
                let _ = opened_tx.send(());
            })
            .await
        });

        let ships = Ships {
            live,
            store,
            drain,
            streams: StreamQuota::new(streams_per_client),
        };
        Ok(Self {
            endpoints: Endpoints::new(http::router(ships.clone()))
                .with_grpc(grpc::ShipsGrpc::new(ships), grpc::SCOPES),
        })
    }
}

/// `porttrack ships`: the service alone, as Kubernetes runs it, bound and
/// ready to run.
pub async fn application(settings: Settings) -> Result<Server, ShipsError> {
    let lifecycle = Lifecycle::new();
    let bus = EventBus::for_service(&settings.bus, "porttrack-ships")?;
    let ships = ShipsService::build(
        &settings.database.url_for("ships"),
        &bus,
        &lifecycle,
        settings.server.limits.max_streams_per_client as usize,
    )
    .await?;
    Ok(Server::bind(&settings.server, &lifecycle, ships.endpoints).await?)
}
