//! Manifest events: on the embedded log, and through the real broker.

mod support;

use std::{collections::BTreeMap, time::Duration};

use porttrack_cargo::domain::{ItemInput, ItemKind};
use porttrack_platform::EventBus;
use porttrack_proto::cargo::v1::{ManifestEvent, ManifestEventKind, topics};
use prost::Message as _;

/// Creates a manifest (twice, as a retry), adds an item, and reads back
/// what was published: one event per change, keyed by the port call.
async fn every_change_is_one_event_keyed_by_port_call(bus: EventBus) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cargo = support::cargo(&porttrack_testkit::servers::sqlite_in(&dir), &bus).await;
    let eta = support::eta_in_days(3);
    let (m, _) = cargo
        .create_manifest(Some("k"), "NOOSL-77", 244_740_981, eta)
        .await
        .unwrap();
    cargo
        .create_manifest(Some("k"), "NOOSL-77", 244_740_981, eta)
        .await
        .unwrap();
    let item = ItemInput {
        kind: Some(ItemKind::Vehicle),
        weight_kg: 1_500,
        ..ItemInput::default()
    };
    cargo.add_item(&m.id, None, Some(1), &item).await.unwrap();

    let mut reader = bus
        .reader(topics::MANIFESTS, &BTreeMap::new())
        .await
        .unwrap();
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let record = tokio::time::timeout(Duration::from_secs(30), reader.recv())
            .await
            .expect("events within 30 s")
            .unwrap();
        assert_eq!(&record.key[..], b"NOOSL-77");
        let event = ManifestEvent::decode(record.payload.as_ref()).unwrap();
        let manifest = event.manifest.clone().unwrap();
        assert_eq!(manifest.id, m.id);
        seen.push((event.kind(), manifest.version, manifest.items.len()));
    }
    assert_eq!(
        seen,
        [
            (ManifestEventKind::Created, 1, 0),
            (ManifestEventKind::ItemAdded, 2, 1)
        ],
        "the retried create published nothing"
    );
}

#[tokio::test]
async fn on_the_embedded_log() {
    every_change_is_one_event_keyed_by_port_call(support::memory_bus()).await;
}

#[tokio::test]
async fn through_kafka() {
    let settings = support::bus_settings(Some(porttrack_testkit::servers::kafka_brokers()));
    let bus = EventBus::from_settings(&settings, "cargo-test").unwrap();
    every_change_is_one_event_keyed_by_port_call(bus).await;
}
