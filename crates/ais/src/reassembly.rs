//! Joins multi-sentence payloads.
//!
//! Memory is bounded whatever the input: at most `max_pending` groups wait
//! at once (the oldest is evicted to make room), each holds at most nine
//! fragments, and each fragment came from a line of at most
//! [`MAX_LINE_LEN`](crate::sentence::MAX_LINE_LEN) bytes.

use std::borrow::Cow;

use crate::error::Reject;
use crate::sentence::Sentence;

/// Limits for pending multi-part groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssemblerConfig {
    /// A group still incomplete this long after its first fragment is dropped.
    pub timeout_ms: u64,
    /// Upper bound on incomplete groups held at once.
    pub max_pending: usize,
}

impl Default for AssemblerConfig {
    fn default() -> Self {
        // Parts of one message are sent back to back; ten seconds is
        // generous even for feeds that batch lines.
        Self {
            timeout_ms: 10_000,
            max_pending: 256,
        }
    }
}

/// Counters for groups that never completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AssemblerStats {
    pub completed: u64,
    pub timed_out: u64,
    /// Dropped to stay under `max_pending`.
    pub evicted: u64,
    /// Dropped because a fragment number arrived twice (the sender reused
    /// the sequence id before finishing, so the old group cannot complete).
    pub replaced: u64,
    /// Fragments joined to the group of the fragment just before them
    /// although their sequence ids differ (some transmitters change the id
    /// mid-message; gpsd ignores sequence ids altogether).
    pub resequenced: u64,
}

/// A complete payload: borrowed for single-sentence messages, owned when joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload<'a> {
    pub text: Cow<'a, str>,
    /// Fill bits at the end of the payload. (A sender that pads an earlier
    /// fragment too has that padding removed where it stood.)
    pub fill_bits: u8,
}

/// Collects fragments until each group is complete.
#[derive(Debug)]
pub struct Assembler {
    config: AssemblerConfig,
    /// In arrival order, so the oldest group is first.
    pending: Vec<Group>,
    stats: AssemblerStats,
    /// The key and number of the fragment pushed last, if that line was
    /// part of a multi-sentence group.
    last: Option<(GroupKey, u8)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct GroupKey {
    talker: [u8; 2],
    count: u8,
    sequence_id: Option<u8>,
    channel: Option<char>,
    source: Option<String>,
    tag_group: Option<u32>,
}

#[derive(Debug)]
struct Group {
    key: GroupKey,
    started_ms: u64,
    /// Each fragment's payload and fill bits.
    parts: Vec<Option<(String, u8)>>,
    received: u8,
}

impl GroupKey {
    fn matches(&self, s: &Sentence<'_>) -> bool {
        self.sequence_id == s.sequence_id && self.matches_but_sequence(s)
    }

    fn matches_but_sequence(&self, s: &Sentence<'_>) -> bool {
        self.talker == talker_bytes(s)
            && self.count == s.fragment_count
            && self.channel == s.channel
            && self.source.as_deref() == s.tag_block.and_then(|t| t.source)
            && self.tag_group == tag_group_id(s)
    }

    fn of(s: &Sentence<'_>) -> Self {
        Self {
            talker: talker_bytes(s),
            count: s.fragment_count,
            sequence_id: s.sequence_id,
            channel: s.channel,
            source: s.tag_block.and_then(|t| t.source).map(str::to_owned),
            tag_group: tag_group_id(s),
        }
    }
}

impl Assembler {
    pub fn new(config: AssemblerConfig) -> Self {
        Self {
            config,
            pending: Vec::new(),
            stats: AssemblerStats::default(),
            last: None,
        }
    }

    pub fn stats(&self) -> AssemblerStats {
        self.stats
    }

    /// Number of incomplete groups held.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Adds a fragment; returns the payload once its group is complete.
    pub fn push<'a>(
        &mut self,
        sentence: &Sentence<'a>,
        now_ms: u64,
    ) -> Result<Option<Payload<'a>>, Reject> {
        self.expire(now_ms);
        let previous = self.last.take();
        if sentence.fragment_count == 1 {
            return Ok(Some(Payload {
                text: Cow::Borrowed(sentence.payload),
                fill_bits: sentence.fill_bits,
            }));
        }
        let index = usize::from(sentence.fragment_number - 1);
        let position = self
            .pending
            .iter()
            .position(|g| g.key.matches(sentence))
            .or_else(|| self.continuation(previous, sentence));
        let position = match position {
            Some(p) if self.pending[p].parts[index].is_some() => {
                self.pending.remove(p);
                self.stats.replaced += 1;
                self.open(sentence, now_ms)
            }
            Some(p) => p,
            None => self.open(sentence, now_ms),
        };
        let group = &mut self.pending[position];
        self.last = Some((group.key.clone(), sentence.fragment_number));
        group.parts[index] = Some((sentence.payload.to_owned(), sentence.fill_bits));
        group.received += 1;
        if group.received < group.key.count {
            return Ok(None);
        }
        let group = self.pending.remove(position);
        self.stats.completed += 1;
        let parts = group.parts.iter().flatten();
        let (text, fill_bits) = if parts.clone().rev().skip(1).all(|(_, fill)| *fill == 0) {
            let fill = parts.clone().last().map_or(0, |(_, fill)| *fill);
            (parts.map(|(text, _)| text.as_str()).collect(), fill)
        } else {
            crate::bits::splice(parts.map(|(text, fill)| (text.as_str(), *fill)))
        };
        Ok(Some(Payload {
            text: Cow::Owned(text),
            fill_bits,
        }))
    }

    /// Like gpsd, which follows one fragment stream per channel and ignores
    /// sequence ids: a fragment with no group of its own continues the group
    /// of the line just before it, if that line was the previous fragment of
    /// a group that differs only in sequence id. Any line in between (even a
    /// single-sentence one) breaks the chain, as it resets gpsd's stream.
    fn continuation(
        &mut self,
        previous: Option<(GroupKey, u8)>,
        s: &Sentence<'_>,
    ) -> Option<usize> {
        let (key, number) = previous?;
        if number + 1 != s.fragment_number || !key.matches_but_sequence(s) {
            return None;
        }
        let index = usize::from(s.fragment_number - 1);
        let position = self
            .pending
            .iter()
            .position(|g| g.key == key && g.parts[index].is_none())?;
        self.stats.resequenced += 1;
        Some(position)
    }

    /// Drops groups older than the timeout.
    pub fn expire(&mut self, now_ms: u64) {
        if self.pending.is_empty() {
            return;
        }
        let timeout = self.config.timeout_ms;
        let before = self.pending.len();
        self.pending
            .retain(|g| now_ms.saturating_sub(g.started_ms) <= timeout);
        self.stats.timed_out += (before - self.pending.len()) as u64;
    }

    fn open(&mut self, sentence: &Sentence<'_>, now_ms: u64) -> usize {
        if self.pending.len() >= self.config.max_pending.max(1) {
            self.pending.remove(0);
            self.stats.evicted += 1;
        }
        self.pending.push(Group {
            key: GroupKey::of(sentence),
            started_ms: now_ms,
            parts: vec![None; usize::from(sentence.fragment_count)],
            received: 0,
        });
        self.pending.len() - 1
    }
}

fn talker_bytes(s: &Sentence<'_>) -> [u8; 2] {
    let b = s.talker.as_bytes();
    [b[0], b[1]]
}

fn tag_group_id(s: &Sentence<'_>) -> Option<u32> {
    s.tag_block.and_then(|t| t.group).map(|g| g.id)
}

#[cfg(test)]
mod tests;
