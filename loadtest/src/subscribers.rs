//! Live subscribers, over gRPC (`StreamPositions`) and Server-Sent Events:
//! each records the end-to-end latency of every position of ours it
//! receives and keeps what it saw, in arrival order, for reconciliation.

use std::{ops::Range, sync::Arc, time::Duration};

use futures::StreamExt;
use porttrack_proto::ships::v1::{
    StreamPositionsRequest, ships_service_client::ShipsServiceClient,
};
use serde::Deserialize;
use tokio::{sync::oneshot, time::Instant};
use tokio_util::sync::CancellationToken;

use crate::{
    drivers::grpc::status_name,
    ledger::Ledger,
    reconcile::{PerVessel, Point},
    schedule::latency,
    stats::{Latency, Stats},
    target::Target,
};

/// Pause before subscribing again after a stream ended.
const RESUBSCRIBE_AFTER: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Grpc,
    Sse,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Grpc => "live grpc",
            Kind::Sse => "live sse",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Subscriber {
    pub kind: Kind,
    pub target: Target,
    pub stats: Arc<Stats>,
    pub ledger: Arc<Ledger>,
    /// MMSIs of the simulated port; everything else is someone else's.
    pub ours: Range<u32>,
}

#[derive(Debug, Deserialize)]
struct SsePosition {
    mmsi: u32,
    lat: f64,
    lon: f64,
    observed_at_ms: i64,
}

impl Subscriber {
    /// Subscribes, says so on `ready`, and collects until `stop`. A stream
    /// that ends (a ships replica restarting) is counted as an error and
    /// subscribed again; what it missed meanwhile shows in reconciliation.
    pub async fn run(self, ready: oneshot::Sender<()>, stop: CancellationToken) -> PerVessel {
        let mut seen = PerVessel::new();
        let mut ready = Some(ready);
        while !stop.is_cancelled() {
            let result = match self.kind {
                Kind::Grpc => self.grpc(&mut seen, &mut ready, &stop).await,
                Kind::Sse => self.sse(&mut seen, &mut ready, &stop).await,
            };
            match result {
                Ok(()) => break,
                // Never subscribed at all: the run cannot start; say so once.
                Err(kind) if ready.is_some() => {
                    self.stats.error(kind);
                    break;
                }
                Err(kind) => {
                    self.stats.error(kind);
                    tokio::time::sleep(RESUBSCRIBE_AFTER).await;
                }
            }
        }
        seen
    }

    fn saw(&self, seen: &mut PerVessel, mmsi: u32, p: Point) {
        if !self.ours.contains(&mmsi) {
            return;
        }
        Stats::add(&self.stats.counters.live_received, 1);
        if let Some(intended) = self.ledger.intended((mmsi, p.observed_at_ms)) {
            self.stats
                .record(Latency::EndToEndLive, latency(intended, Instant::now()));
        }
        seen.entry(mmsi).or_default().push(p);
    }

    async fn grpc(
        &self,
        seen: &mut PerVessel,
        ready: &mut Option<oneshot::Sender<()>>,
        stop: &CancellationToken,
    ) -> Result<(), String> {
        let channel = self
            .target
            .grpc_channel()
            .map_err(|_| "live_grpc_connect".to_owned())?;
        let mut client = ShipsServiceClient::new(channel);
        let mut stream = client
            .stream_positions(self.target.request(StreamPositionsRequest { bbox: None }))
            .await
            .map_err(|s| format!("live_grpc_{}", status_name(s.code())))?
            .into_inner();
        if let Some(ready) = ready.take() {
            let _ = ready.send(());
        }
        loop {
            let item = tokio::select! {
                _ = stop.cancelled() => return Ok(()),
                item = stream.next() => item,
            };
            match item {
                Some(Ok(p)) => self.saw(
                    seen,
                    p.mmsi,
                    Point {
                        observed_at_ms: p.observed_at_ms,
                        lat: p.lat,
                        lon: p.lon,
                    },
                ),
                Some(Err(s)) => return Err(format!("live_grpc_{}", status_name(s.code()))),
                None => return Err("live_grpc_ended".to_owned()),
            }
        }
    }

    async fn sse(
        &self,
        seen: &mut PerVessel,
        ready: &mut Option<oneshot::Sender<()>>,
        stop: &CancellationToken,
    ) -> Result<(), String> {
        let http = reqwest::Client::new();
        let url = format!("{}/v1/positions/stream", self.target.http);
        let response = self
            .target
            .http_request(http.get(url))
            .send()
            .await
            .map_err(|_| "live_sse_connect".to_owned())?;
        if !response.status().is_success() {
            return Err(format!("live_sse_{}", response.status().as_u16()));
        }
        if let Some(ready) = ready.take() {
            let _ = ready.send(());
        }
        let mut body = response.bytes_stream();
        let mut buf = String::new();
        loop {
            let chunk = tokio::select! {
                _ = stop.cancelled() => return Ok(()),
                chunk = body.next() => chunk,
            };
            match chunk {
                Some(Ok(bytes)) => buf.push_str(&String::from_utf8_lossy(&bytes)),
                Some(Err(_)) => return Err("live_sse_read".to_owned()),
                None => return Err("live_sse_ended".to_owned()),
            }
            while let Some(end) = buf.find("\n\n") {
                let event: String = buf.drain(..end + 2).collect();
                for p in sse_positions(&event) {
                    let point = Point {
                        observed_at_ms: p.observed_at_ms,
                        lat: p.lat,
                        lon: p.lon,
                    };
                    self.saw(seen, p.mmsi, point);
                }
            }
        }
    }
}

/// The `position` events' data lines in one SSE event block.
fn sse_positions(event: &str) -> Vec<SsePosition> {
    event
        .lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str(d.trim()).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_blocks_yield_their_positions_and_skip_comments() {
        let block = "event: position\ndata: {\"mmsi\":257100001,\"lat\":59.9,\"lon\":10.7,\"observed_at_ms\":5000,\"sog_knots\":null}\n\n";
        let p = sse_positions(block);
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].mmsi, p[0].observed_at_ms), (257_100_001, 5000));
        assert!(sse_positions(": keep-alive\n\n").is_empty());
    }
}
