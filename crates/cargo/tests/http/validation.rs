//! What the API checks: invalid input is refused as problem+json naming
//! every field, while dangerous-goods rules are reported, not refused.

use axum::{Router, http::StatusCode};
use serde_json::{Value, json};

use crate::{
    client::{call, create},
    support,
};

on_every_backend!(
    invalid_fields_are_problem_json_with_every_field,
    dangerous_goods_violations_are_reported_not_refused,
);

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
    assert_eq!(a.fields(), ["port_call_id", "mmsi", "eta_ms"]);

    let m = create(&app, "PC-1", support::eta_in_days(3)).await;
    let items = format!("/v1/manifests/{}/items", m["id"].as_str().unwrap());
    let bad = json!({
        "kind": "container", "container_number": "CSQU3054384", "weight_kg": 0,
        "dangerous_goods": {"un_number": "UN4000", "imdg_class": "5.3"}
    });
    let a = call(&app, "POST", &items, &[], Some(bad)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.fields(),
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
        (unknown.status, unknown.fields()),
        (StatusCode::BAD_REQUEST, vec!["body"])
    );
    let q = call(&app, "GET", "/v1/manifests?status=sunk", &[], None).await;
    assert_eq!(
        (q.status, q.fields()),
        (StatusCode::BAD_REQUEST, vec!["status"])
    );
    let c = call(&app, "GET", "/v1/containers/CSQU3054384", &[], None).await;
    assert_eq!(
        (c.status, c.fields()),
        (StatusCode::BAD_REQUEST, vec!["container_number"])
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
