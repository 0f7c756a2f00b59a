//! The one error type of the crate: why a line or payload was rejected.

/// Why a line, fragment or payload was rejected.
///
/// Each variant maps to a stable snake_case label ([`Reject::reason`]) so
/// callers can count rejections in metrics without unbounded label values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reject {
    #[error("empty line")]
    Empty,
    #[error("line too long ({0} bytes)")]
    TooLong(usize),
    #[error("malformed sentence: {0}")]
    Malformed(&'static str),
    #[error("malformed tag block: {0}")]
    BadTagBlock(&'static str),
    #[error("bad checksum: computed {computed:02X}, found {found:02X}")]
    BadChecksum { computed: u8, found: u8 },
    #[error("bad fragment: {0}")]
    BadFragment(&'static str),
    #[error("bad fill bits: {0}")]
    BadFillBits(u8),
    #[error("invalid payload character {0:?}")]
    InvalidPayloadChar(char),
    #[error("payload too short for message type {msg_type}: {bits} bits")]
    TooShort { msg_type: u8, bits: usize },
    #[error("unsupported message type {0}")]
    UnsupportedType(u8),
}

/// Decoding a payload can fail for the same reasons a line can.
pub type DecodeError = Reject;

impl Reject {
    /// Stable label for metrics and logs.
    pub fn reason(&self) -> &'static str {
        match self {
            Reject::Empty => "empty",
            Reject::TooLong(_) => "too_long",
            Reject::Malformed(_) => "malformed",
            Reject::BadTagBlock(_) => "bad_tag_block",
            Reject::BadChecksum { .. } => "bad_checksum",
            Reject::BadFragment(_) => "bad_fragment",
            Reject::BadFillBits(_) => "bad_fill_bits",
            Reject::InvalidPayloadChar(_) => "invalid_payload_char",
            Reject::TooShort { .. } => "too_short",
            Reject::UnsupportedType(_) => "unsupported_type",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_distinct_snake_case() {
        let all = [
            Reject::Empty,
            Reject::TooLong(1),
            Reject::Malformed("x"),
            Reject::BadTagBlock("x"),
            Reject::BadChecksum {
                computed: 1,
                found: 2,
            },
            Reject::BadFragment("x"),
            Reject::BadFillBits(7),
            Reject::InvalidPayloadChar('~'),
            Reject::TooShort {
                msg_type: 1,
                bits: 6,
            },
            Reject::UnsupportedType(0),
        ];
        let mut seen = std::collections::HashSet::new();
        for r in &all {
            let label = r.reason();
            assert!(label.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(seen.insert(label), "duplicate label {label}");
        }
    }
}
