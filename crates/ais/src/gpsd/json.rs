//! A minimal JSON object writer with gpsd's number formats, written by hand
//! because `format!` machinery cost more than decoding (see the README's
//! performance section).

use crate::legends;
use crate::message::Dimensions;

/// Powers of ten for fixed-point output.
const POW10: [u64; 8] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

/// "00" to "99", for printing two digits per division.
const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// One JSON object being appended to a `String`.
pub(super) struct Json<'a> {
    pub(super) out: &'a mut String,
}

impl<'a> Json<'a> {
    pub(super) fn open(out: &'a mut String, msg_type: u8) -> Self {
        out.push_str(r#"{"class":"AIS","device":"stdin","type":"#);
        push_u64(out, u64::from(msg_type));
        Self { out }
    }

    pub(super) fn header(&mut self, repeat: u8, mmsi: u32) {
        self.num("repeat", repeat);
        self.num("mmsi", mmsi);
        self.flag("scaled", true);
    }

    fn key(&mut self, key: &str) {
        // The first member of a nested object takes no comma.
        if !self.out.ends_with('{') {
            self.out.push(',');
        }
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\":");
    }

    /// A value already formatted as JSON.
    pub(super) fn raw(&mut self, key: &str, value: &str) {
        self.key(key);
        self.out.push_str(value);
    }

    pub(super) fn num(&mut self, key: &str, value: impl Into<u64>) {
        self.key(key);
        push_u64(self.out, value.into());
    }

    pub(super) fn flag(&mut self, key: &str, value: bool) {
        self.raw(key, if value { "true" } else { "false" });
    }

    /// `value` with `decimals` digits after the point, like `%.Nf`.
    pub(super) fn fixed(&mut self, key: &str, value: f64, decimals: usize) {
        self.key(key);
        push_fixed(self.out, value, decimals);
    }

    pub(super) fn str(&mut self, key: &str, value: &str) {
        self.key(key);
        self.quoted(value);
    }

    /// A number printed as a quoted string, as gpsd does for some fields.
    pub(super) fn fixed_str(&mut self, key: &str, value: f64, decimals: usize) {
        self.key(key);
        self.out.push('"');
        push_fixed(self.out, value, decimals);
        self.out.push('"');
    }

    pub(super) fn quoted(&mut self, value: &str) {
        self.out.push('"');
        if value.bytes().all(|b| b != b'"' && b != b'\\' && b >= 0x20) {
            self.out.push_str(value);
        } else {
            for c in value.chars() {
                match c {
                    '"' | '\\' => {
                        self.out.push('\\');
                        self.out.push(c);
                    }
                    c if u32::from(c) < 0x20 => {
                        self.out.push_str("\\u00");
                        let b = c as u8;
                        self.out
                            .push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
                        self.out
                            .push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
                    }
                    c => self.out.push(c),
                }
            }
        }
        self.out.push('"');
    }

    /// An array of objects under `key`, each written by `each`.
    pub(super) fn objects<T>(
        &mut self,
        key: &str,
        items: &[T],
        mut each: impl FnMut(&mut Self, &T),
    ) {
        self.key(key);
        self.out.push('[');
        for (k, item) in items.iter().enumerate() {
            if k > 0 {
                self.out.push(',');
            }
            self.out.push('{');
            each(self, item);
            self.out.push('}');
        }
        self.out.push(']');
    }

    pub(super) fn lon_lat(&mut self, lon: Option<f64>, lat: Option<f64>) {
        self.fixed("lon", lon.unwrap_or(181.0), 7);
        self.fixed("lat", lat.unwrap_or(91.0), 7);
    }

    pub(super) fn tenths(&mut self, key: &str, value: Option<f32>, missing: f32) {
        self.fixed(key, f64::from(value.unwrap_or(missing)), 1);
    }

    pub(super) fn epfd(&mut self, code: u8) {
        self.num("epfd", code);
        self.str("epfd_text", legends::epfd(code));
    }

    pub(super) fn ship_type(&mut self, code: u8) {
        self.num("shiptype", code);
        self.str("shiptype_text", legends::ship_type(code));
    }

    pub(super) fn dims(&mut self, d: &Dimensions) {
        self.num("to_bow", d.to_bow);
        self.num("to_stern", d.to_stern);
        self.num("to_port", d.to_port);
        self.num("to_starboard", d.to_starboard);
    }
}

/// Decimal digits of `value`.
pub(super) fn push_u64(out: &mut String, mut value: u64) {
    if value < 10 {
        out.push(char::from(b'0' + value as u8));
        return;
    }
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    while value >= 100 {
        let pair = (value % 100) as usize * 2;
        value /= 100;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if value >= 10 {
        let pair = value as usize * 2;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        buf[at] = b'0' + value as u8;
    }
    for &b in &buf[at..] {
        // ASCII digits: one byte each.
        out.push(char::from(b));
    }
}

/// `%.Nf` for the values AIS produces (|v| well under 10^11). The value is
/// rounded once at the printed precision, which agrees with C's printf to
/// the last digit except on exact binary ties.
fn push_fixed(out: &mut String, value: f64, decimals: usize) {
    let scale = POW10[decimals.min(POW10.len() - 1)];
    let scaled = value.abs() * scale as f64;
    // Also true for NaN and infinities, which take the slow path.
    if scaled.is_nan() || scaled >= 1e18 {
        out.push_str(&format!("{value:.decimals$}"));
        return;
    }
    if value < 0.0 {
        out.push('-');
    }
    // Half away from zero, as `f64::round`, without the libm call.
    let n = (scaled + 0.5) as u64;
    push_u64(out, n / scale);
    if decimals > 0 {
        out.push('.');
        let frac = n % scale;
        let digits = if frac == 0 {
            1
        } else {
            frac.ilog10() as usize + 1
        };
        for _ in digits..decimals {
            out.push('0');
        }
        push_u64(out, frac);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(v: f64, d: usize) -> String {
        let mut s = String::new();
        push_fixed(&mut s, v, d);
        s
    }

    #[test]
    fn fixed_matches_std_formatting() {
        for (v, d) in [
            (-123.395_383_333_333, 7),
            (48.381_633_333, 7),
            (181.0, 7),
            (0.0, 1),
            (102.3, 1),
            (12.3_f32 as f64, 1),
            (-0.000_000_01, 7),
            (0.05, 2),
            (137.023_333_333, 4),
            (-73.5, 6),
            (4.0, 0),
        ] {
            assert_eq!(fixed(v, d), format!("{v:.d$}"), "{v} {d}");
        }
    }

    #[test]
    fn integers() {
        for v in [0, 7, 10, 511, 371_798_000, u64::MAX] {
            let mut s = String::new();
            push_u64(&mut s, v);
            assert_eq!(s, v.to_string());
        }
    }
}
