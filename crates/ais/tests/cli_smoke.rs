//! Runs the CLI loop over gpsd's sample file.

const SAMPLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/ais/gpsd/sample.aivdm"
));

#[test]
fn decode_lines_over_gpsd_sample() {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let stats = porttrack_ais::gpsd::decode_lines(SAMPLE.as_bytes(), &mut out, &mut err).unwrap();
    let err = String::from_utf8(err).unwrap();
    assert_eq!(stats.rejected, 1, "{err}");
    assert!(err.starts_with("line "), "{err}");
    // gpsd emits 97 objects with type 24 parts merged; we emit the parts.
    assert_eq!(stats.messages, 97 + 5, "{err}");
    // One line in the sample lacks its leading `!`.
    assert!(err.contains("malformed: AIVDM,2,2,1,B"), "{err}");
}
