//! AIS codec: NMEA 0183 `!AIVDM`/`!AIVDO` lines in, typed messages out, and back.
//!
//! Pure code: no I/O and no clock (callers pass time as milliseconds).
//!
//! - [`sentence`]: one line to a borrowed [`Sentence`] (tag block, checksum, trailer).
//! - [`reassembly`]: [`Assembler`] joins multi-sentence payloads, bounded in memory.
//! - [`bits`]: reads fields from the 6-bit armoured payload in place.
//! - [`decode()`]: payload to [`Message`]; [`message`] holds the typed structs
//!   (types 1-27; binary DAC/FI payloads typed where gpsd types them —
//!   met/hydro, cargo, fairway, air draught, tidal windows, clearance,
//!   routes, text, inland static/arrival/levels/signals/persons, GLA AtoN
//!   monitoring — and area notices and extended static data, which gpsd
//!   leaves raw; raw bits are always kept; the position time stamp is a
//!   [`Timestamp`] with its four "no second" states).
//! - [`decoder`]: [`Decoder`], line in, [`Decoded`] out, for the ingest service.
//! - [`encode`]: typed messages to real `!AIVDM` lines (tests, simulators),
//!   and [`encode::corpus`], a deterministic realistic mix for benchmarks.
//! - [`gpsd`]: JSON compatible with `gpsdecode -s -j`, and the CLI's line loop.
//! - [`error`]: [`Reject`], one typed reason per rejected line.

pub mod bits;
pub mod decode;
pub mod decoder;
pub mod encode;
pub mod error;
pub mod gpsd;
mod legends;
pub mod message;
pub mod reassembly;
pub mod sentence;

pub use decode::decode;
pub use decoder::{Decoded, Decoder, DecoderConfig, Meta};
pub use error::{DecodeError, Reject};
pub use message::*;
pub use reassembly::{Assembler, AssemblerConfig, AssemblerStats, Payload};
pub use sentence::{ChecksumPolicy, Sentence, TagBlock, TagGroup, VendorTrailer};
