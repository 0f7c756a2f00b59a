//! The embedded event log: Kafka's semantics without a broker, for a suite
//! running in one process. Records live in memory, bounded per partition.

use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    sync::{Arc, Mutex, MutexGuard},
};

use bytes::Bytes;
use tokio::sync::watch;

use super::{BusError, Delivery, OutRecord, PartitionOffsets, Record, partition_for};
use crate::time::now_ms;

#[derive(Debug, Clone)]
pub struct MemoryLog {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    state: Mutex<State>,
    /// Bumped on every append so waiting consumers wake.
    appended: watch::Sender<u64>,
    partitions: i32,
    retention: usize,
}

#[derive(Debug, Default)]
struct State {
    topics: HashMap<Arc<str>, Vec<Partition>>,
    /// (group, topic, partition) → next offset to read.
    committed: HashMap<(String, Arc<str>, i32), i64>,
}

#[derive(Debug, Default)]
struct Partition {
    /// Offset of `records[0]`; grows as retention drops old records.
    base: i64,
    records: VecDeque<Record>,
}

impl Partition {
    fn end(&self) -> i64 {
        self.base + self.records.len() as i64
    }
}

impl MemoryLog {
    pub fn new(partitions: i32, retention: usize) -> Self {
        let (appended, _) = watch::channel(0);
        Self {
            inner: Arc::new(Inner {
                state: Mutex::new(State::default()),
                appended,
                partitions: partitions.max(1),
                retention: retention.max(1),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a partition half
        // written (every mutation is a single push or pop), so carry on.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn ensure_topics(&self, topics: &[(String, bool)]) {
        let mut state = self.lock();
        for (name, _compacted) in topics {
            state.ensure(name, self.inner.partitions);
        }
    }

    pub fn publish(&self, out: OutRecord<'_>) -> Delivery {
        let delivery = {
            let mut state = self.lock();
            let topic = state.ensure(out.topic, self.inner.partitions);
            let parts = state
                .topics
                .get_mut(&topic)
                .unwrap_or_else(|| unreachable!("just ensured"));
            let partition = partition_for(out.key, parts.len() as i32);
            let part = &mut parts[partition as usize];
            let offset = part.end();
            part.records.push_back(Record {
                topic,
                partition,
                offset,
                key: Bytes::copy_from_slice(out.key),
                payload: Bytes::copy_from_slice(out.payload),
                headers: out
                    .headers
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), Bytes::copy_from_slice(v)))
                    .collect(),
                timestamp_ms: now_ms(),
            });
            while part.records.len() > self.inner.retention {
                part.records.pop_front();
                part.base += 1;
            }
            Delivery { partition, offset }
        };
        self.inner.appended.send_modify(|n| *n += 1);
        delivery
    }

    pub fn committed(&self, group: &str, topic: &str) -> PartitionOffsets {
        self.lock()
            .committed
            .iter()
            .filter(|((g, t, _), _)| g == group && &**t == topic)
            .map(|((_, _, p), o)| (*p, *o))
            .collect()
    }

    /// Next offset to be written, per partition of `topic` (for lag).
    pub fn end_offsets(&self, topic: &str) -> PartitionOffsets {
        self.lock()
            .topics
            .get(topic)
            .map_or_else(PartitionOffsets::new, |parts| {
                (0..).zip(parts.iter().map(Partition::end)).collect()
            })
    }

    pub fn consumer(
        &self,
        group: Option<&str>,
        topics: &[&str],
        start: &PartitionOffsets,
    ) -> MemoryConsumer {
        let mut state = self.lock();
        let mut positions = Vec::new();
        for name in topics {
            let topic = state.ensure(name, self.inner.partitions);
            let count = state.topics[&topic].len() as i32;
            for partition in 0..count {
                let committed = group.and_then(|g| {
                    state
                        .committed
                        .get(&(g.to_owned(), topic.clone(), partition))
                        .copied()
                });
                let from = committed
                    .or_else(|| start.get(&partition).copied())
                    .unwrap_or(0);
                positions.push((topic.clone(), partition, from));
            }
        }
        MemoryConsumer {
            log: self.clone(),
            group: group.map(str::to_owned),
            positions,
            cursor: 0,
            appended: self.inner.appended.subscribe(),
        }
    }
}

impl State {
    /// The topic's shared name, creating the topic if needed.
    fn ensure(&mut self, name: &str, partitions: i32) -> Arc<str> {
        if let Some((key, _)) = self.topics.get_key_value(name) {
            return key.clone();
        }
        let key: Arc<str> = Arc::from(name);
        let parts = (0..partitions).map(|_| Partition::default()).collect();
        self.topics.insert(key.clone(), parts);
        key
    }
}

