//! Calling an axum router without a socket, for the services' REST tests:
//! one request in, the parts the tests look at out.

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use serde_json::Value;
use tower::ServiceExt as _;

/// What came back: status, the headers the APIs' contracts name, and the
/// body as JSON (`Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub json: Value,
}

impl Answer {
    /// The `field` of each entry in a problem+json `errors` list, in order.
    pub fn fields(&self) -> Vec<&str> {
        self.json["errors"]
            .as_array()
            .expect("a problem with an `errors` list")
            .iter()
            .map(|e| e["field"].as_str().expect("each error names its field"))
            .collect()
    }
}

/// Sends `method uri` with `headers` and, when given, a JSON `body`.
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
    .expect("a well-formed request");
    let res = app
        .clone()
        .oneshot(req)
        .await
        .expect("routers are infallible");
    let header = |name| {
        res.headers()
            .get(name)
            .map(|v: &header::HeaderValue| v.to_str().expect("an ASCII header").to_owned())
    };
    let (etag, content_type) = (header(header::ETAG), header(header::CONTENT_TYPE));
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .expect("a body under 1 MiB");
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("a JSON body")
    };
    Answer {
        status,
        etag,
        content_type,
        json,
    }
}
