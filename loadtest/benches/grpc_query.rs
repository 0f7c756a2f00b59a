//! Query latency over gRPC: `NearestVessels` (10) and `VesselsInBox` against
//! the ships service in `porttrack up` holding 500,000 vessels (as the
//! in-process `query` bench; `GRPC_QUERY_VESSELS` changes it), and against a
//! tonic "echo" service that answers the same messages with a canned reply
//! (no index, no auth, no metrics), one request in flight, same client.
//! What PortTrack adds per query over tonic itself. Ratios, not pass/fail.
//!
//! `cargo build --release -p porttrack && cargo bench -p porttrack-loadtest --bench grpc_query`

use std::{pin::Pin, time::Duration};

use futures::Stream;
use hdrhistogram::Histogram;
use pb::ships_service_server::{ShipsService, ShipsServiceServer};
use porttrack_loadtest::{
    Spawned,
    sim::{Kind, Pace, SimConfig, Simulator, position_report},
    target::porttrack_binary,
};
use porttrack_proto::ships::v1::{self as pb, ships_service_client::ShipsServiceClient};
use tokio::{io::AsyncWriteExt, net::TcpStream, time::Instant};
use tonic::{Request, Response, Status, transport::Channel};

fn vessels() -> u32 {
    std::env::var("GRPC_QUERY_VESSELS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500_000)
}
const QUERIES: u32 = 1_000;

#[tokio::main]
async fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("grpc_query: run with `cargo bench`; skipped");
        return;
    }
    let vessels = vessels();
    // The load comes from one address, faster than a real feed may send.
    let suite = Spawned::up(
        &porttrack_binary().display().to_string(),
        &[("PORTTRACK_NMEA_RATE", "0".to_owned())],
    )
    .expect("up");
    load(&suite, vessels).await;
    let echo = echo_server().await;
    let ships = client(&suite.target.grpc).await;
    let stub = client(&echo).await;
    println!("grpc_query: {vessels} vessels, {QUERIES} queries each, one in flight");
    for kind in ["nearest10", "bbox"] {
        let p = measure(ships.clone(), kind).await;
        let e = measure(stub.clone(), kind).await;
        println!(
            "{kind:<10} ships p50 {:>7.1} µs p99 {:>8.1} µs | tonic echo p50 {:>7.1} µs p99 {:>8.1} µs | ratio p50 {:.2} p99 {:.2}",
            p.0,
            p.1,
            e.0,
            e.1,
            p.0 / e.0,
            p.1 / e.1
        );
    }
    suite.stop(Duration::from_secs(30));
}

async fn client(url: &str) -> ShipsServiceClient<Channel> {
    let channel = tonic::transport::Endpoint::from_shared(url.to_owned())
        .expect("url")
        .tcp_nodelay(true)
        .connect()
        .await
        .expect("connect");
    ShipsServiceClient::new(channel)
}

