//! Runs `gpsdecode -s -j` and our decoder on the same input and compares
//! every field gpsd prints, numbers within gpsd's printed precision.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Map, Value};

/// Binary application payloads gpsd 3.22 types where it misreads them, as
/// (message type, DAC, FI, why). We keep these raw, so where gpsd prints
/// fields for one, only the envelope is compared; `gpsd_misreads` in
/// `raw_payloads` shows each misreading on a payload built from the layout.
pub(crate) const GPSD_MISREADS: &[(u64, u64, u64, &str)] = &[
    (
        6,
        1,
        15,
        "air draught read from bit 56, inside the destination MMSI (IMO236 broadcasts 1/15)",
    ),
    (
        6,
        1,
        16,
        "persons read from bit 55 (the header) unless 136 data bits follow",
    ),
    (
        8,
        1,
        16,
        "persons printed as 0 whatever was sent (72 or 136 data bits; others raw)",
    ),
    (
        8,
        200,
        23,
        "the JSON repeats \"type\" and \"class\" (the object stops being an AIS one) \
         and prints the start hour, minute and day where day, hour and minute go",
    ),
];

/// Envelope fields of types 6 and 8, compared even when the payload is not.
pub(crate) const BINARY_ENVELOPE: &[&str] = &[
    "class",
    "device",
    "type",
    "repeat",
    "mmsi",
    "scaled",
    "seqno",
    "dest_mmsi",
    "retransmit",
    "dac",
    "fid",
];

/// One gpsd object with the raw text it was parsed from (for precision).
pub(crate) struct Object {
    pub(crate) line: String,
    pub(crate) map: Map<String, Value>,
}

#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) compared: usize,
    pub(crate) agreed: usize,
    pub(crate) fields: usize,
    pub(crate) fields_agreed: usize,
    pub(crate) only_gpsd: usize,
    pub(crate) only_ours: usize,
    pub(crate) envelope_only: usize,
    pub(crate) mismatches: Vec<String>,
}

impl Tally {
    fn ratio(&self) -> f64 {
        self.agreed as f64 / self.compared.max(1) as f64
    }

    /// Disagreeing fields counted by message type and field name, most first.
    pub(crate) fn by_field(&self) -> Vec<(String, usize)> {
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        for m in &self.mismatches {
            // "type T mmsi M key: ..." -> "type T key"
            let words: Vec<&str> = m.splitn(5, ' ').collect();
            let field = format!("type {} {}", words[1], words[4].split(':').next().unwrap());
            *counts.entry(field).or_default() += 1;
        }
        let mut counts: Vec<_> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
    }
}

pub(crate) fn gpsdecode(input: &str) -> Vec<Object> {
    parse(&gpsdecode_text(input))
}

/// gpsdecode's output as printed.
pub(crate) fn gpsdecode_text(input: &str) -> String {
    let spawned = Command::new("gpsdecode")
        .args(["-s", "-j"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => panic!(
            "gpsdecode is not installed ({e}); this test needs it: apt-get install gpsd-clients"
        ),
    };
    let mut stdin = child.stdin.take().unwrap();
    let text = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn ours(input: &str) -> Vec<Object> {
    let mut out = Vec::new();
    porttrack_ais::gpsd::decode_lines(input.as_bytes(), &mut out, std::io::sink()).unwrap();
    parse(&String::from_utf8(out).unwrap())
}

pub(crate) fn parse(text: &str) -> Vec<Object> {
    text.lines()
        .filter_map(|line| match serde_json::from_str(line) {
            Ok(Value::Object(map)) if map.get("class") == Some(&"AIS".into()) => Some(Object {
                line: line.to_owned(),
                map,
            }),
            _ => None,
        })
        .collect()
}

fn key(o: &Object) -> (u64, u64) {
    let n = |k: &str| o.map.get(k).and_then(Value::as_u64).unwrap_or(u64::MAX);
    (n("type"), n("mmsi"))
}

/// Half of the last printed digit of `key`'s number in gpsd's raw line.
fn tolerance(line: &str, key: &str) -> f64 {
    let pattern = format!("\"{key}\":");
    let Some(at) = line.find(&pattern) else {
        return 1e-9;
    };
    let text: String = line[at + pattern.len()..]
        .chars()
        .skip_while(|c| *c == '"')
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    0.5 * 10f64.powi(-(decimals as i32)) + 1e-9
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Same value, allowing for how gpsd versions print them: numbers within the
/// printed precision, numbers quoted or not (`turn`), and "nan" for "n/a".
fn same(want: &Value, got: &Value, tol: f64) -> bool {
    if want == got {
        return true;
    }
    if let (Some(w), Some(g)) = (as_number(want), as_number(got)) {
        return (w - g).abs() <= tol;
    }
    matches!((want.as_str(), got.as_str()), (Some("nan"), Some("n/a")))
}

/// [`same`] for `key`'s value in gpsd's `line`, member by member through
/// arrays of objects (tidal windows), where out-of-range positions we report
/// as not available are accepted too.
fn same_nested(line: &str, key: &str, want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Array(w), Value::Array(g)) => {
            w.len() == g.len() && w.iter().zip(g).all(|(w, g)| same_nested(line, key, w, g))
        }
        (Value::Object(w), Value::Object(g)) => w.iter().all(|(k, w)| {
            g.get(k)
                .is_some_and(|g| same_nested(line, k, w, g) || impossible_value(k, w, Some(g)))
        }),
        _ => same(want, got, tolerance(line, key)),
    }
}

/// Where Debian's gpsdecode 3.22 (like gpsd's current source) prints a
/// value in another form than gpsd's sample `.js.chk`, whose forms we keep,
/// this says why. Legends are not here: ours are spelt as 3.22's.
fn gpsd_322_difference(key: &str, want: &Value, ours: &Map<String, Value>) -> Option<&'static str> {
    let got = ours.get(key)?;
    match (key, want) {
        // 3.22 prints the squared rate without its sign, rounded to a whole
        // number; we keep the sign (the turn's direction) and two decimals.
        ("turn", Value::Number(w)) => {
            let g = as_number(got)?;
            ((w.as_f64()? - g.abs()).abs() <= 0.5).then_some("3.22 drops the sign of turn")
        }
        ("speed", Value::String(w)) if w == "nan" => {
            (as_number(got)? == 102.3).then_some("3.22 prints speed n/a as \"nan\"")
        }
        ("speed", Value::String(w)) if w == "fast" => (as_number(got)? == 102.2)
            .then_some("3.22 prints speed 102.2 (\"102.2 knots or more\") as \"fast\""),
        // 3.22 prints the type 27 legend in place of the code; we print
        // both, as `status` and `status_text`.
        ("status", Value::String(w)) => {
            (ours.get("status_text")? == w).then_some("3.22 prints the type 27 status as text")
        }
        _ => None,
    }
}

