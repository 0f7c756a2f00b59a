//! REST through the router, no socket: each scenario on SQLite and on a
//! fresh PostgreSQL database.

mod support;

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use serde_json::{Value, json};
use tower::ServiceExt as _;

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
    create_is_idempotent_by_key_and_answers_with_etag,
    invalid_fields_are_problem_json_with_every_field,
    changes_need_a_current_if_match,
    dangerous_goods_violations_are_reported_not_refused,
    manifests_list_by_filter_and_page_and_containers_are_found,
);

async fn app(url: &str) -> Router {
    let bus = support::memory_bus();
    porttrack_cargo::http::router(support::cargo(url, &bus).await).layer(open())
}

struct Answer {
    status: StatusCode,
    etag: Option<String>,
    content_type: Option<String>,
    json: Value,
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let h = |name| {
        res.headers()
            .get(name)
            .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    let (etag, content_type) = (h(header::ETAG), h(header::CONTENT_TYPE));
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    Answer {
        status,
        etag,
        content_type,
        json,
    }
}

fn manifest_body(port_call: &str, eta_ms: i64) -> Value {
    json!({ "port_call_id": port_call, "mmsi": 244_740_981, "eta_ms": eta_ms })
}

async fn create(app: &Router, port_call: &str, eta_ms: i64) -> Value {
    let a = call(
        app,
        "POST",
        "/v1/manifests",
        &[],
        Some(manifest_body(port_call, eta_ms)),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    a.json
}

fn fields(a: &Answer) -> Vec<&str> {
    a.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

async fn create_is_idempotent_by_key_and_answers_with_etag(app: Router) {
    let body = manifest_body("NOOSL-2026-0042", support::eta_in_days(3));
    let key = [("Idempotency-Key", "create-1")];
    let first = call(&app, "POST", "/v1/manifests", &key, Some(body.clone())).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.etag.as_deref(), Some("\"1\""));
    assert_eq!(first.json["status"], "open");
    assert_eq!(first.json["items"], json!([]));

    let retry = call(&app, "POST", "/v1/manifests", &key, Some(body.clone())).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.json, first.json);

    // Without the key, a second create is refused, not duplicated.
    let again = call(&app, "POST", "/v1/manifests", &[], Some(body)).await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    let id = first.json["id"].as_str().unwrap();
    let got = call(&app, "GET", &format!("/v1/manifests/{id}"), &[], None).await;
    assert_eq!(
        (got.status, got.etag.as_deref()),
        (StatusCode::OK, Some("\"1\""))
    );
    let list = call(&app, "GET", "/v1/manifests", &[], None).await;
    assert_eq!(list.json["manifests"].as_array().unwrap().len(), 1);
    let missing = call(&app, "GET", "/v1/manifests/nope", &[], None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn invalid_fields_are_problem_json_with_every_field(app: Router) {
    let a = call(
        &app,
        "POST",
        "/v1/manifests",
        &[],
        Some(json!({"port_call_id": "", "mmsi": 0, "eta_ms": 0})),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.content_type.as_deref(), Some("application/problem+json"));
    assert_eq!(fields(&a), ["port_call_id", "mmsi", "eta_ms"]);

    let m = create(&app, "PC-1", support::eta_in_days(3)).await;
    let items = format!("/v1/manifests/{}/items", m["id"].as_str().unwrap());
    let bad = json!({
        "kind": "container", "container_number": "CSQU3054384", "weight_kg": 0,
        "dangerous_goods": {"un_number": "UN4000", "imdg_class": "5.3"}
    });
    let a = call(&app, "POST", &items, &[], Some(bad)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        fields(&a),
        [
            "container_number",
            "weight_kg",
            "dangerous_goods.un_number",
            "dangerous_goods.imdg_class"
        ]
    );
    let unknown = call(
        &app,
        "POST",
        &items,
        &[],
        Some(json!({"kind": "barrel", "weight_kg": 1})),
    )
    .await;
    assert_eq!(
        (unknown.status, fields(&unknown)),
        (StatusCode::BAD_REQUEST, vec!["body"])
    );
    let q = call(&app, "GET", "/v1/manifests?status=sunk", &[], None).await;
    assert_eq!(
        (q.status, fields(&q)),
        (StatusCode::BAD_REQUEST, vec!["status"])
    );
    let c = call(&app, "GET", "/v1/containers/CSQU3054384", &[], None).await;
    assert_eq!(
        (c.status, fields(&c)),
        (StatusCode::BAD_REQUEST, vec!["container_number"])
    );
}

async fn changes_need_a_current_if_match(app: Router) {
    let m = create(&app, "PC-1", support::eta_in_days(3)).await;
    let id = m["id"].as_str().unwrap();
    let items = format!("/v1/manifests/{id}/items");
    let item = json!({"kind": "container", "container_number": "CSQU3054383", "weight_kg": 24_000});
    let key = ("Idempotency-Key", "item-1");
    let added = call(
        &app,
        "POST",
        &items,
        &[key, ("If-Match", "\"1\"")],
        Some(item.clone()),
    )
    .await;
    assert_eq!(
        (added.status, added.etag.as_deref()),
        (StatusCode::CREATED, Some("\"2\""))
    );
    let retried = call(&app, "POST", &items, &[key], Some(item.clone())).await;
    assert_eq!(retried.status, StatusCode::OK);
    assert_eq!(
        retried.json["items"].as_array().unwrap().len(),
        1,
        "added once"
    );

    let item_id = added.json["items"][0]["id"].as_str().unwrap();
    let item_uri = format!("/v1/manifests/{id}/items/{item_id}");
    let loaded = json!({"kind": "container", "container_number": "CSQU3054383", "weight_kg": 24_000, "status": "loaded", "hold": 4});
    let stale = call(
        &app,
        "PUT",
        &item_uri,
        &[("If-Match", "\"1\"")],
        Some(loaded.clone()),
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.etag.as_deref(), Some("\"2\""), "the current version");
    assert_eq!(
        stale.content_type.as_deref(),
        Some("application/problem+json")
    );
    let none = call(&app, "PUT", &item_uri, &[], Some(loaded.clone())).await;
    assert_eq!(
        (none.status, fields(&none)),
        (StatusCode::BAD_REQUEST, vec!["If-Match"])
    );

    let ok = call(
        &app,
        "PUT",
        &item_uri,
        &[("If-Match", "W/\"2\"")],
        Some(loaded),
    )
    .await;
    assert_eq!(
        (ok.status, ok.etag.as_deref()),
        (StatusCode::OK, Some("\"3\""))
    );
    assert_eq!(ok.json["items"][0]["status"], "loaded");
    assert_eq!(ok.json["items"][0]["hold"], 4);

    let uri = format!("/v1/manifests/{id}");
    let close = json!({"status": "closed"});
    let stale = call(
        &app,
        "PATCH",
        &uri,
        &[("If-Match", "\"2\"")],
        Some(close.clone()),
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let closed = call(&app, "PATCH", &uri, &[("If-Match", "\"3\"")], Some(close)).await;
    assert_eq!(
        (closed.status, closed.json["status"].as_str()),
        (StatusCode::OK, Some("closed"))
    );
    let refused = call(&app, "POST", &items, &[], Some(item)).await;
    assert_eq!(
        refused.status,
        StatusCode::CONFLICT,
        "closed manifests take no items"
    );
}

async fn dangerous_goods_violations_are_reported_not_refused(app: Router) {
    // Arrives in 12 hours: anything declared now is late.
    let soon = create(
        &app,
        "PC-SOON",
        porttrack_platform::time::now_ms() + 12 * 3_600_000,
    )
    .await;
    let early = create(&app, "PC-LATER", support::eta_in_days(3)).await;
    let dg = |un: &str, class: &str| {
        json!({"kind": "break_bulk", "description": "drums", "weight_kg": 800,
               "dangerous_goods": {"un_number": un, "imdg_class": class}})
    };
    for (m, un, class) in [
        (&soon, "UN1203", "3"),
        (&early, "UN1203", "3"),
        (&early, "UN1942", "5.1"),
        (&early, "UN3480", "9"),
    ] {
        let uri = format!("/v1/manifests/{}/items", m["id"].as_str().unwrap());
        let a = call(&app, "POST", &uri, &[], Some(dg(un, class))).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    }
    let violations = |m: &Value| format!("/v1/manifests/{}/violations", m["id"].as_str().unwrap());
    let late = call(&app, "GET", &violations(&soon), &[], None).await;
    assert_eq!(late.json["manifest_version"], 2);
    let rules: Vec<&str> = late.json["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["late_declaration"]);

    let seg = call(&app, "GET", &violations(&early), &[], None).await;
    let v = seg.json["violations"].as_array().unwrap();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0]["rule"], "segregation");
    assert_eq!(
        v[0]["message"],
        "class 3 (UN1203) and class 5.1 (UN1942) must not travel in one manifest"
    );
    assert_eq!(v[0]["item_ids"].as_array().unwrap().len(), 2);
}

async fn manifests_list_by_filter_and_page_and_containers_are_found(app: Router) {
    let eta = support::eta_in_days(3);
    let mut ids = Vec::new();
    for (pc, mmsi) in [
        ("PC-1", 244_740_981),
        ("PC-2", 257_123_456),
        ("PC-3", 244_740_981),
    ] {
        let a = call(
            &app,
            "POST",
            "/v1/manifests",
            &[],
            Some(json!({"port_call_id": pc, "mmsi": mmsi, "eta_ms": eta})),
        )
        .await;
        ids.push(a.json["id"].as_str().unwrap().to_owned());
    }
    let calls = |a: &Answer| -> Vec<String> {
        a.json["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["port_call_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let page = call(&app, "GET", "/v1/manifests?page_size=2", &[], None).await;
    assert_eq!(calls(&page), ["PC-1", "PC-2"]);
    let token = page.json["next_page_token"].as_str().unwrap();
    let next = call(
        &app,
        "GET",
        &format!("/v1/manifests?page_size=2&page_token={token}"),
        &[],
        None,
    )
    .await;
    assert_eq!(calls(&next), ["PC-3"]);
    assert_eq!(next.json["next_page_token"], "");
    let by_vessel = call(
        &app,
        "GET",
        "/v1/manifests?mmsi=244740981&status=open",
        &[],
        None,
    )
    .await;
    assert_eq!(calls(&by_vessel), ["PC-1", "PC-3"]);
    let by_call = call(&app, "GET", "/v1/manifests?port_call_id=PC-2", &[], None).await;
    assert_eq!(calls(&by_call), ["PC-2"]);
    let too_big = call(&app, "GET", "/v1/manifests?page_size=5000", &[], None).await;
    assert_eq!(
        (too_big.status, fields(&too_big)),
        (StatusCode::BAD_REQUEST, vec!["page_size"])
    );

    let item =
        json!({"kind": "container", "container_number": "msku 907032 3", "weight_kg": 9_000});
    let uri = format!("/v1/manifests/{}/items", ids[1]);
    assert_eq!(
        call(&app, "POST", &uri, &[], Some(item)).await.status,
        StatusCode::CREATED
    );
    let found = call(&app, "GET", "/v1/containers/MSKU9070323", &[], None).await;
    assert_eq!(found.status, StatusCode::OK);
    let matches = found.json["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0]["port_call_id"], "PC-2");
    assert_eq!(matches[0]["item"]["container_number"], "MSKU9070323");
    assert_eq!(matches[0]["item"]["weight_kg"], 9_000);
}

#[tokio::test]
async fn openapi_document_lists_every_operation() {
    // The document the server publishes at `/openapi.json` (the end-to-end
    // tests fetch it from the running binary).
    let doc = serde_json::to_value(porttrack_cargo::http::openapi()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let mut names: Vec<&str> = paths.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "/v1/containers/{number}",
            "/v1/manifests",
            "/v1/manifests/{id}",
            "/v1/manifests/{id}/items",
            "/v1/manifests/{id}/items/{item_id}",
            "/v1/manifests/{id}/violations",
        ]
    );
    assert!(paths["/v1/manifests"]["post"].is_object());
    assert!(paths["/v1/manifests/{id}"]["patch"].is_object());
    assert!(doc["components"]["schemas"]["ManifestJson"].is_object());
    assert!(doc["components"]["schemas"]["ItemKind"].is_object());
}

/// These tests are about the API's behaviour, not its access checks
/// (`crates/porttrack/tests/auth.rs`): the router runs open.
fn open() -> axum::Extension<porttrack_platform::auth::Authenticator> {
    porttrack_platform::auth::authenticate(porttrack_platform::auth::Authenticator::off())
}
