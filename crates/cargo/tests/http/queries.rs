//! Reading back: manifests listed by filter and in pages, and containers
//! found by number.

use axum::{Router, http::StatusCode};
use serde_json::json;

use crate::{
    client::{Answer, call},
    support,
};

on_every_backend!(manifests_list_by_filter_and_page_and_containers_are_found);

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
        (too_big.status, too_big.fields()),
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
