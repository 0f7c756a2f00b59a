//! The libais fixtures' expected decodes (`typeexamples.json`,
//! `tagblock.json`) against ours: every field both print under the same
//! name is compared (libais stores floats as f32, hence the tolerance).

use serde_json::{Map, Value};

const TYPE_EXAMPLES: (&str, &str) = (
    include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/ais/libais/typeexamples.nmea"
    )),
    include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/ais/libais/typeexamples.json"
    )),
);
const TAGBLOCK: (&str, &str) = (
    include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/ais/libais/tagblock.nmea"
    )),
    include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/ais/libais/tagblock.json"
    )),
);

/// Fields libais prints under a gpsd name with another meaning or format;
/// where gpsd and libais disagree, gpsdecode_differential.rs shows we follow gpsd.
fn libais_differs(msg_type: u64, key: &str) -> Option<&'static str> {
    match (msg_type, key) {
        (_, "turn") => Some("libais prints degrees/minute unquoted, null for n/a"),
        (_, "imo") => Some("libais prints the IMO number as a string"),
        (_, "timestamp") => Some("libais prints the tag-block time here"),
        (_, k) if k.ends_with("_text") => Some("libais legends use ', ' where gpsd uses ' - '"),
        (6, "retransmit") => Some("libais reads the flag inverted (gpsd agrees with us)"),
        (27, "gnss") => Some("libais reads the flag inverted (gpsd agrees with us)"),
        (9, "speed") => Some("libais scales SAR aircraft speed by 1/10; it is whole knots"),
        (21, "name") => Some("libais maps six-bit codes 31 and 39 to '-' and '`'"),
        (24, "shipname" | "callsign" | "vendorid") => Some("libais keeps '@' padding"),
        _ => None,
    }
}

/// Out-of-range values libais prints raw and we report as not available.
fn impossible_value(key: &str, want: f64, got: f64) -> bool {
    match key {
        "lat" => want.abs() > 90.0 && got == 91.0,
        "lon" => want.abs() > 180.0 && got == 181.0,
        "heading" => (360.0..511.0).contains(&want) && got == 511.0,
        _ => false,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

/// Half of the last digit we printed (we print gpsd's precision).
fn printed_precision(got: &Value) -> f64 {
    let text = match got {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    0.5 * 10f64.powi(-(decimals as i32))
}

fn objects(text: &str) -> Vec<Map<String, Value>> {
    text.lines()
        .filter_map(|l| match serde_json::from_str(l) {
            Ok(Value::Object(o)) => Some(o),
            _ => None,
        })
        .collect()
}

fn ours(nmea: &str) -> Vec<Map<String, Value>> {
    let mut out = Vec::new();
    porttrack_ais::gpsd::decode_lines(nmea.as_bytes(), &mut out, std::io::sink()).unwrap();
    objects(&String::from_utf8(out).unwrap())
}

fn close(key: &str, want: &Value, got: &Value) -> bool {
    match (number(want), number(got)) {
        (Some(w), Some(g)) => {
            let tol = (1e-4 * w.abs().max(1.0)).max(printed_precision(got));
            (w - g).abs() <= tol || impossible_value(key, w, g)
        }
        _ => want == got,
    }
}

fn check(name: &str, (nmea, json): (&str, &str)) {
    let (expected, got) = (objects(json), ours(nmea));
    let (mut fields, mut agreed, mut mismatches) = (0, 0, Vec::new());
    let (mut messages, mut next) = (0, 0);
    for want in &expected {
        let msg_type = want["type"].as_u64().unwrap();
        // Pair in order with our next object of the same type and MMSI.
        let Some(at) = got[next..]
            .iter()
            .position(|o| o["type"] == want["type"] && o["mmsi"] == want["mmsi"])
        else {
            mismatches.push(format!(
                "type {msg_type} mmsi {}: not decoded",
                want["mmsi"]
            ));
            continue;
        };
        let ours = &got[next + at];
        next += at + 1;
        messages += 1;
        for (key, value) in want {
            let Some(g) = ours.get(key) else { continue };
            if libais_differs(msg_type, key).is_some() {
                continue;
            }
            fields += 1;
            if close(key, value, g) {
                agreed += 1;
            } else {
                mismatches.push(format!("type {msg_type} {key}: libais {value}, ours {g}"));
            }
        }
    }
    eprintln!(
        "{name}: {messages} of {} messages paired, {agreed} of {fields} shared fields agree",
        expected.len()
    );
    assert!(mismatches.is_empty(), "{name}: {mismatches:#?}");
    assert!(fields > 0);
}

#[test]
fn type_examples_match_libais() {
    check("typeexamples", TYPE_EXAMPLES);
}

#[test]
fn tag_block_examples_match_libais() {
    check("tagblock", TAGBLOCK);
}