/// One report per vessel over NMEA, then waits until the index has them
/// all and the store has written them (so its catching up does not share
/// the cores with the queries being timed).
async fn load(suite: &Spawned, vessels: u32) {
    let mut sim = Simulator::new(SimConfig {
        vessels,
        seed: 2,
        epoch_ms: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64),
        pace: Pace::Aggregate(f64::from(vessels)),
        static_data: false,
        malformed_share: 0.0,
        duplicate_share: 0.0,
    });
    let mut bytes = Vec::new();
    while let Some(e) = sim.next_until(Duration::from_nanos(999_999_999)) {
        if let Kind::Position(f) = e.kind {
            let line = porttrack_ais::encode::encode_position(&position_report(e.mmsi, &f), 'A');
            bytes.extend_from_slice(line.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
    }
    let mut c = TcpStream::connect(suite.target.nmea).await.expect("nmea");
    c.write_all(&bytes).await.expect("write");
    c.shutdown().await.expect("shutdown");
    let http = reqwest::Client::new();
    let url = format!("{}/metrics", suite.target.http);
    let deadline = Instant::now() + Duration::from_secs(900);
    while Instant::now() < deadline {
        let text = http
            .get(&url)
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        let value = |name: &str| -> f64 {
            text.lines()
                .filter(|l| l.starts_with(name))
                .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
                .sum()
        };
        if value("porttrack_ships_vessels_tracked") >= f64::from(vessels)
            && value("porttrack_ships_changes_stored_total") >= f64::from(vessels)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the index or the store did not reach {vessels} vessels");
}

/// (p50, p99) in microseconds.
async fn measure(mut c: ShipsServiceClient<Channel>, kind: &str) -> (f64, f64) {
    let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
    for i in 0..QUERIES + 100 {
        let lat = 59.8 + f64::from(i % 20) / 100.0;
        let lon = 10.5 + f64::from(i % 40) / 100.0;
        let start = Instant::now();
        let ok = if kind == "bbox" {
            let bbox = pb::BoundingBox {
                min_lon: lon,
                min_lat: lat,
                max_lon: lon + 0.05,
                max_lat: lat + 0.02,
            };
            c.vessels_in_box(pb::VesselsInBoxRequest {
                bbox: Some(bbox),
                limit: 100,
            })
            .await
            .is_ok()
        } else {
            c.nearest_vessels(pb::NearestVesselsRequest {
                lat,
                lon,
                limit: 10,
            })
            .await
            .is_ok()
        };
        assert!(ok, "{kind} failed");
        // The first 100 warm the connection and the caches.
        if i >= 100 {
            h.saturating_record(start.elapsed().as_micros().max(1) as u64);
        }
    }
    (
        h.value_at_quantile(0.5) as f64,
        h.value_at_quantile(0.99) as f64,
    )
}

/// A ships service that answers with fixed messages of the usual size.
#[derive(Debug, Default)]
struct Echo;

fn canned(n: u32) -> Vec<pb::Position> {
    (0..n)
        .map(|i| pb::Position {
            mmsi: 257_100_000 + i,
            lat: 59.9,
            lon: 10.7,
            sog_knots: Some(12.0),
            cog_deg: Some(180.0),
            heading_deg: Some(180),
            nav_status: Some(0),
            observed_at_ms: 1_795_000_000_000,
        })
        .collect()
}

type PositionStream = Pin<Box<dyn Stream<Item = Result<pb::Position, Status>> + Send>>;

#[tonic::async_trait]
impl ShipsService for Echo {
    async fn get_vessel(
        &self,
        _: Request<pb::GetVesselRequest>,
    ) -> Result<Response<pb::Vessel>, Status> {
        Err(Status::unimplemented("echo"))
    }
    async fn list_vessels(
        &self,
        _: Request<pb::ListVesselsRequest>,
    ) -> Result<Response<pb::ListVesselsResponse>, Status> {
        Err(Status::unimplemented("echo"))
    }
    async fn vessels_in_box(
        &self,
        _: Request<pb::VesselsInBoxRequest>,
    ) -> Result<Response<pb::VesselsInBoxResponse>, Status> {
        Ok(Response::new(pb::VesselsInBoxResponse {
            positions: canned(10),
        }))
    }
    async fn nearest_vessels(
        &self,
        _: Request<pb::NearestVesselsRequest>,
    ) -> Result<Response<pb::NearestVesselsResponse>, Status> {
        let vessels = canned(10)
            .into_iter()
            .map(|p| pb::NearestVessel {
                position: Some(p),
                distance_m: 1234.5,
            })
            .collect();
        Ok(Response::new(pb::NearestVesselsResponse { vessels }))
    }
    async fn get_track(
        &self,
        _: Request<pb::GetTrackRequest>,
    ) -> Result<Response<pb::Track>, Status> {
        Err(Status::unimplemented("echo"))
    }
    type StreamPositionsStream = PositionStream;
    async fn stream_positions(
        &self,
        _: Request<pb::StreamPositionsRequest>,
    ) -> Result<Response<Self::StreamPositionsStream>, Status> {
        Err(Status::unimplemented("echo"))
    }
    async fn put_registry(
        &self,
        _: Request<pb::PutRegistryRequest>,
    ) -> Result<Response<pb::Vessel>, Status> {
        Err(Status::unimplemented("echo"))
    }
}

/// Serves [`Echo`] on a free loopback port; returns its URL.
async fn echo_server() -> String {
    let incoming =
        tonic::transport::server::TcpIncoming::bind("127.0.0.1:0".parse().expect("addr"))
            .expect("bind")
            .with_nodelay(Some(true));
    let addr = incoming.local_addr().expect("addr");
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(ShipsServiceServer::new(Echo))
            .serve_with_incoming(incoming),
    );
    format!("http://{addr}")
}
