//! REST, the same operations as gRPC, and `/openapi.json` generated from
//! the handlers below. Errors are problem+json (see
//! `porttrack_platform::api_error`). People carry their version as an
//! `ETag`; changes need it in `If-Match` and answer 412 when it is stale.
//! Refused assignments answer 409 with a `reason` member.

mod headers;
mod json;

use axum::{
    Json, Router,
    extract::{Path, Query, State, rejection::JsonRejection},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{delete, get, patch, post},
};
use porttrack_platform::{
    ApiError,
    conditional::{idempotency_key, if_match, require_if_match},
};
use utoipa::OpenApi;

pub use json::*;

use headers::{body, created_or_ok, parse, query, with_etag};

use crate::{
    scopes::{ADMIN, READ, WRITE},
    service::{ChangeError, Staff},
};
use porttrack_platform::auth::scoped;

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "PortTrack staff",
        description = "Port personnel and their assignment to port-call tasks."
    ),
    paths(
        create_person,
        list_people,
        get_person,
        update_person,
        delete_person,
        set_certification,
        add_shift,
        list_shifts,
        list_tasks,
        assign_task,
        list_assignments
    )
)]
pub struct ApiDoc;

pub fn router(staff: Staff) -> Router {
    Router::new()
        .route(
            "/v1/people",
            scoped(READ, get(list_people)).merge(scoped(ADMIN, post(create_person))),
        )
        .route(
            "/v1/people/{id}",
            scoped(READ, get(get_person))
                .merge(scoped(ADMIN, patch(update_person)))
                .merge(scoped(ADMIN, delete(delete_person))),
        )
        .route(
            "/v1/people/{id}/certifications",
            scoped(ADMIN, post(set_certification)),
        )
        .route(
            "/v1/people/{id}/shifts",
            scoped(READ, get(list_shifts)).merge(scoped(WRITE, post(add_shift))),
        )
        .route("/v1/tasks", scoped(READ, get(list_tasks)))
        .route(
            "/v1/tasks/{id}/assignment",
            scoped(WRITE, post(assign_task)),
        )
        .route("/v1/assignments", scoped(READ, get(list_assignments)))
        .with_state(staff)
}

/// The REST API description; the server publishes it at `/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

#[utoipa::path(post, path = "/v1/people", tag = "staff", request_body = CreatePersonBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the original person")),
    responses(
        (status = 201, description = "Created, with `ETag`", body = PersonJson),
        (status = 200, description = "A retry: the person the key created", body = PersonJson),
        (status = 400, description = "Invalid fields (problem+json)"),
        (status = 409, description = "The key was used for another request"),
    ))]
async fn create_person(
    State(staff): State<Staff>,
    headers: HeaderMap,
    b: Result<Json<CreatePersonBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let b = body(b)?;
    let key = idempotency_key(&headers, b.idempotency_key.as_deref())?;
    let (p, created) = staff.create_person(key, &b.name, &b.roles).await?;
    Ok(with_etag(created_or_ok(created), &p))
}

#[utoipa::path(get, path = "/v1/people", tag = "staff", params(PeopleQuery),
    responses((status = 200, body = PeoplePage), (status = 400)))]
async fn list_people(
    State(staff): State<Staff>,
    q: Result<Query<PeopleQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PeoplePage>, ApiError> {
    let q = query(q)?;
    let (people, next_page_token) = staff
        .list_people(
            parse("page_size", q.page_size.as_deref())?,
            q.page_token.as_deref().unwrap_or(""),
            q.role.as_deref(),
        )
        .await?;
    Ok(Json(PeoplePage {
        people: people.iter().map(Into::into).collect(),
        next_page_token,
    }))
}

#[utoipa::path(get, path = "/v1/people/{id}", tag = "staff", params(("id" = String, Path)),
    responses((status = 200, description = "With `ETag`", body = PersonJson), (status = 404)))]
async fn get_person(
    State(staff): State<Staff>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, &staff.get_person(&id).await?))
}

#[utoipa::path(patch, path = "/v1/people/{id}", tag = "staff", request_body = UpdatePersonBody,
    params(("id" = String, Path), ("If-Match" = String, Header, description = "The ETag last read")),
    responses((status = 200, body = PersonJson), (status = 400), (status = 404), (status = 412, description = "Stale If-Match")))]
async fn update_person(
    State(staff): State<Staff>,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Result<Json<UpdatePersonBody>, JsonRejection>,
) -> Result<Response, ChangeError> {
    let expected = require_if_match(&headers, "person")?;
    let b = body(b)?;
    let p = staff
        .update_person(&id, expected, b.name.as_deref(), b.roles.as_deref())
        .await?;
    Ok(with_etag(StatusCode::OK, &p))
}

