//! The hot path allocates nothing: parsing, single-sentence reassembly and
//! decoding a position report, through [`Decoder::push_line`].
//!
//! A counting global allocator sees every allocation in this test binary,
//! so this file holds one test only (the harness allocates on other threads
//! between tests, but not while this one runs).

use std::alloc::System;

use porttrack_ais::encode::corpus::{Rng, position};
use porttrack_ais::encode::{encode_class_b, encode_position};
use porttrack_ais::{ClassBPosition, Decoder, Message, Timestamp};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

// The workspace forbids unsafe code, so the counting allocator comes from
// `stats_alloc` rather than a hand-written `GlobalAlloc`.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn position_reports_decode_without_allocating() {
    let mut rng = Rng::new(42);
    let mut lines: Vec<String> = (0..2_000)
        .map(|_| encode_position(&position(&mut rng), 'A'))
        .collect();
    let class_b = ClassBPosition {
        repeat: 0,
        mmsi: 338_087_471,
        reserved: 0,
        sog: Some(0.1),
        accuracy: false,
        lon: Some(-74.07),
        lat: Some(40.68),
        cog: Some(79.6),
        heading: None,
        timestamp: Timestamp::Second(49),
        regional: 0,
        cs: true,
        display: false,
        dsc: true,
        band: true,
        msg22: true,
        assigned: false,
        raim: true,
        radio: 0,
    };
    lines.push(encode_class_b(&class_b, 'B'));
    // Real ones from gpsd's sample.
    lines.push("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A".to_owned());
    lines.push("!AIVDM,1,1,,A,38Id705000rRVJhE7cl9n;160000,0*40".to_owned());
    let mut decoder = Decoder::default();

    let region = Region::new(GLOBAL);
    let mut positions = 0;
    for line in &lines {
        if let Ok(Some(d)) = decoder.push_line(line, 0)
            && matches!(d.message, Message::Position(_) | Message::ClassBPosition(_))
        {
            positions += 1;
        }
    }
    let change = region.change();
    let allocations = change.allocations + change.reallocations;

    assert_eq!(positions, lines.len());
    assert_eq!(
        allocations, 0,
        "{allocations} allocations for {positions} messages"
    );
}
