//! The ingest service: what AIS feed producers talk to.
//!
//! Inputs arrive as NMEA 0183 over TCP and UDP ([`nmea`]), as gRPC streams
//! ([`grpc`]) or as REST batches ([`http`]). All of them go through
//! [`intake`]: decode (the `porttrack-ais` codec), validate ([`domain`]),
//! and queue for Kafka keyed by MMSI ([`publisher`]); refusals are counted
//! and sent to the dead-letter topic. Producers that wait for an answer get
//! one only once Kafka has their events ([`batch`]).
//!
//! Along the way: [`decoder`] keeps each feed's reassembly state (counted
//! as fragments pending), [`dedup`] drops copies of a message heard by
//! several receivers, [`feed`] names feeds as a bounded metric label, and
//! [`metrics`] names every metric.

pub mod access;
pub mod batch;
pub mod decoder;
pub mod dedup;
pub mod domain;
pub mod feed;
pub mod grpc;
pub mod http;
pub mod intake;
pub mod metrics;
pub mod nmea;
pub mod publisher;
pub mod scopes;

use std::{future::Future, net::SocketAddr, time::Duration};

use porttrack_ais::{ChecksumPolicy, DecoderConfig};
use porttrack_platform::{
    BusError, Endpoints, EventBus, Lifecycle, Server,
    server::ServerError,
    settings::{BusSettings, ServerSettings, parse_duration},
};
use tokio::net::{TcpListener, UdpSocket};

use crate::{intake::Intake, nmea::NmeaConfig, publisher::Publisher};

/// Settings of the ingest service alone.
#[derive(Debug, Clone, clap::Args)]
pub struct IngestSettings {
    /// NMEA 0183 feeds connect here, over TCP and UDP on the same port.
    #[arg(long, env = "PORTTRACK_NMEA_ADDR", default_value = "127.0.0.1:10110")]
    pub nmea_addr: SocketAddr,
    /// NMEA TCP connections served at once; more wait to be accepted.
    #[arg(long, env = "PORTTRACK_NMEA_MAX_CONNECTIONS", default_value_t = 1024)]
    pub nmea_max_connections: usize,
    /// Longest NMEA line accepted, in bytes (tag blocks included).
    #[arg(long, env = "PORTTRACK_NMEA_MAX_LINE", default_value_t = 1024)]
    pub nmea_max_line: usize,
    /// Multi-sentence messages still incomplete after this are dropped.
    #[arg(long, env = "PORTTRACK_FRAGMENT_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub fragment_timeout: Duration,
    /// How long a gRPC or REST producer waits for room in the produce queue
    /// before it is told to back off.
    #[arg(long, env = "PORTTRACK_QUEUE_WAIT", default_value = "1s", value_parser = parse_duration)]
    pub queue_wait: Duration,
    /// Copies of an AIS message (the same transmission heard by several
    /// receivers) arriving within this of the first are dropped and
    /// counted; 0 keeps every copy.
    #[arg(long, env = "PORTTRACK_DEDUP_WINDOW", default_value = "5s", value_parser = parse_duration)]
    pub dedup_window: Duration,
    /// Sources allowed to send NMEA over TCP and UDP, which cannot present
    /// tokens: `name=network` entries (or bare networks), comma-separated,
    /// e.g. `north=10.1.0.0/24,partner=203.0.113.7`. The name becomes the
    /// `feed` label. Unset: any source.
    #[arg(long, env = "PORTTRACK_NMEA_ALLOW")]
    pub nmea_allow: Option<access::AllowList>,
    /// NMEA lines per second each source address may send (TCP feeds over
    /// it are slowed, UDP lines over it dropped); 0: no limit.
    #[arg(long, env = "PORTTRACK_NMEA_RATE", default_value_t = 2000)]
    pub nmea_rate: u32,
    /// A TCP feed that sends nothing for this long is disconnected (feeds
    /// reconnect; a vanished or stalling client frees its slot).
    #[arg(long, env = "PORTTRACK_NMEA_IDLE_TIMEOUT", default_value = "10m", value_parser = parse_duration)]
    pub nmea_idle_timeout: Duration,
    /// Lines a source may send at once above its rate.
    #[arg(long, env = "PORTTRACK_NMEA_BURST", default_value_t = 4000)]
    pub nmea_burst: u32,
}

