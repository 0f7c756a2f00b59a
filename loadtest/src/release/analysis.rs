//! Canary analysis as the chart's AnalysisTemplates do it
//! (`helm/porttrack/templates/_analysis.tpl`), computed from two scrapes of
//! the new instances' `/metrics` one interval apart instead of from
//! Prometheus' `rate()` over the same window:
//!
//! - gRPC error ratio: `grpc_server_handled_total` with a server-fault
//!   `grpc_code`, over all handled calls; health and reflection left out.
//! - HTTP error ratio: `http_server_requests_total{status_class="5xx"}` over
//!   all requests.
//! - p99 of `grpc_server_handling_seconds` and
//!   `http_server_request_duration_seconds` (long-lived streams left out),
//!   interpolated within the bucket as `histogram_quantile` does.
//!
//! Thresholds are the chart's defaults (`canary.analysis` in values.yaml). A
//! measurement with no traffic has no value: it is inconclusive, never a
//! success.

use std::collections::BTreeMap;

use serde::Serialize;

pub use crate::prom::Scrape;
use crate::prom::{Sample, quantile};

/// The chart's `canary.analysis` defaults (a test keeps them in step).
pub const GRPC_ERROR_CODES: &[&str] = &[
    "Unknown",
    "Internal",
    "Unavailable",
    "DeadlineExceeded",
    "DataLoss",
    "Unimplemented",
];
pub const MAX_GRPC_ERROR_RATIO: f64 = 0.01;
pub const MAX_HTTP_ERROR_RATIO: f64 = 0.01;
pub const MAX_GRPC_P99_SECONDS: f64 = 0.5;
pub const MAX_HTTP_P99_SECONDS: f64 = 0.5;
/// Argo's failureLimit: this many failed measurements are tolerated.
pub const FAILURE_LIMIT: u32 = 1;
const INFRA_SERVICES: &[&str] = &[
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Successful,
    Failed,
    Inconclusive,
}

/// One analysis run over one interval.
#[derive(Debug, Clone, Serialize)]
pub struct Measurement {
    pub grpc_error_ratio: Option<f64>,
    pub http_error_ratio: Option<f64>,
    pub grpc_p99_s: Option<f64>,
    pub http_p99_s: Option<f64>,
    pub verdict: Verdict,
}

/// Which gRPC methods the latency leaves out: long-lived server streams
/// (the live feeds). The chart leaves out every `Stream.*` method and so
/// does not gate ingest on gRPC p99 at all (`services.ingest.analysis.
/// grpcLatency: false`): a real feed's upload stream lasts as long as its
/// connection. The harness's uploads are short batches answered once, so
/// here they count and only ships' live feed is left out.
fn latency_excluded(labels: &BTreeMap<String, String>) -> bool {
    labels.get("grpc_service").map(String::as_str) == Some("porttrack.ships.v1.ShipsService")
        && labels
            .get("grpc_method")
            .is_some_and(|m| m.starts_with("Stream"))
}

