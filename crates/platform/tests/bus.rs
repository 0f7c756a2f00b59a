//! The event bus contract, each scenario written once and run against both
//! backends: the embedded log and a real Kafka-protocol broker. What one
//! backend does, the other must do too, since `porttrack up` runs on the
//! first and production on the second.

use std::{
    collections::{BTreeMap, BTreeSet},
    time::Duration,
};

use porttrack_platform::{
    bus::{self, Consumer, EventBus, OutRecord, PartitionOffsets, Record, TopicSpec},
    settings::BusSettings,
};
use porttrack_testkit::{eventually, servers, unique};

const TOPIC: &str = "positions";
const GROUP: &str = "store";
const PARTITIONS: i32 = 6;
/// Generous: a Kafka group member may wait for a rebalance before it
/// gets its first record.
const DEADLINE: Duration = Duration::from_secs(30);
/// How long "nothing more arrives" is watched for.
const QUIET: Duration = Duration::from_secs(2);
/// Keys that land on three different partitions of six: 5, 3 and 1
/// (murmur2, worked out by hand with Kafka's reference algorithm).
const KEYS: [&str; 3] = ["244740981", "257123456", "311000222"];

/// Runs each named scenario as one test per backend.
macro_rules! on_every_backend {
    ($($scenario:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(super::bus(false).await).await;
                }
            )*
        }
        mod kafka {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $scenario() {
                    super::$scenario(super::bus(true).await).await;
                }
            )*
        }
    };
}

on_every_backend!(
    keyed_records_keep_partition_and_order_per_key,
    group_resumes_after_committed_offsets,
    reader_starts_at_given_offsets,
    headers_round_trip,
    recv_batch_returns_between_one_and_max,
);

/// A bus of its own: a unique prefix keeps topics and groups apart from
/// every other test and earlier run.
async fn bus(kafka: bool) -> EventBus {
    let settings = BusSettings {
        kafka_brokers: kafka.then(servers::kafka_brokers),
        kafka_topic_prefix: format!("{}.", unique("t")),
        instance_id: None,
        kafka_partitions: PARTITIONS,
        kafka_replication: 1,
        produce_timeout: Duration::from_secs(10),
        produce_queue: 10_000,
        embedded_retention: 100_000,
        kafka_security: Default::default(),
    };
    let bus = EventBus::from_settings(&settings, "bus-test").expect("event bus");
    assert_eq!(bus.is_kafka(), kafka);
    bus.ensure_topics(&[TopicSpec {
        name: TOPIC,
        compacted: false,
    }])
    .await
    .expect("ensure_topics");
    bus
}

async fn publish(bus: &EventBus, key: &str, payload: &str) -> bus::Delivery {
    bus.publish(OutRecord {
        topic: TOPIC,
        key: key.as_bytes(),
        payload: payload.as_bytes(),
        headers: &[],
    })
    .await
    .expect("publish")
}

/// Publishes `per_key` records for each of `keys`; payload `key/i`.
async fn publish_all(
    bus: &EventBus,
    keys: &[&str],
    per_key: usize,
) -> Vec<(String, bus::Delivery)> {
    let mut out = Vec::new();
    for i in 0..per_key {
        for key in keys {
            let payload = format!("{key}/{i}");
            let delivery = publish(bus, key, &payload).await;
            out.push((payload, delivery));
        }
    }
    out
}

async fn recv(consumer: &mut Consumer) -> Record {
    let record = tokio::time::timeout(DEADLINE, consumer.recv())
        .await
        .unwrap_or_else(|_| panic!("no record within {DEADLINE:?}"))
        .expect("recv");
    assert_eq!(
        &*record.topic, TOPIC,
        "records carry the logical topic name"
    );
    record
}

async fn recv_n(consumer: &mut Consumer, n: usize) -> Vec<Record> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(recv(consumer).await);
    }
    out
}

