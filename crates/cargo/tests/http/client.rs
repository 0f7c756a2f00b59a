//! The router on a fresh database with access checks off, and a client
//! that calls it without a socket and keeps what the tests look at.

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use serde_json::{Value, json};
use tower::ServiceExt as _;

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

pub struct Answer {
    pub status: StatusCode,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub json: Value,
}

pub async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let h = |name| {
        res.headers()
            .get(name)
            .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    let (etag, content_type) = (h(header::ETAG), h(header::CONTENT_TYPE));
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    Answer {
        status,
        etag,
        content_type,
        json,
    }
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

pub fn fields(a: &Answer) -> Vec<&str> {
    a.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}
