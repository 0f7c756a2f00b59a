//! One NMEA 0183 line (`!AIVDM`/`!AIVDO`), parsed without copying.
//!
//! Fill bits: the standard allows 0-5, but some feeds send 6 (gpsd decodes
//! them). We accept 6 and read it as "the whole last character is padding",
//! which is what the number literally says; anything above 6 is rejected.

use crate::error::Reject;

/// Longer lines are rejected before any parsing, which bounds what a
/// pending fragment can hold. Real lines are under 100 bytes without
/// trailers and under 250 with a tag block and a US Coast Guard trailer.
pub const MAX_LINE_LEN: usize = 512;

/// What to do with a sentence whose checksum does not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChecksumPolicy {
    /// Reject the line with [`Reject::BadChecksum`] (gpsd's behaviour).
    #[default]
    Reject,
    /// Decode anyway and report `checksum_ok: false` (pyais' behaviour).
    AcceptAndFlag,
}

/// `g:` field of a tag block: this is sentence `number` of `count` in group `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagGroup {
    pub number: u8,
    pub count: u8,
    pub id: u32,
}

/// NMEA 4.10 tag block (`\c:...,s:...*hh\`). Unknown fields are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TagBlock<'a> {
    /// `c:` receive time, unix seconds.
    pub receive_time: Option<u64>,
    /// `s:` source station.
    pub source: Option<&'a str>,
    /// `g:` sentence group.
    pub group: Option<TagGroup>,
}

/// US Coast Guard fields after the checksum (`,d-109,S2105,...,r003669946,1325394060,1325394001`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VendorTrailer<'a> {
    /// The `r...` receiving station.
    pub station: Option<&'a str>,
    /// The last field when it is a unix time in seconds.
    pub time: Option<u64>,
}

/// One parsed `!--VDM`/`!--VDO` sentence, borrowing from the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence<'a> {
    pub tag_block: Option<TagBlock<'a>>,
    /// Two-character talker (`AI`, `BS`, `AB`, ...).
    pub talker: &'a str,
    /// `VDO`: our own vessel's report.
    pub own_ship: bool,
    pub fragment_count: u8,
    pub fragment_number: u8,
    pub sequence_id: Option<u8>,
    /// Radio channel `A`, `B`, `1` or `2`.
    pub channel: Option<char>,
    pub payload: &'a str,
    pub fill_bits: u8,
    /// False only under [`ChecksumPolicy::AcceptAndFlag`].
    pub checksum_ok: bool,
    pub vendor: VendorTrailer<'a>,
}

impl<'a> Sentence<'a> {
    /// Parses a line, rejecting bad checksums.
    pub fn parse(line: &'a str) -> Result<Self, Reject> {
        Self::parse_with(line, ChecksumPolicy::Reject)
    }

    /// Parses a line with an explicit checksum policy.
    pub fn parse_with(line: &'a str, policy: ChecksumPolicy) -> Result<Self, Reject> {
        let line = line.trim();
        if line.is_empty() {
            return Err(Reject::Empty);
        }
        if line.len() > MAX_LINE_LEN {
            return Err(Reject::TooLong(line.len()));
        }
        let (tag_block, tag_ok, rest) = split_tag_block(line)?;
        let body_and_sum = rest
            .strip_prefix('!')
            .ok_or(Reject::Malformed("missing '!'"))?;
        let scan = Scan::new(body_and_sum).ok_or(Reject::Malformed("missing checksum"))?;
        let after = &body_and_sum[scan.star + 1..];
        let found = after
            .get(..2)
            .and_then(parse_hex_byte)
            .ok_or(Reject::Malformed("bad checksum digits"))?;
        let checksum_ok = tag_ok && scan.sum == found;
        if !checksum_ok && policy == ChecksumPolicy::Reject {
            return Err(Reject::BadChecksum {
                computed: scan.sum,
                found,
            });
        }
        let mut sentence = parse_body(&scan)?;
        sentence.tag_block = tag_block;
        sentence.checksum_ok = checksum_ok;
        if after.len() > 2 {
            sentence.vendor = parse_trailer(&after[2..]);
        }
        Ok(sentence)
    }
}

