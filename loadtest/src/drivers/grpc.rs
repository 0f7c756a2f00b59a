//! Ingest over gRPC: one client-streaming call per batch, answered once
//! Kafka holds every accepted item. Calls run concurrently up to the
//! scenario's `in_flight`.

use std::sync::Arc;

use porttrack_proto::ingest::v1::{
    IngestSummary, NmeaLine, PositionInput, ingest_service_client::IngestServiceClient,
};
use tokio::{
    sync::{Semaphore, mpsc},
    time::Instant,
};

use super::{Context, Job, next_batch};
use crate::{retry, stats::Stats};

pub async fn nmea(ctx: Context, rx: mpsc::UnboundedReceiver<Job>) {
    drive(ctx, rx, |jobs| {
        // Rejections name lines; a job is refused when its first line is.
        let mut lines = Vec::new();
        let mut first_line = Vec::new();
        for job in jobs {
            first_line.push(lines.len());
            lines.extend(job.lines.iter().map(|l| NmeaLine {
                line: l.clone(),
                source: "loadtest".to_owned(),
            }));
        }
        (Request::Nmea(lines), first_line)
    })
    .await
}

pub async fn positions(ctx: Context, rx: mpsc::UnboundedReceiver<Job>) {
    drive(ctx, rx, |jobs| {
        let mut items = Vec::new();
        let mut index = Vec::new();
        for job in jobs {
            // Static data has no structured form here: only positions travel.
            index.push(job.fix.map_or(usize::MAX, |_| items.len()));
            if let Some((f, _)) = job.fix {
                items.push(PositionInput {
                    mmsi: job.mmsi,
                    lat: f.lat,
                    lon: f.lon,
                    sog_knots: Some(f.sog_knots),
                    cog_deg: Some(f.cog_deg),
                    heading_deg: None,
                    nav_status: Some(u32::from(f.nav_status)),
                    timestamp_ms: f.observed_at_ms,
                    source: "loadtest".to_owned(),
                });
            }
        }
        (Request::Positions(items), index)
    })
    .await
}

#[derive(Clone)]
enum Request {
    Nmea(Vec<NmeaLine>),
    Positions(Vec<PositionInput>),
}

/// Batches jobs, builds each call with `build` (which also says which item
/// of the call stands for each job), and settles the jobs by its answer.
async fn drive(
    ctx: Context,
    mut rx: mpsc::UnboundedReceiver<Job>,
    build: impl Fn(&[Job]) -> (Request, Vec<usize>),
) {
    let client = match ctx.target.grpc_channel() {
        Ok(channel) => IngestServiceClient::new(channel),
        Err(_) => {
            ctx.stats.error("grpc_bad_target");
            return;
        }
    };
    let limit = Arc::new(Semaphore::new(ctx.settings.in_flight));
    let mut calls = tokio::task::JoinSet::new();
    while let Some(jobs) = next_batch(&mut rx, ctx.settings.batch).await {
        let Ok(permit) = limit.clone().acquire_owned().await else {
            break;
        };
        let (request, index) = build(&jobs);
        let (ctx, mut client) = (ctx.clone(), client.clone());
        calls.spawn(async move {
            let lines: usize = jobs.iter().map(|j| j.lines.len()).sum();
            Stats::add(&ctx.stats.counters.lines_sent, lines as u64);
            let mut attempt = 0;
            let answer = loop {
                match call(&ctx, &mut client, request.clone()).await {
                    Err(s) if attempt + 1 < retry::ATTEMPTS && retry::grpc(&s) => {
                        ctx.stats.retry(format!("grpc_{}", status_name(s.code())));
                        tokio::time::sleep(retry::backoff(attempt)).await;
                        attempt += 1;
                    }
                    answer => break answer,
                }
            };
            settle(&ctx, &jobs, &index, answer);
            drop(permit);
        });
        while calls.try_join_next().is_some() {}
    }
    while calls.join_next().await.is_some() {}
}

async fn call(
    ctx: &Context,
    client: &mut IngestServiceClient<tonic::transport::Channel>,
    request: Request,
) -> Result<IngestSummary, tonic::Status> {
    let answer = match request {
        Request::Nmea(lines) => {
            client
                .stream_nmea(ctx.target.request(futures::stream::iter(lines)))
                .await
        }
        Request::Positions(items) => {
            client
                .stream_positions(ctx.target.request(futures::stream::iter(items)))
                .await
        }
    };
    answer.map(tonic::Response::into_inner)
}

fn settle(
    ctx: &Context,
    jobs: &[Job],
    index: &[usize],
    answer: Result<IngestSummary, tonic::Status>,
) {
    let done = Instant::now();
    match answer {
        Ok(summary) => {
            let rejected: Vec<u64> = summary.rejections.iter().map(|r| r.index).collect();
            for r in &summary.rejections {
                ctx.stats.error(format!("rejected_{}", r.reason));
            }
            let refused: Vec<usize> = index
                .iter()
                .enumerate()
                .filter(|(_, item)| rejected.contains(&(**item as u64)))
                .map(|(job, _)| job)
                .collect();
            ctx.settle(jobs, Ok(&refused), done);
        }
        Err(status) => {
            ctx.stats
                .error(format!("grpc_{}", status_name(status.code())));
            ctx.settle(jobs, Err(()), done);
        }
    }
}

/// Snake-case gRPC code, bounded, for error kinds.
pub fn status_name(code: tonic::Code) -> String {
    let s = format!("{code:?}");
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}
