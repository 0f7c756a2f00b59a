//! REST through the router, no socket: each scenario on SQLite and on a
//! fresh PostgreSQL database.

mod support;

use axum::{Router, http::StatusCode};
use porttrack_testkit::router::{Answer, call};
use serde_json::{Value, json};

macro_rules! on_every_backend {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let url = porttrack_testkit::servers::sqlite_in(&dir);
                    super::$scenario(super::app(&url).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let url = porttrack_testkit::servers::fresh_postgres().await;
                    super::$scenario(super::app(&url).await).await;
                }
            )*
        }
    };
}

on_every_backend!(
    zones_are_validated_with_every_field_and_created_once_per_key,
    port_calls_are_created_once_and_changed_under_if_match,
    state_changes_follow_the_transition_table,
    the_traffic_board_and_lists_answer_with_filters,
    openapi_describes_every_operation,
);

async fn app(url: &str) -> Router {
    let bus = support::memory_bus();
    porttrack_routes::http::router(support::routes(url, &bus).await).layer(open())
}

fn ring(points: &[(f64, f64)]) -> Value {
    points
        .iter()
        .map(|(lon, lat)| json!({ "lon": lon, "lat": lat }))
        .collect()
}

async fn berth(app: &Router) -> String {
    let body = json!({
        "name": "Berth 7", "kind": "berth",
        "ring": ring(&[(10.4, 59.4), (10.5, 59.4), (10.5, 59.5), (10.4, 59.5)]),
    });
    let a = call(app, "POST", "/v1/zones", &[], Some(body)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    a.json["id"].as_str().unwrap().to_owned()
}

fn in_hours(h: i64) -> i64 {
    porttrack_platform::time::now_ms() + h * 3_600_000
}

async fn create_call(app: &Router, body: Value) -> Answer {
    let a = call(app, "POST", "/v1/port-calls", &[], Some(body)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    a
}

async fn zones_are_validated_with_every_field_and_created_once_per_key(app: Router) {
    let bad = json!({ "name": "", "ring": ring(&[(0.0, 0.0), (200.0, 0.0)]) });
    let a = call(&app, "POST", "/v1/zones", &[], Some(bad)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.content_type.as_deref(), Some("application/problem+json"));
    assert_eq!(a.fields(), ["name", "kind", "ring[1]", "ring"]);

    let body = json!({
        "name": "Approach", "kind": "port_approach",
        "ring": ring(&[(10.0, 59.0), (11.0, 59.0), (11.0, 60.0), (10.0, 59.0)]),
    });
    let key = [("Idempotency-Key", "zone-1")];
    let first = call(&app, "POST", "/v1/zones", &key, Some(body.clone())).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(
        first.json["ring"].as_array().unwrap().len(),
        3,
        "closing point dropped"
    );
    let retry = call(&app, "POST", "/v1/zones", &key, Some(body)).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.json, first.json);
    let list = call(&app, "GET", "/v1/zones?kind=port_approach", &[], None).await;
    assert_eq!(list.json["zones"].as_array().unwrap().len(), 1);
    let wrong = call(&app, "GET", "/v1/zones?kind=harbour", &[], None).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
}

async fn port_calls_are_created_once_and_changed_under_if_match(app: Router) {
    let berth = berth(&app).await;
    let body = json!({
        "mmsi": 244_740_981, "origin": "SEGOT", "destination": "NOOSL",
        "berth_id": berth, "eta_ms": in_hours(5),
        "waypoints": ring(&[(9.0, 59.0), (10.45, 59.45)]),
    });
    let key = [("Idempotency-Key", "call-1")];
    let first = call(&app, "POST", "/v1/port-calls", &key, Some(body.clone())).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    assert_eq!(first.etag.as_deref(), Some("\"1\""));
    assert_eq!(first.json["state"], "planned");
    let retry = call(&app, "POST", "/v1/port-calls", &key, Some(body)).await;
    assert_eq!((retry.status, &retry.json), (StatusCode::OK, &first.json));

    let id = first.json["id"].as_str().unwrap();
    let uri = format!("/v1/port-calls/{id}");
    let got = call(&app, "GET", &uri, &[], None).await;
    assert_eq!(
        (got.status, got.etag.as_deref()),
        (StatusCode::OK, Some("\"1\""))
    );

    let change = json!({ "etd_ms": in_hours(20) });
    let missing = call(&app, "PATCH", &uri, &[], Some(change.clone())).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.fields(), ["If-Match"]);
    let ok = call(
        &app,
        "PATCH",
        &uri,
        &[("If-Match", "\"1\"")],
        Some(change.clone()),
    )
    .await;
    assert_eq!(
        (ok.status, ok.etag.as_deref()),
        (StatusCode::OK, Some("\"2\""))
    );
    let stale = call(&app, "PATCH", &uri, &[("If-Match", "\"1\"")], Some(change)).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.etag.as_deref(), Some("\"2\""));

    let bad = json!({ "mmsi": 0, "destination": "", "eta_ms": 0, "berth_id": "nope" });
    let a = call(&app, "POST", "/v1/port-calls", &[], Some(bad)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.fields(), ["mmsi", "destination", "eta_ms"]);
    let unknown_berth =
        json!({ "mmsi": 244_740_981, "destination": "NOOSL", "eta_ms": 1, "berth_id": "nope" });
    let a = call(&app, "POST", "/v1/port-calls", &[], Some(unknown_berth)).await;
    assert_eq!(
        (a.status, a.fields()),
        (StatusCode::BAD_REQUEST, vec!["berth_id"])
    );
    let gone = call(&app, "GET", "/v1/port-calls/nope", &[], None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

async fn state_changes_follow_the_transition_table(app: Router) {
    let body = json!({ "mmsi": 244_740_981, "destination": "NOOSL", "eta_ms": in_hours(5) });
    let c = create_call(&app, body).await;
    let uri = format!("/v1/port-calls/{}", c.json["id"].as_str().unwrap());
    let to = |state: &str| Some(json!({ "state": state }));
    let refused = call(&app, "PATCH", &uri, &[("If-Match", "1")], to("departed")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.json["errors"][0]["description"],
        "a planned port call can become approaching or cancelled, not departed"
    );
    let a = call(&app, "PATCH", &uri, &[("If-Match", "1")], to("approaching")).await;
    assert_eq!(
        (a.status, &a.json["state"]),
        (StatusCode::OK, &json!("approaching"))
    );
    let b = call(
        &app,
        "PATCH",
        &uri,
        &[("If-Match", "W/\"2\"")],
        to("berthed"),
    )
    .await;
    assert_eq!(b.json["state"], "berthed");
    assert!(b.json["ata_ms"].as_i64().unwrap() > 0);
    let cancel = call(&app, "PATCH", &uri, &[("If-Match", "3")], to("cancelled")).await;
    assert_eq!(cancel.status, StatusCode::BAD_REQUEST);
}

async fn the_traffic_board_and_lists_answer_with_filters(app: Router) {
    let soon = json!({ "mmsi": 244_740_981, "destination": "NOOSL", "eta_ms": in_hours(2) });
    let later = json!({ "mmsi": 257_123_456, "destination": "NOOSL", "eta_ms": in_hours(30) });
    let soon = create_call(&app, soon).await;
    create_call(&app, later).await;
    let board = call(&app, "GET", "/v1/traffic?hours=6", &[], None).await;
    assert_eq!(board.status, StatusCode::OK);
    let arrivals = board.json["arrivals"].as_array().unwrap();
    assert_eq!(arrivals.len(), 1);
    assert_eq!(arrivals[0]["id"], soon.json["id"]);
    let week = call(&app, "GET", "/v1/traffic?hours=168", &[], None).await;
    assert_eq!(week.json["arrivals"].as_array().unwrap().len(), 2);
    let too_far = call(&app, "GET", "/v1/traffic?hours=169", &[], None).await;
    assert_eq!(
        (too_far.status, too_far.fields()),
        (StatusCode::BAD_REQUEST, vec!["hours"])
    );

    let page = call(&app, "GET", "/v1/port-calls?page_size=1", &[], None).await;
    let token = page.json["next_page_token"].as_str().unwrap().to_owned();
    assert_eq!(page.json["port_calls"].as_array().unwrap().len(), 1);
    let next = call(
        &app,
        "GET",
        &format!("/v1/port-calls?page_size=1&page_token={token}"),
        &[],
        None,
    )
    .await;
    assert_eq!(next.json["port_calls"].as_array().unwrap().len(), 1);
    let by_mmsi = call(
        &app,
        "GET",
        "/v1/port-calls?mmsi=257123456&state=planned",
        &[],
        None,
    )
    .await;
    assert_eq!(by_mmsi.json["port_calls"].as_array().unwrap().len(), 1);
    let bad = call(&app, "GET", "/v1/port-calls?state=docked", &[], None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

/// The document the server publishes at `/openapi.json` (the end-to-end
/// tests fetch it from the running binary).
async fn openapi_describes_every_operation(_app: Router) {
    let doc = serde_json::to_value(porttrack_routes::http::openapi()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut names: Vec<&str> = paths.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "/v1/port-calls",
            "/v1/port-calls/{id}",
            "/v1/traffic",
            "/v1/zones"
        ]
    );
}

/// These tests are about the API's behaviour, not its access checks
/// (`crates/porttrack/tests/auth.rs`): the router runs open.
fn open() -> axum::Extension<porttrack_platform::auth::Authenticator> {
    porttrack_platform::auth::authenticate(porttrack_platform::auth::Authenticator::off())
}
