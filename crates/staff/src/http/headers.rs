//! Request and response plumbing shared by the handlers: ETags, If-Match,
//! idempotency keys, body and query rejections, and the 412 and refusal
//! answers.

use axum::{
    Json,
    extract::{
        Query,
        rejection::{JsonRejection, QueryRejection},
    },
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use porttrack_platform::{ApiError, conditional::etag};
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
            Self::Refused(refusal) => problem(
                StatusCode::CONFLICT,
                "assignment-refused",
                refusal.to_string(),
                Some(refusal.reason()),
            ),
            stale_or_other => ApiError::from(stale_or_other).into_response(),
        }
    }
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
