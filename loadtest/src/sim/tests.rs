use std::{collections::HashMap, time::Duration};

use porttrack_ais::{Decoder, Message};

use super::*;

fn config(pace: Pace) -> SimConfig {
    SimConfig {
        vessels: 200,
        seed: 7,
        epoch_ms: 1_795_000_000_000,
        pace,
        static_data: true,
        malformed_share: 0.0,
        duplicate_share: 0.0,
    }
}

fn run(cfg: SimConfig, secs: u64) -> Vec<(Emission, Vec<String>)> {
    let mut sim = Simulator::new(cfg);
    let mut out = Vec::new();
    while let Some(e) = sim.next_until(Duration::from_secs(secs)) {
        let lines = sim.nmea(&e);
        out.push((e, lines));
    }
    out
}

#[test]
fn intervals_follow_speed_and_status() {
    assert_eq!(report_interval(0.0, 5), Duration::from_secs(180));
    assert_eq!(report_interval(0.1, 1), Duration::from_secs(180));
    assert_eq!(report_interval(5.0, 1), Duration::from_secs(10));
    assert_eq!(report_interval(12.0, 0), Duration::from_secs(10));
    assert_eq!(report_interval(16.0, 0), Duration::from_secs(6));
    assert_eq!(report_interval(30.0, 0), Duration::from_secs(2));
}

#[test]
fn each_vessel_reports_at_its_lanes_interval() {
    let mut last: HashMap<u32, Duration> = HashMap::new();
    let mut gaps: HashMap<u32, Vec<Duration>> = HashMap::new();
    for (e, _) in run(config(Pace::Realistic), 1200) {
        let Kind::Position(f) = e.kind else { continue };
        if let Some(prev) = last.insert(e.mmsi, e.at) {
            gaps.entry(e.mmsi).or_default().push(e.at - prev);
            let expected = report_interval(f.sog_knots, f.nav_status);
            assert_eq!(e.at - prev, expected, "vessel {}", e.mmsi);
        }
    }
    let kinds: std::collections::HashSet<Duration> = gaps.values().flatten().copied().collect();
    assert!(kinds.contains(&Duration::from_secs(180)), "{kinds:?}");
    assert!(kinds.contains(&Duration::from_secs(10)), "{kinds:?}");
    assert!(kinds.contains(&Duration::from_secs(6)), "{kinds:?}");
}

#[test]
fn static_data_comes_every_six_minutes_as_two_sentences() {
    let statics: Vec<_> = run(config(Pace::Realistic), 800)
        .into_iter()
        .filter(|(e, _)| e.kind == Kind::Static && e.mmsi == FIRST_MMSI)
        .collect();
    assert_eq!(statics.len(), 2);
    assert_eq!(statics[1].0.at - statics[0].0.at, STATIC_INTERVAL);
    assert_eq!(statics[0].1.len(), 2);
}

#[test]
fn aggregate_pace_sends_the_requested_rate_and_vessels_take_turns() {
    let out = run(config(Pace::Aggregate(100.0)), 10);
    let positions = out
        .iter()
        .filter(|(e, _)| matches!(e.kind, Kind::Position(_)))
        .count();
    // 0 s up to and including 10 s, at 100/s.
    assert_eq!(positions, 1001);
    assert_eq!(
        Simulator::aggregate_interval(200, 100.0),
        Duration::from_secs(2)
    );
}

#[test]
fn same_seed_same_reports_other_seed_other_port() {
    let a = run(config(Pace::Realistic), 300);
    let b = run(config(Pace::Realistic), 300);
    assert_eq!(a, b);
    let c = run(
        SimConfig {
            seed: 8,
            ..config(Pace::Realistic)
        },
        300,
    );
    assert_ne!(a, c);
}

#[test]
fn lines_decode_to_the_fix_they_were_made_from() {
    let mut decoder = Decoder::default();
    for (e, lines) in run(config(Pace::Realistic), 60) {
        let Kind::Position(f) = e.kind else { continue };
        let decoded = decoder
            .push_line(&lines[0], 0)
            .expect("valid")
            .expect("one message");
        let Message::Position(p) = decoded.message else {
            panic!("{decoded:?}")
        };
        assert_eq!(p.mmsi, e.mmsi);
        assert!((p.lat.unwrap() - f.lat).abs() < 1e-9);
        assert!((p.lon.unwrap() - f.lon).abs() < 1e-9);
        assert_eq!(
            i64::from(p.timestamp.second().unwrap()),
            f.observed_at_ms % 60_000 / 1000
        );
    }
}

#[test]
fn malformed_and_duplicate_shares_are_honoured() {
    let cfg = SimConfig {
        malformed_share: 0.1,
        duplicate_share: 0.05,
        ..config(Pace::Aggregate(200.0))
    };
    let out = run(cfg, 100);
    let fixes: Vec<Fix> = out
        .iter()
        .filter_map(|(e, _)| match e.kind {
            Kind::Position(f) => Some(f),
            Kind::Static => None,
        })
        .collect();
    let n = fixes.len() as f64;
    let malformed = fixes.iter().filter(|f| f.malformed).count() as f64 / n;
    let duplicate = fixes.iter().filter(|f| f.duplicate).count() as f64 / n;
    assert!((0.09..0.11).contains(&malformed), "{malformed}");
    assert!((0.04..0.06).contains(&duplicate), "{duplicate}");
    let mut decoder = Decoder::default();
    for (e, lines) in &out {
        let Kind::Position(f) = e.kind else { continue };
        assert_eq!(
            lines.len(),
            1 + usize::from(f.duplicate) + usize::from(f.malformed)
        );
        if f.malformed {
            assert!(decoder.push_line(lines.last().unwrap(), 0).is_err());
        }
    }
}

#[test]
fn one_vessel_never_reports_twice_in_one_second() {
    let mut seen = std::collections::HashSet::new();
    for (e, _) in run(config(Pace::Aggregate(200.0)), 30) {
        if let Kind::Position(f) = e.kind {
            assert!(seen.insert((e.mmsi, f.observed_at_ms)), "{e:?}");
        }
    }
}
