use porttrack_ais::Decoder;

use super::*;

const NOW: i64 = 1_800_000_000_000;

fn receipt() -> Receipt<'static> {
    Receipt {
        received_at_ms: NOW,
        source: "test",
    }
}

fn motion(lat: f64, lon: f64) -> Motion {
    Motion {
        lat: Some(lat),
        lon: Some(lon),
        ..Motion::default()
    }
}

fn reason(r: Result<PositionReport, Rejection>) -> &'static str {
    r.expect_err("should be rejected").reason
}

#[test]
fn mmsi_must_have_nine_digits_and_not_be_zero() {
    assert!(Mmsi::parse(0).is_err());
    assert!(Mmsi::parse(1_000_000_000).is_err());
    assert_eq!(Mmsi::parse(244_740_981).unwrap().key(), "244740981");
    assert_eq!(
        reason(position(0, motion(1.0, 1.0), NOW, 1, receipt())),
        "mmsi_out_of_range"
    );
}

#[test]
fn coordinates_out_of_range_or_missing_are_refused_with_their_field() {
    let r = position(244_000_000, motion(91.0, 0.0), NOW, 1, receipt()).unwrap_err();
    assert_eq!((r.reason, r.field), ("latitude_out_of_range", "lat"));
    let r = position(244_000_000, motion(0.0, 181.0), NOW, 1, receipt()).unwrap_err();
    assert_eq!((r.reason, r.field), ("longitude_out_of_range", "lon"));
    assert_eq!(
        reason(position(
            244_000_000,
            motion(f64::NAN, 0.0),
            NOW,
            1,
            receipt()
        )),
        "latitude_out_of_range"
    );
    let no_fix = Motion {
        lat: None,
        ..motion(0.0, 0.0)
    };
    assert_eq!(
        reason(position(244_000_000, no_fix, NOW, 1, receipt())),
        "position_unavailable"
    );
}

#[test]
fn speed_course_heading_are_checked() {
    let m = |f: fn(&mut Motion)| {
        let mut m = motion(59.0, 10.0);
        f(&mut m);
        m
    };
    assert_eq!(
        reason(position(
            244_000_000,
            m(|m| m.sog_knots = Some(-1.0)),
            NOW,
            1,
            receipt()
        )),
        "speed_out_of_range"
    );
    assert_eq!(
        reason(position(
            244_000_000,
            m(|m| m.sog_knots = Some(102.3)),
            NOW,
            1,
            receipt()
        )),
        "speed_out_of_range"
    );
    assert_eq!(
        reason(position(
            244_000_000,
            m(|m| m.cog_deg = Some(360.0)),
            NOW,
            1,
            receipt()
        )),
        "course_out_of_range"
    );
    assert_eq!(
        reason(position(
            244_000_000,
            m(|m| m.heading_deg = Some(360)),
            NOW,
            1,
            receipt()
        )),
        "heading_out_of_range"
    );
    let ok = position(
        244_000_000,
        m(|m| m.sog_knots = Some(102.2)),
        NOW,
        1,
        receipt(),
    )
    .unwrap();
    assert_eq!(ok.sog_knots, Some(102.2));
}

#[test]
fn timestamps_in_the_future_are_refused_but_small_skew_is_tolerated() {
    let skewed = NOW + MAX_FUTURE_SKEW_MS;
    assert!(position(244_000_000, motion(1.0, 1.0), skewed, 1, receipt()).is_ok());
    assert_eq!(
        reason(position(
            244_000_000,
            motion(1.0, 1.0),
            skewed + 1,
            1,
            receipt()
        )),
        "timestamp_in_future"
    );
}

#[test]
fn ais_second_is_placed_on_the_receive_minute() {
    // 12:00:30.500 received; fix at second 20 → 12:00:20.000.
    let received = 1_800_000_030_500 - 1_800_000_030_500 % 60_000 + 30_500;
    assert_eq!(observed_at(received, Some(20)), received - 10_500);
    // Fix at second 50 cannot be later than reception: previous minute.
    assert_eq!(
        observed_at(received, Some(50)),
        received - 30_500 + 50_000 - 60_000
    );
    assert_eq!(observed_at(received, None), received);
}

/// The first type 1 sentence of gpsd's sample; values from its `#` notes.
#[test]
fn a_class_a_report_becomes_a_position_event() {
    let mut decoder = Decoder::default();
    let decoded = decoder
        .push_line("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", 0)
        .unwrap()
        .unwrap();
    let events = from_ais(&decoded, receipt()).unwrap();
    let [Accepted::Position(p)] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(p.mmsi, 371_798_000);
    assert!((p.lat - 48.381_633_333).abs() < 1e-6 && (p.lon + 123.395_383_333).abs() < 1e-6);
    assert_eq!(
        (p.sog_knots, p.cog_deg, p.heading_deg),
        (Some(12.3), Some(224.0), Some(215))
    );
    assert_eq!(p.observed_at_ms % 60_000, 33_000, "AIS second 33");
    assert_eq!(p.source, "test");
}

#[test]
fn tag_block_source_and_time_override_the_connection() {
    let line = r"\s:rORBCOMM104,c:1418172113*23\!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78";
    let mut decoder = Decoder::default();
    let decoded = decoder.push_line(line, 0).unwrap().unwrap();
    let source = decoded.meta.source.clone().unwrap_or_default();
    let events = from_ais(
        &decoded,
        Receipt {
            received_at_ms: NOW,
            source: &source,
        },
    )
    .unwrap();
    let [Accepted::Position(p)] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(p.source, "rORBCOMM104");
    assert!(p.observed_at_ms <= 1_418_172_113_000 && p.observed_at_ms > 1_418_172_113_000 - 60_000);
}

#[test]
fn static_voyage_becomes_a_static_event_with_trimmed_text() {
    let mut decoder = Decoder::default();
    // gpsd sample, type 5 (two parts), MMSI 351759000.
    assert!(
        decoder
            .push_line(
                "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
                0
            )
            .unwrap()
            .is_none()
    );
    let decoded = decoder
        .push_line("!AIVDM,2,2,1,A,88888888880,2*25", 0)
        .unwrap()
        .unwrap();
    let events = from_ais(&decoded, receipt()).unwrap();
    let [Accepted::Static(s)] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(s.mmsi, 351_759_000);
    assert_eq!(s.name.as_deref(), Some("EVER DIADEM"));
    assert_eq!(s.callsign.as_deref(), Some("3FOF8"));
    assert_eq!(s.imo, Some(9_134_270));
    assert_eq!(s.destination.as_deref(), Some("NEW YORK"));
    assert_eq!(s.draught_m, Some(12.2));
}
