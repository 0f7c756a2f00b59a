//! Dangerous goods: UN numbers, IMDG classes, and the checks a port
//! applies to a manifest. Checks report violations; they never refuse
//! a declaration, since the harbour master decides what happens next.

use std::fmt;

use porttrack_platform::ApiError;

/// A UN number, UN0001 to UN3548.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnNumber(u16);

impl UnNumber {
    pub const MAX: u16 = 3548;

    /// `UN1203`, `un1203` or `1203`: always four digits.
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let t = raw.trim();
        let digits = t
            .strip_prefix("UN")
            .or_else(|| t.strip_prefix("un"))
            .unwrap_or(t);
        let n = (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u16>().ok())
            .flatten()
            .filter(|n| (1..=Self::MAX).contains(n));
        n.map(Self).ok_or_else(|| {
            ApiError::invalid(
                "dangerous_goods.un_number",
                format!("`{raw}` is not a UN number UN0001 to UN3548 (four digits)"),
            )
        })
    }

    pub fn get(self) -> u16 {
        self.0
    }

    pub fn from_stored(n: i64) -> Option<Self> {
        u16::try_from(n)
            .ok()
            .filter(|n| (1..=Self::MAX).contains(n))
            .map(Self)
    }
}

impl fmt::Display for UnNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UN{:04}", self.0)
    }
}

/// An IMDG class or division. Class 1 may name its compatibility group
/// (`1.4S`), which decides whether it needs segregation at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImdgClass {
    class: u8,
    division: u8,
    group: Option<char>,
}

/// Classes with divisions, and the divisions each has.
const DIVISIONS: [(u8, u8); 5] = [(1, 6), (2, 3), (4, 3), (5, 2), (6, 2)];
/// Compatibility groups of class 1 (IMDG 2.1.2.3).
const GROUPS: &str = "ABCDEFGHJKLNS";

impl ImdgClass {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        Self::try_parse(raw.trim()).ok_or_else(|| {
            ApiError::invalid(
                "dangerous_goods.imdg_class",
                format!("`{raw}` is not an IMDG class: 1.1-1.6 (with group, e.g. 1.4S), 2.1-2.3, 3, 4.1-4.3, 5.1, 5.2, 6.1, 6.2, 7, 8 or 9"),
            )
        })
    }

    fn try_parse(s: &str) -> Option<Self> {
        let (class, rest) = s.split_at_checked(1)?;
        let class: u8 = class.parse().ok()?;
        let divisions = DIVISIONS.iter().find(|(c, _)| *c == class).map(|d| d.1);
        match (divisions, rest.strip_prefix('.')) {
            (None, None) if rest.is_empty() && (3..=9).contains(&class) => Some(Self {
                class,
                division: 0,
                group: None,
            }),
            (Some(max), Some(rest)) => {
                let mut chars = rest.chars();
                let division = chars.next()?.to_digit(10)? as u8;
                let group = chars.next().map(|g| g.to_ascii_uppercase());
                let group_ok = match group {
                    None => chars.next().is_none(),
                    Some(g) => class == 1 && GROUPS.contains(g) && chars.next().is_none(),
                };
                ((1..=max).contains(&division) && group_ok).then_some(Self {
                    class,
                    division,
                    group,
                })
            }
            _ => None,
        }
    }

    pub fn class(self) -> u8 {
        self.class
    }

    /// `5.1` is (5, 1); `3` is (3, 0).
    fn is(self, class: u8, division: u8) -> bool {
        self.class == class && self.division == division
    }
}

impl fmt::Display for ImdgClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.class)?;
        if self.division > 0 {
            write!(f, ".{}", self.division)?;
        }
        if let Some(g) = self.group {
            write!(f, "{g}")?;
        }
        Ok(())
    }
}

/// What a dangerous-goods item declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DangerousGoods {
    pub un_number: UnNumber,
    pub class: ImdgClass,
}

/// Whether two classes may not travel in one manifest.
///
/// A simplified subset of the IMDG Code segregation table (7.2.4,
/// "Segregation table"), reduced to "incompatible in one manifest" for
/// pairs the table marks "separated from" or stricter:
/// - class 1 (explosives) with any other class, except 1.4S, which the
///   table exempts from segregation;
/// - 5.1 (oxidizing substances) with 2.1, 3 and 4.1/4.2/4.3;
/// - 8 (corrosives) with 4.3 (dangerous when wet).
///
/// Stowage-distance nuances (away from, across a compartment) and 6.1
/// with foodstuffs are not modelled here.
pub fn incompatible(a: ImdgClass, b: ImdgClass) -> bool {
    one_way(a, b) || one_way(b, a)
}

fn one_way(a: ImdgClass, b: ImdgClass) -> bool {
    let exempt = |c: ImdgClass| c.is(1, 4) && c.group == Some('S');
    if a.class == 1 {
        return b.class != 1 && !exempt(a);
    }
    if a.is(5, 1) {
        return b.is(2, 1) || b.class == 3 || b.class == 4;
    }
    a.class == 8 && b.is(4, 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> ImdgClass {
        ImdgClass::parse(s).unwrap()
    }

    #[test]
    fn un_numbers_are_four_digits_in_range() {
        assert_eq!(UnNumber::parse("UN1203").unwrap().get(), 1203);
        assert_eq!(UnNumber::parse("0001").unwrap().to_string(), "UN0001");
        assert_eq!(UnNumber::parse("un3548").unwrap().get(), 3548);
        for bad in [
            "UN0000", "UN3549", "UN123", "UN12034", "UNABCD", "", "UN+123",
        ] {
            assert!(UnNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_class_and_division_parses_and_prints_back() {
        let all = [
            "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.4S", "1.1D", "2.1", "2.2", "2.3", "3",
            "4.1", "4.2", "4.3", "5.1", "5.2", "6.1", "6.2", "7", "8", "9",
        ];
        for s in all {
            assert_eq!(c(s).to_string(), s);
        }
        for bad in [
            "0", "1", "1.7", "2", "2.4", "3.1", "4", "4.4", "5.3", "6.3", "10", "", "5.1S", "1.4I",
            "1.4SS", "x",
        ] {
            assert!(ImdgClass::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn segregation_subset_matches_the_documented_pairs() {
        for (a, b) in [
            ("1.1", "3"),
            ("1.4", "9"),
            ("2.1", "5.1"),
            ("3", "5.1"),
            ("4.1", "5.1"),
            ("4.2", "5.1"),
            ("4.3", "5.1"),
            ("8", "4.3"),
        ] {
            assert!(incompatible(c(a), c(b)), "{a} with {b}");
            assert!(incompatible(c(b), c(a)), "{b} with {a}");
        }
        for (a, b) in [
            ("1.4S", "3"),
            ("1.1", "1.3"),
            ("3", "8"),
            ("2.2", "5.1"),
            ("9", "3"),
            ("8", "4.1"),
        ] {
            assert!(!incompatible(c(a), c(b)), "{a} with {b}");
        }
    }
}
