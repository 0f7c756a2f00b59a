//! JSON log lines that name their trace: `trace_id` and `span_id` first,
//! so a log search can jump to the trace and back. The rest of the line is
//! tracing-subscriber's own JSON (event fields flattened, current span).

use opentelemetry::trace::TraceContextExt as _;
use tracing::{Event, Subscriber};
use tracing_subscriber::{
    fmt::{
        FmtContext, FormatEvent, FormatFields,
        format::{Format, Json, JsonFields, Writer},
    },
    registry::LookupSpan,
};

#[derive(Debug)]
pub struct WithTraceIds {
    json: Format<Json>,
}

impl Default for WithTraceIds {
    fn default() -> Self {
        Self {
            json: tracing_subscriber::fmt::format()
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false),
        }
    }
}

impl<S> FormatEvent<S, JsonFields> for WithTraceIds
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, JsonFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let Some((trace_id, span_id)) = ids(ctx) else {
            return self.json.format_event(ctx, writer, event);
        };
        let mut line = String::with_capacity(256);
        self.json.format_event(ctx, Writer::new(&mut line), event)?;
        match line.strip_prefix('{') {
            Some(rest) => write!(
                writer,
                "{{\"trace_id\":\"{trace_id}\",\"span_id\":\"{span_id}\",{rest}"
            ),
            None => writer.write_str(&line),
        }
    }
}

/// The OpenTelemetry ids of the span the event belongs to, if tracing is on
/// and the span is part of a trace.
fn ids<S, N>(ctx: &FmtContext<'_, S, N>) -> Option<(String, String)>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    if !crate::trace::enabled() {
        return None;
    }
    let span = ctx.event_scope()?.next()?;
    let cx = tracing::dispatcher::get_default(|dispatch| {
        tracing_opentelemetry::get_otel_context(&span.id(), dispatch)
    })?;
    let span_ref = cx.span();
    let context = span_ref.span_context();
    context.is_valid().then(|| {
        (
            context.trace_id().to_string(),
            context.span_id().to_string(),
        )
    })
}