/// Analyses the new instances' traffic between two scrapes. Without
/// `judge_latency` the p99s are measured and reported but decide nothing
/// (see `Options::judge_latency`).
pub fn measure(before: &Scrape, after: &Scrape, judge_latency: bool) -> Measurement {
    let d: Vec<Sample> = after.since(before).collect();
    let not_infra = |s: &&Sample| !is_infra(&s.labels);
    let grpc: Vec<&Sample> = d
        .iter()
        .filter(|s| s.name == "grpc_server_handled_total")
        .filter(not_infra)
        .collect();
    let grpc_error_ratio = ratio(
        grpc.iter()
            .filter(|s| {
                s.labels
                    .get("grpc_code")
                    .is_some_and(|c| GRPC_ERROR_CODES.contains(&c.as_str()))
            })
            .map(|s| s.value)
            .sum(),
        grpc.iter().map(|s| s.value).sum(),
    );
    let http: Vec<&Sample> = d
        .iter()
        .filter(|s| s.name == "http_server_requests_total")
        .collect();
    let http_error_ratio = ratio(
        http.iter()
            .filter(|s| s.labels.get("status_class").map(String::as_str) == Some("5xx"))
            .map(|s| s.value)
            .sum(),
        http.iter().map(|s| s.value).sum(),
    );
    let grpc_p99_s = quantile(
        0.99,
        d.iter().filter(|s| {
            s.name == "grpc_server_handling_seconds_bucket"
                && not_infra(s)
                && !latency_excluded(&s.labels)
        }),
    );
    let http_p99_s = quantile(
        0.99,
        d.iter().filter(|s| {
            s.name == "http_server_request_duration_seconds_bucket"
                && !s
                    .labels
                    .get("route")
                    .is_some_and(|r| r.ends_with("/stream"))
        }),
    );
    let mut checks = vec![
        (grpc_error_ratio, MAX_GRPC_ERROR_RATIO),
        (http_error_ratio, MAX_HTTP_ERROR_RATIO),
    ];
    if judge_latency {
        checks.extend([
            (grpc_p99_s, MAX_GRPC_P99_SECONDS),
            (http_p99_s, MAX_HTTP_P99_SECONDS),
        ]);
    }
    let verdict = if checks.iter().any(|(v, max)| v.is_some_and(|v| v > *max)) {
        Verdict::Failed
    } else if checks.iter().any(|(v, _)| v.is_none()) {
        Verdict::Inconclusive
    } else {
        Verdict::Successful
    };
    Measurement {
        grpc_error_ratio,
        http_error_ratio,
        grpc_p99_s,
        http_p99_s,
        verdict,
    }
}

/// API calls started (gRPC) or answered (HTTP) between two scrapes; health
/// and reflection left out.
pub fn started(before: &Scrape, after: &Scrape) -> u64 {
    after
        .since(before)
        .filter(|s| {
            (s.name == "grpc_server_started_total" && !is_infra(&s.labels))
                || s.name == "http_server_requests_total"
        })
        .map(|s| s.value)
        .sum::<f64>() as u64
}

fn is_infra(labels: &BTreeMap<String, String>) -> bool {
    labels
        .get("grpc_service")
        .is_some_and(|v| INFRA_SERVICES.contains(&v.as_str()))
}

