//! The router on a fresh database with access checks off, and a client
//! that calls it without a socket and keeps what the tests look at.

use axum::{Router, http::StatusCode};
use serde_json::{Value, json};

pub use porttrack_testkit::router::{Answer, call};

use crate::support;

pub async fn app(url: &str) -> Router {
    let bus = support::memory_bus();
    porttrack_cargo::http::router(support::cargo(url, &bus).await).layer(open())
}

/// These tests are about the API's behaviour, not its access checks
/// (`crates/porttrack/tests/auth.rs`): the router runs open.
fn open() -> axum::Extension<porttrack_platform::auth::Authenticator> {
    porttrack_platform::auth::authenticate(porttrack_platform::auth::Authenticator::off())
}

pub fn manifest_body(port_call: &str, eta_ms: i64) -> Value {
    json!({ "port_call_id": port_call, "mmsi": 244_740_981, "eta_ms": eta_ms })
}

pub async fn create(app: &Router, port_call: &str, eta_ms: i64) -> Value {
    let a = call(
        app,
        "POST",
        "/v1/manifests",
        &[],
        Some(manifest_body(port_call, eta_ms)),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    a.json
}
