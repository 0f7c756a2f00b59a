//! Reading and checking a Prometheus text exposition: samples with their
//! labels, polling until a condition holds, `promtool check metrics`, and
//! the metric contract the chart's dashboards and alerts are written
//! against.

use std::{
    collections::{BTreeMap, BTreeSet},
    time::Duration,
};

use porttrack_testkit::process::Service;

use crate::common::metrics_text;

/// One sample of a Prometheus text exposition.
#[derive(Debug, Clone)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

impl Sample {
    pub fn has(&self, labels: &[(&str, &str)]) -> bool {
        labels
            .iter()
            .all(|(k, v)| self.labels.get(*k).is_some_and(|x| x == v))
    }
}

/// Parses what the exporter writes (label values without escapes).
pub fn parse(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("name and value");
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let labels = labels
                .split("\",")
                .filter(|kv| !kv.is_empty())
                .map(|kv| {
                    let (k, v) = kv.split_once("=\"").expect("label");
                    (k.to_owned(), v.trim_end_matches('"').to_owned())
                })
                .collect();
            Sample {
                name: name.to_owned(),
                labels,
                value: value.parse().expect("value"),
            }
        })
        .collect()
}

pub async fn samples(service: &Service) -> Vec<Sample> {
    parse(&metrics_text(service).await)
}

pub fn matching<'a>(samples: &'a [Sample], name: &str, labels: &[(&str, &str)]) -> Vec<&'a Sample> {
    samples
        .iter()
        .filter(|s| s.name == name && s.has(labels))
        .collect()
}

pub fn sum(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    matching(samples, name, labels)
        .iter()
        .map(|s| s.value)
        .sum()
}

/// Waits until `check` holds for `service`'s metrics; the last samples
/// are in the panic message otherwise.
pub async fn until(service: &Service, what: &str, check: impl Fn(&[Sample]) -> bool) {
    let timeout = Duration::from_secs(60);
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let now = samples(service).await;
        if check(&now) {
            return;
        }
        if tokio::time::Instant::now() >= deadline {
            let shown: Vec<String> = now
                .iter()
                .filter(|s| s.name.starts_with("porttrack_"))
                .map(|s| format!("{} {:?} {}", s.name, s.labels, s.value))
                .collect();
            panic!(
                "timed out after {timeout:?} waiting for: {what}\n{}",
                shown.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Runs `promtool check metrics` on `text`; its complaints, or "" if none.
pub fn promtool_check(text: &str) -> String {
    use std::io::Write;
    let child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "promtool is not installed: this test needs it. Install it with \
             `apt-get install prometheus` (Debian; scripts/test.sh does) or put \
             promtool from a Prometheus release on PATH"
        ),
        Err(e) => panic!("cannot run promtool: {e}"),
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write to promtool");
    let out = child.wait_with_output().expect("promtool");
    let complaints = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() && complaints.trim().is_empty() {
        return format!("promtool exited with {}", out.status);
    }
    complaints.trim().to_owned()
}

/// One line of the metric contract.
#[derive(Debug)]
pub struct Contracted {
    pub name: String,
    pub kind: String,
    pub labels: BTreeSet<String>,
}

/// The metric contract dashboards and alert rules are written against
/// (`helm/porttrack/files/METRICS.txt`), without its external section.
/// `None` while the chart carries no files at all.
pub fn contract() -> Vec<Contracted> {
    let path = format!(
        "{}/../../helm/porttrack/files/METRICS.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let ours = text.split("# --- external").next().unwrap_or_default();
    let lines = ours
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [name, kind, labels] = fields[..] else {
                panic!("{path}: not NAME TYPE LABELS: {line}")
            };
            Contracted {
                name: name.to_owned(),
                kind: kind.to_owned(),
                labels: labels
                    .split(',')
                    .filter(|l| *l != "-")
                    .map(str::to_owned)
                    .collect(),
            }
        })
        .collect()
}