fn ratio(part: f64, whole: f64) -> Option<f64> {
    // `+ 0.0`: an empty sum is -0.0, which would print as "-0.0000".
    (whole > 0.0).then(|| part / whole + 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = r#"# TYPE grpc_server_handled_total counter
grpc_server_handled_total{grpc_service="porttrack.ships.v1.ShipsService",grpc_method="GetVessel",grpc_code="OK"} 100
grpc_server_handled_total{grpc_service="grpc.health.v1.Health",grpc_method="Check",grpc_code="OK"} 50
http_server_requests_total{method="POST",route="/v1/positions",status_class="2xx"} 10
grpc_server_handling_seconds_bucket{grpc_service="porttrack.ships.v1.ShipsService",grpc_method="GetVessel",le="0.01"} 100
grpc_server_handling_seconds_bucket{grpc_service="porttrack.ships.v1.ShipsService",grpc_method="GetVessel",le="+Inf"} 100
http_server_request_duration_seconds_bucket{method="POST",route="/v1/positions",le="0.1"} 10
http_server_request_duration_seconds_bucket{method="POST",route="/v1/positions",le="+Inf"} 10
"#;

    /// The value of the one `key:` line in the chart's values.yaml.
    fn chart_default(key: &str) -> String {
        let values = include_str!("../../../helm/porttrack/values.yaml");
        let prefix = format!("{key}:");
        let mut lines = values
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with(&prefix));
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("{key} not in values.yaml"));
        assert!(
            lines.next().is_none(),
            "{key} more than once in values.yaml"
        );
        line[prefix.len()..].trim().to_owned()
    }

    #[test]
    fn thresholds_are_the_charts_defaults() {
        let number = |key: &str| chart_default(key).parse::<f64>().unwrap();
        assert_eq!(number("maxGrpcErrorRatio"), MAX_GRPC_ERROR_RATIO);
        assert_eq!(number("maxHttpErrorRatio"), MAX_HTTP_ERROR_RATIO);
        assert_eq!(number("maxGrpcP99Seconds"), MAX_GRPC_P99_SECONDS);
        assert_eq!(number("maxHttpP99Seconds"), MAX_HTTP_P99_SECONDS);
        assert_eq!(number("failureLimit"), f64::from(FAILURE_LIMIT));
        assert_eq!(
            chart_default("grpcErrorCodes"),
            format!("[{}]", GRPC_ERROR_CODES.join(", "))
        );
    }

    #[test]
    fn no_traffic_is_inconclusive_never_successful() {
        let m = measure(&Scrape::of(BEFORE), &Scrape::of(BEFORE), true);
        assert_eq!(m.verdict, Verdict::Inconclusive);
        assert_eq!(m.grpc_error_ratio, None);
        assert_eq!(m.grpc_p99_s, None);
    }

    #[test]
    fn errors_over_the_limit_fail_and_health_is_left_out() {
        let after = BEFORE
            .replace("grpc_code=\"OK\"} 100", "grpc_code=\"OK\"} 190")
            .replace("grpc_code=\"OK\"} 50", "grpc_code=\"OK\"} 5000")
            .replace("le=\"0.01\"} 100", "le=\"0.01\"} 200")
            .replace("le=\"+Inf\"} 100", "le=\"+Inf\"} 200")
            .replace("} 10\n", "} 20\n")
            + "grpc_server_handled_total{grpc_service=\"porttrack.ships.v1.ShipsService\",grpc_method=\"GetVessel\",grpc_code=\"Internal\"} 10\n";
        let m = measure(&Scrape::of(BEFORE), &Scrape::of(&after), true);
        assert_eq!(m.grpc_error_ratio, Some(0.1));
        assert_eq!(m.http_error_ratio, Some(0.0));
        assert_eq!(m.verdict, Verdict::Failed);
        // 99 of 100 calls at or under 10 ms: interpolated inside the bucket.
        let p99 = m.grpc_p99_s.unwrap();
        assert!((p99 - 0.0099).abs() < 1e-9, "{p99}");
    }

    #[test]
    fn clean_traffic_on_every_measure_is_successful() {
        let after = BEFORE
            .replace("grpc_code=\"OK\"} 100", "grpc_code=\"OK\"} 300")
            .replace("le=\"0.01\"} 100", "le=\"0.01\"} 300")
            .replace("le=\"+Inf\"} 100", "le=\"+Inf\"} 300")
            .replace("} 10\n", "} 20\n");
        let m = measure(&Scrape::of(BEFORE), &Scrape::of(&after), true);
        assert_eq!(m.verdict, Verdict::Successful, "{m:?}");
    }

    #[test]
    fn slow_calls_fail_only_when_latency_is_judged() {
        let slow = Scrape::of(
            r#"grpc_server_handled_total{grpc_service="s",grpc_method="M",grpc_code="OK"} 100
http_server_requests_total{method="POST",route="/v1/positions",status_class="2xx"} 10
grpc_server_handling_seconds_bucket{grpc_service="s",grpc_method="M",le="0.5"} 0
grpc_server_handling_seconds_bucket{grpc_service="s",grpc_method="M",le="2"} 100
grpc_server_handling_seconds_bucket{grpc_service="s",grpc_method="M",le="+Inf"} 100
http_server_request_duration_seconds_bucket{method="POST",route="/v1/positions",le="0.1"} 10
http_server_request_duration_seconds_bucket{method="POST",route="/v1/positions",le="+Inf"} 10
"#,
        );
        let m = measure(&Scrape::default(), &slow, false);
        assert_eq!(m.verdict, Verdict::Successful, "{m:?}");
        let p99 = m.grpc_p99_s.unwrap();
        assert!((p99 - 1.985).abs() < 1e-9, "{p99}");
        assert_eq!(
            measure(&Scrape::default(), &slow, true).verdict,
            Verdict::Failed
        );
    }
}
