//! What the routes tests share: a service on a fresh database and an event
//! bus, without sockets, and the geography of a small port.

#![allow(dead_code)]

use std::time::Duration;

use porttrack_platform::{EventBus, db::connect_and_migrate, settings::BusSettings};
use porttrack_routes::{
    domain::LonLat,
    events,
    service::Routes,
    store::{MIGRATOR, Store},
};

pub const MMSI: u32 = 244_740_981;

/// The embedded log, or Kafka at `brokers` under a prefix of the test's own.
pub fn bus_settings(brokers: Option<String>) -> BusSettings {
    BusSettings {
        kafka_brokers: brokers,
        kafka_topic_prefix: format!("{}.", porttrack_testkit::unique("routes")),
        instance_id: None,
        kafka_partitions: 3,
        kafka_replication: 1,
        produce_timeout: Duration::from_secs(10),
        produce_queue: 10_000,
        embedded_retention: 10_000,
        kafka_security: Default::default(),
    }
}

pub fn memory_bus() -> EventBus {
    EventBus::from_settings(&bus_settings(None), "routes-test").expect("embedded bus")
}

pub async fn store(url: &str) -> Store {
    let pool = connect_and_migrate(url, &MIGRATOR)
        .await
        .expect("connect and migrate");
    Store::new(pool)
}

/// The service on `url`, its outbox relayed to `bus` until the test ends.
pub async fn routes(url: &str, bus: &EventBus) -> Routes {
    let store = store(url).await;
    events::ensure_topics(bus).await.expect("topics");
    let drain = tokio_util::sync::CancellationToken::new();
    tokio::spawn(porttrack_platform::outbox::relay(
        bus.clone(),
        store.pool().clone(),
        drain,
    ));
    Routes::new(store)
}

/// As [`routes`], also applying the positions on `bus`.
pub async fn consuming(url: &str, bus: &EventBus) -> Routes {
    let routes = routes(url, bus).await;
    let drain = tokio_util::sync::CancellationToken::new();
    tokio::spawn(events::positions_loop(bus.clone(), store(url).await, drain));
    routes
}

/// An axis-aligned rectangle.
pub fn rect(lon0: f64, lat0: f64, lon1: f64, lat1: f64) -> Vec<LonLat> {
    vec![
        LonLat::new(lon0, lat0),
        LonLat::new(lon1, lat0),
        LonLat::new(lon1, lat1),
        LonLat::new(lon0, lat1),
    ]
}

/// The port approach: 10..11 E, 59..60 N.
pub fn approach() -> Vec<LonLat> {
    rect(10.0, 59.0, 11.0, 60.0)
}

/// A berth inside the approach: 10.4..10.5 E, 59.4..59.5 N.
pub fn berth() -> Vec<LonLat> {
    rect(10.4, 59.4, 10.5, 59.5)
}

/// Outside everything, in the fairway to the west.
pub const AT_SEA: (f64, f64) = (9.5, 59.5);
/// In the approach, outside the berth.
pub const IN_APPROACH: (f64, f64) = (10.2, 59.2);
/// In the berth (and so in the approach).
pub const AT_BERTH: (f64, f64) = (10.45, 59.45);
