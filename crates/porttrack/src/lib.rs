//! The `porttrack` command. Each subcommand builds one application from the
//! service crates and runs it until SIGTERM/SIGINT:
//!
//! - `up`: ingest and ships in one process, on embedded defaults ([`up`]).
//! - `ingest`, `ships`, `routes`, `cargo`, `staff`: one service each, as Kubernetes runs them.
//! - `ais decode`: NMEA to gpsd-compatible JSON lines.
//! - `token`: a development bearer token, for trying `PORTTRACK_AUTH=dev`.

pub mod up;

use std::{fs::File, io::BufReader, path::PathBuf};

use clap::{Parser, Subcommand};
use porttrack_cargo::CargoService;
use porttrack_platform::{
    auth::{Scope, dev::DevKey},
    server::shutdown_signal,
    service::{self, DomainService, ServiceError, ServiceSettings},
    telemetry,
};
use porttrack_routes::RoutesService;
use porttrack_ships::ShipsService;
use porttrack_staff::StaffService;

/// PortTrack: live AIS vessel telemetry for a port authority.
///
/// Every option can also be set by the environment variable shown with it.
#[derive(Debug, Parser)]
#[command(name = "porttrack", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole suite in one process: SQLite files under the data
    /// directory and an in-process event log (no Kafka, no PostgreSQL).
    Up(up::Settings),
    /// Run the ingest service alone (NMEA TCP/UDP, gRPC, REST → Kafka).
    Ingest(porttrack_ingest::Settings),
    /// Run the ships service alone (Kafka → store → gRPC/REST queries).
    Ships(ServiceSettings),
    /// Run the routes service alone (zones, port calls, traffic board).
    Routes(ServiceSettings),
    /// Run the cargo service alone (manifests, dangerous goods; gRPC/REST).
    Cargo(ServiceSettings),
    /// Run the staff service alone (people, certifications, shifts, tasks).
    Staff(ServiceSettings),
    /// AIS tools.
    #[command(subcommand)]
    Ais(AisCommand),
    /// Print a development bearer token signed with the local dev key
    /// (created on first use), accepted by services run with
    /// `PORTTRACK_AUTH=dev`. Not for production: use your issuer's tokens.
    Token(TokenArgs),
}

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// A scope to grant (repeat for several), e.g. `ships:read`,
    /// `positions:write`, `cargo:write`, `staff:admin`.
    #[arg(long = "scope", required = true)]
    pub scopes: Vec<String>,
    /// The token's subject (`sub`).
    #[arg(long, default_value = "developer")]
    pub subject: String,
    /// How long the token is valid.
    #[arg(long, default_value = "1h", value_parser = porttrack_platform::settings::parse_duration)]
    pub ttl: std::time::Duration,
    /// Where the development key is kept.
    #[arg(
        long,
        env = "PORTTRACK_AUTH_DEV_KEYS",
        default_value = ".porttrack/dev-auth"
    )]
    pub auth_dev_keys: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum AisCommand {
    /// Decode NMEA (a file, or stdin) to one JSON object per message, as
    /// `gpsdecode -s -j` prints them. Rejected lines go to stderr.
    Decode {
        /// File to read; stdin when absent or `-`.
        file: Option<PathBuf>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Ingest(#[from] porttrack_ingest::IngestError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Up(#[from] up::UpError),
    #[error(transparent)]
    Server(#[from] porttrack_platform::server::ServerError),
    #[error("{path}: {source}")]
    Input {
        path: String,
        source: std::io::Error,
    },
    #[error("writing output: {0}")]
    Output(std::io::Error),
    #[error("development key: {0}")]
    DevKey(#[from] porttrack_platform::auth::KeysError),
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Up(settings) => {
            let telemetry = telemetry::init("porttrack");
            up::run(settings, shutdown_signal()).await?;
            telemetry.shutdown().await;
        }
        Command::Ingest(settings) => {
            let telemetry = telemetry::init("porttrack-ingest");
            let app = porttrack_ingest::Application::build(settings).await?;
            tracing::info!(service = "ingest", http = %app.http_addr(), grpc = %app.grpc_addr(), nmea = %app.nmea_addr(), "serving");
            app.run_until_stopped(shutdown_signal()).await?;
            telemetry.shutdown().await;
        }
        Command::Ships(settings) => serve_alone::<ShipsService>(settings).await?,
        Command::Routes(settings) => serve_alone::<RoutesService>(settings).await?,
        Command::Cargo(settings) => serve_alone::<CargoService>(settings).await?,
        Command::Staff(settings) => serve_alone::<StaffService>(settings).await?,
        Command::Ais(AisCommand::Decode { file }) => decode(file)?,
        Command::Token(args) => {
            let key = DevKey::load_or_create(&args.auth_dev_keys)?;
            // Scopes are names chosen by the caller; the token outlives
            // this process, so they are leaked deliberately (a CLI run).
            let scopes: Vec<Scope> = args
                .scopes
                .into_iter()
                .map(|s| Scope(Box::leak(s.into_boxed_str())))
                .collect();
            println!("{}", key.mint(&args.subject, &scopes, args.ttl)?);
        }
    }
    Ok(())
}

/// One domain service alone (as Kubernetes runs it) until SIGTERM.
async fn serve_alone<S: DomainService>(settings: ServiceSettings) -> Result<(), CliError> {
    let telemetry = telemetry::init(&service::process_name::<S>());
    let server = service::standalone::<S>(settings).await?;
    tracing::info!(service = S::NAME, http = %server.http_addr(), grpc = %server.grpc_addr(), "serving");
    server.run_until_stopped(shutdown_signal()).await?;
    telemetry.shutdown().await;
    Ok(())
}

fn decode(file: Option<PathBuf>) -> Result<(), CliError> {
    let stdout = std::io::stdout().lock();
    let stderr = std::io::stderr().lock();
    let result = match file.filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let f = File::open(&path).map_err(|source| CliError::Input {
                path: path.display().to_string(),
                source,
            })?;
            porttrack_ais::gpsd::decode_lines(BufReader::with_capacity(1 << 16, f), stdout, stderr)
        }
        None => porttrack_ais::gpsd::decode_lines(std::io::stdin().lock(), stdout, stderr),
    };
    match result {
        Ok(_) => Ok(()),
        // `porttrack ais decode | head` is normal use, not an error.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(err) => Err(CliError::Output(err)),
    }
}
