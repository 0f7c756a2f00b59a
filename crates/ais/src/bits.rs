//! Bit access to a 6-bit armoured payload, read in place.

use crate::error::Reject;

const INVALID: u8 = 0xFF;

/// Armour character to its 6-bit value (`0`..`W` and `` ` ``..`w`).
const DEARMOR: [u8; 128] = {
    let mut t = [INVALID; 128];
    let mut c = 48;
    while c < 128 {
        if c <= 87 {
            t[c] = (c - 48) as u8;
        } else if c >= 96 && c <= 119 {
            t[c] = (c - 56) as u8;
        }
        c += 1;
    }
    t
};

/// Six-bit ASCII used by AIS text fields.
pub(crate) const SIXBIT_ASCII: &[u8; 64] =
    b"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";

/// Reads big-endian bit fields from an armoured payload without copying it.
///
/// Bits past the end read as zero: a field keeps its position and scale
/// when a transmitter drops trailing bits (gpsd reads short type 7s this way).
#[derive(Debug, Clone, Copy)]
pub struct BitReader<'a> {
    data: &'a [u8],
    len: usize,
    /// The first [`PACKED_CHARS`] characters as plain bits, MSB first (the
    /// fourth word stays zero so a two-word window never runs off the end).
    /// Every field of the position reports lies in here.
    packed: [u64; 4],
}

const PACKED_CHARS: usize = 32;
const PACKED_BITS: usize = PACKED_CHARS * 6;

impl<'a> BitReader<'a> {
    /// Validates every character, then exposes `6 * chars - fill_bits` bits.
    pub fn new(payload: &'a str, fill_bits: u8) -> Result<Self, Reject> {
        let data = payload.as_bytes();
        // Branch-free (vectorised) for the common case; find the culprit only on error.
        let bad = data.iter().fold(false, |acc, &b| acc | !is_armour(b));
        if bad {
            return Err(Reject::InvalidPayloadChar(first_invalid(payload)));
        }
        if fill_bits > 6 {
            return Err(Reject::BadFillBits(fill_bits));
        }
        let len = (data.len() * 6).saturating_sub(usize::from(fill_bits));
        Ok(Self {
            data,
            len,
            packed: pack(data),
        })
    }

    /// Number of payload bits.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Unsigned field of `width` (at most 32) bits at `start`.
    #[inline]
    pub fn u(&self, start: usize, width: usize) -> u32 {
        debug_assert!(width <= 32);
        let end = start + width;
        if width == 0 || start >= self.len {
            return 0;
        }
        if end <= self.len {
            return self.read(start, width);
        }
        // Trailing bits missing: the present ones keep their place value.
        let present = self.len - start;
        self.read(start, present) << (width - present)
    }

    /// Reads `width` (1..=32) bits that all lie inside the payload: at most
    /// seven characters, accumulated in one u64.
    #[inline]
    fn read(&self, start: usize, width: usize) -> u32 {
        if start + width <= PACKED_BITS {
            let word = start / 64;
            let window = (u128::from(self.packed[word]) << 64) | u128::from(self.packed[word + 1]);
            return ((window << (start % 64)) >> (128 - width)) as u32;
        }
        let first = start / 6;
        let last = (start + width - 1) / 6;
        let mut acc = 0u64;
        for &c in &self.data[first..=last] {
            acc = (acc << 6) | u64::from(DEARMOR[usize::from(c)]);
        }
        let unused_low = (last + 1) * 6 - (start + width);
        ((acc >> unused_low) & ((1u64 << width) - 1)) as u32
    }

    /// Two's-complement signed field.
    pub fn i(&self, start: usize, width: usize) -> i32 {
        let raw = self.u(start, width);
        let shift = 32 - width as u32;
        ((raw << shift) as i32) >> shift
    }

    pub fn flag(&self, start: usize) -> bool {
        self.u(start, 1) == 1
    }

    /// Text of up to `chars` characters, cut at the first `@` and trimmed of
    /// trailing spaces, as gpsd does.
    pub fn text(&self, start: usize, chars: usize) -> String {
        let mut out = self.untrimmed_text(start, chars);
        out.truncate(out.trim_end_matches(' ').len());
        out
    }

    /// [`BitReader::text`] with its trailing spaces kept.
    pub fn untrimmed_text(&self, start: usize, chars: usize) -> String {
        let available = self.len.saturating_sub(start) / 6;
        let mut out = String::with_capacity(chars.min(available));
        for k in 0..chars.min(available) {
            let c = SIXBIT_ASCII[self.u(start + 6 * k, 6) as usize];
            if c == b'@' {
                break;
            }
            out.push(char::from(c));
        }
        out
    }
}

/// Packs the first [`PACKED_CHARS`] (valid) characters: two runs of 16
/// characters (96 bits each) spliced into three words; missing ones read as 0.
fn pack(data: &[u8]) -> [u64; 4] {
    let mut head = [b'0'; PACKED_CHARS];
    let n = data.len().min(PACKED_CHARS);
    head[..n].copy_from_slice(&data[..n]);
    // Four characters to 24 bits, eight independent groups, then splice.
    let groups: [u128; 8] = std::array::from_fn(|g| {
        head[4 * g..4 * g + 4]
            .iter()
            .fold(0u128, |acc, &c| (acc << 6) | u128::from(sixbit(c)))
    });
    let run = |g: &[u128]| (g[0] << 72) | (g[1] << 48) | (g[2] << 24) | g[3];
    let (a, b) = (run(&groups[..4]), run(&groups[4..]));
    [
        (a >> 32) as u64,
        ((a as u64) << 32) | (b >> 64) as u64,
        b as u64,
        0,
    ]
}

