//! Port-authority readers over gRPC, each kind at its own fixed rate, open
//! loop; and visibility probes, which follow a sent position until a query
//! returns it (end-to-end latency to a query).

use std::{sync::Arc, time::Duration};

use porttrack_ais::encode::corpus::Rng;
use porttrack_proto::ships::v1::{
    BoundingBox, GetTrackRequest, GetVesselRequest, NearestVesselsRequest, VesselsInBoxRequest,
    ships_service_client::ShipsServiceClient,
};
use tokio::{task::JoinSet, time::Instant};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

use crate::{
    drivers::grpc::status_name,
    ledger::Key,
    retry,
    scenario::Readers,
    schedule::{Clock, FixedRate, latency},
    sim::FIRST_MMSI,
    stats::{Latency, Stats},
    target::Target,
};

/// How often a probe asks again.
const PROBE_POLL: Duration = Duration::from_millis(2);
/// A probe gives up (and counts an error) after this long.
const PROBE_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct ReadContext {
    pub target: Target,
    pub stats: Arc<Stats>,
    pub client: ShipsServiceClient<Channel>,
    pub vessels: u32,
    pub seed: u64,
}

impl ReadContext {
    pub fn new(
        target: &Target,
        stats: Arc<Stats>,
        vessels: u32,
        seed: u64,
    ) -> Result<Self, String> {
        let channel = target.grpc_channel().map_err(|e| e.to_string())?;
        Ok(Self {
            target: target.clone(),
            stats,
            client: ShipsServiceClient::new(channel),
            vessels,
            seed,
        })
    }
}

/// Starts one open-loop reader per kind with a rate.
pub fn start(
    ctx: &ReadContext,
    rates: &Readers,
    clock: Clock,
    duration: Duration,
    stop: &CancellationToken,
    tasks: &mut JoinSet<()>,
) {
    for (kind, rate) in [
        (Latency::GetVessel, rates.get_vessel),
        (Latency::VesselsInBox, rates.bbox),
        (Latency::Nearest, rates.nearest),
        (Latency::Track, rates.track),
    ] {
        if let Some(rate) = FixedRate::new(rate) {
            let (ctx, stop) = (ctx.clone(), stop.clone());
            tasks.spawn(reader(ctx, kind, rate, clock, duration, stop));
        }
    }
}

async fn reader(
    ctx: ReadContext,
    kind: Latency,
    rate: FixedRate,
    clock: Clock,
    duration: Duration,
    stop: CancellationToken,
) {
    let mut rng = Rng::new(ctx.seed ^ kind as u64);
    let mut calls = JoinSet::new();
    for offset in rate.offsets(duration) {
        let intended = tokio::select! {
            _ = stop.cancelled() => break,
            at = clock.until(offset) => at,
        };
        let pick = rng.below(ctx.vessels.max(1));
        let ctx = ctx.clone();
        calls.spawn(async move {
            let ok = query(&ctx, kind, pick).await;
            ctx.stats.record(kind, latency(intended, Instant::now()));
            Stats::add(&ctx.stats.counters.reads, 1);
            if let Err(code) = ok {
                ctx.stats.error(format!("read_{}", status_name(code)));
            }
        });
        while calls.try_join_next().is_some() {}
    }
    while calls.join_next().await.is_some() {}
}

/// A query, retried when it never reached a server (see [`crate::retry`]).
async fn query(ctx: &ReadContext, kind: Latency, pick: u32) -> Result<(), tonic::Code> {
    let mut attempt = 0;
    loop {
        match query_once(ctx, kind, pick).await {
            Err(s) if attempt + 1 < retry::ATTEMPTS && retry::grpc(&s) => {
                ctx.stats.retry(format!("read_{}", status_name(s.code())));
                tokio::time::sleep(retry::backoff(attempt)).await;
                attempt += 1;
            }
            Err(s) => return Err(s.code()),
            Ok(()) => return Ok(()),
        }
    }
}

async fn query_once(ctx: &ReadContext, kind: Latency, pick: u32) -> Result<(), tonic::Status> {
    let mut c = ctx.client.clone();
    let t = &ctx.target;
    let mmsi = FIRST_MMSI + pick;
    // Around the simulated port, a box and a point chosen by `pick`.
    let lat = 59.75 + f64::from(pick % 30) / 100.0;
    let lon = 10.5 + f64::from(pick % 50) / 100.0;
    let r = match kind {
        Latency::GetVessel => c
            .get_vessel(t.request(GetVesselRequest { mmsi }))
            .await
            .map(drop),
        Latency::VesselsInBox => {
            let bbox = BoundingBox {
                min_lon: lon,
                min_lat: lat,
                max_lon: lon + 0.1,
                max_lat: lat + 0.05,
            };
            let req = VesselsInBoxRequest {
                bbox: Some(bbox),
                limit: 100,
            };
            c.vessels_in_box(t.request(req)).await.map(drop)
        }
        Latency::Nearest => {
            let req = NearestVesselsRequest {
                lat,
                lon,
                limit: 10,
            };
            c.nearest_vessels(t.request(req)).await.map(drop)
        }
        _ => {
            let req = GetTrackRequest {
                mmsi,
                from_ms: 0,
                to_ms: i64::MAX,
                limit: 100,
            };
            c.get_track(t.request(req)).await.map(drop)
        }
    };
    // A vessel that has not reported yet is a normal answer.
    match r {
        Err(s) if s.code() != tonic::Code::NotFound => Err(s),
        _ => Ok(()),
    }
}

/// Follows `key` until `GetVessel` shows it (or something newer).
pub async fn probe(ctx: ReadContext, key: Key, intended: Instant) {
    let (mmsi, observed) = key;
    let deadline = intended + PROBE_TIMEOUT;
    let mut c = ctx.client.clone();
    while Instant::now() < deadline {
        let seen = c
            .get_vessel(ctx.target.request(GetVesselRequest { mmsi }))
            .await
            .ok()
            .and_then(|r| r.into_inner().position)
            .is_some_and(|p| p.observed_at_ms >= observed);
        if seen {
            ctx.stats
                .record(Latency::EndToEndQuery, latency(intended, Instant::now()));
            return;
        }
        tokio::time::sleep(PROBE_POLL).await;
    }
    ctx.stats.error("probe_timeout");
}
