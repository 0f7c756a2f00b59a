//! Request and response plumbing shared by the handlers: ETags, If-Match,
//! idempotency keys, body and query rejections, and the 412 and refusal
//! answers.

use axum::{
    Json,
    extract::{
        Query,
        rejection::{JsonRejection, QueryRejection},
    },
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use porttrack_platform::ApiError;
use serde::de::DeserializeOwned;

use super::PersonJson;
use crate::{domain::Person, service::ChangeError};

fn problem(status: StatusCode, slug: &str, detail: String, reason: Option<&str>) -> Response {
    let mut body = serde_json::json!({
        "type": format!("https://porttrack.dev/problems/{slug}"),
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    if let Some(reason) = reason {
        body["reason"] = reason.into();
    }
    let mut r = (status, Json(body)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    r
}

impl IntoResponse for ChangeError {
    fn into_response(self) -> Response {
        match self {
            Self::Stale { expected, current } => {
                let detail = format!(
                    "If-Match {expected} is not the person's current version {current}: read it again"
                );
                let mut r = problem(
                    StatusCode::PRECONDITION_FAILED,
                    "precondition-failed",
                    detail,
                    None,
                );
                r.headers_mut().insert(header::ETAG, etag(current));
                r
            }
            Self::Refused(refusal) => problem(
                StatusCode::CONFLICT,
                "assignment-refused",
                refusal.to_string(),
                Some(refusal.reason()),
            ),
            Self::Api(e) => e.into_response(),
        }
    }
}

pub(super) fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

pub(super) fn created_or_ok(created: bool) -> StatusCode {
    if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

/// The person as JSON with their version as `ETag`.
pub(super) fn with_etag(status: StatusCode, p: &Person) -> Response {
    let mut r = (status, Json(PersonJson::from(p))).into_response();
    r.headers_mut().insert(header::ETAG, etag(p.version));
    if status == StatusCode::CREATED
        && let Ok(loc) = HeaderValue::from_str(&format!("/v1/people/{}", p.id))
    {
        r.headers_mut().insert(header::LOCATION, loc);
    }
    r
}

/// `If-Match: "3"` (weak or strong); `None` when absent or `*`.
pub(super) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(raw) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let bad = || ApiError::invalid("If-Match", "expected the person's ETag, such as \"3\"");
    let s = raw.to_str().map_err(|_| bad())?.trim();
    if s == "*" {
        return Ok(None);
    }
    let s = s.trim_start_matches("W/").trim_matches('"');
    s.parse().map(Some).map_err(|_| bad())
}

pub(super) fn require_if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    if_match(headers)?.ok_or_else(|| {
        ApiError::invalid("If-Match", "required: the ETag of the person as last read")
    })
}

pub(super) fn idempotency_key<'a>(
    headers: &'a HeaderMap,
    body: Option<&'a str>,
) -> Result<Option<&'a str>, ApiError> {
    match headers.get("idempotency-key") {
        Some(v) => v
            .to_str()
            .map(Some)
            .map_err(|_| ApiError::invalid("Idempotency-Key", "must be visible ASCII")),
        None => Ok(body),
    }
}

pub(super) fn body<T: DeserializeOwned>(b: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    b.map(|Json(t)| t)
        .map_err(|e| ApiError::invalid("body", e.body_text()))
}

pub(super) fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::invalid("query", e.body_text()))
}

/// An optional number from the query string; absent is 0 (the default).
pub(super) fn parse(name: &str, raw: Option<&str>) -> Result<u32, ApiError> {
    raw.map_or(Ok(0), |raw| {
        raw.trim()
            .parse()
            .map_err(|_| ApiError::invalid(name, format!("`{raw}` is not a valid {name}")))
    })
}
