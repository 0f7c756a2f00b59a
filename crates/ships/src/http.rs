//! REST, the same operations as gRPC. Errors are problem+json (see
//! `porttrack_platform::api_error`); bad path or query values are reported
//! with the parameter's name.

use std::{convert::Infallible, time::Duration};

use axum::{
    Json, Router,
    extract::{Path, Query, State, rejection::JsonRejection},
    response::sse::{Event, KeepAlive, Sse},
    routing::{get, put},
};
use futures::{Stream, StreamExt};
use porttrack_platform::{ApiError, auth::Principal};
use serde::{Deserialize, Serialize};

use porttrack_platform::auth::scoped;

use crate::{
    domain::{BoundingBox, Position, Vessel},
    scopes::{READ, WRITE},
    service::Ships,
};

pub fn router(ships: Ships) -> Router {
    Router::new()
        .route("/v1/vessels", scoped(READ, get(list_vessels)))
        .route("/v1/vessels/nearest", scoped(READ, get(nearest)))
        .route("/v1/vessels/{mmsi}", scoped(READ, get(get_vessel)))
        .route("/v1/vessels/{mmsi}/track", scoped(READ, get(track)))
        .route(
            "/v1/vessels/{mmsi}/registry",
            scoped(WRITE, put(put_registry)),
        )
        .route("/v1/positions/stream", scoped(READ, get(stream)))
        .with_state(ships)
}

fn parse<T: std::str::FromStr>(name: &str, raw: &str) -> Result<T, ApiError> {
    raw.trim()
        .parse()
        .map_err(|_| ApiError::invalid(name, format!("`{raw}` is not a valid {name}")))
}

fn opt<T: std::str::FromStr + Default>(name: &str, raw: &Option<String>) -> Result<T, ApiError> {
    raw.as_deref().map_or(Ok(T::default()), |r| parse(name, r))
}

/// Epoch milliseconds or RFC 3339.
fn instant(name: &str, raw: &str) -> Result<i64, ApiError> {
    if let Ok(ms) = raw.parse::<i64>() {
        return Ok(ms);
    }
    let t = time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
        .map_err(|_| {
            ApiError::invalid(
                name,
                "expected RFC 3339 (2026-01-31T12:00:00Z) or epoch milliseconds",
            )
        })?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| ApiError::invalid(name, "out of range"))
}

#[derive(Debug, Serialize)]
struct VesselJson {
    mmsi: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<Position>,
    #[serde(rename = "static", skip_serializing_if = "Option::is_none")]
    static_data: Option<crate::domain::StaticData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registry: Option<crate::domain::Registry>,
}

impl From<Vessel> for VesselJson {
    fn from(v: Vessel) -> Self {
        Self {
            mmsi: v.mmsi,
            position: v.position,
            static_data: v.static_data,
            registry: v.registry,
        }
    }
}

async fn get_vessel(
    State(ships): State<Ships>,
    Path(mmsi): Path<String>,
) -> Result<Json<VesselJson>, ApiError> {
    Ok(Json(ships.get_vessel(parse("mmsi", &mmsi)?).await?.into()))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    bbox: Option<String>,
    limit: Option<String>,
    page_size: Option<String>,
    page_token: Option<String>,
    name: Option<String>,
}

/// With `bbox`: the vessels inside it. Without: every vessel, a page at a time.
async fn list_vessels(
    State(ships): State<Ships>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::invalid("query", e.body_text()))?;
    if let Some(raw) = &q.bbox {
        let positions = ships.in_box(BoundingBox::parse(raw)?, opt("limit", &q.limit)?)?;
        return Ok(Json(serde_json::json!({ "positions": positions })));
    }
    let (vessels, next) = ships
        .list(
            opt("page_size", &q.page_size)?,
            q.page_token.as_deref().unwrap_or(""),
            q.name.as_deref().unwrap_or(""),
        )
        .await?;
    let vessels: Vec<VesselJson> = vessels.into_iter().map(Into::into).collect();
    Ok(Json(
        serde_json::json!({ "vessels": vessels, "next_page_token": next }),
    ))
}

#[derive(Debug, Deserialize)]
struct NearestQuery {
    lat: Option<String>,
    lon: Option<String>,
    limit: Option<String>,
}

async fn nearest(
    State(ships): State<Ships>,
    Query(q): Query<NearestQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let lat = q
        .lat
        .as_deref()
        .ok_or_else(|| ApiError::invalid("lat", "required"))?;
    let lon = q
        .lon
        .as_deref()
        .ok_or_else(|| ApiError::invalid("lon", "required"))?;
    let found = ships.nearest(
        parse("lat", lat)?,
        parse("lon", lon)?,
        opt("limit", &q.limit)?,
    )?;
    let vessels: Vec<serde_json::Value> = found
        .into_iter()
        .map(|(p, d)| serde_json::json!({ "position": p, "distance_m": d }))
        .collect();
    Ok(Json(serde_json::json!({ "vessels": vessels })))
}

#[derive(Debug, Deserialize)]
struct TrackQuery {
    from: Option<String>,
    to: Option<String>,
    limit: Option<String>,
}

async fn track(
    State(ships): State<Ships>,
    Path(mmsi): Path<String>,
    Query(q): Query<TrackQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let mmsi: u32 = parse("mmsi", &mmsi)?;
    let from = q.from.as_deref().map_or(Ok(0), |r| instant("from", r))?;
    let to = q.to.as_deref().map_or(Ok(i64::MAX), |r| instant("to", r))?;
    let positions = ships.track(mmsi, from, to, opt("limit", &q.limit)?).await?;
    Ok(Json(
        serde_json::json!({ "mmsi": mmsi, "positions": positions }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryBody {
    #[serde(default)]
    operator: String,
    #[serde(default)]
    flag: String,
    #[serde(default)]
    notes: String,
}

async fn put_registry(
    State(ships): State<Ships>,
    Path(mmsi): Path<String>,
    body: Result<Json<RegistryBody>, JsonRejection>,
) -> Result<Json<VesselJson>, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::invalid("body", e.body_text()))?;
    let vessel = ships
        .put_registry(parse("mmsi", &mmsi)?, body.operator, body.flag, body.notes)
        .await?;
    Ok(Json(vessel.into()))
}

#[derive(Debug, Deserialize)]
struct StreamQuery {
    bbox: Option<String>,
}

/// Server-Sent Events: one `position` event per applied position.
async fn stream(
    State(ships): State<Ships>,
    client: Option<axum::Extension<Principal>>,
    Query(q): Query<StreamQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let area = q
        .bbox
        .as_deref()
        .map_or(Ok(BoundingBox::WORLD), BoundingBox::parse)?;
    let client = client.map(|axum::Extension(p)| p);
    let events = ships.live_positions(area, client.as_ref())?.map(|p| {
        Ok(Event::default()
            .event("position")
            .json_data(p)
            .unwrap_or_else(|_| Event::default().comment("unencodable")))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
