//! Ingest over REST: `POST /v1/positions`, one request per batch,
//! answered once Kafka holds every accepted item.

use std::sync::Arc;

use serde::Deserialize;
use tokio::{
    sync::{Semaphore, mpsc},
    time::Instant,
};

use super::{Context, Job, next_batch};
use crate::{retry, stats::Stats};

#[derive(Debug, Deserialize)]
struct Summary {
    rejections: Vec<Rejection>,
}

#[derive(Debug, Deserialize)]
struct Rejection {
    index: usize,
    reason: String,
}

pub async fn positions(ctx: Context, mut rx: mpsc::UnboundedReceiver<Job>) {
    let http = reqwest::Client::new();
    let url = format!("{}/v1/positions", ctx.target.http);
    let limit = Arc::new(Semaphore::new(ctx.settings.in_flight));
    let mut calls = tokio::task::JoinSet::new();
    while let Some(jobs) = next_batch(&mut rx, ctx.settings.batch).await {
        // Only positions travel here; static data has no REST form.
        let jobs: Vec<Job> = jobs.into_iter().filter(|j| j.fix.is_some()).collect();
        if jobs.is_empty() {
            continue;
        }
        let Ok(permit) = limit.clone().acquire_owned().await else {
            break;
        };
        let body = serde_json::json!({ "positions": jobs.iter().map(json).collect::<Vec<_>>() });
        let request = ctx.target.http_request(http.post(&url)).json(&body);
        let ctx = ctx.clone();
        calls.spawn(async move {
            Stats::add(&ctx.stats.counters.lines_sent, jobs.len() as u64);
            let answer = send_retrying(&ctx, request).await;
            let done = Instant::now();
            match answer {
                Ok(summary) => {
                    for r in &summary.rejections {
                        ctx.stats.error(format!("rejected_{}", r.reason));
                    }
                    let refused: Vec<usize> = summary.rejections.iter().map(|r| r.index).collect();
                    ctx.settle(&jobs, Ok(&refused), done);
                }
                Err(kind) => {
                    ctx.stats.error(kind);
                    ctx.settle(&jobs, Err(()), done);
                }
            }
            drop(permit);
        });
        while calls.try_join_next().is_some() {}
    }
    while calls.join_next().await.is_some() {}
}

/// Sends, and sends again when the connection failed before an answer
/// (see [`crate::retry`]); an HTTP status is final.
async fn send_retrying(ctx: &Context, request: reqwest::RequestBuilder) -> Result<Summary, String> {
    let mut attempt = 0;
    loop {
        let this = request.try_clone().expect("a JSON body can be cloned");
        match send(this).await {
            Err(kind) if kind == "http_connect" && attempt + 1 < retry::ATTEMPTS => {
                ctx.stats.retry(kind);
                tokio::time::sleep(retry::backoff(attempt)).await;
                attempt += 1;
            }
            answer => return answer,
        }
    }
}

async fn send(request: reqwest::RequestBuilder) -> Result<Summary, String> {
    let response = request
        .send()
        .await
        .map_err(|_| "http_connect".to_owned())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("http_{}", status.as_u16()));
    }
    response
        .json::<Summary>()
        .await
        .map_err(|_| "http_bad_body".to_owned())
}

fn json(job: &Job) -> serde_json::Value {
    let (f, _) = job.fix.expect("positions only");
    serde_json::json!({
        "mmsi": job.mmsi,
        "lat": f.lat,
        "lon": f.lon,
        "sog_knots": f.sog_knots,
        "cog_deg": f.cog_deg,
        "nav_status": f.nav_status,
        "timestamp": rfc3339(f.observed_at_ms),
        "source": "loadtest",
    })
}

pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
