//! The position stream in, zone and port-call events out: on the embedded
//! log, and through the real broker.

mod support;

use std::{collections::BTreeMap, time::Duration};

use porttrack_platform::{EventBus, OutRecord, TopicSpec};
use porttrack_proto::{
    events::v1::{PositionReport, topics as ais},
    routes::v1::{PortCallEvent, ZoneEvent, topics},
};
use porttrack_routes::domain::{PortCallInput, PortCallState, ZoneKind};
use prost::Message as _;
use support::{AT_BERTH, AT_SEA, IN_APPROACH, MMSI};

const WAIT: Duration = Duration::from_secs(60);

async fn publish(bus: &EventBus, t: i64, (lon, lat): (f64, f64), sog: f64) {
    let report = PositionReport {
        mmsi: MMSI,
        observed_at_ms: 1_700_000_000_000 + t,
        lon,
        lat,
        sog_knots: Some(sog),
        ..PositionReport::default()
    };
    bus.publish(OutRecord {
        topic: ais::POSITIONS,
        key: MMSI.to_string().as_bytes(),
        payload: &report.encode_to_vec(),
        headers: &[],
    })
    .await
    .expect("published");
}

/// Reads `n` records of `topic`, decoded by `f`.
async fn read<T>(bus: &EventBus, topic: &str, n: usize, f: impl Fn(&[u8]) -> T) -> Vec<T> {
    let mut reader = bus.reader(topic, &BTreeMap::new()).await.unwrap();
    let mut out = Vec::new();
    while out.len() < n {
        let record = tokio::time::timeout(WAIT, reader.recv())
            .await
            .unwrap_or_else(|_| panic!("{n} records on {topic} in time, got {}", out.len()))
            .unwrap();
        out.push(f(&record.payload));
    }
    out
}

/// A vessel sails in, berths and leaves; then its positions are replayed.
/// Each crossing is one zone event, each step of its call one port-call
/// event, and the replay adds nothing.
async fn a_visit_is_told_once_through_zone_and_port_call_events(bus: EventBus) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = porttrack_testkit::servers::sqlite_in(&dir);
    bus.ensure_topics(&[TopicSpec {
        name: ais::POSITIONS,
        compacted: false,
    }])
    .await
    .unwrap();
    let routes = support::consuming(&url, &bus).await;

    let (approach, _) = routes
        .create_zone(
            None,
            "Approach",
            Some(ZoneKind::PortApproach),
            &support::approach(),
        )
        .await
        .unwrap();
    let (berth, _) = routes
        .create_zone(None, "Berth 7", Some(ZoneKind::Berth), &support::berth())
        .await
        .unwrap();
    let input = PortCallInput {
        mmsi: MMSI,
        destination: "NOOSL",
        berth_id: &berth.id,
        eta_ms: 1_800_000_000_000,
        ..PortCallInput::default()
    };
    let (call, _) = routes.create_port_call(None, &input).await.unwrap();

    let track = [
        (1, AT_SEA, 12.0),
        (2, IN_APPROACH, 10.0),
        (3, AT_BERTH, 0.2),
        (4, IN_APPROACH, 5.0),
        (5, AT_SEA, 12.0),
    ];
    for (t, at, sog) in track {
        publish(&bus, t, at, sog).await;
    }
    porttrack_testkit::eventually("the call departed", WAIT, || async {
        let c = routes.get_port_call(&call.id).await.ok()?;
        (c.state == PortCallState::Departed).then_some(())
    })
    .await;
    // The replay: older and equal positions again, then a newer one. One
    // vessel's positions are applied in order, so once the newer one shows,
    // the replay is behind us.
    for (t, at, sog) in track {
        publish(&bus, t, at, sog).await;
    }
    publish(&bus, 7, IN_APPROACH, 9.0).await;

    let zone_events = read(&bus, topics::ZONES, 5, |p| {
        let e = ZoneEvent::decode(p).unwrap();
        assert_eq!(e.mmsi, MMSI);
        (e.kind, e.zone_id, e.observed_at_ms - 1_700_000_000_000)
    })
    .await;
    assert_eq!(
        zone_events,
        [
            ("enter".into(), approach.id.clone(), 2),
            ("enter".into(), berth.id.clone(), 3),
            ("exit".into(), berth.id.clone(), 4),
            ("exit".into(), approach.id.clone(), 5),
            ("enter".into(), approach.id.clone(), 7),
        ]
    );
    let call_events = read(&bus, topics::PORT_CALLS, 4, |p| {
        let e = PortCallEvent::decode(p).unwrap();
        (e.previous_state, e.state, e.version)
    })
    .await;
    let expected: Vec<(String, String, i64)> = [
        ("", "planned", 1),
        ("planned", "approaching", 2),
        ("approaching", "berthed", 3),
        ("berthed", "departed", 4),
    ]
    .into_iter()
    .map(|(a, b, v)| (a.to_owned(), b.to_owned(), v))
    .collect();
    assert_eq!(call_events, expected);

    // A departed call stays departed: no fifth port-call event.
    let mut reader = bus
        .reader(topics::PORT_CALLS, &BTreeMap::new())
        .await
        .unwrap();
    let mut n = 0;
    // Counted until a second passes with nothing new; a read error fails
    // the test rather than being counted (or looped on).
    while let Ok(record) = tokio::time::timeout(Duration::from_secs(1), reader.recv()).await {
        record.expect("port-call record");
        n += 1;
    }
    assert_eq!(n, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_the_embedded_log() {
    a_visit_is_told_once_through_zone_and_port_call_events(support::memory_bus()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn through_kafka() {
    let settings = support::bus_settings(Some(porttrack_testkit::servers::kafka_brokers()));
    let bus = EventBus::from_settings(&settings, "routes-test").unwrap();
    a_visit_is_told_once_through_zone_and_port_call_events(bus).await;
}