/// Fields of a VDM/VDO body: address, count, number, sequence id, channel,
/// payload, fill bits.
const FIELDS: usize = 7;

/// One pass over the body up to `*`: checksum and field boundaries together,
/// so a line's bytes are read once on the hot path.
struct Scan<'a> {
    /// Index of `*` in the body-and-checksum text.
    star: usize,
    sum: u8,
    /// The first [`FIELDS`] fields; `count` says how many the body had.
    fields: [&'a str; FIELDS],
    count: usize,
}

impl<'a> Scan<'a> {
    #[inline]
    fn new(text: &'a str) -> Option<Self> {
        let mut scan = Scan {
            star: 0,
            sum: 0,
            fields: [""; FIELDS],
            count: 0,
        };
        let mut field_start = 0;
        let mut wide_sum = 0u64;
        for (word_index, chunk) in text.as_bytes().chunks(8).enumerate() {
            let base = word_index * 8;
            let word = match <[u8; 8]>::try_from(chunk) {
                Ok(bytes) => u64::from_le_bytes(bytes),
                Err(_) => {
                    // Zero padding matches neither delimiter and XORs to nothing.
                    let mut bytes = [0u8; 8];
                    bytes[..chunk.len()].copy_from_slice(chunk);
                    u64::from_le_bytes(bytes)
                }
            };
            let stars = byte_matches(word, b'*');
            let first_star = stars & stars.wrapping_neg();
            // Every bit of the bytes before the first `*`.
            let before = if stars == 0 {
                !0
            } else {
                (first_star >> 7) - 1
            };
            wide_sum ^= word & before;
            let mut commas = byte_matches(word, b',') & before;
            while commas != 0 {
                let i = base + commas.trailing_zeros() as usize / 8;
                scan.push(&text[field_start..i]);
                field_start = i + 1;
                commas &= commas - 1;
            }
            if stars != 0 {
                scan.star = base + first_star.trailing_zeros() as usize / 8;
                scan.sum = wide_sum.to_le_bytes().iter().fold(0, |a, b| a ^ b);
                scan.push(&text[field_start..scan.star]);
                return Some(scan);
            }
        }
        None
    }

    fn push(&mut self, field: &'a str) {
        if let Some(slot) = self.fields.get_mut(self.count) {
            *slot = field;
        }
        self.count += 1;
    }
}

/// The high bit of each byte of `word` that equals `byte`, exactly
/// (no false positives from borrows).
fn byte_matches(word: u64, byte: u8) -> u64 {
    const LO7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = word ^ (0x0101_0101_0101_0101 * u64::from(byte));
    !(((x & LO7) + LO7) | x | LO7)
}

#[inline]
fn parse_body<'a>(scan: &Scan<'a>) -> Result<Sentence<'a>, Reject> {
    let mut index = 0;
    let mut next = || {
        let field = (index < scan.count.min(FIELDS)).then(|| scan.fields[index]);
        index += 1;
        field.ok_or(Reject::Malformed("too few fields"))
    };
    let address = next()?;
    let (talker, formatter) = match (address.get(..2), address.get(2..)) {
        (Some(t), Some(f))
            if address.len() == 5 && t.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            (t, f)
        }
        _ => return Err(Reject::Malformed("bad address field")),
    };
    let own_ship = match formatter {
        "VDM" => false,
        "VDO" => true,
        _ => return Err(Reject::Malformed("not VDM/VDO")),
    };
    let fragment_count = digit(next()?).ok_or(Reject::BadFragment("bad fragment count"))?;
    let fragment_number = digit(next()?).ok_or(Reject::BadFragment("bad fragment number"))?;
    if fragment_count == 0 || fragment_number == 0 || fragment_number > fragment_count {
        return Err(Reject::BadFragment("fragment number out of range"));
    }
    let sequence_id = match next()? {
        "" => None,
        s => Some(digit(s).ok_or(Reject::BadFragment("bad sequence id"))?),
    };
    let channel = match next()?.as_bytes() {
        [] => None,
        [c @ (b'A' | b'B' | b'1' | b'2')] => Some(char::from(*c)),
        _ => return Err(Reject::Malformed("bad channel")),
    };
    let payload = next()?;
    if payload.is_empty() {
        return Err(Reject::Malformed("empty payload"));
    }
    let fill_bits = match next()?.as_bytes() {
        [d @ b'0'..=b'6'] => d - b'0',
        [d @ b'7'..=b'9'] => return Err(Reject::BadFillBits(d - b'0')),
        _ => return Err(Reject::Malformed("bad fill bits field")),
    };
    if scan.count > FIELDS {
        return Err(Reject::Malformed("too many fields"));
    }
    Ok(Sentence {
        tag_block: None,
        talker,
        own_ship,
        fragment_count,
        fragment_number,
        sequence_id,
        channel,
        payload,
        fill_bits,
        checksum_ok: true,
        vendor: VendorTrailer::default(),
    })
}

