//! Differential test against the installed `gpsdecode` (Debian
//! gpsd-clients): both decoders run on the same input and every field gpsd
//! prints is compared, numbers within gpsd's printed precision.
//!
//! Inputs: a generated corpus (the encoder's realistic mix), our encoded
//! types 19/24/27, the gpsd and libais fixtures, and payloads built bit by
//! bit (`built`, `raw_payloads`, `timestamps`). Fails, with the install
//! hint, when gpsdecode is missing.

#[path = "gpsdecode/built.rs"]
mod built;
#[path = "gpsdecode/harness.rs"]
mod harness;
#[path = "gpsdecode/raw_payloads.rs"]
mod raw_payloads;
#[path = "gpsdecode/timestamps.rs"]
mod timestamps;

use harness::differential;

const GPSD_SAMPLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/ais/gpsd/sample.aivdm"
));
const TYPE_EXAMPLES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/ais/libais/typeexamples.nmea"
));
const TAGBLOCK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/ais/libais/tagblock.nmea"
));

#[test]
fn generated_corpus_agrees_with_gpsdecode() {
    let lines = porttrack_ais::encode::corpus::sample_lines(2024, 5_000);
    let tally = differential("generated", &(lines.join("\n") + "\n"));
    assert!(tally.compared > 4_000, "{tally:?}");
    assert_eq!(tally.envelope_only, 0, "{tally:?}");
    assert_eq!(tally.only_gpsd + tally.only_ours, 0, "{tally:?}");
    assert!(tally.mismatches.is_empty(), "{:#?}", tally.mismatches);
}

/// gpsd decodes what our encoder sends for types 19, 24 and 27 as we do.
#[test]
fn encoded_class_b_static_and_long_range_agree_with_gpsdecode() {
    let lines = porttrack_ais::encode::corpus::class_b_static_lines(27, 2_000);
    let tally = differential("encoded 19/24/27", &(lines.join("\n") + "\n"));
    assert_eq!(tally.compared, 2_000, "{tally:?}");
    assert!(tally.mismatches.is_empty(), "{:#?}", tally.mismatches);
}

#[test]
fn gpsd_sample_agrees_with_gpsdecode() {
    let tally = differential("gpsd sample", GPSD_SAMPLE);
    assert!(tally.compared >= 95, "{tally:?}");
    assert_eq!(tally.envelope_only, 0, "{tally:?}");
    assert!(tally.mismatches.is_empty(), "{:#?}", tally.mismatches);
}

#[test]
fn libais_samples_agree_with_gpsdecode() {
    for (name, input) in [("typeexamples", TYPE_EXAMPLES), ("tagblock", TAGBLOCK)] {
        let tally = differential(name, input);
        assert!(tally.compared > 0, "{name}: {tally:?}");
        assert_eq!(tally.envelope_only, 0, "{name}: {tally:?}");
        assert!(
            tally.mismatches.is_empty(),
            "{name}: {:#?}",
            tally.mismatches
        );
    }
}

/// A local capture that is not ours to commit (the AISHub sample, for one):
/// `AIS_CAPTURE=FILE cargo test -p porttrack-ais --test gpsdecode_differential
/// -- --ignored --nocapture`. Prints the agreement and the disagreeing
/// fields by message type and name; fails on any disagreement.
#[test]
#[ignore = "needs AIS_CAPTURE=<NMEA file>"]
fn capture_agrees_with_gpsdecode() {
    let path = std::env::var("AIS_CAPTURE").expect("set AIS_CAPTURE to an NMEA capture");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let tally = differential("capture", &String::from_utf8_lossy(&bytes));
    for (field, count) in tally.by_field() {
        eprintln!("  {count:>6}  {field}");
    }
    assert!(tally.compared > 0, "{tally:?}");
    assert!(
        tally.mismatches.is_empty(),
        "{} fields disagree",
        tally.mismatches.len()
    );
}
