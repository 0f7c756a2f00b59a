//! Differential test against gpsd's expected scaled JSON for its sample file.

use std::collections::HashMap;

use serde_json::{Map, Value};

const SAMPLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/ais/gpsd/sample.aivdm"
));
const EXPECTED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/ais/gpsd/sample.aivdm.js.chk"
));

/// Types decoded field by field; every expected field must match.
const DECODED: &[u64] = &[
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
    27,
];
/// Legends the sample's `.js.chk` spells otherwise than gpsd prints them,
/// as (field, `.js.chk` text, gpsd's text): gpsd 3.22's `json_aivdm_dump`
/// and gpsd's current source both have the second spelling, and so do we.
const CHK_LEGENDS: &[(&str, &str, &str)] = &[
    (
        "status_text",
        "Restricted maneuverability",
        "Restricted manoeuverability",
    ),
    // Codes past gpsd's EPFD table.
    ("epfd_text", "Reserved (14)", "INVALID EPFD"),
];

/// gpsd's own text for a legend the `.js.chk` spells otherwise.
fn gpsd_legend(key: &str, want: &Value) -> Option<&'static str> {
    CHK_LEGENDS
        .iter()
        .find(|(k, chk, _)| *k == key && want == chk)
        .map(|(_, _, gpsd)| *gpsd)
}

/// Deliberate differences from gpsd, each with its reason.
fn known_difference(msg_type: u64, mmsi: u64, key: &str, want: &Value) -> Option<&'static str> {
    match (msg_type, mmsi, key) {
        (4, 972_158_237, "lon" | "lat") => {
            Some("impossible position (205°, 109°) reported as not available (181/91)")
        }
        (1, 244_740_981, "radio") if *want == 1076 => Some(
            "sent 5 bits short: we read missing bits as zero (34432), gpsd right-aligns (1076)",
        ),
        (26, _, "radio") => Some("gpsd does not decode the type 26 radio status (prints 0)"),
        (26, _, "data") => {
            Some("gpsd's last data byte carries the radio bits; ours is zero-padded")
        }
        (6, 2_442_101, "tidals") => {
            Some("impossible tidal window longitude (-279.6°) reported as not available (181)")
        }
        _ => None,
    }
}

fn our_objects() -> Vec<Map<String, Value>> {
    let mut out = Vec::new();
    let mut err = Vec::new();
    porttrack_ais::gpsd::decode_lines(SAMPLE.as_bytes(), &mut out, &mut err).unwrap();
    let objects = String::from_utf8(out).unwrap();
    merge_type24(objects.lines().map(|l| match serde_json::from_str(l) {
        Ok(Value::Object(o)) => o,
        other => panic!("not a JSON object: {l}: {other:?}"),
    }))
}

/// gpsd's sample output was made without `-s`: it prints one object when
/// part B follows a part A of the same MMSI, and nothing for lone parts.
fn merge_type24(objects: impl Iterator<Item = Map<String, Value>>) -> Vec<Map<String, Value>> {
    let mut part_a: HashMap<u64, Map<String, Value>> = HashMap::new();
    let mut merged = Vec::new();
    for mut o in objects {
        if o["type"] != 24 {
            merged.push(o);
            continue;
        }
        let mmsi = o["mmsi"].as_u64().unwrap();
        let part = o.remove("part").unwrap();
        if part == "A" {
            part_a.insert(mmsi, o);
        } else if let Some(mut a) = part_a.remove(&mmsi) {
            a.extend(o);
            merged.push(a);
        }
    }
    merged
}

/// Half of the last printed digit of `key`'s number in the raw JSON line.
fn tolerance(line: &str, key: &str) -> f64 {
    let pattern = format!("\"{key}\":");
    let start = line.find(&pattern).unwrap() + pattern.len();
    let text: String = line[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    0.5 * 10f64.powi(-(decimals as i32)) + 1e-9
}

/// Numbers within the precision gpsd printed `key` with in `line`; arrays
/// and objects (tidal windows) member by member.
fn same(line: &str, key: &str, expected: &Value, ours: &Value) -> bool {
    match (expected, ours) {
        (Value::Number(e), Value::Number(o)) => {
            (e.as_f64().unwrap() - o.as_f64().unwrap()).abs() <= tolerance(line, key)
        }
        (Value::Array(e), Value::Array(o)) => {
            e.len() == o.len() && e.iter().zip(o).all(|(e, o)| same(line, key, e, o))
        }
        (Value::Object(e), Value::Object(o)) => e
            .iter()
            .all(|(k, e)| o.get(k).is_some_and(|o| same(line, k, e, o))),
        _ => expected == ours,
    }
}

#[test]
fn matches_gpsd_scaled_json() {
    let ours = our_objects();
    let expected: Vec<&str> = EXPECTED.lines().collect();
    assert_eq!(expected.len(), 97);
    assert_eq!(
        ours.len(),
        expected.len(),
        "message count differs from gpsd"
    );
    let mut full_matches = 0;
    let mut mismatches = Vec::new();
    let mut respelt = vec![0; CHK_LEGENDS.len()];
    for (line, got) in expected.iter().zip(&ours) {
        let Value::Object(want) = serde_json::from_str::<Value>(line).unwrap() else {
            panic!("bad fixture line {line}");
        };
        let msg_type = want["type"].as_u64().unwrap();
        assert_eq!(got["type"], want["type"], "order differs at {line}");
        assert_eq!(got["mmsi"], want["mmsi"], "order differs at {line}");
        assert!(
            DECODED.contains(&msg_type),
            "type {msg_type} unaccounted for"
        );
        let mmsi = want["mmsi"].as_u64().unwrap();
        let mut all = true;
        for (key, value) in &want {
            if let Some(reason) = known_difference(msg_type, mmsi, key, value) {
                if got.get(key) != Some(value) {
                    eprintln!("known difference, type {msg_type} mmsi {mmsi} {key}: {reason}");
                    all = false;
                }
                continue;
            }
            let legend = gpsd_legend(key, value);
            if let Some(k) = CHK_LEGENDS.iter().position(|l| Some(l.2) == legend) {
                respelt[k] += 1;
            }
            match got.get(key) {
                Some(g) if legend.is_some_and(|text| g == text) => {}
                Some(g) if legend.is_none() && same(line, key, value, g) => {}
                other => mismatches.push(format!(
                    "type {msg_type} mmsi {mmsi} {key}: want {value}, got {other:?}"
                )),
            }
        }
        if all {
            full_matches += 1;
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    // Each spelling in the list occurs in the sample (so the list is not stale).
    assert!(respelt.iter().all(|&n| n > 0), "{respelt:?}");
    let decoded = expected
        .iter()
        .filter(|l| {
            DECODED
                .iter()
                .any(|t| l.contains(&format!("\"type\":{t},")))
        })
        .count();
    eprintln!("gpsd differential: {full_matches} of {decoded} messages match fully");
    // The eight messages with known differences above; every binary payload
    // gpsd types in its sample is typed and compared field by field.
    assert_eq!(full_matches, decoded - 8);
}
