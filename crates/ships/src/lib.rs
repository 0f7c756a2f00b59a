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
    Endpoints, EventBus, Lifecycle,
    db::connect_and_migrate,
    limits::StreamQuota,
    service::{Context, DomainService, ServiceError},
};

use tokio_util::sync::CancellationToken;

use crate::{live::Live, service::Ships, store::Store};

/// The ships service, for running alone or inside `porttrack up`.
#[derive(Debug)]
pub struct ShipsService;

impl DomainService for ShipsService {
    const NAME: &'static str = "ships";

    /// Also starts the store and index consumers. Readiness waits until the
    /// index holds the database.
    async fn build(cx: Context<'_>) -> Result<Endpoints, ServiceError> {
        metrics::describe();
        let pool = connect_and_migrate(&cx.database_url, &store::MIGRATOR).await?;
        let store = Store::new(pool);
        cx.bus
            .ensure_topics(&[
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
        let drain = cx.lifecycle.draining();
        start_consumers(cx.bus, &store, &live, cx.lifecycle, &drain);
        let ships = Ships {
            live,
            store,
            drain,
            streams: StreamQuota::new(cx.limits.max_streams_per_client as usize),
        };
        Ok(Endpoints::new(http::router(ships.clone()))
            .with_grpc(grpc::ShipsGrpc::new(ships), grpc::SCOPES))
    }
}

/// The store consumer, and the index consumer that opens readiness once the
/// index holds the database.
fn start_consumers(
    bus: &EventBus,
    store: &Store,
    live: &Live,
    lifecycle: &Lifecycle,
    drain: &CancellationToken,
) {
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
}