async fn assert_nothing_more(consumer: &mut Consumer) {
    if let Ok(extra) = tokio::time::timeout(QUIET, consumer.recv()).await {
        panic!("expected no more records, got {extra:?}");
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

fn payloads(records: &[Record]) -> BTreeSet<String> {
    records.iter().map(|r| text(&r.payload)).collect()
}

async fn keyed_records_keep_partition_and_order_per_key(bus: EventBus) {
    // Queued back to back, confirmed afterwards: the order of `send`
    // calls is what must survive.
    let mut pending = Vec::new();
    for i in 0..50 {
        for key in KEYS {
            let payload = format!("{key}/{i}");
            let record = OutRecord {
                topic: TOPIC,
                key: key.as_bytes(),
                payload: payload.as_bytes(),
                headers: &[],
            };
            pending.push((key, payload.clone(), bus.send(record).expect("send")));
        }
    }
    let mut delivered = BTreeMap::new();
    for (key, payload, delivery) in pending {
        let d = delivery.wait().await.expect("delivery");
        delivered.insert(payload, (key, d.partition, d.offset));
    }

    let mut reader = bus.reader(TOPIC, &PartitionOffsets::new()).await.unwrap();
    let records = recv_n(&mut reader, 150).await;
    assert_nothing_more(&mut reader).await;

    let mut by_key: BTreeMap<String, Vec<&Record>> = BTreeMap::new();
    for r in &records {
        by_key.entry(text(&r.key)).or_default().push(r);
        let payload = text(&r.payload);
        let (key, partition, offset) = delivered[&payload];
        assert_eq!(text(&r.key), key, "{payload}");
        assert_eq!((r.partition, r.offset), (partition, offset), "{payload}");
    }
    assert_eq!(by_key.len(), 3);
    for (key, got) in &by_key {
        let order: Vec<String> = got.iter().map(|r| text(&r.payload)).collect();
        let expected: Vec<String> = (0..50).map(|i| format!("{key}/{i}")).collect();
        assert_eq!(order, expected, "publish order of key {key}");
        let parts: BTreeSet<i32> = got.iter().map(|r| r.partition).collect();
        assert_eq!(parts.len(), 1, "key {key} spread over {parts:?}");
    }
    // murmur2 as Kafka's Java client computes it, on both backends.
    assert_eq!(by_key["244740981"][0].partition, 5);
    assert_eq!(by_key["257123456"][0].partition, 3);
    assert_eq!(by_key["311000222"][0].partition, 1);
    assert_eq!(bus::partition_for(b"244740981", PARTITIONS), 5);
}

async fn group_resumes_after_committed_offsets(bus: EventBus) {
    let published = publish_all(&bus, &KEYS, 8).await;
    let n = published.len();

    let mut first = bus.group_consumer(GROUP, &[TOPIC]).unwrap();
    let seen = recv_n(&mut first, n).await;
    assert_eq!(payloads(&seen).len(), n, "each record once");
    // The first half in consumption order is a prefix of each partition,
    // so committing it leaves exactly the second half.
    let (done, rest) = seen.split_at(n / 2);
    for r in done {
        first.mark_done(r);
    }
    first.commit().await.expect("commit");
    drop(first);

    let mut expected = PartitionOffsets::new();
    for r in done {
        let next = expected.entry(r.partition).or_insert(0);
        *next = (*next).max(r.offset + 1);
    }
    assert_eq!(
        bus.committed_offsets(GROUP, TOPIC).await.unwrap(),
        expected,
        "committed positions per partition"
    );

    let mut second = bus.group_consumer(GROUP, &[TOPIC]).unwrap();
    let resumed = recv_n(&mut second, rest.len()).await;
    assert_eq!(
        payloads(&resumed),
        payloads(rest),
        "resumes after the commit"
    );
    assert_nothing_more(&mut second).await;

    // Committing the rest moves every partition to its end.
    for r in &resumed {
        second.mark_done(r);
    }
    second.commit().await.expect("commit");
    let mut ends = PartitionOffsets::new();
    for (_, d) in &published {
        let next = ends.entry(d.partition).or_insert(0);
        *next = (*next).max(d.offset + 1);
    }
    eventually("all offsets committed", DEADLINE, || {
        let bus = bus.clone();
        let ends = ends.clone();
        async move { (bus.committed_offsets(GROUP, TOPIC).await.ok()? == ends).then_some(()) }
    })
    .await;
}

async fn reader_starts_at_given_offsets(bus: EventBus) {
    let published = publish_all(&bus, &KEYS, 6).await;
    // Start two partitions at their fourth record; leave the third out,
    // which must then be read from its beginning.
    let fourth = |partition: i32| {
        let mut offsets: Vec<i64> = published
            .iter()
            .filter(|(_, d)| d.partition == partition)
            .map(|(_, d)| d.offset)
            .collect();
        offsets.sort_unstable();
        offsets[3]
    };
    let start: PartitionOffsets = [(5, fourth(5)), (3, fourth(3))].into();
    let expected: BTreeSet<String> = published
        .iter()
        .filter(|(_, d)| start.get(&d.partition).is_none_or(|s| d.offset >= *s))
        .map(|(p, _)| p.clone())
        .collect();
    assert_eq!(expected.len(), 3 + 3 + 6, "three, three, and all six");

    let mut reader = bus.reader(TOPIC, &start).await.unwrap();
    let got = recv_n(&mut reader, expected.len()).await;
    assert_nothing_more(&mut reader).await;
    assert_eq!(payloads(&got), expected);
    assert!(
        got.iter()
            .all(|r| r.offset >= start.get(&r.partition).copied().unwrap_or(0))
    );
}

async fn headers_round_trip(bus: EventBus) {
    let traceparent = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let binary = [0u8, 159, 146, 150, 255];
    let headers: [(&str, &[u8]); 3] = [
        ("traceparent", traceparent),
        ("schema", b"porttrack.events.v1.PositionReport"),
        ("raw", &binary),
    ];
    bus.publish(OutRecord {
        topic: TOPIC,
        key: b"244740981",
        payload: &binary,
        headers: &headers,
    })
    .await
    .expect("publish");

    let mut reader = bus.reader(TOPIC, &PartitionOffsets::new()).await.unwrap();
    let record = recv(&mut reader).await;
    assert_eq!(&record.key[..], b"244740981");
    assert_eq!(&record.payload[..], &binary);
    let got: Vec<(&str, &[u8])> = record
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), &v[..]))
        .collect();
    assert_eq!(got, headers);
}

