//! The one place where an error becomes what a client sees: an HTTP
//! `application/problem+json` body (RFC 9457) or a `tonic::Status` with rich
//! details. Services map their own errors into [`ApiError`]; internal detail
//! is logged here and never sent.

use std::time::Duration;

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

impl FieldViolation {
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid request")]
    InvalidArgument(Vec<FieldViolation>),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The change was based on a version that is no longer current
    /// (`If-Match` is stale): read the resource again.
    #[error("If-Match {expected} is not the {what}'s current version {current}: read it again")]
    Stale {
        what: &'static str,
        expected: i64,
        current: i64,
    },
    /// Our own queue is full: the client should slow down and retry.
    #[error("overloaded, retry later")]
    Overloaded { retry_after: Duration },
    /// A dependency (Kafka, the database) is not answering.
    #[error("temporarily unavailable: {detail}")]
    Unavailable {
        detail: String,
        retry_after: Duration,
    },
    /// No valid bearer token.
    #[error("authentication required: {0}")]
    Unauthenticated(crate::auth::AuthFailure),
    /// A valid token without the scope the operation needs.
    #[error("the token does not grant the {0} scope")]
    PermissionDenied(crate::auth::Scope),
    /// The request body is larger than the server takes.
    #[error("the request body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    /// This client already holds as much as one client may (open streams).
    #[error("{0}")]
    QuotaExceeded(String),
    /// The handler did not finish in time.
    #[error("the request took longer than {0:?}")]
    Timeout(Duration),
    /// The server is draining for shutdown.
    #[error("shutting down")]
    ShuttingDown,
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self::InvalidArgument(vec![FieldViolation::new(field, description)])
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        Self::Internal(err.to_string())
    }

    /// The database did not answer: logged in full, reported as "try again".
    pub fn database(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "database error");
        Self::Unavailable {
            detail: "the database did not answer".into(),
            retry_after: Duration::from_secs(1),
        }
    }

    fn http_status(&self) -> StatusCode {
        match self {
            Self::InvalidArgument(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Stale { .. } => StatusCode::PRECONDITION_FAILED,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::PermissionDenied(_) => StatusCode::FORBIDDEN,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::QuotaExceeded(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
            Self::Overloaded { .. } | Self::Unavailable { .. } | Self::ShuttingDown => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn grpc_code(&self) -> Code {
        match self {
            Self::InvalidArgument(_) => Code::InvalidArgument,
            Self::NotFound(_) => Code::NotFound,
            Self::Conflict(_) | Self::Stale { .. } => Code::Aborted,
            Self::Unauthenticated(_) => Code::Unauthenticated,
            Self::PermissionDenied(_) => Code::PermissionDenied,
            Self::TooLarge { .. } | Self::QuotaExceeded(_) => Code::ResourceExhausted,
            Self::Timeout(_) => Code::DeadlineExceeded,
            Self::Overloaded { .. } => Code::ResourceExhausted,
            Self::Unavailable { .. } | Self::ShuttingDown => Code::Unavailable,
            Self::Internal(_) => Code::Internal,
        }
    }

    /// Stable slug for the problem `type` and for logs.
    fn slug(&self) -> &'static str {
        match self {
            Self::InvalidArgument(_) => "invalid-argument",
            Self::NotFound(_) => "not-found",
            Self::Conflict(_) => "conflict",
            Self::Stale { .. } => "precondition-failed",
            Self::Unauthenticated(_) => "unauthenticated",
            Self::PermissionDenied(_) => "permission-denied",
            Self::TooLarge { .. } => "too-large",
            Self::QuotaExceeded(_) => "quota-exceeded",
            Self::Timeout(_) => "timeout",
            Self::Overloaded { .. } => "overloaded",
            Self::Unavailable { .. } => "unavailable",
            Self::ShuttingDown => "shutting-down",
            Self::Internal(_) => "internal",
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Overloaded { retry_after } | Self::Unavailable { retry_after, .. } => {
                Some(*retry_after)
            }
            Self::ShuttingDown => Some(Duration::from_secs(1)),
            _ => None,
        }
    }

    /// The `WWW-Authenticate` challenge of an auth refusal (RFC 6750 §3):
    /// no error code when no token was sent, `invalid_token` for a bad one,
    /// `insufficient_scope` with the scope needed.
    pub(crate) fn challenge(&self) -> Option<HeaderValue> {
        let value = match self {
            Self::Unauthenticated(crate::auth::AuthFailure::Missing) => {
                r#"Bearer realm="porttrack""#.to_owned()
            }
            Self::Unauthenticated(failure) => format!(
                r#"Bearer realm="porttrack", error="invalid_token", error_description="{failure}""#
            ),
            Self::PermissionDenied(scope) => {
                format!(r#"Bearer realm="porttrack", error="insufficient_scope", scope="{scope}""#)
            }
            _ => return None,
        };
        HeaderValue::from_str(&value).ok()
    }

    /// What the client is told; internal details stay in the log.
    fn public_detail(&self) -> String {
        if let Self::Internal(detail) = self {
            tracing::error!(error = %detail, "internal error");
        }
        self.to_string()
    }
}

/// RFC 9457 problem details, with PortTrack's `errors` extension.
#[derive(Debug, Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldViolation],
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.http_status();
        let problem = Problem {
            kind: format!("https://porttrack.dev/problems/{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: self.public_detail(),
            errors: match &self {
                Self::InvalidArgument(v) => v,
                _ => &[],
            },
        };
        let mut response = (status, Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(after) = self.retry_after() {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(after.as_secs().max(1)),
            );
        }
        if let Some(challenge) = self.challenge() {
            headers.insert(header::WWW_AUTHENTICATE, challenge);
        }
        if let Self::Stale { current, .. } = self {
            headers.insert(header::ETAG, crate::conditional::etag(current));
        }
        response
    }
}

impl From<ApiError> for Status {
    fn from(err: ApiError) -> Self {
        let code = err.grpc_code();
        let mut details = ErrorDetails::new();
        if let ApiError::InvalidArgument(violations) = &err {
            for v in violations {
                details.add_bad_request_violation(v.field.clone(), v.description.clone());
            }
        }
        if let Some(after) = err.retry_after() {
            details.set_retry_info(Some(after));
        }
        Status::with_error_details(code, err.public_detail(), details)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn invalid_argument_is_problem_json_with_fields() {
        let response = ApiError::invalid("lat", "must be within -90..=90").into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["status"], 400);
        assert_eq!(json["errors"][0]["field"], "lat");
    }

    #[test]
    fn invalid_argument_is_grpc_status_with_bad_request_details() {
        let status = Status::from(ApiError::invalid("mmsi", "out of range"));
        assert_eq!(status.code(), Code::InvalidArgument);
        let details = status.get_error_details();
        let bad = details.bad_request().expect("bad request details");
        assert_eq!(bad.field_violations[0].field, "mmsi");
    }

    #[test]
    fn overload_maps_to_resource_exhausted_and_503_retry_after() {
        let err = || ApiError::Overloaded {
            retry_after: Duration::from_secs(2),
        };
        assert_eq!(Status::from(err()).code(), Code::ResourceExhausted);
        let response = err().into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
    }

    #[test]
    fn stale_version_is_412_with_the_current_etag_and_aborted_over_grpc() {
        let err = || ApiError::Stale {
            what: "manifest",
            expected: 2,
            current: 3,
        };
        let response = err().into_response();
        assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
        assert_eq!(response.headers()[header::ETAG], "\"3\"");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        assert_eq!(Status::from(err()).code(), Code::Aborted);
    }

    #[test]
    fn internal_detail_is_not_sent() {
        let status = Status::from(ApiError::internal("password=hunter2 at db.example"));
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("hunter2"));
    }
}
