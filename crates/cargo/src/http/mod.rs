//! REST, the same operations as gRPC, and `/openapi.json` generated from
//! the handlers below. Errors are problem+json (see
//! `porttrack_platform::api_error`). Manifests carry their version as an
//! `ETag`; changes need it in `If-Match` and answer 412 when it is stale.

mod json;

use axum::{
    Json, Router,
    extract::{Path, Query, State, rejection::JsonRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, patch, post, put},
};
use porttrack_platform::{
    ApiError,
    conditional::{etag, idempotency_key, if_match, require_if_match},
};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

pub use json::*;

use porttrack_platform::auth::scoped;

use crate::{
    domain::{Manifest, ManifestStatus},
    scopes::{READ, WRITE},
    service::Cargo,
    store::Filter,
};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "PortTrack cargo",
        description = "Cargo manifests per port call and their dangerous-goods checks."
    ),
    paths(
        create_manifest,
        list_manifests,
        get_manifest,
        update_manifest,
        add_item,
        update_item,
        list_violations,
        find_container
    )
)]
pub struct ApiDoc;

pub fn router(cargo: Cargo) -> Router {
    Router::new()
        .route(
            "/v1/manifests",
            scoped(READ, get(list_manifests)).merge(scoped(WRITE, post(create_manifest))),
        )
        .route(
            "/v1/manifests/{id}",
            scoped(READ, get(get_manifest)).merge(scoped(WRITE, patch(update_manifest))),
        )
        .route("/v1/manifests/{id}/items", scoped(WRITE, post(add_item)))
        .route(
            "/v1/manifests/{id}/items/{item_id}",
            scoped(WRITE, put(update_item)),
        )
        .route(
            "/v1/manifests/{id}/violations",
            scoped(READ, get(list_violations)),
        )
        .route("/v1/containers/{number}", scoped(READ, get(find_container)))
        .with_state(cargo)
}

/// The REST API description; the server publishes it at `/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The manifest as JSON with its version as `ETag`.
fn with_etag(status: StatusCode, m: &Manifest) -> Response {
    let mut r = (status, Json(ManifestJson::from(m))).into_response();
    r.headers_mut().insert(header::ETAG, etag(m.version));
    if status == StatusCode::CREATED
        && let Ok(loc) = HeaderValue::from_str(&format!("/v1/manifests/{}", m.id))
    {
        r.headers_mut().insert(header::LOCATION, loc);
    }
    r
}

fn body<T: DeserializeOwned>(b: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    b.map(|Json(t)| t)
        .map_err(|e| ApiError::invalid("body", e.body_text()))
}

fn parse<T: std::str::FromStr>(name: &str, raw: &str) -> Result<T, ApiError> {
    raw.trim()
        .parse()
        .map_err(|_| ApiError::invalid(name, format!("`{raw}` is not a valid {name}")))
}

#[utoipa::path(post, path = "/v1/manifests", tag = "cargo",
    request_body = CreateManifestBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the original manifest")),
    responses(
        (status = 201, description = "Created", body = ManifestJson),
        (status = 200, description = "A retry: the manifest the key created", body = ManifestJson),
        (status = 400, description = "Invalid fields (problem+json)"),
        (status = 409, description = "The port call has a manifest, or the key was used for another request"),
    ))]
async fn create_manifest(
    State(cargo): State<Cargo>,
    headers: HeaderMap,
    b: Result<Json<CreateManifestBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let b = body(b)?;
    let key = idempotency_key(&headers, b.idempotency_key.as_deref())?;
    let (m, created) = cargo
        .create_manifest(key, &b.port_call_id, b.mmsi, b.eta_ms)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(with_etag(status, &m))
}

#[utoipa::path(get, path = "/v1/manifests", tag = "cargo", params(ListQuery),
    responses((status = 200, body = ManifestPage), (status = 400, description = "Invalid query")))]
async fn list_manifests(
    State(cargo): State<Cargo>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ManifestPage>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::invalid("query", e.body_text()))?;
    let filter = Filter {
        mmsi: q.mmsi.as_deref().map(|m| parse("mmsi", m)).transpose()?,
        port_call_id: q.port_call_id.filter(|p| !p.is_empty()),
        status: q
            .status
            .as_deref()
            .map(|s| ManifestStatus::parse("status", s))
            .transpose()?,
    };
    let page_size = q
        .page_size
        .as_deref()
        .map_or(Ok(0), |p| parse("page_size", p))?;
    let (manifests, next_page_token) = cargo
        .list(page_size, q.page_token.as_deref().unwrap_or(""), filter)
        .await?;
    Ok(Json(ManifestPage {
        manifests: manifests.iter().map(Into::into).collect(),
        next_page_token,
    }))
}