#[derive(Debug)]
pub struct MemoryConsumer {
    log: MemoryLog,
    group: Option<String>,
    /// (topic, partition, next offset), read round-robin so no partition starves.
    positions: Vec<(Arc<str>, i32, i64)>,
    cursor: usize,
    appended: watch::Receiver<u64>,
}

impl MemoryConsumer {
    pub async fn recv(&mut self) -> Result<Record, BusError> {
        loop {
            // Mark the current version seen before looking, so an append
            // between the look and the wait still wakes us.
            self.appended.borrow_and_update();
            if let Some(record) = self.try_recv() {
                return Ok(record);
            }
            self.appended
                .changed()
                .await
                .map_err(|_| BusError::Closed)?;
        }
    }

    pub fn try_recv(&mut self) -> Option<Record> {
        let state = self.log.lock();
        let n = self.positions.len();
        for step in 0..n {
            let i = (self.cursor + step) % n;
            let (topic, partition, next) = &mut self.positions[i];
            let part = &state.topics[topic][*partition as usize];
            // Records dropped by retention are skipped, as Kafka's
            // auto.offset.reset=earliest does.
            *next = (*next).max(part.base);
            if *next < part.end() {
                let record = part.records[(*next - part.base) as usize].clone();
                *next += 1;
                self.cursor = (i + 1) % n;
                return Some(record);
            }
        }
        None
    }

    pub fn commit(&self, offsets: &BTreeMap<(Arc<str>, i32), i64>) {
        let Some(group) = &self.group else { return };
        let mut state = self.log.lock();
        for ((topic, partition), offset) in offsets {
            let entry = state
                .committed
                .entry((group.clone(), topic.clone(), *partition))
                .or_insert(0);
            *entry = (*entry).max(*offset);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish(log: &MemoryLog, key: &str, payload: &str) -> Delivery {
        log.publish(OutRecord {
            topic: "t",
            key: key.as_bytes(),
            payload: payload.as_bytes(),
            headers: &[],
        })
    }

    #[tokio::test]
    async fn same_key_same_partition_in_order() {
        let log = MemoryLog::new(4, 100);
        let a: Vec<Delivery> = (0..5)
            .map(|i| publish(&log, "244", &i.to_string()))
            .collect();
        assert!(a.iter().all(|d| d.partition == a[0].partition));
        assert_eq!(
            a.iter().map(|d| d.offset).collect::<Vec<_>>(),
            vec![0, 1, 2, 3, 4]
        );
        let mut c = log.consumer(None, &["t"], &BTreeMap::new());
        for i in 0..5 {
            assert_eq!(c.recv().await.unwrap().payload, i.to_string());
        }
        assert!(c.try_recv().is_none());
    }

    #[tokio::test]
    async fn group_resumes_from_committed_offset() {
        let log = MemoryLog::new(1, 100);
        for i in 0..3 {
            publish(&log, "k", &i.to_string());
        }
        let mut c = log.consumer(Some("g"), &["t"], &BTreeMap::new());
        let first = c.recv().await.unwrap();
        let mut done = BTreeMap::new();
        done.insert((first.topic.clone(), first.partition), first.offset + 1);
        c.commit(&done);
        assert_eq!(log.committed("g", "t").get(&0), Some(&1));
        let mut again = log.consumer(Some("g"), &["t"], &BTreeMap::new());
        assert_eq!(again.recv().await.unwrap().payload, "1");
    }

    #[tokio::test]
    async fn waiting_consumer_wakes_on_publish() {
        let log = MemoryLog::new(2, 100);
        let mut c = log.consumer(None, &["t"], &BTreeMap::new());
        let waiter = tokio::spawn(async move { c.recv().await.unwrap().payload });
        tokio::task::yield_now().await;
        publish(&log, "k", "late");
        assert_eq!(waiter.await.unwrap(), "late");
    }

    #[tokio::test]
    async fn retention_drops_oldest_and_readers_skip_ahead() {
        let log = MemoryLog::new(1, 2);
        for i in 0..5 {
            publish(&log, "k", &i.to_string());
        }
        let mut c = log.consumer(None, &["t"], &BTreeMap::new());
        assert_eq!(c.recv().await.unwrap().offset, 3);
        assert_eq!(c.recv().await.unwrap().offset, 4);
    }
}
