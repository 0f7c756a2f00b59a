//! What the staff API tests share: a service on a fresh database, and
//! event-bus settings under a prefix of the test's own.

#![allow(dead_code)]

use std::time::Duration;

use porttrack_platform::{EventBus, db::connect_and_migrate, settings::BusSettings};
use porttrack_staff::{
    service::Staff,
    store::{MIGRATOR, Store},
};

pub const H: i64 = 60 * 60 * 1000;
/// A fixed ETA: the rules never read the clock, so tests need not either.
pub const ETA: i64 = 1_800_000_000_000;

/// The embedded log, or Kafka at `brokers` under a prefix of the test's own.
pub fn bus_settings(brokers: Option<String>) -> BusSettings {
    BusSettings {
        kafka_brokers: brokers,
        kafka_topic_prefix: format!("{}.", porttrack_testkit::unique("staff")),
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
    EventBus::from_settings(&bus_settings(None), "staff-test").expect("embedded bus")
}

pub async fn store(url: &str) -> Store {
    let pool = connect_and_migrate(url, &MIGRATOR)
        .await
        .expect("connect and migrate");
    Store::new(pool)
}

pub async fn staff(url: &str) -> Staff {
    Staff::new(store(url).await)
}

/// A certified pilot on a shift around [`ETA`]; returns their id.
pub async fn pilot_on_shift(staff: &Staff, name: &str) -> String {
    let (p, _) = staff.create_person(None, name, &["pilot"]).await.unwrap();
    staff
        .set_certification(&p.id, None, "pilot_licence", ETA + 1000 * H)
        .await
        .unwrap();
    staff
        .add_shift(&p.id, None, ETA - 4 * H, ETA + 4 * H)
        .await
        .unwrap();
    p.id
}
