//! What the cargo API tests share: a service on a fresh database and an
//! event bus, without sockets.

#![allow(dead_code)]

use std::time::Duration;

use porttrack_cargo::{
    events,
    service::Cargo,
    store::{MIGRATOR, Store},
};
use porttrack_platform::{EventBus, db::connect_and_migrate, settings::BusSettings};

/// The embedded log, or Kafka at `brokers` under a prefix of the test's own.
pub fn bus_settings(brokers: Option<String>) -> BusSettings {
    BusSettings {
        kafka_brokers: brokers,
        kafka_topic_prefix: format!("{}.", porttrack_testkit::unique("cargo")),
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
    EventBus::from_settings(&bus_settings(None), "cargo-test").expect("embedded bus")
}

/// The service on `url`, its outbox relayed to `bus` until the test ends.
pub async fn cargo(url: &str, bus: &EventBus) -> Cargo {
    let pool = connect_and_migrate(url, &MIGRATOR)
        .await
        .expect("connect and migrate");
    let store = Store::new(pool);
    events::ensure_topics(bus).await.expect("topics");
    let drain = tokio_util::sync::CancellationToken::new();
    tokio::spawn(porttrack_platform::outbox::relay(
        bus.clone(),
        store.pool().clone(),
        drain,
    ));
    Cargo::new(store)
}

/// An ETA far enough ahead that nothing declared now is late.
pub fn eta_in_days(days: i64) -> i64 {
    porttrack_platform::time::now_ms() + days * 24 * 60 * 60 * 1000
}
