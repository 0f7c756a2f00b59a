//! Zero downtime, proven on loopback (issue #8): ingest and ships instances
//! behind nginx, a file-backed broker of the test's own and a fresh
//! PostgreSQL database, steady traffic, and the four release paths: a
//! rolling update, a canary promoted by analysis, a failing canary aborted
//! by it, and a rollback onto the newer schema with a broker restart.
//!
//! The short version runs here; `PORTTRACK_TEST_LONG=1` (scripts/test.sh
//! --long) runs the long one, as does `porttrack-loadtest release --long`.

use porttrack_loadtest::{
    release::{
        Options, StepOutcome,
        analysis::{MAX_GRPC_ERROR_RATIO, Verdict},
        nginx::Nginx,
        steps,
    },
    target::built_porttrack,
};

fn assert_zero_downtime(s: &StepOutcome) {
    assert!(
        s.zero_downtime(),
        "{} is not zero downtime:\n{}",
        s.step,
        s.human()
    );
    assert!(s.positions_accepted > 0 && s.reads > 0, "{}", s.human());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rolling_canary_failing_canary_and_rollback_lose_nothing() {
    // Loudly, before anything starts: without nginx there is no balancer.
    if let Err(e) = Nginx::binary() {
        panic!("{e}");
    }
    let bin = built_porttrack();
    let long = std::env::var("PORTTRACK_TEST_LONG").is_ok_and(|v| v == "1");
    let mut o = if long {
        Options::long(bin)
    } else {
        Options::short(bin)
    };
    // A debug build on a shared machine: its p99 says nothing about a
    // release, and a pass/fail test must not hang on timing. The p99s are
    // still measured and printed; the error ratios decide.
    o.judge_latency = false;
    let interval = o.interval;
    let report = steps::run(o, |s| eprintln!("{}", s.human()))
        .await
        .expect("release harness");
    let [rolling, canary, failing, rollback] = &report.steps[..] else {
        panic!("four steps expected, got {}", report.steps.len());
    };

    assert_zero_downtime(rolling);

    assert_zero_downtime(canary);
    assert_eq!(
        canary.canary.as_deref(),
        Some("promoted"),
        "{}",
        canary.human()
    );
    assert!(
        canary
            .analysis
            .iter()
            .all(|m| m.verdict == Verdict::Successful),
        "{}",
        canary.human()
    );

    // The drill must show: clients saw errors, analysis saw them too...
    assert!(failing.failed_requests() > 0, "{}", failing.human());
    let worst = failing
        .analysis
        .iter()
        .filter_map(|m| m.grpc_error_ratio)
        .fold(0.0, f64::max);
    assert!(worst > MAX_GRPC_ERROR_RATIO, "{}", failing.human());
    // ...and once aborted, nothing reaches the canary and errors stop
    // within one analysis interval; nothing accepted is lost.
    assert_eq!(
        failing.canary_calls_after_abort,
        Some(0),
        "{}",
        failing.human()
    );
    let stopped = failing.errors_stopped_after_s.expect("abort time");
    assert!(
        stopped <= interval.as_secs_f64(),
        "errors went on {stopped} s after the abort:\n{}",
        failing.human()
    );
    assert!(failing.nothing_lost(), "{}", failing.human());

    assert_zero_downtime(rollback);
}
