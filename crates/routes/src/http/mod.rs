//! REST, the same operations as gRPC, and `/openapi.json` generated from
//! the handlers below. Errors are problem+json (see
//! `porttrack_platform::api_error`). Port calls carry their version as an
//! `ETag`; changes need it in `If-Match` and answer 412 when it is stale.

mod json;

use axum::{
    Json, Router,
    extract::{Path, Query, State, rejection::JsonRejection, rejection::QueryRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, patch, post},
};
use porttrack_platform::{
    ApiError,
    conditional::{etag, idempotency_key, require_if_match},
};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

pub use json::*;

use porttrack_platform::auth::scoped;

use crate::{
    domain::{PortCall, PortCallChange, PortCallState, ZoneKind},
    scopes::{ADMIN, READ, WRITE},
    service::Routes,
    store::Filter,
};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "PortTrack routes",
        description = "Zones, port calls and the traffic board."
    ),
    paths(
        create_zone,
        list_zones,
        create_port_call,
        list_port_calls,
        get_port_call,
        update_port_call,
        traffic_board
    )
)]
pub struct ApiDoc;

pub fn router(routes: Routes) -> Router {
    Router::new()
        .route(
            "/v1/zones",
            scoped(READ, get(list_zones)).merge(scoped(ADMIN, post(create_zone))),
        )
        .route(
            "/v1/port-calls",
            scoped(READ, get(list_port_calls)).merge(scoped(WRITE, post(create_port_call))),
        )
        .route(
            "/v1/port-calls/{id}",
            scoped(READ, get(get_port_call)).merge(scoped(WRITE, patch(update_port_call))),
        )
        .route("/v1/traffic", scoped(READ, get(traffic_board)))
        .with_state(routes)
}

/// The REST API description; the server publishes it at `/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The port call as JSON with its version as `ETag`.
fn with_etag(status: StatusCode, c: &PortCall) -> Response {
    let mut r = (status, Json(PortCallJson::from(c))).into_response();
    r.headers_mut().insert(header::ETAG, etag(c.version));
    if status == StatusCode::CREATED
        && let Ok(loc) = HeaderValue::from_str(&format!("/v1/port-calls/{}", c.id))
    {
        r.headers_mut().insert(header::LOCATION, loc);
    }
    r
}

fn created(created: bool) -> StatusCode {
    if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

fn body<T: DeserializeOwned>(b: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    b.map(|Json(t)| t)
        .map_err(|e| ApiError::invalid("body", e.body_text()))
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::invalid("query", e.body_text()))
}

fn parse<T: std::str::FromStr>(name: &str, raw: Option<&str>) -> Result<Option<T>, ApiError> {
    raw.map(|r| {
        r.trim()
            .parse()
            .map_err(|_| ApiError::invalid(name, format!("`{r}` is not a valid {name}")))
    })
    .transpose()
}

#[utoipa::path(post, path = "/v1/zones", tag = "routes",
    request_body = CreateZoneBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the original zone")),
    responses(
        (status = 201, description = "Created", body = ZoneJson),
        (status = 200, description = "A retry: the zone the key created", body = ZoneJson),
        (status = 400, description = "Invalid fields (problem+json)"),
        (status = 409, description = "The key was used for another request"),
    ))]
async fn create_zone(
    State(routes): State<Routes>,
    headers: HeaderMap,
    b: Result<Json<CreateZoneBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let b = body(b)?;
    let key = idempotency_key(&headers, b.idempotency_key.as_deref())?;
    let (z, new) = routes.create_zone(key, &b.name, b.kind, &b.ring).await?;
    Ok((created(new), Json(ZoneJson::from(&z))).into_response())
}

#[utoipa::path(get, path = "/v1/zones", tag = "routes", params(ZoneQuery),
    responses((status = 200, body = ZonePage), (status = 400, description = "Invalid query")))]
