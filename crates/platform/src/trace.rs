//! Spans that follow one AIS report across processes, named as the
//! OpenTelemetry semantic conventions name them, and the W3C trace context
//! (`traceparent`, `tracestate`) that carries a trace over gRPC metadata,
//! HTTP headers and Kafka record headers.
//!
//! The server layers, the event bus and the consumers call these helpers,
//! so a service gets its spans without writing any. Every helper returns
//! [`Span::none`] until [`crate::telemetry::init`] turns export on: with no
//! exporter configured, the hot paths create no span at all.

use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::HeaderMap;
use bytes::Bytes;
use opentelemetry::{
    Context,
    propagation::{Extractor, Injector, TextMapPropagator as _},
    trace::TraceContextExt as _,
};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing::{Span, field::Empty};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use crate::bus::Record;

static ENABLED: AtomicBool = AtomicBool::new(false);

/// At most this many links on a batch span; the rest of a large batch is
/// counted, not linked.
const MAX_LINKS: usize = 128;

/// Whether spans are being exported.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

pub(crate) fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// A gRPC server call, `package.Service/Method`, child of the caller's
/// trace when the metadata carries one.
pub fn grpc_server(headers: &HeaderMap, service: &str, method: &str) -> Span {
    if !enabled() {
        return Span::none();
    }
    let span = tracing::info_span!(
        "grpc",
        otel.name = format!("{service}/{method}"),
        otel.kind = "server",
        otel.status_code = Empty,
        rpc.system = "grpc",
        rpc.service = service,
        rpc.method = method,
        rpc.grpc.status_code = Empty,
    );
    let _ = span.set_parent(from_headers(headers));
    span
}

/// Records the outcome of a gRPC call; server-side failures mark the span
/// as an error, client mistakes (NotFound, InvalidArgument, ...) do not.
pub fn grpc_status(span: &Span, code: u16) {
    span.record("rpc.grpc.status_code", code);
    // Unknown, DeadlineExceeded, Unimplemented, Internal, Unavailable, DataLoss.
    if matches!(code, 2 | 4 | 12 | 13 | 14 | 15) {
        span.record("otel.status_code", "ERROR");
    }
}

/// An HTTP request to a route, named `METHOD /route/{template}`.
pub fn http_server(headers: &HeaderMap, method: &str, route: &str, path: &str) -> Span {
    if !enabled() {
        return Span::none();
    }
    let span = tracing::info_span!(
        "http",
        otel.name = format!("{method} {route}"),
        otel.kind = "server",
        otel.status_code = Empty,
        http.request.method = method,
        http.route = route,
        url.path = path,
        http.response.status_code = Empty,
    );
    let _ = span.set_parent(from_headers(headers));
    span
}

pub fn http_status(span: &Span, status: u16) {
    span.record("http.response.status_code", status);
    if status >= 500 {
        span.record("otel.status_code", "ERROR");
    }
}

/// A record being sent to `topic` (the broker's name, prefix included),
/// child of the current span. Its context goes into the record's headers
/// ([`record_headers`]); the span ends when the broker acknowledges.
pub fn kafka_send(topic: &str, key: &[u8]) -> Span {
    if !enabled() {
        return Span::none();
    }
    tracing::info_span!(
        "send",
        otel.name = format!("send {topic}"),
        otel.kind = "producer",
        otel.status_code = Empty,
        messaging.system = "kafka",
        messaging.operation.type = "send",
        messaging.operation.name = "send",
        messaging.destination.name = topic,
        messaging.kafka.message.key = String::from_utf8_lossy(key).as_ref(),
        messaging.destination.partition.id = Empty,
        messaging.kafka.offset = Empty,
    )
}

/// A batch of records being processed. The span continues the trace of the
/// first traced record and links the others, so a report read alone stays
/// in one trace from receiver to store, and a batch still points at every
/// report in it.
pub fn kafka_process(topic: &str, group: Option<&str>, records: &[Record]) -> Span {
    if !enabled() {
        return Span::none();
    }
    let span = tracing::info_span!(
        "process",
        otel.name = format!("process {topic}"),
        otel.kind = "consumer",
        otel.status_code = Empty,
        messaging.system = "kafka",
        messaging.operation.type = "process",
        messaging.operation.name = "process",
        messaging.destination.name = topic,
        messaging.consumer.group.name = group,
        messaging.batch.message_count = records.len(),
    );
    let mut contexts = records
        .iter()
        .map(|r| from_record(&r.headers))
        .filter(|cx| cx.span().span_context().is_valid());
    if let Some(parent) = contexts.next() {
        let _ = span.set_parent(parent);
    }
    for cx in contexts.take(MAX_LINKS) {
        span.add_link(cx.span().span_context().clone());
    }
    span
}

