//! A port call across the services, through the event bus: positions in →
//! routes sees the vessel enter the port approach → the port call becomes
//! approaching → staff opens the pilotage and mooring tasks → cargo takes
//! the manifest for that call. Once with every service in its own process
//! on Kafka and PostgreSQL, once inside `porttrack up`.

mod common;

use std::time::Duration;

use common::{BIN, http, wait_ready};
use porttrack_testkit::{eventually, process::Service, rfc3339, servers, unique};

const MMSI: u32 = 257_700_001;

fn ring(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> serde_json::Value {
    serde_json::json!([
        { "lon": min_lon, "lat": min_lat }, { "lon": max_lon, "lat": min_lat },
        { "lon": max_lon, "lat": max_lat }, { "lon": min_lon, "lat": max_lat },
    ])
}

async fn post(url: String, body: serde_json::Value) -> serde_json::Value {
    let r = http().post(&url).json(&body).send().await.expect("POST");
    let status = r.status();
    let v: serde_json::Value = r.json().await.expect("json");
    assert!(status.is_success(), "POST {url}: {status} {v}");
    v
}

async fn get(url: String) -> Option<serde_json::Value> {
    http()
        .get(url)
        .send()
        .await
        .ok()
        .filter(|r| r.status().is_success())?
        .json()
        .await
        .ok()
}

async fn scenario(ingest: &Service, routes: &Service, staff: &Service, cargo: &Service) {
    for s in [ingest, routes, staff, cargo] {
        wait_ready(s).await;
    }
    // The Oslofjord approach, and a berth inside it.
    post(
        format!("{}/v1/zones", routes.http_url()),
        serde_json::json!({ "name": "Oslo approach", "kind": "port_approach", "ring": ring(10.5, 59.7, 10.8, 59.92) }),
    )
    .await;
    let berth = post(
        format!("{}/v1/zones", routes.http_url()),
        serde_json::json!({ "name": "Sjursøya 1", "kind": "berth", "ring": ring(10.755, 59.885, 10.765, 59.895) }),
    )
    .await;
    let now = porttrack_platform::time::now_ms();
    let call = post(
        format!("{}/v1/port-calls", routes.http_url()),
        serde_json::json!({ "mmsi": MMSI, "destination": "NOOSL", "berth_id": berth["id"], "eta_ms": now + 3_600_000 }),
    )
    .await;
    let call_id = call["id"].as_str().expect("port call id").to_owned();
    assert_eq!(call["state"], "planned");

    // Outside the approach, then inside it, a minute apart.
    for (lat, lon, age_s) in [(59.5, 10.6, 120), (59.75, 10.65, 60)] {
        let ts = now - age_s * 1000;
        let body = serde_json::json!({ "positions": [ {
            "mmsi": MMSI, "lat": lat, "lon": lon, "sog_knots": 12.0,
            "timestamp": rfc3339(ts),
        } ] });
        post(format!("{}/v1/positions", ingest.http_url()), body).await;
    }

    let url = format!("{}/v1/port-calls/{call_id}", routes.http_url());
    eventually("port call approaching", Duration::from_secs(60), || {
        let url = url.clone();
        async move {
            get(url)
                .await
                .filter(|c| c["state"] == "approaching")
                .map(|_| ())
        }
    })
    .await;

    let url = format!("{}/v1/tasks?port_call_id={call_id}", staff.http_url());
    let tasks = eventually("staff tasks for the call", Duration::from_secs(60), || {
        let url = url.clone();
        async move {
            get(url)
                .await
                .filter(|t| t["tasks"].as_array().is_some_and(|a| a.len() >= 2))
        }
    })
    .await;
    let mut kinds: Vec<&str> = tasks["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter_map(|t| t["kind"].as_str())
        .collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["mooring", "pilotage_in"]);

    let manifest = post(
        format!("{}/v1/manifests", cargo.http_url()),
        serde_json::json!({ "port_call_id": call_id, "mmsi": MMSI, "eta_ms": now + 3_600_000 }),
    )
    .await;
    let got = get(format!(
        "{}/v1/manifests/{}",
        cargo.http_url(),
        manifest["id"].as_str().expect("id")
    ))
    .await
    .expect("manifest");
    assert_eq!(got["port_call_id"], call_id);
}

#[tokio::test(flavor = "multi_thread")]
async fn port_call_across_services_on_kafka_and_postgres() {
    let bus = [
        ("PORTTRACK_KAFKA_BROKERS", servers::kafka_brokers()),
        (
            "PORTTRACK_KAFKA_TOPIC_PREFIX",
            format!("{}.", unique("portcall")),
        ),
    ];
    let with_db = |url: String| [&bus[..], &[("PORTTRACK_DATABASE_URL", url)]].concat();
    let ingest = Service::start(BIN, &["ingest"], &bus);
    let routes = Service::start(BIN, &["routes"], &with_db(servers::fresh_postgres().await));
    let staff = Service::start(BIN, &["staff"], &with_db(servers::fresh_postgres().await));
    let cargo = Service::start(BIN, &["cargo"], &with_db(servers::fresh_postgres().await));
    scenario(&ingest, &routes, &staff, &cargo).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn port_call_across_services_inside_porttrack_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let up = Service::start(
        BIN,
        &["up"],
        &[("PORTTRACK_DATA_DIR", dir.path().display().to_string())],
    );
    scenario(&up, &up, &up, &up).await;
}