async fn list_zones(
    State(routes): State<Routes>,
    q: Result<Query<ZoneQuery>, QueryRejection>,
) -> Result<Json<ZonePage>, ApiError> {
    let q = query(q)?;
    let kind = q
        .kind
        .as_deref()
        .map(|k| ZoneKind::parse("kind", k))
        .transpose()?;
    let page_size = parse("page_size", q.page_size.as_deref())?.unwrap_or(0);
    let (zones, next_page_token) = routes
        .list_zones(page_size, q.page_token.as_deref().unwrap_or(""), kind)
        .await?;
    Ok(Json(ZonePage {
        zones: zones.iter().map(Into::into).collect(),
        next_page_token,
    }))
}

#[utoipa::path(post, path = "/v1/port-calls", tag = "routes",
    request_body = CreatePortCallBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the original port call")),
    responses(
        (status = 201, description = "Created, in state planned", body = PortCallJson),
        (status = 200, description = "A retry", body = PortCallJson),
        (status = 400, description = "Invalid fields (problem+json)"),
        (status = 409, description = "The key was used for another request"),
    ))]
async fn create_port_call(
    State(routes): State<Routes>,
    headers: HeaderMap,
    b: Result<Json<CreatePortCallBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let b = body(b)?;
    let key = idempotency_key(&headers, b.idempotency_key.as_deref())?;
    let (c, new) = routes.create_port_call(key, &b.input()).await?;
    Ok(with_etag(created(new), &c))
}

#[utoipa::path(get, path = "/v1/port-calls", tag = "routes", params(PortCallQuery),
    responses((status = 200, body = PortCallPage), (status = 400, description = "Invalid query")))]
async fn list_port_calls(
    State(routes): State<Routes>,
    q: Result<Query<PortCallQuery>, QueryRejection>,
) -> Result<Json<PortCallPage>, ApiError> {
    let q = query(q)?;
    let filter = Filter {
        mmsi: parse("mmsi", q.mmsi.as_deref())?,
        state: q
            .state
            .as_deref()
            .map(|s| PortCallState::parse("state", s))
            .transpose()?,
    };
    let page_size = parse("page_size", q.page_size.as_deref())?.unwrap_or(0);
    let (calls, next_page_token) = routes
        .list_port_calls(page_size, q.page_token.as_deref().unwrap_or(""), filter)
        .await?;
    Ok(Json(PortCallPage {
        port_calls: calls.iter().map(Into::into).collect(),
        next_page_token,
    }))
}

#[utoipa::path(get, path = "/v1/port-calls/{id}", tag = "routes",
    params(("id" = String, Path)),
    responses((status = 200, description = "With `ETag`", body = PortCallJson), (status = 404)))]
async fn get_port_call(
    State(routes): State<Routes>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, &routes.get_port_call(&id).await?))
}

#[utoipa::path(patch, path = "/v1/port-calls/{id}", tag = "routes",
    request_body = UpdatePortCallBody,
    params(("id" = String, Path), ("If-Match" = String, Header, description = "The ETag last read")),
    responses(
        (status = 200, body = PortCallJson),
        (status = 400, description = "Invalid fields, or a state change the transition table refuses"),
        (status = 404),
        (status = 412, description = "Stale If-Match"),
    ))]
async fn update_port_call(
    State(routes): State<Routes>,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Result<Json<UpdatePortCallBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let expected = require_if_match(&headers, "port call")?;
    let b = body(b)?;
    let change = PortCallChange {
        eta_ms: b.eta_ms,
        etd_ms: b.etd_ms,
        berth_id: b.berth_id,
        state: b.state,
    };
    let c = routes.update_port_call(&id, expected, change).await?;
    Ok(with_etag(StatusCode::OK, &c))
}

#[utoipa::path(get, path = "/v1/traffic", tag = "routes", params(TrafficQuery),
    responses((status = 200, body = TrafficBoardJson), (status = 400, description = "Invalid hours")))]
async fn traffic_board(
    State(routes): State<Routes>,
    q: Result<Query<TrafficQuery>, QueryRejection>,
) -> Result<Json<TrafficBoardJson>, ApiError> {
    let q = query(q)?;
    let hours = parse("hours", q.hours.as_deref())?.unwrap_or(0);
    Ok(Json(routes.traffic_board(hours).await?.into()))
}
