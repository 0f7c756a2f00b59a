//! Rate, errors and duration of every request, with bounded labels: the
//! names canary analysis and dashboards query.
//!
//! - gRPC: `grpc_server_started_total`, `grpc_server_handled_total` and the
//!   `grpc_server_handling_seconds` histogram, labelled `grpc_service`,
//!   `grpc_method` (and `grpc_code` once handled), as go-grpc-prometheus
//!   names them. The code comes from the `grpc-status` header (an immediate
//!   error) or trailer (the end of a response or stream).
//! - HTTP: `http_server_requests_total{method,route,status_class}` and the
//!   `http_server_request_duration_seconds{method,route}` histogram. `route`
//!   is the route template (`/v1/vessels/{mmsi}`), never the raw path.

use std::{
    pin::Pin,
    task::{Context, Poll},
    time::Instant,
};

use axum::{
    extract::{MatchedPath, Request},
    http::{HeaderMap, Response},
    middleware::Next,
    response::IntoResponse,
};
use http_body::{Body, Frame, SizeHint};
use tower::{Layer, Service};
use tracing::Instrument as _;

use crate::trace;

pub const GRPC_STARTED: &str = "grpc_server_started_total";
pub const GRPC_HANDLED: &str = "grpc_server_handled_total";
pub const GRPC_SECONDS: &str = "grpc_server_handling_seconds";
pub const HTTP_REQUESTS: &str = "http_server_requests_total";
pub const HTTP_SECONDS: &str = "http_server_request_duration_seconds";

pub fn describe() {
    metrics::describe_counter!(GRPC_STARTED, "gRPC calls started.");
    metrics::describe_counter!(GRPC_HANDLED, "gRPC calls completed, by status code.");
    metrics::describe_histogram!(
        GRPC_SECONDS,
        metrics::Unit::Seconds,
        "gRPC call duration until the last message."
    );
    metrics::describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests, by route template and status class."
    );
    metrics::describe_histogram!(
        HTTP_SECONDS,
        metrics::Unit::Seconds,
        "HTTP request duration until the response head."
    );
}

/// axum middleware for routes (use with `Router::route_layer`, where the
/// matched route template is known).
pub async fn http_red(request: Request, next: Next) -> impl IntoResponse {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let span = trace::http_server(request.headers(), &method, &route, request.uri().path());
    let response = next.run(request).instrument(span.clone()).await;
    trace::http_status(&span, response.status().as_u16());
    let class = match response.status().as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    metrics::counter!(HTTP_REQUESTS, "method" => method.clone(), "route" => route.clone(), "status_class" => class)
        .increment(1);
    metrics::histogram!(HTTP_SECONDS, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Tower layer for the gRPC server.
#[derive(Debug, Clone, Copy, Default)]
pub struct GrpcRedLayer;

impl<S> Layer<S> for GrpcRedLayer {
    type Service = GrpcRed<S>;

    fn layer(&self, inner: S) -> Self::Service {
        GrpcRed { inner }
    }
}

#[derive(Debug, Clone)]
pub struct GrpcRed<S> {
    inner: S,
}

/// What one call is, for its labels; known services only (the path is
/// `/package.Service/Method`, bounded by the services served).
#[derive(Debug, Clone)]
struct Call {
    service: String,
    method: String,
    started: Instant,
    done: bool,
    span: tracing::Span,
}

impl Call {
    fn new(path: &str, headers: &HeaderMap) -> Self {
        let (service, method) = path
            .trim_start_matches('/')
            .split_once('/')
            .unwrap_or(("unknown", "unknown"));
        metrics::counter!(GRPC_STARTED, "grpc_service" => service.to_owned(), "grpc_method" => method.to_owned())
            .increment(1);
        Self {
            span: trace::grpc_server(headers, service, method),
            service: service.to_owned(),
            method: method.to_owned(),
            started: Instant::now(),
            done: false,
        }
    }

    fn finish(&mut self, code: &str) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        trace::grpc_status(&self.span, code.parse().unwrap_or(2));
        let (service, method) = (self.service.clone(), self.method.clone());
        metrics::counter!(GRPC_HANDLED, "grpc_service" => service.clone(), "grpc_method" => method.clone(), "grpc_code" => code_name(code))
            .increment(1);
        metrics::histogram!(GRPC_SECONDS, "grpc_service" => service, "grpc_method" => method)
            .record(self.started.elapsed().as_secs_f64());
    }
}

impl Drop for Call {
    /// A client that goes away mid-call never sees a status: Cancelled.
    fn drop(&mut self) {
        self.finish("1");
    }
}

fn status_of(headers: &HeaderMap) -> Option<&str> {
    headers.get("grpc-status").and_then(|v| v.to_str().ok())
}

/// The canonical name of a numeric gRPC status, as Prometheus users expect.
fn code_name(code: &str) -> &'static str {
    match code {
        "0" => "OK",
        "1" => "Canceled",
        "2" => "Unknown",
        "3" => "InvalidArgument",
        "4" => "DeadlineExceeded",
        "5" => "NotFound",
        "6" => "AlreadyExists",
        "7" => "PermissionDenied",
        "8" => "ResourceExhausted",
        "9" => "FailedPrecondition",
        "10" => "Aborted",
        "11" => "OutOfRange",
        "12" => "Unimplemented",
        "13" => "Internal",
        "14" => "Unavailable",
        "15" => "DataLoss",
        "16" => "Unauthenticated",
        _ => "Unknown",
    }
}

impl<S, ReqBody, ResBody> Service<axum::http::Request<ReqBody>> for GrpcRed<S>
where
    S: Service<axum::http::Request<ReqBody>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
    ResBody: Body + Send + 'static,
{
    type Response = Response<ObservedBody<ResBody>>;
    type Error = S::Error;
    type Future =
        Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: axum::http::Request<ReqBody>) -> Self::Future {
        let mut call = Call::new(request.uri().path(), request.headers());
        let span = call.span.clone();
        let future = span.in_scope(|| self.inner.call(request));
        Box::pin(
            async move {
                let response = future.await?;
                // Trailers-only response: the status is already in the headers.
                if let Some(code) = status_of(response.headers()) {
                    call.finish(code);
                }
                Ok(response.map(|body| ObservedBody {
                    inner: body,
                    call: Some(call),
                }))
            }
            .instrument(span),
        )
    }
}

pin_project_lite::pin_project! {
    /// A response body that records the call when its trailers pass by.
    pub struct ObservedBody<B> {
        #[pin]
        inner: B,
        call: Option<Call>,
    }
}

impl<B: Body> Body for ObservedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let polled = this.inner.poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let (Some(code), Some(call)) =
                    (frame.trailers_ref().and_then(status_of), this.call.as_mut())
                {
                    call.finish(code);
                }
            }
            Poll::Ready(Some(Err(_))) => {
                if let Some(call) = this.call.as_mut() {
                    call.finish("13");
                }
            }
            Poll::Ready(None) => {
                // Ended without any status: gRPC calls that Unknown.
                if let Some(call) = this.call.as_mut() {
                    call.finish("2");
                }
            }
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
