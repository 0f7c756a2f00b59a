//! One feed's AIS decoder, with its incomplete multi-sentence messages
//! counted in `porttrack_ingest_fragments_pending` (all feeds together)
//! for as long as the decoder lives.

use porttrack_ais::{Decoded, Decoder, DecoderConfig, Reject};

use crate::metrics as m;

#[derive(Debug)]
pub struct FeedDecoder {
    inner: Decoder,
    /// What this decoder currently adds to the gauge.
    counted: usize,
}

impl FeedDecoder {
    pub fn new(config: DecoderConfig) -> Self {
        Self {
            inner: Decoder::new(config),
            counted: 0,
        }
    }

    /// As [`Decoder::push_line`]; groups that time out are noticed here.
    pub fn push_line(&mut self, line: &str, now_ms: u64) -> Result<Option<Decoded>, Reject> {
        let result = self.inner.push_line(line, now_ms);
        self.recount(self.inner.pending_fragments());
        result
    }

    /// Multi-sentence messages waiting for their other parts.
    pub fn pending_fragments(&self) -> usize {
        self.inner.pending_fragments()
    }

    fn recount(&mut self, pending: usize) {
        let gauge = metrics::gauge!(m::FRAGMENTS_PENDING);
        if pending > self.counted {
            gauge.increment((pending - self.counted) as f64);
        } else if pending < self.counted {
            gauge.decrement((self.counted - pending) as f64);
        }
        self.counted = pending;
    }
}

impl Drop for FeedDecoder {
    /// A closed connection or finished request leaves nothing pending.
    fn drop(&mut self) {
        self.recount(0);
    }
}