/// Returns the tag block (if any), whether its checksum matched, and the rest.
fn split_tag_block(line: &str) -> Result<(Option<TagBlock<'_>>, bool, &str), Reject> {
    let Some(inner) = line.strip_prefix('\\') else {
        return Ok((None, true, line));
    };
    let end = inner
        .find('\\')
        .ok_or(Reject::BadTagBlock("unterminated"))?;
    let (block, rest) = (&inner[..end], &inner[end + 1..]);
    let star = block
        .rfind('*')
        .ok_or(Reject::BadTagBlock("missing checksum"))?;
    let body = &block[..star];
    let found =
        parse_hex_byte(&block[star + 1..]).ok_or(Reject::BadTagBlock("bad checksum digits"))?;
    let mut tag = TagBlock::default();
    for field in body.split(',') {
        let (key, value) = field
            .split_once(':')
            .ok_or(Reject::BadTagBlock("field without ':'"))?;
        match key {
            "c" => {
                tag.receive_time = Some(value.parse().map_err(|_| Reject::BadTagBlock("bad c:"))?)
            }
            "s" => tag.source = Some(value),
            "g" => tag.group = Some(parse_group(value).ok_or(Reject::BadTagBlock("bad g:"))?),
            // Other fields (t:, T:, q:, d:, n:, r:, i:) carry nothing we use.
            _ => {}
        }
    }
    Ok((Some(tag), xor(body) == found, rest))
}

fn parse_group(value: &str) -> Option<TagGroup> {
    let mut parts = value.split('-');
    let number = parts.next()?.parse().ok()?;
    let count = parts.next()?.parse().ok()?;
    let id = parts.next()?.parse().ok()?;
    (parts.next().is_none() && number >= 1 && number <= count).then_some(TagGroup {
        number,
        count,
        id,
    })
}

/// Anything after the checksum that does not start with `,` is ignored:
/// gpsd's own sample file has a literal `\x0d\x0a` there and gpsd decodes it.
fn parse_trailer(rest: &str) -> VendorTrailer<'_> {
    let mut trailer = VendorTrailer::default();
    let Some(fields) = rest.trim().strip_prefix(',') else {
        return trailer;
    };
    let mut last = None;
    for field in fields.split(',') {
        if field.starts_with('r') && trailer.station.is_none() {
            trailer.station = Some(field);
        }
        last = Some(field);
    }
    trailer.time = last.and_then(|f| {
        f.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| f.parse().ok())
            .flatten()
    });
    trailer
}

fn digit(s: &str) -> Option<u8> {
    match s.as_bytes() {
        [d @ b'0'..=b'9'] => Some(d - b'0'),
        _ => None,
    }
}

fn parse_hex_byte(s: &str) -> Option<u8> {
    fn nibble(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    match s.as_bytes() {
        [hi, lo] => Some(nibble(*hi)? << 4 | nibble(*lo)?),
        _ => None,
    }
}

/// NMEA checksum: XOR of every byte between the delimiter and `*`.
pub(crate) fn xor(s: &str) -> u8 {
    s.bytes().fold(0, |acc, b| acc ^ b)
}

#[cfg(test)]
mod tests;
