//! Logs, traces and metrics, set up once per process whatever runs in it.
//!
//! - Logs are JSON lines on stderr (stdout belongs to commands such as
//!   `porttrack ais decode`); `RUST_LOG` filters them. Inside a traced span
//!   every line carries `trace_id` and `span_id` ([`logfmt`]).
//! - Traces go over OTLP/gRPC when the standard variables ask for it
//!   (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
//!   or `OTEL_TRACES_EXPORTER=otlp`); `OTEL_SERVICE_NAME`,
//!   `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER(_ARG)` and `OTEL_BSP_*`
//!   are read by the SDK. With none of them set there is no exporter, no
//!   OpenTelemetry layer and no span on the hot paths ([`crate::trace`]).
//! - Metrics go to one global Prometheus recorder that every service in the
//!   process shares, rendered on `/metrics`.

mod logfmt;

use std::sync::{Mutex, OnceLock};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::{Resource, trace::SdkTracerProvider};
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

static PROMETHEUS: OnceLock<PrometheusHandle> = OnceLock::new();
static PROVIDER: Mutex<Option<SdkTracerProvider>> = Mutex::new(None);

/// Keeps the trace exporter alive; [`Telemetry::shutdown`] (or dropping it)
/// sends the spans still buffered, so the last requests before a stop are
/// not missing from their traces.
#[derive(Debug)]
#[must_use = "dropping the guard stops trace export"]
pub struct Telemetry {
    owns_provider: bool,
}

impl Telemetry {
    /// Flushes and stops the exporter without blocking the runtime.
    pub async fn shutdown(mut self) {
        if std::mem::take(&mut self.owns_provider) {
            let _ = tokio::task::spawn_blocking(stop_provider).await;
        }
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if self.owns_provider {
            stop_provider();
        }
    }
}

fn stop_provider() {
    let provider = PROVIDER.lock().map(|mut p| p.take()).unwrap_or_default();
    if let Some(provider) = provider
        && let Err(err) = provider.shutdown()
    {
        eprintln!("trace export did not stop cleanly: {err}");
    }
}

/// Installs logging and, when configured, trace export for a process whose
/// spans belong to `service` (unless `OTEL_SERVICE_NAME` says otherwise).
/// Calling it again is harmless, so tests that start several services in
/// one process may each call it; only the first call exports.
pub fn init(service: &str) -> Telemetry {
    let env = |name: &str| std::env::var(name).ok();
    let provider = match traces_wanted(env) {
        Ok(true) => match build_provider(service) {
            Ok(provider) => Some(provider),
            Err(err) => {
                eprintln!("trace export disabled: {err}");
                None
            }
        },
        Ok(false) => None,
        Err(message) => {
            eprintln!("trace export disabled: {message}");
            None
        }
    };
    let installed = install(provider.as_ref());
    let owns_provider = match provider {
        Some(provider) if installed => {
            *PROVIDER.lock().expect("provider lock") = Some(provider);
            crate::trace::enable();
            tracing::info!(service, "exporting traces over OTLP");
            true
        }
        Some(provider) => {
            let _ = provider.shutdown();
            false
        }
        None => false,
    };
    Telemetry { owns_provider }
}

/// Logs only, for tests and commands that export nothing.
pub fn init_logs() {
    install(None);
}

/// Installs the global subscriber; false if one was already installed.
fn install(provider: Option<&SdkTracerProvider>) -> bool {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = fmt::layer()
        .json()
        .event_format(logfmt::WithTraceIds::default())
        .with_writer(std::io::stderr);
    let otel = provider.map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("porttrack")));
    tracing_subscriber::registry()
        .with(filter)
        .with(logs)
        .with(otel)
        .try_init()
        .is_ok()
}

/// Whether the `OTEL_*` variables ask for trace export. Only OTLP over gRPC
/// is built in; asking for anything else is said, not ignored.
fn traces_wanted(env: impl Fn(&str) -> Option<String>) -> Result<bool, String> {
    let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    if var("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Ok(false);
    }
    let endpoint =
        var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").or_else(|| var("OTEL_EXPORTER_OTLP_ENDPOINT"));
    let wanted = match var("OTEL_TRACES_EXPORTER").as_deref() {
        Some("none") => return Ok(false),
        Some("otlp") => true,
        Some(other) => {
            return Err(format!(
                "OTEL_TRACES_EXPORTER={other} is not supported (use otlp or none)"
            ));
        }
        None => endpoint.is_some(),
    };
    let protocol =
        var("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL").or_else(|| var("OTEL_EXPORTER_OTLP_PROTOCOL"));
    match protocol.as_deref() {
        None | Some("grpc") => Ok(wanted),
        Some(other) => Err(format!(
            "OTEL_EXPORTER_OTLP_PROTOCOL={other} is not supported (use grpc)"
        )),
    }
}

fn build_provider(service: &str) -> Result<SdkTracerProvider, String> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .build()
        .map_err(|e| e.to_string())?;
    // The SDK's detectors read OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES;
    // the service's own name applies only when neither names it.
    let detected = Resource::builder().build();
    let named = detected
        .get(&opentelemetry::Key::from_static_str("service.name"))
        .is_some_and(|v| !v.as_str().starts_with("unknown_service"));
    let resource = if named {
        detected
    } else {
        Resource::builder()
            .with_service_name(service.to_owned())
            .build()
    };
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

/// The process-wide Prometheus recorder, installed on first use.
pub fn prometheus() -> &'static PrometheusHandle {
    PROMETHEUS.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets(&[
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                10.0,
            ])
            .expect("bucket list is not empty")
            // AIS reports reach us seconds to minutes after they were
            // made; request-sized buckets would put them all in +Inf.
            .set_buckets_for_metric(
                Matcher::Suffix("event_time_lag_seconds".into()),
                &[
                    0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
                ],
            )
            .expect("bucket list is not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed (a test harness); then
        // this handle renders nothing, which is visible, not fatal.
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics will be empty");
        }
        handle
    })
}

#[cfg(test)]
mod tests {
    use super::traces_wanted;

    fn wanted(vars: &[(&str, &str)]) -> Result<bool, String> {
        traces_wanted(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn nothing_set_means_no_export() {
        assert_eq!(wanted(&[]), Ok(false));
        assert_eq!(wanted(&[("OTEL_SERVICE_NAME", "x")]), Ok(false));
    }

    #[test]
    fn an_endpoint_or_the_otlp_exporter_turns_export_on() {
        let endpoint = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317");
        assert_eq!(wanted(&[endpoint]), Ok(true));
        assert_eq!(
            wanted(&[("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4317")]),
            Ok(true)
        );
        assert_eq!(wanted(&[("OTEL_TRACES_EXPORTER", "otlp")]), Ok(true));
        assert_eq!(
            wanted(&[endpoint, ("OTEL_TRACES_EXPORTER", "none")]),
            Ok(false)
        );
        assert_eq!(
            wanted(&[endpoint, ("OTEL_SDK_DISABLED", "TRUE")]),
            Ok(false)
        );
        assert_eq!(wanted(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "  ")]), Ok(false));
    }

    #[test]
    fn unsupported_exporters_and_protocols_are_named() {
        let err = wanted(&[("OTEL_TRACES_EXPORTER", "zipkin")]).unwrap_err();
        assert!(err.contains("OTEL_TRACES_EXPORTER=zipkin"), "{err}");
        let err = wanted(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ])
        .unwrap_err();
        assert!(err.contains("http/protobuf"), "{err}");
    }
}
