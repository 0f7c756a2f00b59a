//! Line in, message out: parsing, reassembly and decoding in one place.

use crate::decode::decode;
use crate::error::Reject;
use crate::message::Message;
use crate::reassembly::{Assembler, AssemblerConfig, AssemblerStats};
use crate::sentence::{ChecksumPolicy, Sentence};

/// Settings for a [`Decoder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecoderConfig {
    pub checksum: ChecksumPolicy,
    pub fragment_timeout_ms: u64,
    pub max_pending: usize,
}

impl Default for DecoderConfig {
    fn default() -> Self {
        let assembler = AssemblerConfig::default();
        Self {
            checksum: ChecksumPolicy::Reject,
            fragment_timeout_ms: assembler.timeout_ms,
            max_pending: assembler.max_pending,
        }
    }
}

/// Where and how a message was received. For multi-sentence messages this
/// comes from the sentence that completed the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub talker: [u8; 2],
    pub channel: Option<char>,
    pub own_ship: bool,
    /// Tag block `s:`.
    pub source: Option<String>,
    /// Tag block `c:`, unix seconds.
    pub receive_time: Option<u64>,
    /// US Coast Guard trailer `r...` station.
    pub vendor_station: Option<String>,
    /// US Coast Guard trailer unix time, seconds.
    pub vendor_time: Option<u64>,
    /// False when accepted despite a bad checksum ([`ChecksumPolicy::AcceptAndFlag`]).
    pub checksum_ok: bool,
}

impl Meta {
    pub fn talker_str(&self) -> &str {
        std::str::from_utf8(&self.talker).unwrap_or("??")
    }

    fn of(s: &Sentence<'_>) -> Self {
        let b = s.talker.as_bytes();
        Self {
            talker: [b[0], b[1]],
            channel: s.channel,
            own_ship: s.own_ship,
            source: s.tag_block.and_then(|t| t.source).map(str::to_owned),
            receive_time: s.tag_block.and_then(|t| t.receive_time),
            vendor_station: s.vendor.station.map(str::to_owned),
            vendor_time: s.vendor.time,
            checksum_ok: s.checksum_ok,
        }
    }
}

/// A decoded message with its reception metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub message: Message,
    pub meta: Meta,
}

/// Owns the reassembly state for one feed.
#[derive(Debug)]
pub struct Decoder {
    checksum: ChecksumPolicy,
    assembler: Assembler,
}

impl Decoder {
    pub fn new(config: DecoderConfig) -> Self {
        Self {
            checksum: config.checksum,
            assembler: Assembler::new(AssemblerConfig {
                timeout_ms: config.fragment_timeout_ms,
                max_pending: config.max_pending,
            }),
        }
    }

    /// `Ok(None)` while a multi-sentence message is incomplete.
    pub fn push_line(&mut self, line: &str, now_ms: u64) -> Result<Option<Decoded>, Reject> {
        let sentence = Sentence::parse_with(line, self.checksum)?;
        let Some(payload) = self.assembler.push(&sentence, now_ms)? else {
            return Ok(None);
        };
        let message = decode(&payload.text, payload.fill_bits)?;
        Ok(Some(Decoded {
            message,
            meta: Meta::of(&sentence),
        }))
    }

    pub fn assembler_stats(&self) -> AssemblerStats {
        self.assembler.stats()
    }

    /// Multi-sentence messages waiting for their other parts.
    pub fn pending_fragments(&self) -> usize {
        self.assembler.pending()
    }
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new(DecoderConfig::default())
    }
}
