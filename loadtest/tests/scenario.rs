//! The smoke scenario against a real `porttrack up`, driven the way a
//! harness drives it: start, read live counters, stop, reconcile.

use std::{path::Path, time::Duration};

use porttrack_loadtest::{LoadTest, Scenario, Spawned, stats::Latency, target::built_porttrack};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn smoke_scenario_is_reconciled_clean_with_sane_numbers() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smoke.toml");
    let mut scenario = Scenario::load(&path).expect("scenario");
    scenario.duration_s = 4.0;
    let suite = Spawned::up(&built_porttrack().display().to_string(), &[]).expect("porttrack up");

    let test = LoadTest::start(scenario.clone(), suite.target.clone())
        .await
        .expect("start");
    // Live counters move while it runs.
    porttrack_testkit::eventually("positions accepted", Duration::from_secs(20), || {
        let s = test.snapshot();
        async move { (s.positions_accepted > 0).then_some(()) }
    })
    .await;
    let report = test.finish().await;
    println!("{}", report.human());

    assert!(report.is_clean(), "{}", report.human());
    let c = &report.counters;
    // 40/s for 4 s; every position sent was taken.
    assert_eq!(c.positions_sent, 160, "{}", report.human());
    assert_eq!(c.positions_accepted, c.positions_sent);
    assert_eq!(c.positions_failed, 0);
    assert!(c.duplicates_sent > 0 && c.malformed_sent > 0);
    // Two subscribers, each saw every position once.
    assert_eq!(c.live_received, 2 * c.positions_accepted);
    assert_eq!(report.reconciliations.len(), 3);
    for r in &report.reconciliations {
        assert_eq!(r.expected, c.positions_accepted, "{r:?}");
    }
    // Only the malformed sentences were refused.
    for kind in c.errors.keys() {
        assert_eq!(kind, "rejected_bad_checksum", "{:?}", c.errors);
    }
    for kind in [
        Latency::IngestAck,
        Latency::EndToEndLive,
        Latency::EndToEndQuery,
        Latency::GetVessel,
        Latency::VesselsInBox,
        Latency::Nearest,
        Latency::Track,
    ] {
        let s = &report.latency[&kind];
        assert!(s.count > 0, "{kind:?}");
        assert!(
            s.p50_ms > 0.0 && s.p50_ms <= s.p99_ms && s.p99_ms <= s.max_ms,
            "{kind:?} {s:?}"
        );
    }
    assert!(
        (report.sent_rate - 40.0).abs() < 20.0,
        "{}",
        report.sent_rate
    );
    // The suite timed each position it applied in the run from its
    // publication, and only those: the split covers exactly this run.
    let stages = report
        .stages
        .as_ref()
        .expect("the suite's /metrics were read");
    assert_eq!(stages.applied, c.positions_accepted, "{stages:?}");
    let live = &report.latency[&Latency::EndToEndLive];
    assert!(
        stages.publish_to_apply_mean_ms > 0.0 && stages.publish_to_apply_mean_ms < live.max_ms,
        "{stages:?} {live:?}"
    );
    assert!(stages.produce_ack_mean_ms.is_some(), "{stages:?}");
    assert_eq!(stages.live_skipped, 0, "{stages:?}");
    assert!(report.human().contains("publish → applied"));
    let json = serde_json::to_value(&report).expect("JSON");
    assert_eq!(json["reconciliations"][2]["source"], "track");
    assert!(json["latency"]["end_to_end_live"]["p99_ms"].is_number());
    suite.stop(Duration::from_secs(30));
}
