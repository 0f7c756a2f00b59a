//! `porttrack up`: every service in one process, sharing one event bus and
//! one HTTP and one gRPC listener, on embedded defaults.

use std::{future::Future, net::SocketAddr};

use porttrack_cargo::CargoService;
use porttrack_ingest::{Ingest, IngestSettings};
use porttrack_platform::{
    EventBus, Lifecycle, Server,
    auth::AuthMode,
    service::{ServiceError, ServiceSettings, build_in},
};
use porttrack_routes::RoutesService;
use porttrack_ships::ShipsService;
use porttrack_staff::StaffService;

#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// What a service alone reads; here every service shares it.
    #[command(flatten)]
    pub shared: ServiceSettings,
    #[command(flatten)]
    pub ingest: IngestSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum UpError {
    #[error(transparent)]
    Ingest(#[from] porttrack_ingest::IngestError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Server(#[from] porttrack_platform::server::ServerError),
    #[error("event bus: {0}")]
    Bus(#[from] porttrack_platform::BusError),
    #[error(
        "PORTTRACK_DATABASE_URL is for running one service; `porttrack up` keeps one SQLite \
         file per service under PORTTRACK_DATA_DIR (unset PORTTRACK_DATABASE_URL)"
    )]
    SharedDatabase,
}

/// The running suite's addresses.
#[derive(Debug, Clone, Copy)]
pub struct Addresses {
    pub http: SocketAddr,
    pub grpc: SocketAddr,
    pub nmea: SocketAddr,
}

/// Builds the suite, reports its addresses to `ready`, and serves until
/// `signal`.
pub async fn run_with(
    mut settings: Settings,
    signal: impl Future<Output = ()>,
    ready: impl FnOnce(Addresses),
) -> Result<(), UpError> {
    // On a laptop the suite starts open (and says so); PORTTRACK_AUTH=dev or
    // jwt turns the checks on.
    let shared = &mut settings.shared;
    shared.server.auth.default_mode = AuthMode::Off;
    // Each service owns its schema and migrations: one database cannot
    // hold them all.
    if shared.database.database_url.is_some() || shared.database.database_url_file.is_some() {
        return Err(UpError::SharedDatabase);
    }
    let lifecycle = Lifecycle::new();
    let bus = EventBus::from_settings(&shared.bus, "porttrack")?;
    let ingest =
        Ingest::build(&settings.ingest, &bus, shared.bus.produce_queue, &lifecycle).await?;
    let ships = build_in::<ShipsService>(shared, &bus, &lifecycle).await?;
    let routes = build_in::<RoutesService>(shared, &bus, &lifecycle).await?;
    let cargo = build_in::<CargoService>(shared, &bus, &lifecycle).await?;
    let staff = build_in::<StaffService>(shared, &bus, &lifecycle).await?;
    lifecycle.flush_on_stop(bus.clone(), shared.server.shutdown_grace);
    let server = Server::bind(
        &shared.server,
        &lifecycle,
        ingest
            .endpoints
            .merge(ships)
            .merge(routes)
            .merge(cargo)
            .merge(staff),
    )
    .await?;
    ready(Addresses {
        http: server.http_addr(),
        grpc: server.grpc_addr(),
        nmea: ingest.nmea_tcp_addr,
    });
    Ok(server.run_until_stopped(signal).await?)
}

pub async fn run(settings: Settings, signal: impl Future<Output = ()>) -> Result<(), UpError> {
    let shared = &settings.shared;
    let embedded = shared.bus.kafka_brokers.is_none();
    let auth = shared.server.auth.mode.unwrap_or(AuthMode::Off);
    let data_dir = shared.database.data_dir.clone();
    let tls = shared.server.tls.tls_cert.is_some();
    let (http, grpcurl) = if tls {
        ("https", "grpcurl -cacert <your CA>")
    } else {
        ("http", "grpcurl -plaintext")
    };
    run_with(settings, signal, |a| {
        tracing::info!(service = "up", http = %a.http, grpc = %a.grpc, nmea = %a.nmea, "serving");
        println!("PortTrack is up.");
        println!(
            "  REST  {http}://{}   (try: curl {http}://{}/v1/vessels)",
            a.http, a.http
        );
        println!(
            "  gRPC  {}   (reflection on: {grpcurl} {} list)",
            a.grpc, a.grpc
        );
        println!(
            "  NMEA  tcp://{} and udp://{}   (try: nc {} {} < sentences.nmea)",
            a.nmea,
            a.nmea,
            a.nmea.ip(),
            a.nmea.port()
        );
        println!(
            "  Metrics {http}://{}/metrics, health {http}://{}/health/ready",
            a.http, a.http
        );
        if embedded {
            println!("  Events: in-process log (set PORTTRACK_KAFKA_BROKERS to use Kafka)");
        }
        match auth {
            AuthMode::Off => println!(
                "  Auth: OFF, every call is accepted (PORTTRACK_AUTH=dev requires tokens from `porttrack token`)"
            ),
            AuthMode::Dev => println!(
                "  Auth: dev tokens (mint one: porttrack token --scope ships:read; send it as `Authorization: Bearer ...`)"
            ),
            AuthMode::Jwt => println!("  Auth: bearer tokens from the configured issuer"),
        }
        println!("  Data: {}   Stop with Ctrl-C.", data_dir.display());
    })
    .await
}
