//! The staff service as Kubernetes runs it (its own process, PostgreSQL,
//! Kafka) and inside `porttrack up`: people are created once per
//! idempotency key, and bad input is refused with the field named.

mod common;

use common::{BIN, http, up_ready, wait_ready};
use porttrack_testkit::{process::Service, servers, unique};

async fn people_and_tasks(service: &Service) {
    let url = format!("{}/v1/people", service.http_url());
    let key = unique("key");
    let body = serde_json::json!({ "name": "Kari Nordmann", "roles": ["pilot"] });
    let first = http()
        .post(&url)
        .header("Idempotency-Key", &key)
        .json(&body)
        .send()
        .await
        .expect("POST");
    assert_eq!(first.status(), 201);
    let created: serde_json::Value = first.json().await.expect("json");
    let again: serde_json::Value = http()
        .post(&url)
        .header("Idempotency-Key", &key)
        .json(&body)
        .send()
        .await
        .expect("POST again")
        .json()
        .await
        .expect("json");
    assert_eq!(
        again["id"], created["id"],
        "a retried create returns the original"
    );

    let bad = http()
        .post(&url)
        .json(&serde_json::json!({ "name": "", "roles": ["captain"] }))
        .send()
        .await
        .expect("POST");
    assert_eq!(bad.status(), 400);
    assert_eq!(bad.headers()["content-type"], "application/problem+json");

    let tasks = http()
        .get(format!("{}/v1/tasks?status=open", service.http_url()))
        .send()
        .await
        .expect("tasks");
    assert_eq!(tasks.status(), 200);
    let openapi = http()
        .get(format!("{}/openapi.json", service.http_url()))
        .send()
        .await
        .expect("openapi");
    assert_eq!(openapi.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_alone_on_kafka_and_postgres() {
    let env = [
        ("PORTTRACK_KAFKA_BROKERS", servers::kafka_brokers()),
        (
            "PORTTRACK_KAFKA_TOPIC_PREFIX",
            format!("{}.", unique("staff")),
        ),
        ("PORTTRACK_DATABASE_URL", servers::fresh_postgres().await),
    ];
    let staff = Service::start(BIN, &["staff"], &env);
    wait_ready(&staff).await;
    people_and_tasks(&staff).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_inside_porttrack_up() {
    let (up, _dir) = up_ready().await;
    people_and_tasks(&up).await;
    // One OpenAPI document for everything the suite serves.
    let doc: serde_json::Value = http()
        .get(format!("{}/openapi.json", up.http_url()))
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(
        paths.contains_key("/v1/people") && paths.contains_key("/v1/manifests"),
        "{:?}",
        paths.keys()
    );
}
