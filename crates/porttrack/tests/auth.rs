//! Access control on every operation of every service, over REST and gRPC,
//! against the real binary: no token → 401 / UNAUTHENTICATED with a Bearer
//! challenge; a token with every scope but the one needed → 403 /
//! PERMISSION_DENIED; the needed scope alone → the call goes through.
//! Health, readiness, metrics, OpenAPI, gRPC health and reflection stay
//! open. The tables in `auth/tables.rs` are the specification: an
//! operation added to a service without a row there fails the
//! completeness checks. Each part of the check has its module under
//! `auth/`.

mod common;
#[path = "auth/grpc.rs"]
mod grpc;
#[path = "auth/open.rs"]
mod open;
#[path = "auth/rest.rs"]
mod rest;
#[path = "auth/suite.rs"]
mod suite;
#[path = "auth/tables.rs"]
mod tables;
#[path = "auth/tokens.rs"]
mod tokens;

use common::BIN;
use grpc::grpc_table;
use open::open_endpoints_stay_open;
use rest::rest_table;
use suite::Suite;
use tokens::bad_tokens_are_refused_by_every_service;

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_needs_its_scope() {
    let suite = Suite::start().await;
    rest_table(&suite).await;
    grpc_table(&suite).await;
    bad_tokens_are_refused_by_every_service(&suite).await;
    open_endpoints_stay_open(&suite).await;
}

/// A service on its own requires tokens unless told otherwise, and says
/// which setting is missing.
#[test]
fn a_service_without_auth_settings_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(BIN)
        .args(["ships"])
        .env_remove("PORTTRACK_AUTH")
        .env("PORTTRACK_HTTP_ADDR", "127.0.0.1:0")
        .env("PORTTRACK_GRPC_ADDR", "127.0.0.1:0")
        .env("PORTTRACK_DATA_DIR", dir.path())
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("PORTTRACK_AUTH_ISSUER is required with PORTTRACK_AUTH=jwt"),
        "{stderr}"
    );
}