#[utoipa::path(delete, path = "/v1/people/{id}", tag = "staff",
    params(("id" = String, Path), ("If-Match" = String, Header)),
    responses((status = 204), (status = 404), (status = 409, description = "The person has assignments"), (status = 412)))]
async fn delete_person(
    State(staff): State<Staff>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ChangeError> {
    let expected = require_if_match(&headers, "person")?;
    staff.delete_person(&id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/v1/people/{id}/certifications", tag = "staff", request_body = CertificationBody,
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "Checked when sent")),
    responses((status = 200, description = "The person, with `ETag`", body = PersonJson), (status = 400), (status = 404), (status = 412)))]
async fn set_certification(
    State(staff): State<Staff>,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Result<Json<CertificationBody>, JsonRejection>,
) -> Result<Response, ChangeError> {
    let expected = if_match(&headers, "person")?;
    let b = body(b)?;
    let p = staff
        .set_certification(&id, expected, &b.kind, b.expires_at_ms)
        .await?;
    Ok(with_etag(StatusCode::OK, &p))
}

#[utoipa::path(post, path = "/v1/people/{id}/shifts", tag = "staff", request_body = ShiftBody,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ShiftJson), (status = 200, description = "A retry", body = ShiftJson),
        (status = 400), (status = 404), (status = 409, description = "Overlaps another shift")))]
async fn add_shift(
    State(staff): State<Staff>,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Result<Json<ShiftBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers, None)?;
    let b = body(b)?;
    let (s, created) = staff.add_shift(&id, key, b.start_ms, b.end_ms).await?;
    Ok((created_or_ok(created), Json(ShiftJson::from(&s))).into_response())
}

#[utoipa::path(get, path = "/v1/people/{id}/shifts", tag = "staff", params(("id" = String, Path)),
    responses((status = 200, body = Shifts), (status = 404)))]
async fn list_shifts(
    State(staff): State<Staff>,
    Path(id): Path<String>,
) -> Result<Json<Shifts>, ApiError> {
    let shifts = staff.shifts(&id).await?;
    Ok(Json(Shifts {
        shifts: shifts.iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(get, path = "/v1/tasks", tag = "staff", params(TasksQuery),
    responses((status = 200, body = TasksPage), (status = 400)))]
async fn list_tasks(
    State(staff): State<Staff>,
    q: Result<Query<TasksQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<TasksPage>, ApiError> {
    let q = query(q)?;
    let (tasks, next_page_token) = staff
        .list_tasks(
            parse("page_size", q.page_size.as_deref())?,
            q.page_token.as_deref().unwrap_or(""),
            q.port_call_id.as_deref(),
            q.status.as_deref(),
        )
        .await?;
    Ok(Json(TasksPage {
        tasks: tasks.iter().map(Into::into).collect(),
        next_page_token,
    }))
}

#[utoipa::path(post, path = "/v1/tasks/{id}/assignment", tag = "staff", request_body = AssignBody,
    params(("id" = String, Path, description = "The task")),
    responses(
        (status = 201, body = AssignmentJson),
        (status = 200, description = "The person already had the task", body = AssignmentJson),
        (status = 404),
        (status = 409, description = "Refused: problem+json with `reason` (double_booking, certification_expired, certification_missing, insufficient_rest, not_on_shift, role_missing), or the task has someone else"),
    ))]
async fn assign_task(
    State(staff): State<Staff>,
    Path(id): Path<String>,
    b: Result<Json<AssignBody>, JsonRejection>,
) -> Result<Response, ChangeError> {
    let b = body(b)?;
    let (a, created) = staff.assign(&id, &b.person_id).await?;
    Ok((created_or_ok(created), Json(AssignmentJson::from(&a))).into_response())
}

#[utoipa::path(get, path = "/v1/assignments", tag = "staff", params(AssignmentsQuery),
    responses((status = 200, body = AssignmentsPage), (status = 400)))]
async fn list_assignments(
    State(staff): State<Staff>,
    q: Result<Query<AssignmentsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AssignmentsPage>, ApiError> {
    let q = query(q)?;
    let (found, next_page_token) = staff
        .list_assignments(
            parse("page_size", q.page_size.as_deref())?,
            q.page_token.as_deref().unwrap_or(""),
            q.person_id.as_deref(),
            q.port_call_id.as_deref(),
        )
        .await?;
    Ok(Json(AssignmentsPage {
        assignments: found.iter().map(Into::into).collect(),
        next_page_token,
    }))
}
