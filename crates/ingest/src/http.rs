//! REST for producers that batch over HTTP: `POST /v1/positions` (JSON) and
//! `POST /v1/nmea` (text, one sentence per line).

use std::time::Duration;

use axum::{
    Json, Router,
    extract::{State, rejection::JsonRejection},
    routing::post,
};
use porttrack_platform::{ApiError, FieldViolation};
use porttrack_proto::ingest::v1::{IngestSummary, PositionInput};
use serde::{Deserialize, Serialize};

use porttrack_platform::auth::scoped;

use crate::{
    batch::Batch,
    decoder::FeedDecoder,
    intake::{Intake, Origin, Transport},
    scopes::WRITE,
};

/// Items in one request; larger batches are refused, not truncated.
pub const MAX_BATCH: usize = 10_000;

#[derive(Debug, Clone)]
pub struct HttpState {
    pub intake: Intake,
    pub queue_wait: Duration,
    pub decoder: porttrack_ais::DecoderConfig,
}

pub fn router(state: HttpState) -> Router {
    Router::new()
        .route("/v1/positions", scoped(WRITE, post(post_positions)))
        .route("/v1/nmea", scoped(WRITE, post(post_nmea)))
        .with_state(state)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionsBody {
    pub positions: Vec<PositionJson>,
}

/// One report. `timestamp` is RFC 3339; absent means "now".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionJson {
    pub mmsi: u32,
    pub lat: f64,
    pub lon: f64,
    pub sog_knots: Option<f64>,
    pub cog_deg: Option<f64>,
    pub heading_deg: Option<u32>,
    pub nav_status: Option<u32>,
    pub timestamp: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SummaryJson {
    pub accepted: u64,
    pub rejected: u64,
    pub rejections: Vec<RejectionJson>,
}

#[derive(Debug, Serialize)]
pub struct RejectionJson {
    pub index: u64,
    pub reason: String,
    pub field: String,
    pub description: String,
}

async fn post_positions(
    State(state): State<HttpState>,
    body: Result<Json<PositionsBody>, JsonRejection>,
) -> Result<Json<SummaryJson>, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::invalid("body", e.body_text()))?;
    check_size(body.positions.len())?;
    let mut batch = Batch::default();
    for (i, p) in body.positions.iter().enumerate() {
        let input = match to_input(p) {
            Ok(input) => input,
            Err(v) => {
                return Err(ApiError::InvalidArgument(vec![FieldViolation::new(
                    format!("positions[{i}].{}", v.field),
                    v.description,
                )]));
            }
        };
        match state
            .intake
            .position(&input, Transport::Http, Some(state.queue_wait))
            .await
        {
            Ok(outcome) => batch.add(outcome).await,
            Err(err) => return Err(batch.abort(err)),
        }
    }
    respond("positions", batch.finish(0).await?)
}

async fn post_nmea(
    State(state): State<HttpState>,
    body: String,
) -> Result<Json<SummaryJson>, ApiError> {
    let lines: Vec<&str> = body.lines().filter(|l| !l.trim().is_empty()).collect();
    check_size(lines.len())?;
    let mut batch = Batch::default();
    let mut decoder = FeedDecoder::new(state.decoder);
    let origin = Origin {
        transport: Transport::Http,
        source: "http",
        feed: None,
    };
    for line in lines {
        match state
            .intake
            .nmea_line(&mut decoder, line, origin, Some(state.queue_wait))
            .await
        {
            Ok(outcome) => batch.add(outcome).await,
            Err(err) => return Err(batch.abort(err)),
        }
    }
    respond(
        "lines",
        batch.finish(decoder.pending_fragments() as u64).await?,
    )
}

fn check_size(n: usize) -> Result<(), ApiError> {
    if n == 0 {
        return Err(ApiError::invalid("body", "the batch is empty"));
    }
    if n > MAX_BATCH {
        return Err(ApiError::invalid(
            "body",
            format!("{n} items; at most {MAX_BATCH} per request"),
        ));
    }
    Ok(())
}

fn to_input(p: &PositionJson) -> Result<PositionInput, FieldViolation> {
    let timestamp_ms = match &p.timestamp {
        None => 0,
        Some(raw) => {
            let t =
                time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
                    .map_err(|e| FieldViolation::new("timestamp", format!("not RFC 3339: {e}")))?;
            i64::try_from(t.unix_timestamp_nanos() / 1_000_000)
                .map_err(|_| FieldViolation::new("timestamp", "out of range"))?
        }
    };
    Ok(PositionInput {
        mmsi: p.mmsi,
        lat: p.lat,
        lon: p.lon,
        sog_knots: p.sog_knots,
        cog_deg: p.cog_deg,
        heading_deg: p.heading_deg,
        nav_status: p.nav_status,
        timestamp_ms,
        source: p.source.clone().unwrap_or_else(|| "http".to_owned()),
    })
}

/// A batch where nothing was accepted is an error the caller must see as
/// one (problem+json, field paths per item); a partly accepted batch is a
/// success that lists what was refused.
fn respond(items: &str, summary: IngestSummary) -> Result<Json<SummaryJson>, ApiError> {
    if summary.accepted == 0 && !summary.rejections.is_empty() {
        return Err(ApiError::InvalidArgument(
            summary
                .rejections
                .iter()
                .map(|r| {
                    FieldViolation::new(
                        format!("{items}[{}].{}", r.index, r.field),
                        format!("{}: {}", r.reason, r.description),
                    )
                })
                .collect(),
        ));
    }
    Ok(Json(SummaryJson {
        accepted: summary.accepted,
        rejected: summary.rejected,
        rejections: summary
            .rejections
            .into_iter()
            .map(|r| RejectionJson {
                index: r.index,
                reason: r.reason,
                field: r.field,
                description: r.description,
            })
            .collect(),
    }))
}
