//! Port-call events in: on the embedded log, and through the real broker.
//! The whole service runs (`StaffService::build` under a `Lifecycle`), so
//! the consumer is the one production starts.

mod support;

use std::time::Duration;

use porttrack_platform::{
    EventBus, Lifecycle, OutRecord,
    service::{Context, DomainService},
};
use porttrack_proto::routes::v1::{PortCallEvent, SCHEMA_VERSION, topics};
use porttrack_staff::{StaffService, domain::TaskKind};
use prost::Message as _;
use support::{ETA, H};

fn event(port_call: &str, state: &str, previous: &str, version: i64) -> Vec<u8> {
    PortCallEvent {
        event_id: porttrack_testkit::unique("ev"),
        schema_version: SCHEMA_VERSION,
        port_call_id: port_call.into(),
        mmsi: 244_740_981,
        state: state.into(),
        previous_state: previous.into(),
        eta_ms: ETA,
        etd_ms: ETA + 24 * H,
        berth_id: "B1".into(),
        occurred_at_ms: ETA - 2 * H,
        version,
    }
    .encode_to_vec()
}

async fn publish(bus: &EventBus, port_call: &str, payload: &[u8]) {
    bus.publish(OutRecord {
        topic: topics::PORT_CALLS,
        key: port_call.as_bytes(),
        payload,
        headers: &[],
    })
    .await
    .expect("publish");
}

/// Planned, approaching (twice, as a replay), approaching again as an ETA
/// update, then an unreadable record: the call gets its two arrival tasks
/// once, and a later call still gets its own (nothing got stuck).
async fn an_approaching_call_opens_its_tasks_once(bus: EventBus) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = porttrack_testkit::servers::sqlite_in(&dir);
    let lifecycle = Lifecycle::new();
    let _service = StaffService::build(Context::new(url.clone(), &bus, &lifecycle))
        .await
        .expect("build");
    let reader = support::staff(&url).await;

    publish(&bus, "CALL-1", &event("CALL-1", "planned", "", 1)).await;
    let approaching = event("CALL-1", "approaching", "planned", 2);
    publish(&bus, "CALL-1", &approaching).await;
    publish(&bus, "CALL-1", &approaching).await;
    publish(
        &bus,
        "CALL-1",
        &event("CALL-1", "approaching", "approaching", 3),
    )
    .await;
    publish(&bus, "CALL-1", b"\xff not protobuf").await;
    publish(
        &bus,
        "CALL-2",
        &event("CALL-2", "approaching", "planned", 2),
    )
    .await;

    porttrack_testkit::eventually("CALL-2's tasks", Duration::from_secs(30), || async {
        let (tasks, _) = reader.list_tasks(0, "", Some("CALL-2"), None).await.ok()?;
        (tasks.len() == 2).then_some(())
    })
    .await;
    let (tasks, _) = reader
        .list_tasks(0, "", Some("CALL-1"), None)
        .await
        .unwrap();
    let mut found: Vec<_> = tasks
        .iter()
        .map(|t| (t.kind, t.window.start_ms, t.window.end_ms))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            (TaskKind::PilotageIn, ETA - H, ETA + H),
            (TaskKind::Mooring, ETA, ETA + 2 * H)
        ]
    );
    lifecycle.draining().cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_the_embedded_log() {
    an_approaching_call_opens_its_tasks_once(support::memory_bus()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn through_kafka() {
    let settings = support::bus_settings(Some(porttrack_testkit::servers::kafka_brokers()));
    let bus = EventBus::from_settings(&settings, "staff-test").unwrap();
    an_approaching_call_opens_its_tasks_once(bus).await;
}
