//! After the traffic: waiting (up to a deadline) for the suite to show what
//! it accepted, and reading it back for reconciliation.

use std::{sync::atomic::Ordering::Relaxed, time::Duration};

use futures::StreamExt;
use porttrack_proto::ships::v1::GetTrackRequest;
use tokio::time::Instant;

use crate::{
    readers::ReadContext,
    reconcile::{PerVessel, Point},
    stats::Stats,
};

/// Track requests in flight while reconciling.
const TRACK_CONCURRENCY: usize = 16;
/// The most a track answer holds (the ships service's limit).
const TRACK_LIMIT: u32 = 10_000;

/// Until subscribers have received `want` positions of ours, or `deadline`.
pub async fn live(stats: &Stats, want: u64, deadline: Instant) {
    while stats.counters.live_received.load(Relaxed) < want && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Drops what was observed before the run began: an earlier run against
/// the same suite used the same MMSIs.
pub fn since(mut seen: PerVessel, epoch_ms: i64) -> PerVessel {
    let from = epoch_ms - epoch_ms.rem_euclid(1000);
    for points in seen.values_mut() {
        points.retain(|p| p.observed_at_ms >= from);
    }
    seen.retain(|_, v| !v.is_empty());
    seen
}

/// Every accepted vessel's track since the run began, asking again for
/// vessels still short of what was accepted until `deadline`.
pub async fn tracks(
    ctx: &ReadContext,
    accepted: &PerVessel,
    epoch_ms: i64,
    deadline: Instant,
) -> PerVessel {
    let from = epoch_ms - epoch_ms.rem_euclid(1000);
    let mut seen = PerVessel::new();
    let mut todo: Vec<u32> = accepted.keys().copied().collect();
    loop {
        let fetched: Vec<(u32, Option<Vec<Point>>)> = futures::stream::iter(todo.clone())
            .map(|mmsi| async move { (mmsi, track(ctx, mmsi, from).await) })
            .buffer_unordered(TRACK_CONCURRENCY)
            .collect()
            .await;
        for (mmsi, points) in fetched {
            match points {
                Some(points) => {
                    seen.insert(mmsi, points);
                }
                None => ctx.stats.error("track_read"),
            }
        }
        todo.retain(|mmsi| seen.get(mmsi).map_or(0, Vec::len) < accepted[mmsi].len());
        if todo.is_empty() || Instant::now() >= deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn track(ctx: &ReadContext, mmsi: u32, from_ms: i64) -> Option<Vec<Point>> {
    let req = GetTrackRequest {
        mmsi,
        from_ms,
        to_ms: i64::MAX,
        limit: TRACK_LIMIT,
    };
    let mut client = ctx.client.clone();
    match client.get_track(ctx.target.request(req)).await {
        Ok(r) => Some(
            r.into_inner()
                .positions
                .iter()
                .map(|p| Point {
                    observed_at_ms: p.observed_at_ms,
                    lat: p.lat,
                    lon: p.lon,
                })
                .collect(),
        ),
        Err(s) if s.code() == tonic::Code::NotFound => Some(Vec::new()),
        Err(_) => None,
    }
}
