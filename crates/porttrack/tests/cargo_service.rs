//! The cargo service as Kubernetes runs it (its own process, PostgreSQL,
//! Kafka) and as part of `porttrack up`: a manifest created with an
//! idempotency key exists once, however often the request is retried.

mod common;

use common::{BIN, http, up_ready, wait_ready};
use porttrack_testkit::{process::Service, servers, unique};

async fn create_twice_then_read(service: &Service) {
    let url = format!("{}/v1/manifests", service.http_url());
    let body = serde_json::json!({ "port_call_id": unique("call"), "mmsi": 257_600_001, "eta_ms": 1_900_000_000_000i64 });
    let key = unique("key");
    let first = http()
        .post(&url)
        .header("Idempotency-Key", &key)
        .json(&body)
        .send()
        .await
        .expect("POST");
    assert_eq!(first.status(), 201);
    let created: serde_json::Value = first.json().await.expect("json");
    let retry = http()
        .post(&url)
        .header("Idempotency-Key", &key)
        .json(&body)
        .send()
        .await
        .expect("POST again");
    assert!(retry.status().is_success());
    let again: serde_json::Value = retry.json().await.expect("json");
    assert_eq!(
        again["id"], created["id"],
        "a retried create returns the original"
    );

    let id = created["id"].as_str().expect("id");
    let got = http().get(format!("{url}/{id}")).send().await.expect("GET");
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["etag"], "\"1\"");
    let listed: serde_json::Value = http()
        .get(format!("{url}?mmsi=257600001"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let ids: Vec<&serde_json::Value> = listed["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .map(|m| &m["id"])
        .collect();
    assert_eq!(ids.iter().filter(|i| **i == &created["id"]).count(), 1);

    let openapi = http()
        .get(format!("{}/openapi.json", service.http_url()))
        .send()
        .await
        .expect("openapi");
    assert_eq!(openapi.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn cargo_alone_on_kafka_and_postgres() {
    let env = [
        ("PORTTRACK_KAFKA_BROKERS", servers::kafka_brokers()),
        (
            "PORTTRACK_KAFKA_TOPIC_PREFIX",
            format!("{}.", unique("cargo")),
        ),
        ("PORTTRACK_DATABASE_URL", servers::fresh_postgres().await),
    ];
    let cargo = Service::start(BIN, &["cargo"], &env);
    wait_ready(&cargo).await;
    create_twice_then_read(&cargo).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cargo_inside_porttrack_up() {
    let (up, dir) = up_ready().await;
    create_twice_then_read(&up).await;
    assert!(dir.path().join("cargo.db").exists());
}