#[utoipa::path(get, path = "/v1/manifests/{id}", tag = "cargo",
    params(("id" = String, Path)),
    responses((status = 200, description = "With `ETag`", body = ManifestJson), (status = 404)))]
async fn get_manifest(
    State(cargo): State<Cargo>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, &cargo.get_manifest(&id).await?))
}

#[utoipa::path(patch, path = "/v1/manifests/{id}", tag = "cargo",
    request_body = UpdateManifestBody,
    params(("id" = String, Path), ("If-Match" = String, Header, description = "The ETag last read")),
    responses((status = 200, body = ManifestJson), (status = 412, description = "Stale If-Match"), (status = 404)))]
async fn update_manifest(
    State(cargo): State<Cargo>,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Result<Json<UpdateManifestBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let expected = require_if_match(&headers, "manifest")?;
    let b = body(b)?;
    let m = cargo
        .update_manifest(&id, expected, b.eta_ms, b.status)
        .await?;
    Ok(with_etag(StatusCode::OK, &m))
}

#[utoipa::path(post, path = "/v1/manifests/{id}/items", tag = "cargo",
    request_body = ItemBody,
    params(
        ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key adds the item once"),
        ("If-Match" = Option<String>, Header, description = "Checked when sent"),
    ),
    responses(
        (status = 201, description = "The manifest with the new item", body = ManifestJson),
        (status = 200, description = "A retry", body = ManifestJson),
        (status = 400), (status = 404), (status = 409, description = "The manifest is closed"),
        (status = 412, description = "Stale If-Match"),
    ))]
async fn add_item(
    State(cargo): State<Cargo>,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Result<Json<ItemBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers, "manifest")?;
    let key = idempotency_key(&headers, None)?;
    let b = body(b)?;
    let (m, created) = cargo.add_item(&id, key, expected, &b.input()).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut r = with_etag(status, &m);
    r.headers_mut().remove(header::LOCATION);
    Ok(r)
}

#[utoipa::path(put, path = "/v1/manifests/{id}/items/{item_id}", tag = "cargo",
    request_body = ItemBody,
    params(("id" = String, Path), ("item_id" = String, Path), ("If-Match" = String, Header)),
    responses((status = 200, body = ManifestJson), (status = 400), (status = 404), (status = 412)))]
async fn update_item(
    State(cargo): State<Cargo>,
    Path((id, item_id)): Path<(String, String)>,
    headers: HeaderMap,
    b: Result<Json<ItemBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let expected = require_if_match(&headers, "manifest")?;
    let b = body(b)?;
    let m = cargo
        .update_item(&id, &item_id, expected, &b.input())
        .await?;
    Ok(with_etag(StatusCode::OK, &m))
}

#[utoipa::path(get, path = "/v1/manifests/{id}/violations", tag = "cargo",
    params(("id" = String, Path)),
    responses((status = 200, body = Violations), (status = 404)))]
async fn list_violations(
    State(cargo): State<Cargo>,
    Path(id): Path<String>,
) -> Result<Json<Violations>, ApiError> {
    let (violations, manifest_version) = cargo.violations(&id).await?;
    Ok(Json(Violations {
        violations,
        manifest_version,
    }))
}

#[utoipa::path(get, path = "/v1/containers/{number}", tag = "cargo",
    params(("number" = String, Path, description = "ISO 6346, e.g. CSQU3054383")),
    responses((status = 200, body = ContainerMatches), (status = 400)))]
async fn find_container(
    State(cargo): State<Cargo>,
    Path(number): Path<String>,
) -> Result<Json<ContainerMatches>, ApiError> {
    let matches = cargo
        .find_container(&number)
        .await?
        .into_iter()
        .map(|(m, item)| ContainerMatchJson {
            manifest_id: m.id,
            port_call_id: m.port_call_id,
            mmsi: m.mmsi,
            item: (&item).into(),
        })
        .collect();
    Ok(Json(ContainerMatches { matches }))
}