/// `0`..`W` and `` ` ``..`w`.
fn is_armour(b: u8) -> bool {
    b.wrapping_sub(b'0') < 40 || b.wrapping_sub(b'`') < 24
}

/// The six-bit value of an armour character, without a table.
fn sixbit(c: u8) -> u8 {
    let v = c.wrapping_sub(b'0');
    if v >= 40 { v.wrapping_sub(8) } else { v }
}

/// The first character outside the armour (only called once one is known to exist).
fn first_invalid(payload: &str) -> char {
    payload
        .chars()
        .find(|&c| !c.is_ascii() || DEARMOR[c as usize] == INVALID)
        .unwrap_or('?')
}

/// Packs bit fields and armours them (used by the encoder).
#[derive(Debug, Default)]
pub(crate) struct BitWriter {
    bits: Vec<bool>,
}

impl BitWriter {
    pub(crate) fn u(&mut self, value: u32, width: usize) {
        for k in (0..width).rev() {
            self.bits.push((value >> k) & 1 == 1);
        }
    }

    pub(crate) fn i(&mut self, value: i32, width: usize) {
        self.u(value as u32, width);
    }

    pub(crate) fn flag(&mut self, value: bool) {
        self.bits.push(value);
    }

    /// Text padded with `@` to `chars` characters; characters outside the
    /// six-bit set are sent as `?`.
    pub(crate) fn text(&mut self, s: &str, chars: usize) {
        let mut bytes = s.bytes().map(|b| b.to_ascii_uppercase());
        for _ in 0..chars {
            let code = match bytes.next() {
                None => 0,
                Some(b) => SIXBIT_ASCII.iter().position(|&c| c == b).unwrap_or(31) as u32,
            };
            self.u(code, 6);
        }
    }

    /// Armoured payload and the number of fill bits.
    pub(crate) fn armour(&self) -> (String, u8) {
        let fill = (6 - self.bits.len() % 6) % 6;
        let out = self
            .bits
            .chunks(6)
            .map(|chunk| {
                let v = (0..6).fold(0u8, |acc, k| {
                    (acc << 1) | u8::from(*chunk.get(k).unwrap_or(&false))
                });
                char::from(if v < 40 { v + 48 } else { v + 56 })
            })
            .collect();
        (out, fill as u8)
    }
}

/// Joins armoured fragments, dropping each one's fill bits where that
/// fragment ends, and armours the result again: gpsd reads a fragment's
/// fill bits so, and a few senders pad fragments other than the last.
/// Fragments with characters outside the armour are joined as they are,
/// so that decoding still rejects them.
pub(crate) fn splice<'a>(parts: impl Iterator<Item = (&'a str, u8)> + Clone) -> (String, u8) {
    if !parts.clone().all(|(text, _)| text.bytes().all(is_armour)) {
        let text = parts.clone().map(|(text, _)| text).collect();
        return (text, parts.last().map_or(0, |(_, fill)| fill));
    }
    let mut w = BitWriter::default();
    for (text, fill) in parts {
        let start = w.bits.len();
        for c in text.bytes() {
            w.u(u32::from(sixbit(c)), 6);
        }
        let end = w.bits.len().saturating_sub(usize::from(fill)).max(start);
        w.bits.truncate(end);
    }
    w.armour()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_across_characters() {
        // "15RTgt" starts a type 1 from mmsi 371798000.
        let r = BitReader::new("15RTgt0PAso;90TKcjM8h6g208CQ", 0).unwrap();
        assert_eq!(r.len(), 168);
        assert_eq!(r.u(0, 6), 1);
        assert_eq!(r.u(8, 30), 371_798_000);
        assert_eq!(r.i(42, 8), -127);
    }

    #[test]
    fn fill_bits_shorten_and_six_drops_last_char() {
        assert_eq!(BitReader::new("0000", 2).unwrap().len(), 22);
        assert_eq!(BitReader::new("0000", 6).unwrap().len(), 18);
        assert_eq!(
            BitReader::new("0000", 7).unwrap_err(),
            Reject::BadFillBits(7)
        );
    }

    #[test]
    fn rejects_characters_outside_the_armour() {
        assert_eq!(
            BitReader::new("15X", 0).unwrap_err(),
            Reject::InvalidPayloadChar('X')
        );
        assert_eq!(
            BitReader::new("1é", 0).unwrap_err(),
            Reject::InvalidPayloadChar('é')
        );
    }

    #[test]
    fn bits_past_the_end_read_as_zero() {
        let r = BitReader::new("w", 0).unwrap();
        assert_eq!(r.u(0, 12), 0b111111_000000);
        assert_eq!(r.u(6, 12), 0);
    }

    #[test]
    fn writer_round_trips() {
        let mut w = BitWriter::default();
        w.u(5, 6);
        w.i(-3, 8);
        w.text("AB C", 5);
        let (payload, fill) = w.armour();
        let r = BitReader::new(&payload, fill).unwrap();
        assert_eq!(r.len(), 44);
        assert_eq!((r.u(0, 6), r.i(6, 8)), (5, -3));
        assert_eq!(r.text(14, 5), "AB C");
    }
}