/// Out-of-range values gpsd prints raw and we report as not available.
fn impossible_value(key: &str, want: &Value, got: Option<&Value>) -> bool {
    let (Some(w), Some(g)) = (as_number(want), got.and_then(as_number)) else {
        return false;
    };
    match key {
        "lat" => w.abs() > 90.0 && g == 91.0,
        "lon" => w.abs() > 180.0 && g == 181.0,
        "heading" => (360.0..511.0).contains(&w) && g == 511.0,
        "course" => w > 360.0 && g == 360.0,
        _ => false,
    }
}

/// Deliberate differences from gpsd, each with its reason.
fn known_difference(
    msg_type: u64,
    mmsi: u64,
    key: &str,
    want: &Value,
    got: Option<&Value>,
) -> Option<&'static str> {
    match (msg_type, mmsi, key) {
        (4, 972_158_237, "lon" | "lat") => {
            Some("impossible position (205°, 109°) reported as not available")
        }
        // The radio status of a report sent short: we read the missing bits
        // as zero, keeping the bits present where they belong (sync state
        // first); gpsd right-aligns them, shifting the whole status.
        (1..=3, _, "radio") => {
            let (w, g) = (want.as_u64()?, got?.as_u64()?);
            (1..=18)
                .any(|k| w != 0 && w << k == g)
                .then_some("short payload: missing radio bits read as zero")
        }
        (26, _, "radio" | "data") => Some("gpsd does not split the type 26 radio status"),
        _ => None,
    }
}

/// Compares one pair; returns whether every compared field agreed.
pub(crate) fn compare(want: &Object, got: &Object, tally: &mut Tally) -> bool {
    let (msg_type, mmsi) = key(want);
    let binary = matches!(msg_type, 6 | 8);
    let dac_fid = (
        want.map.get("dac").and_then(Value::as_u64).unwrap_or(0),
        want.map.get("fid").and_then(Value::as_u64).unwrap_or(0),
    );
    let envelope_only = binary
        && GPSD_MISREADS
            .iter()
            .any(|&(t, dac, fid, _)| (t, (dac, fid)) == (msg_type, dac_fid))
        && !want.map.contains_key("data");
    if envelope_only {
        tally.envelope_only += 1;
    }
    let mut all = true;
    for (k, value) in &want.map {
        if envelope_only && !BINARY_ENVELOPE.contains(&k.as_str()) {
            continue;
        }
        if known_difference(msg_type, mmsi, k, value, got.map.get(k)).is_some()
            || impossible_value(k, value, got.map.get(k))
            || gpsd_322_difference(k, value, &got.map).is_some()
            // 3.22 with -s still copies a cached part A name into part B.
            || (msg_type == 24 && k == "shipname" && !want.map.contains_key("part"))
        {
            continue;
        }
        tally.fields += 1;
        match got.map.get(k) {
            Some(g) if same_nested(&want.line, k, value, g) => tally.fields_agreed += 1,
            other => {
                all = false;
                tally.mismatches.push(format!(
                    "type {msg_type} mmsi {mmsi} {k}: gpsd {value}, ours {other:?}"
                ));
            }
        }
    }
    all
}

/// Walks both outputs in order; a message only one side produced is skipped
/// (gpsd drops some fragments we assemble, and the other way round).
pub(crate) fn differential(name: &str, input: &str) -> Tally {
    let (want, got) = (gpsdecode(input), ours(input));
    let mut tally = Tally::default();
    let (mut i, mut j) = (0, 0);
    while i < want.len() && j < got.len() {
        if key(&want[i]) == key(&got[j]) {
            tally.compared += 1;
            if compare(&want[i], &got[j], &mut tally) {
                tally.agreed += 1;
            }
            i += 1;
            j += 1;
        } else if got[j..].iter().take(8).any(|g| key(g) == key(&want[i])) {
            tally.only_ours += 1;
            j += 1;
        } else {
            tally.only_gpsd += 1;
            i += 1;
        }
    }
    tally.only_gpsd += want.len() - i;
    tally.only_ours += got.len() - j;
    eprintln!(
        "{name}: {} of {} messages agree ({:.2}%), {} of {} fields; only gpsd {}, only ours {}, envelope only {}",
        tally.agreed,
        tally.compared,
        100.0 * tally.ratio(),
        tally.fields_agreed,
        tally.fields,
        tally.only_gpsd,
        tally.only_ours,
        tally.envelope_only,
    );
    for m in tally.mismatches.iter().take(20) {
        eprintln!("  {m}");
    }
    tally
}
