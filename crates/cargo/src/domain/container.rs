//! ISO 6346 container numbers: owner code (3 letters), category (U, J or
//! Z), serial (6 digits) and a check digit computed from the other ten.

use std::fmt;

use porttrack_platform::ApiError;

/// A container number whose check digit has been verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct ContainerNumber(String);

impl ContainerNumber {
    /// Accepts `CSQU3054383` or `CSQU 305438 3`, in any case.
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let b = s.as_bytes();
        let well_formed = b.len() == 11
            && b[..3].iter().all(u8::is_ascii_uppercase)
            && matches!(b[3], b'U' | b'J' | b'Z')
            && b[4..].iter().all(u8::is_ascii_digit);
        if !well_formed {
            return Err(invalid(format!(
                "`{raw}` is not an ISO 6346 number: 3-letter owner code, U/J/Z, 6 digits, check digit"
            )));
        }
        let expected = check_digit(&b[..10]);
        let given = b[10] - b'0';
        if given != expected {
            return Err(invalid(format!(
                "`{raw}`: check digit is {given}, the number's digits require {expected}"
            )));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContainerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn invalid(description: String) -> ApiError {
    ApiError::invalid("container_number", description)
}

/// Letters count from A = 10, skipping multiples of 11 (so B = 12, L = 23,
/// V = 34); each of the ten characters is weighted by 2^position; the sum
/// modulo 11 is the digit, with 10 written as 0.
fn check_digit(first_ten: &[u8]) -> u8 {
    let sum: u32 = first_ten
        .iter()
        .enumerate()
        .map(|(i, &c)| char_value(c) << i)
        .sum();
    (sum % 11 % 10) as u8
}

fn char_value(c: u8) -> u32 {
    if c.is_ascii_digit() {
        return u32::from(c - b'0');
    }
    let mut value = 10;
    for _ in b'A'..c {
        value += 1;
        if value % 11 == 0 {
            value += 1;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_numbers_with_their_check_digits_are_accepted() {
        for n in ["CSQU3054383", "MSKU9070323"] {
            assert_eq!(ContainerNumber::parse(n).unwrap().as_str(), n);
        }
        assert_eq!(
            ContainerNumber::parse(" csqu 305438 3 ").unwrap().as_str(),
            "CSQU3054383"
        );
    }

    #[test]
    fn letter_values_skip_multiples_of_eleven() {
        assert_eq!(char_value(b'A'), 10);
        assert_eq!(char_value(b'B'), 12);
        assert_eq!(char_value(b'K'), 21);
        assert_eq!(char_value(b'L'), 23);
        assert_eq!(char_value(b'U'), 32);
        assert_eq!(char_value(b'V'), 34);
        assert_eq!(char_value(b'Z'), 38);
    }

    #[test]
    fn wrong_check_digit_and_bad_shapes_are_refused_on_the_field() {
        for bad in [
            "CSQU3054384",
            "CSQX3054383",
            "CSQU305438",
            "C5QU3054383",
            "",
        ] {
            match ContainerNumber::parse(bad).unwrap_err() {
                ApiError::InvalidArgument(v) => assert_eq!(v[0].field, "container_number"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
