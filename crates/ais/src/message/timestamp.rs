//! The 6-bit time stamp of position reports (types 1-3, 9, 18, 19, 21):
//! the UTC second of the fix, or one of four codes saying why there is none
//! (ITU-R M.1371-5, table 48).

/// The UTC second of a position fix, or why the report carries none.
///
/// Callers that only want a valid second use [`Timestamp::second`]; the
/// other states matter to anyone judging the position itself (a dead
/// reckoned or hand-entered position is not a GNSS fix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Timestamp {
    /// Codes 0-59: the UTC second of the fix. A value of 60 or more here
    /// is not a second, and is sent as [`Timestamp::NotAvailable`].
    Second(u8),
    /// Code 60: not available (the default).
    #[default]
    NotAvailable,
    /// Code 61: the positioning system is in manual input mode.
    ManualInput,
    /// Code 62: the electronic position fixing system is in estimated
    /// (dead reckoning) mode.
    DeadReckoning,
    /// Code 63: the positioning system is inoperative.
    Inoperative,
}

impl Timestamp {
    /// The state for a 6-bit code as sent; bits above the sixth are ignored.
    pub fn from_raw(raw: u8) -> Self {
        match raw & 0x3F {
            s @ 0..=59 => Self::Second(s),
            60 => Self::NotAvailable,
            61 => Self::ManualInput,
            62 => Self::DeadReckoning,
            _ => Self::Inoperative,
        }
    }

    /// The 6-bit code that carries this state (what gpsd prints as `second`).
    pub fn raw(self) -> u8 {
        match self {
            Self::Second(s) if s < 60 => s,
            Self::Second(_) | Self::NotAvailable => 60,
            Self::ManualInput => 61,
            Self::DeadReckoning => 62,
            Self::Inoperative => 63,
        }
    }

    /// The UTC second of the fix, `None` for every other state.
    pub fn second(self) -> Option<u8> {
        match self {
            Self::Second(s) if s < 60 => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    #[test]
    fn every_code_maps_to_one_state_and_back() {
        // ITU-R M.1371-5 table 48: 0-59 seconds, then 60-63 in this order.
        let named = [
            (60, Timestamp::NotAvailable),
            (61, Timestamp::ManualInput),
            (62, Timestamp::DeadReckoning),
            (63, Timestamp::Inoperative),
        ];
        for raw in 0..64u8 {
            let t = Timestamp::from_raw(raw);
            assert_eq!(t.raw(), raw);
            if raw < 60 {
                assert_eq!((t, t.second()), (Timestamp::Second(raw), Some(raw)));
            } else {
                assert!(named.contains(&(raw, t)), "{raw}: {t:?}");
                assert_eq!(t.second(), None);
            }
        }
    }

    #[test]
    fn a_second_out_of_range_is_not_available() {
        assert_eq!(Timestamp::Second(75).raw(), 60);
        assert_eq!(Timestamp::Second(60).second(), None);
        assert_eq!(Timestamp::default(), Timestamp::NotAvailable);
    }
}
