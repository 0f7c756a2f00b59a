//! A release drill: `PORTTRACK_FAULT_ERROR_RATIO` makes a share of API calls
//! fail as a broken build would (gRPC `INTERNAL`, HTTP 500 problem+json), so
//! canary analysis can be shown to abort a bad release. Off (0) unless set;
//! the flag is hidden from `--help` because no production deployment wants it.
//!
//! The layers sit inside the RED metrics layers, so the errors are counted
//! exactly as a real fault would be, and never touch health, readiness,
//! `/metrics` or reflection: a failing canary must still look alive and be
//! scraped, or analysis would see "no data" instead of errors.

use std::{
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    task::{Context, Poll},
};

use axum::{
    extract::{Request, State},
    http::Response,
    middleware::Next,
    response::IntoResponse,
};
use tower::{Layer, Service};

use crate::api_error::ApiError;

/// Which calls fail: every call whose running count crosses a multiple of
/// `1 / ratio`, so exactly that share fails, evenly spread and repeatable
/// (no randomness to make a drill flaky).
#[derive(Debug, Clone, Default)]
pub struct Fault {
    ratio: f64,
    calls: Arc<AtomicU64>,
}

impl Fault {
    pub fn new(ratio: f64) -> Self {
        Self {
            ratio: ratio.clamp(0.0, 1.0),
            calls: Arc::default(),
        }
    }

    pub fn is_on(&self) -> bool {
        self.ratio > 0.0
    }

    /// Whether this call is one of the failing share.
    fn strikes(&self) -> bool {
        if !self.is_on() {
            return false;
        }
        let n = self.calls.fetch_add(1, Ordering::Relaxed) as f64;
        ((n + 1.0) * self.ratio).floor() > (n * self.ratio).floor()
    }
}

/// Health and reflection are infrastructure, not the API under test.
fn is_infra(path: &str) -> bool {
    path.starts_with("/grpc.health.") || path.starts_with("/grpc.reflection.")
}

/// axum middleware for the REST routes (a `route_layer`, so `/metrics` and
/// `/health/*`, merged afterwards, never pass through it).
pub async fn http_fault(
    State(fault): State<Fault>,
    request: Request,
    next: Next,
) -> Response<axum::body::Body> {
    if fault.strikes() {
        return ApiError::internal("fault drill (PORTTRACK_FAULT_ERROR_RATIO)").into_response();
    }
    next.run(request).await
}

/// Tower layer for the gRPC server.
#[derive(Debug, Clone, Default)]
pub struct GrpcFaultLayer(pub Fault);

impl<S> Layer<S> for GrpcFaultLayer {
    type Service = GrpcFault<S>;

    fn layer(&self, inner: S) -> Self::Service {
        GrpcFault {
            inner,
            fault: self.0.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct GrpcFault<S> {
    inner: S,
    fault: Fault,
}

impl<S, ReqBody, ResBody> Service<axum::http::Request<ReqBody>> for GrpcFault<S>
where
    S: Service<axum::http::Request<ReqBody>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future =
        Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: axum::http::Request<ReqBody>) -> Self::Future {
        if !is_infra(request.uri().path()) && self.fault.strikes() {
            tracing::warn!(
                path = request.uri().path(),
                "fault drill: failing this call"
            );
            let status = tonic::Status::internal("fault drill (PORTTRACK_FAULT_ERROR_RATIO)");
            return Box::pin(std::future::ready(Ok(status.into_http())));
        }
        Box::pin(self.inner.call(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_that_fails_is_the_ratio_exactly() {
        for (ratio, of, fails) in [(0.0, 1000, 0), (0.2, 1000, 200), (0.5, 10, 5), (1.0, 7, 7)] {
            let f = Fault::new(ratio);
            let n = (0..of).filter(|_| f.strikes()).count();
            assert_eq!(n, fails, "ratio {ratio}");
        }
    }

    #[test]
    fn health_and_reflection_are_never_failed() {
        assert!(is_infra("/grpc.health.v1.Health/Check"));
        assert!(is_infra(
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
        ));
        assert!(!is_infra("/porttrack.ships.v1.ShipsService/GetVessel"));
    }
}