/// Work done later on behalf of a traced request (an outbox event being
/// published), in that request's trace.
pub fn resumed(name: &'static str, traceparent: Option<&str>) -> Span {
    if !enabled() {
        return Span::none();
    }
    let span = tracing::info_span!("resumed", otel.name = name, otel.kind = "internal");
    if let Some(traceparent) = traceparent {
        let headers = [(
            "traceparent".to_owned(),
            Bytes::copy_from_slice(traceparent.as_bytes()),
        )];
        let _ = span.set_parent(from_record(&headers));
    }
    span
}

/// A database call, named `OPERATION collection` (`SELECT track_points`),
/// child of the current span.
pub fn db_call(pool: &sqlx::AnyPool, operation: &'static str, collection: &'static str) -> Span {
    if !enabled() {
        return Span::none();
    }
    let system = match pool.connect_options().database_url.scheme() {
        "postgres" | "postgresql" => "postgresql",
        "sqlite" => "sqlite",
        _ => "other_sql",
    };
    tracing::info_span!(
        "db",
        otel.name = format!("{operation} {collection}"),
        otel.kind = "client",
        otel.status_code = Empty,
        db.system.name = system,
        db.operation.name = operation,
        db.collection.name = collection,
    )
}

/// The `traceparent`/`tracestate` headers that continue `span`'s trace.
pub fn record_headers(span: &Span) -> Vec<(&'static str, String)> {
    let mut carrier = Carrier(Vec::with_capacity(2));
    TraceContextPropagator::new().inject_context(&span.context(), &mut carrier);
    carrier.0
}

/// The trace context an HTTP or gRPC request carries.
pub fn from_headers(headers: &HeaderMap) -> Context {
    TraceContextPropagator::new().extract(&HttpHeaders(headers))
}

/// The trace context a Kafka record carries.
pub fn from_record(headers: &[(String, Bytes)]) -> Context {
    TraceContextPropagator::new().extract(&RecordHeaders(headers))
}

struct Carrier(Vec<(&'static str, String)>);

impl Injector for Carrier {
    fn set(&mut self, key: &str, value: String) {
        let key = match key {
            "traceparent" => "traceparent",
            "tracestate" => "tracestate",
            _ => return,
        };
        self.0.push((key, value));
    }
}

struct HttpHeaders<'a>(&'a HeaderMap);

impl Extractor for HttpHeaders<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

struct RecordHeaders<'a>(&'a [(String, Bytes)]);

impl Extractor for RecordHeaders<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.iter().map(|(k, _)| k.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn context_is_read_from_http_and_record_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("traceparent", PARENT.parse().unwrap());
        let cx = from_headers(&headers);
        let span = cx.span();
        assert_eq!(
            span.span_context().trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert!(span.span_context().is_remote());

        let record = vec![(
            "traceparent".to_owned(),
            Bytes::from_static(PARENT.as_bytes()),
        )];
        let cx = from_record(&record);
        assert_eq!(
            cx.span().span_context().span_id().to_string(),
            "00f067aa0ba902b7"
        );
    }

    #[test]
    fn garbage_headers_give_no_parent() {
        let record = vec![("traceparent".to_owned(), Bytes::from_static(b"not-a-trace"))];
        assert!(!from_record(&record).span().span_context().is_valid());
        assert!(
            !from_headers(&HeaderMap::new())
                .span()
                .span_context()
                .is_valid()
        );
    }

    #[test]
    fn nothing_is_traced_until_export_is_on() {
        // The flag is process-wide and never set in unit tests.
        assert!(!enabled());
        assert!(kafka_send("t", b"1").is_none());
        assert!(grpc_server(&HeaderMap::new(), "s", "m").is_none());
        assert!(record_headers(&Span::none()).is_empty());
    }
}
