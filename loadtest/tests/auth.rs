//! Against a suite with authentication on (`PORTTRACK_AUTH=dev`): with a
//! token every transport, reader and subscriber gets through; without one
//! the refusals are counted by kind, not hidden.

use std::{path::Path, process::Command, time::Duration};

use porttrack_loadtest::{LoadTest, Scenario, Spawned, target::built_porttrack};

fn scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smoke.toml");
    let mut s = Scenario::load(&path).expect("scenario");
    s.duration_s = 2.0;
    s.malformed_share = 0.0;
    s.readers.visibility_probes = 0.0;
    s.subscribers.sse = 0;
    s.settle_s = 5.0;
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_lets_everything_through_and_no_token_is_counted_as_refused() {
    let bin = built_porttrack().display().to_string();
    let keys = tempfile::tempdir().expect("tempdir");
    let keys_dir = keys.path().display().to_string();
    let out = Command::new(&bin)
        .args([
            "token",
            "--scope",
            "positions:write",
            "--scope",
            "ships:read",
        ])
        // Explicit: the default `1h` is refused by the ttl parser (ms, s or m only).
        .args(["--auth-dev-keys", &keys_dir, "--ttl", "60m"])
        .output()
        .expect("porttrack token");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout)
        .expect("UTF-8")
        .trim()
        .to_owned();
    let suite = Spawned::up(
        &bin,
        &[
            ("PORTTRACK_AUTH", "dev".to_owned()),
            ("PORTTRACK_AUTH_DEV_KEYS", keys_dir.clone()),
        ],
    )
    .expect("porttrack up");

    let mut target = suite.target.clone();
    target.token = Some(token);
    let report = LoadTest::run(scenario(), target).await.expect("run");
    assert!(report.is_clean(), "{}", report.human());
    assert!(report.counters.errors.is_empty(), "{}", report.human());
    assert!(report.counters.reads > 0);

    // The subscriber cannot subscribe without a token: the run says so.
    let mut open = suite.target.clone();
    open.token = None;
    let err = LoadTest::start(scenario(), open.clone()).await.unwrap_err();
    assert!(
        matches!(err, porttrack_loadtest::RunError::Subscribe),
        "{err}"
    );
    // With no subscribers, the refusals show up as errors by kind.
    let mut s = scenario();
    s.subscribers.grpc = 0;
    let report = LoadTest::run(s, open).await.expect("run");
    let errors = &report.counters.errors;
    assert!(errors.contains_key("grpc_unauthenticated"), "{errors:?}");
    assert!(errors.contains_key("http_401"), "{errors:?}");
    assert!(errors.contains_key("read_unauthenticated"), "{errors:?}");
    assert_eq!(
        report.counters.positions_failed + report.counters.positions_accepted,
        report.counters.positions_sent
    );
    suite.stop(Duration::from_secs(30));
}
