//! Duplicate suppression: the same AIS transmission heard by several
//! receivers (or relayed by several feeds) is stored once.
//!
//! A duplicate is a message whose content, every decoded field, equals one
//! taken in within the last `window` (queued for Kafka, skipped as a type
//! PortTrack does not track, or refused by validation), whichever
//! connection, transport or feed brought it. Messages are compared once
//! decoded, so a multi-sentence message counts once however its fragments
//! arrived. A message the produce queue had no room for is given back, so
//! its next copy is taken. A vessel's position reports differ from one
//! transmission to the next (the UTC second and the radio state change
//! every slot), so a window of a few seconds catches copies, not news; an
//! identical rebroadcast within it (static or binary data) carries nothing
//! new either. Memory is bounded: at most `max_entries` messages are
//! remembered, the oldest forgotten first.

use std::{
    collections::{HashMap, VecDeque},
    fmt::Write as _,
    hash::{DefaultHasher, Hasher},
    sync::Mutex,
};

/// Messages remembered at most, whatever the window.
pub const MAX_ENTRIES: usize = 100_000;

#[derive(Debug)]
pub struct DedupWindow {
    window_ms: u64,
    max_entries: usize,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    /// Fingerprint → when it was first accepted.
    first: HashMap<u64, u64>,
    /// In acceptance order, to forget the oldest first.
    order: VecDeque<(u64, u64)>,
}

impl DedupWindow {
    /// A `window_ms` of 0 turns suppression off.
    pub fn new(window_ms: u64, max_entries: usize) -> Self {
        Self {
            window_ms,
            max_entries: max_entries.max(1),
            seen: Mutex::default(),
        }
    }

    /// Claims the message with this [`fingerprint`] at `now_ms`: true for
    /// the first copy within the window, false for a duplicate. Claiming
    /// is one step, so two copies arriving at once on two connections
    /// cannot both pass.
    pub fn claim(&self, key: u64, now_ms: u64) -> bool {
        if self.window_ms == 0 {
            return true;
        }
        let mut seen = self.lock();
        seen.forget(|at, _| at + self.window_ms <= now_ms);
        if seen.first.contains_key(&key) {
            return false;
        }
        seen.first.insert(key, now_ms);
        seen.order.push_back((now_ms, key));
        seen.forget(|_, remembered| remembered > self.max_entries);
        true
    }

    /// Gives a claim back: the message could not be queued, so a copy
    /// that comes later is taken instead of dropped.
    pub fn release(&self, key: u64) {
        self.lock().first.remove(&key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Seen {
    /// Forgets the oldest entries while `expired(at, entries)` holds.
    fn forget(&mut self, expired: impl Fn(u64, usize) -> bool) {
        while let Some(&(at, key)) = self.order.front() {
            if !expired(at, self.order.len()) {
                break;
            }
            self.order.pop_front();
            // Unless it was released and claimed again since.
            if self.first.get(&key) == Some(&at) {
                self.first.remove(&key);
            }
        }
    }
}

/// A 64-bit hash of the message's every field (its `Debug` form, streamed
/// into the hasher without an intermediate string). `DefaultHasher::new`
/// has fixed keys, so the fingerprint is stable within a process.
pub fn fingerprint(message: &impl std::fmt::Debug) -> u64 {
    struct Feed(DefaultHasher);
    impl std::fmt::Write for Feed {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut feed = Feed(DefaultHasher::new());
    let _ = write!(feed, "{message:?}");
    feed.0.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(dedup: &DedupWindow, message: &str, now_ms: u64) -> bool {
        dedup.claim(fingerprint(&message), now_ms)
    }

    #[test]
    fn a_copy_within_the_window_is_a_duplicate_and_after_it_is_not() {
        let dedup = DedupWindow::new(1000, 100);
        assert!(accept(&dedup, "msg", 10_000));
        assert!(!accept(&dedup, "msg", 10_500));
        assert!(!accept(&dedup, "msg", 10_999));
        assert!(accept(&dedup, "other", 10_999));
        // The window runs from the first acceptance, not the last copy.
        assert!(accept(&dedup, "msg", 11_000));
        assert!(!accept(&dedup, "msg", 11_001));
    }

    #[test]
    fn a_released_claim_lets_the_next_copy_through() {
        let dedup = DedupWindow::new(1000, 100);
        let key = fingerprint(&"msg");
        assert!(dedup.claim(key, 0));
        // Not queued (the queue was full): the next copy is taken.
        dedup.release(key);
        assert!(dedup.claim(key, 10));
        assert!(!dedup.claim(key, 20));
        // The first claim's expiry does not drop the second one early.
        assert!(!dedup.claim(key, 1005));
        assert!(dedup.claim(key, 1010));
    }

    #[test]
    fn memory_is_bounded_oldest_forgotten_first() {
        let dedup = DedupWindow::new(60_000, 3);
        for (i, m) in ["a", "b", "c", "d"].iter().enumerate() {
            assert!(accept(&dedup, m, i as u64));
        }
        let seen = dedup.lock();
        assert_eq!((seen.first.len(), seen.order.len()), (3, 3));
        drop(seen);
        // "a" was forgotten to make room; "d" is still remembered.
        assert!(!accept(&dedup, "d", 10));
        assert!(accept(&dedup, "a", 10));
    }

    #[test]
    fn a_zero_window_suppresses_nothing() {
        let dedup = DedupWindow::new(0, 100);
        assert!(accept(&dedup, "msg", 1));
        assert!(accept(&dedup, "msg", 1));
        assert!(dedup.lock().first.is_empty());
    }

    #[test]
    fn decoded_messages_compare_by_every_field() {
        use porttrack_ais::Decoder;
        let decode = |line: &str| {
            Decoder::default()
                .push_line(line, 0)
                .expect("valid")
                .expect("complete")
                .message
        };
        let a = decode("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A");
        // The same payload heard on the other channel by another receiver.
        let copy = decode("!AIVDM,1,1,,B,15RTgt0PAso;90TKcjM8h6g208CQ,0*49");
        let other = decode("!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78");
        assert_eq!(fingerprint(&a), fingerprint(&copy));
        assert_ne!(fingerprint(&a), fingerprint(&other));
    }
}