/// Everything `porttrack ingest` reads.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    #[command(flatten)]
    pub server: ServerSettings,
    #[command(flatten)]
    pub bus: BusSettings,
    #[command(flatten)]
    pub ingest: IngestSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot listen for NMEA on {addr} (PORTTRACK_NMEA_ADDR): {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("event bus: {0}")]
    Bus(#[from] BusError),
    #[error(transparent)]
    Server(#[from] ServerError),
}

/// The ingest pieces, for running alone or inside `porttrack up`.
#[derive(Debug)]
pub struct Ingest {
    pub endpoints: Endpoints,
    pub nmea_tcp_addr: SocketAddr,
    pub nmea_udp_addr: SocketAddr,
}

impl Ingest {
    /// Creates topics, binds NMEA listeners and starts them under `lifecycle`.
    pub async fn build(
        settings: &IngestSettings,
        bus: &EventBus,
        produce_queue: u32,
        lifecycle: &Lifecycle,
    ) -> Result<Self, IngestError> {
        metrics::describe();
        bus.ensure_topics(publisher::TOPICS).await?;
        let publisher = Publisher::new(bus.clone(), produce_queue as usize);
        let intake = Intake::new(publisher, settings.dedup_window);
        let decoder = DecoderConfig {
            checksum: ChecksumPolicy::Reject,
            fragment_timeout_ms: settings.fragment_timeout.as_millis() as u64,
            ..DecoderConfig::default()
        };

        let bind_err = |source| IngestError::Bind {
            addr: settings.nmea_addr,
            source,
        };
        let tcp = TcpListener::bind(settings.nmea_addr)
            .await
            .map_err(bind_err)?;
        let nmea_tcp_addr = tcp.local_addr().map_err(bind_err)?;
        // Same port for UDP, also when the TCP port was picked by the OS.
        let udp = UdpSocket::bind(nmea_tcp_addr).await.map_err(bind_err)?;
        let nmea_udp_addr = udp.local_addr().map_err(bind_err)?;
        let limiter = std::sync::Arc::new(access::RateLimiter::new(
            settings.nmea_rate,
            settings.nmea_burst,
        ));
        let config = NmeaConfig {
            max_connections: settings.nmea_max_connections,
            max_line_bytes: settings.nmea_max_line,
            decoder,
            allow: settings.nmea_allow.clone(),
            idle_timeout: settings.nmea_idle_timeout,
            limiter: limiter.clone(),
        };
        if settings.nmea_allow.is_none() {
            tracing::warn!(
                "PORTTRACK_NMEA_ALLOW is not set: NMEA over TCP and UDP is accepted from any source"
            );
        }
        let drain = lifecycle.draining();
        let (i, c, d) = (intake.clone(), config.clone(), drain.clone());
        lifecycle.spawn("nmea-tcp", async move {
            Ok(nmea::serve_tcp(tcp, i, c, d).await?)
        });
        let (i, d) = (intake.clone(), drain);
        lifecycle.spawn("nmea-udp", async move {
            Ok(nmea::serve_udp(udp, i, config, d).await?)
        });

        let grpc = grpc::IngestGrpc::new(intake.clone(), settings.queue_wait, decoder, limiter);
        let http = http::router(http::HttpState {
            intake,
            queue_wait: settings.queue_wait,
            decoder,
        });
        Ok(Self {
            endpoints: Endpoints::new(http).with_grpc(grpc.into_server(), grpc::SCOPES),
            nmea_tcp_addr,
            nmea_udp_addr,
        })
    }
}

/// `porttrack ingest`: the service alone, as Kubernetes runs it.
#[derive(Debug)]
pub struct Application {
    server: Server,
    nmea_addr: SocketAddr,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, IngestError> {
        let lifecycle = Lifecycle::new();
        let bus = EventBus::for_service(&settings.bus, "porttrack-ingest")?;
        let ingest = Ingest::build(
            &settings.ingest,
            &bus,
            settings.bus.produce_queue,
            &lifecycle,
        )
        .await?;
        lifecycle.flush_on_stop(bus.clone(), settings.server.shutdown_grace);
        let server = Server::bind(&settings.server, &lifecycle, ingest.endpoints).await?;
        Ok(Self {
            server,
            nmea_addr: ingest.nmea_tcp_addr,
        })
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.server.http_addr()
    }

    pub fn grpc_addr(&self) -> SocketAddr {
        self.server.grpc_addr()
    }

    pub fn nmea_addr(&self) -> SocketAddr {
        self.nmea_addr
    }

    pub async fn run_until_stopped(
        self,
        signal: impl Future<Output = ()>,
    ) -> Result<(), IngestError> {
        Ok(self.server.run_until_stopped(signal).await?)
    }
}
