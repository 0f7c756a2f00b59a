//! REST through the router, no socket: each scenario on SQLite and on a
//! fresh PostgreSQL database.

mod support;

use axum::{Router, http::StatusCode};
use porttrack_staff::service::Staff;
use porttrack_testkit::router::call;
use serde_json::json;
use support::{ETA, H};

macro_rules! on_every_backend {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let url = porttrack_testkit::servers::sqlite_in(&dir);
                    let staff = super::support::staff(&url).await;
                    super::$scenario(staff.clone(), super::open(porttrack_staff::http::router(staff))).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let url = porttrack_testkit::servers::fresh_postgres().await;
                    let staff = super::support::staff(&url).await;
                    super::$scenario(staff.clone(), super::open(porttrack_staff::http::router(staff))).await;
                }
            )*
        }
    };
}

on_every_backend!(
    people_are_created_once_per_key_and_changed_under_if_match,
    invalid_fields_are_problem_json_with_every_field,
    assignments_are_made_and_refused_with_a_reason,
    the_openapi_document_lists_every_operation,
);

async fn people_are_created_once_per_key_and_changed_under_if_match(_: Staff, app: Router) {
    let body = json!({"name": "Ines Berg", "roles": ["pilot"]});
    let a = call(
        &app,
        "POST",
        "/v1/people",
        &[("Idempotency-Key", "k1")],
        Some(body.clone()),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(a.etag.as_deref(), Some("\"1\""));
    let id = a.json["id"].as_str().unwrap().to_owned();
    let retry = call(
        &app,
        "POST",
        "/v1/people",
        &[("Idempotency-Key", "k1")],
        Some(body),
    )
    .await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.json["id"], id.as_str());

    let uri = format!("/v1/people/{id}");
    let patch = json!({"roles": ["pilot", "harbour_master"]});
    let missing = call(&app, "PATCH", &uri, &[], Some(patch.clone())).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    let ok = call(
        &app,
        "PATCH",
        &uri,
        &[("If-Match", "\"1\"")],
        Some(patch.clone()),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.json["roles"], json!(["pilot", "harbour_master"]));
    assert_eq!(ok.etag.as_deref(), Some("\"2\""));
    let stale = call(&app, "PATCH", &uri, &[("If-Match", "\"1\"")], Some(patch)).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.etag.as_deref(), Some("\"2\""));

    let cert = json!({"kind": "pilot_licence", "expires_at_ms": ETA});
    let c = call(
        &app,
        "POST",
        &format!("{uri}/certifications"),
        &[("If-Match", "\"2\"")],
        Some(cert),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK);
    assert_eq!(
        c.json["certifications"],
        json!([{"kind": "pilot_licence", "expires_at_ms": ETA}])
    );
    let people = call(&app, "GET", "/v1/people?role=harbour_master", &[], None).await;
    assert_eq!(people.json["people"].as_array().unwrap().len(), 1);
    let gone = call(&app, "DELETE", &uri, &[("If-Match", "\"3\"")], None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(
        call(&app, "GET", &uri, &[], None).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn invalid_fields_are_problem_json_with_every_field(_: Staff, app: Router) {
    let bad = call(
        &app,
        "POST",
        "/v1/people",
        &[],
        Some(json!({"name": "X", "roles": ["captain"]})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.content_type.as_deref(),
        Some("application/problem+json")
    );
    assert_eq!(bad.json["errors"][0]["field"], "roles");
    let bad = call(&app, "GET", "/v1/tasks?status=closed", &[], None).await;
    assert_eq!(bad.json["errors"][0]["field"], "status");
    let p = call(
        &app,
        "POST",
        "/v1/people",
        &[],
        Some(json!({"name": "Ines"})),
    )
    .await;
    let shifts = format!("/v1/people/{}/shifts", p.json["id"].as_str().unwrap());
    let bad = call(
        &app,
        "POST",
        &shifts,
        &[],
        Some(json!({"start_ms": ETA, "end_ms": ETA - 1})),
    )
    .await;
    assert_eq!(bad.json["errors"][0]["field"], "end_ms");
}

async fn assignments_are_made_and_refused_with_a_reason(staff: Staff, app: Router) {
    staff.port_call_approaching("CALL-1", ETA).await.unwrap();
    let ines = support::pilot_on_shift(&staff, "Ines").await;
    let open = call(
        &app,
        "GET",
        "/v1/tasks?port_call_id=CALL-1&status=open",
        &[],
        None,
    )
    .await;
    let tasks = open.json["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    let pilotage = tasks.iter().find(|t| t["kind"] == "pilotage_in").unwrap();
    assert_eq!(
        (pilotage["start_ms"].as_i64(), pilotage["end_ms"].as_i64()),
        (Some(ETA - H), Some(ETA + H))
    );
    let uri = format!("/v1/tasks/{}/assignment", pilotage["id"].as_str().unwrap());

    let made = call(&app, "POST", &uri, &[], Some(json!({"person_id": ines}))).await;
    assert_eq!(made.status, StatusCode::CREATED);
    assert_eq!(made.json["task_kind"], "pilotage_in");
    let again = call(&app, "POST", &uri, &[], Some(json!({"person_id": ines}))).await;
    assert_eq!(
        (again.status, &again.json["id"]),
        (StatusCode::OK, &made.json["id"])
    );

    let mooring = tasks.iter().find(|t| t["kind"] == "mooring").unwrap();
    let uri = format!("/v1/tasks/{}/assignment", mooring["id"].as_str().unwrap());
    let refused = call(&app, "POST", &uri, &[], Some(json!({"person_id": ines}))).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(
        refused.content_type.as_deref(),
        Some("application/problem+json")
    );
    assert_eq!(refused.json["reason"], "role_missing");
    let (crew, _) = staff
        .create_person(None, "Odd", &["mooring_crew"])
        .await
        .unwrap();
    let refused = call(&app, "POST", &uri, &[], Some(json!({"person_id": crew.id}))).await;
    assert_eq!(refused.json["reason"], "certification_missing");

    let mine = call(
        &app,
        "GET",
        &format!("/v1/assignments?person_id={ines}"),
        &[],
        None,
    )
    .await;
    assert_eq!(mine.json["assignments"].as_array().unwrap().len(), 1);
    let assigned = call(&app, "GET", "/v1/tasks?status=assigned", &[], None).await;
    assert_eq!(assigned.json["tasks"][0]["person_id"], ines.as_str());
}

/// The document the server publishes at `/openapi.json` (the end-to-end
/// tests fetch it from the running binary).
async fn the_openapi_document_lists_every_operation(_: Staff, _app: Router) {
    let doc = serde_json::to_value(porttrack_staff::http::openapi()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/v1/people",
        "/v1/people/{id}",
        "/v1/people/{id}/certifications",
        "/v1/people/{id}/shifts",
        "/v1/tasks",
        "/v1/tasks/{id}/assignment",
        "/v1/assignments",
    ] {
        assert!(paths.contains_key(p), "{p} missing from /openapi.json");
    }
}

/// These tests are about the API's behaviour, not its access checks
/// (`crates/porttrack/tests/auth.rs`): the router runs open.
fn open(router: axum::Router) -> axum::Router {
    router.layer(porttrack_platform::auth::authenticate(
        porttrack_platform::auth::Authenticator::off(),
    ))
}