async fn recv_batch_returns_between_one_and_max(bus: EventBus) {
    let published = publish_all(&bus, &KEYS, 10).await;
    let mut reader = bus.reader(TOPIC, &PartitionOffsets::new()).await.unwrap();
    let mut all = Vec::new();
    let mut batch = Vec::new();
    while all.len() < published.len() {
        batch.clear();
        tokio::time::timeout(DEADLINE, reader.recv_batch(4, &mut batch))
            .await
            .expect("a batch within the deadline")
            .expect("recv_batch");
        assert!((1..=4).contains(&batch.len()), "batch of {}", batch.len());
        assert!(batch.iter().all(|r| &*r.topic == TOPIC));
        all.append(&mut batch);
    }
    assert_eq!(all.len(), published.len(), "no more than was published");
    let expected: BTreeSet<String> = published.into_iter().map(|(p, _)| p).collect();
    assert_eq!(payloads(&all), expected);

    let extra = publish(&bus, "244740981", "late").await;
    batch.clear();
    tokio::time::timeout(DEADLINE, reader.recv_batch(1, &mut batch))
        .await
        .expect("the late record")
        .expect("recv_batch");
    assert_eq!(batch.len(), 1);
    assert_eq!(
        (batch[0].partition, batch[0].offset),
        (extra.partition, extra.offset)
    );
}
