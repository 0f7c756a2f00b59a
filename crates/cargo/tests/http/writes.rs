//! Writing manifests and items: creates idempotent by key, and changes
//! that need the current version in `If-Match`.

use axum::{Router, http::StatusCode};
use serde_json::json;

use crate::{
    client::{call, create, manifest_body},
    support,
};

on_every_backend!(
    create_is_idempotent_by_key_and_answers_with_etag,
    changes_need_a_current_if_match,
);

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
        (none.status, none.fields()),
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
