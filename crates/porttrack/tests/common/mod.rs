//! What the end-to-end tests share: the gpsd sample and its expected
//! decodes, and small clients for the services' REST, gRPC and metrics.

#![allow(dead_code)]

use std::{collections::BTreeMap, time::Duration};

use porttrack_testkit::{eventually, process::Service};

pub const BIN: &str = env!("CARGO_BIN_EXE_porttrack");

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../tests/fixtures/ais/gpsd/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The sentences of gpsd's sample (comment and blank lines dropped), as a
/// feed would send them: 1 of them is malformed.
pub fn sample_sentences() -> String {
    fixture("sample.aivdm")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| format!("{l}\r\n"))
        .collect()
}

/// A position gpsd decoded, and how precisely it printed it.
#[derive(Debug, Clone)]
pub struct Expected {
    pub mmsi: u32,
    pub lat: f64,
    pub lon: f64,
    /// Half of the last printed digit.
    pub tolerance: f64,
    pub speed: Option<f64>,
}

/// Latest position per vessel from gpsd's own expected output
/// (`sample.aivdm.js.chk`), for the position types PortTrack tracks.
pub fn expected_positions() -> BTreeMap<u32, Expected> {
    let mut out = BTreeMap::new();
    for line in fixture("sample.aivdm.js.chk").lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("gpsd JSON");
        if ![1, 2, 3, 18, 19, 27].contains(&v["type"].as_u64().unwrap_or(0)) {
            continue;
        }
        let (Some(lat), Some(lon)) = (v["lat"].as_f64(), v["lon"].as_f64()) else {
            continue;
        };
        let decimals = printed_decimals(line, "lat").min(printed_decimals(line, "lon"));
        let mmsi = v["mmsi"].as_u64().expect("mmsi") as u32;
        let speed = v["speed"].as_f64().filter(|s| *s < 102.3);
        out.insert(
            mmsi,
            Expected {
                mmsi,
                lat,
                lon,
                tolerance: 0.5 * 10f64.powi(-(decimals as i32)),
                speed,
            },
        );
    }
    out
}

fn printed_decimals(line: &str, key: &str) -> usize {
    let start = line.find(&format!("\"{key}\":")).expect("key") + key.len() + 3;
    let number: String = line[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    number.split_once('.').map_or(0, |(_, frac)| frac.len())
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// `porttrack up` on embedded defaults in a fresh data directory, ready to
/// serve. The directory goes when the returned guard is dropped.
pub async fn up_ready() -> (Service, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let up = Service::start(
        BIN,
        &["up"],
        &[("PORTTRACK_DATA_DIR", dir.path().display().to_string())],
    );
    wait_ready(&up).await;
    (up, dir)
}

pub async fn wait_ready(service: &Service) {
    let url = format!("{}/health/ready", service.http_url());
    let client = http();
    eventually(&format!("{url} ready"), Duration::from_secs(60), || {
        let req = client.get(&url).send();
        async move {
            req.await
                .ok()
                .filter(|r| r.status().is_success())
                .map(|_| ())
        }
    })
    .await;
}

/// One sample from a Prometheus exposition, e.g.
/// `porttrack_ingest_inputs_rejected_total{transport="tcp",reason="malformed"}`.
pub async fn metric(service: &Service, series: &str) -> f64 {
    metrics_text(service)
        .await
        .lines()
        .find_map(|l| {
            l.strip_prefix(series)
                .and_then(|rest| rest.trim().parse().ok())
        })
        .unwrap_or(0.0)
}

/// Sum of every series of `name` whose labels contain `labels`.
pub async fn metric_sum(service: &Service, name: &str, labels: &str) -> f64 {
    metrics_text(service)
        .await
        .lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) && l.contains(labels))
        .filter_map(|l| l.rsplit_once(' ').and_then(|(_, v)| v.parse::<f64>().ok()))
        .sum()
}

pub async fn metrics_text(service: &Service) -> String {
    http()
        .get(format!("{}/metrics", service.http_url()))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text")
}

pub async fn send_tcp(service: &Service, text: &str) {
    use tokio::io::AsyncWriteExt;
    let mut stream = tokio::net::TcpStream::connect(service.addr("nmea"))
        .await
        .expect("connect NMEA");
    stream.write_all(text.as_bytes()).await.expect("write");
    stream.shutdown().await.expect("shutdown");
}
