//! Settings every service shares. Each service composes these into its own
//! typed struct; clap gives every flag a `PORTTRACK_*` variable and documents
//! both in `--help`. A bad value stops the start with the variable's name.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use crate::secret::Secret;

/// Where a service listens and how long it drains.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerSettings {
    /// REST, `/metrics` and `/health/*` listen here.
    #[arg(long, env = "PORTTRACK_HTTP_ADDR", default_value = "127.0.0.1:8080")]
    pub http_addr: SocketAddr,
    /// gRPC (with health checking and reflection) listens here.
    #[arg(long, env = "PORTTRACK_GRPC_ADDR", default_value = "127.0.0.1:50051")]
    pub grpc_addr: SocketAddr,
    /// After SIGTERM: how long readiness reports "not serving" before
    /// listeners close, so load balancers stop sending new work first.
    #[arg(long, env = "PORTTRACK_DRAIN_DELAY", default_value = "0s", value_parser = parse_duration)]
    pub drain_delay: Duration,
    /// After listeners close: how long in-flight work may take before the
    /// process gives up on it and exits.
    #[arg(long, env = "PORTTRACK_SHUTDOWN_GRACE", default_value = "20s", value_parser = parse_duration)]
    pub shutdown_grace: Duration,
    /// Who may call the API (bearer tokens and scopes).
    #[command(flatten)]
    pub auth: crate::auth::AuthSettings,
    /// What one request or client may ask of the server.
    #[command(flatten)]
    pub limits: LimitSettings,
    #[command(flatten)]
    pub tls: TlsSettings,
    /// Release drills only (hidden from `--help`).
    #[command(flatten)]
    pub fault: FaultSettings,
}

/// Release drills: make a healthy build behave like a broken one, to prove
/// that canary analysis stops it. Hidden: nothing in production sets these.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FaultSettings {
    /// Share of API calls (not health, readiness or `/metrics`) answered
    /// with gRPC INTERNAL or HTTP 500, between 0 and 1.
    #[arg(long, env = "PORTTRACK_FAULT_ERROR_RATIO", default_value_t = 0.0, value_parser = parse_ratio, hide = true)]
    pub fault_error_ratio: f64,
}

fn parse_ratio(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("`{raw}` is not a ratio between 0 and 1")),
    }
}

/// Bounds on requests, applied to every REST route and gRPC call.
#[derive(Debug, Clone, clap::Args)]
pub struct LimitSettings {
    /// Largest REST request body accepted, in bytes (HTTP 413 above it).
    #[arg(long, env = "PORTTRACK_MAX_BODY", default_value_t = 4 << 20)]
    pub max_body: usize,
    /// Longest a handler may take to answer (HTTP 504 / DEADLINE_EXCEEDED);
    /// streams count only until their first response.
    #[arg(long, env = "PORTTRACK_REQUEST_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub request_timeout: Duration,
    /// REST requests in flight at once (more are refused with 503), and
    /// gRPC calls in flight per connection (more wait).
    #[arg(long, env = "PORTTRACK_MAX_CONCURRENT", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrent: u32,
    /// Live streams (gRPC or SSE) one client may hold open at once.
    #[arg(long, env = "PORTTRACK_MAX_STREAMS_PER_CLIENT", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_streams_per_client: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            max_body: 4 << 20,
            request_timeout: Duration::from_secs(30),
            max_concurrent: 1024,
            max_streams_per_client: 32,
        }
    }
}

/// TLS for the HTTP and gRPC listeners. Unset: both serve plaintext (a
/// service mesh or `porttrack up` on loopback). The files are watched and
/// re-read when they change, as cert-manager rotates them in Kubernetes.
#[derive(Debug, Clone, clap::Args)]
pub struct TlsSettings {
    /// PEM certificate chain (leaf first). With the key, HTTP and gRPC
    /// serve TLS only.
    #[arg(long, env = "PORTTRACK_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the certificate (PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "PORTTRACK_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// PEM CA certificates: when set, clients must present a certificate
    /// signed by one of them (mutual TLS).
    #[arg(long, env = "PORTTRACK_TLS_CLIENT_CA", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,
    /// How often the files are checked for a change.
    #[arg(long, env = "PORTTRACK_TLS_RELOAD_INTERVAL", default_value = "5s", value_parser = parse_duration)]
    pub tls_reload_interval: Duration,
}

impl Default for TlsSettings {
    fn default() -> Self {
        Self {
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
            tls_reload_interval: Duration::from_secs(5),
        }
    }
}

/// How a service calls another one over TLS (no service does yet; the
/// helpers in [`crate::tls`] take these).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ClientTlsSettings {
    /// PEM CA certificates the other services' certificates are signed by.
    #[arg(long, env = "PORTTRACK_TLS_CA")]
    pub tls_ca: Option<PathBuf>,
    /// PEM certificate presented to servers that require one (mutual TLS).
    #[arg(long, env = "PORTTRACK_TLS_CLIENT_CERT", requires = "tls_client_key")]
    pub tls_client_cert: Option<PathBuf>,
    /// PEM private key of the client certificate.
    #[arg(long, env = "PORTTRACK_TLS_CLIENT_KEY", requires = "tls_client_cert")]
    pub tls_client_key: Option<PathBuf>,
}

/// The event bus: Kafka when brokers are given, else the embedded log.
#[derive(Debug, Clone, clap::Args)]
pub struct BusSettings {
    /// Kafka bootstrap servers (`host:port,...`). Unset: an in-process log
    /// with Kafka's topic/partition/key semantics, for `porttrack up`.
    #[arg(long, env = "PORTTRACK_KAFKA_BROKERS")]
    pub kafka_brokers: Option<String>,
    /// Prepended to every topic and consumer group name, so several
    /// deployments (or test runs) can share one Kafka cluster.
    #[arg(long, env = "PORTTRACK_KAFKA_TOPIC_PREFIX", default_value = "")]
    pub kafka_topic_prefix: String,
    /// Stable name of this replica (in Kubernetes, the pod name). When set,
    /// consumer groups use static membership: a replica that restarts under
    /// the same name takes its partitions back at once instead of waiting
    /// for the group to notice the old one is gone. Must be unique per
    /// running replica.
    #[arg(long, env = "PORTTRACK_INSTANCE_ID")]
    pub instance_id: Option<String>,
    /// Partitions of topics PortTrack creates.
    #[arg(long, env = "PORTTRACK_KAFKA_PARTITIONS", default_value_t = 6, value_parser = clap::value_parser!(i32).range(1..=1024))]
    pub kafka_partitions: i32,
    /// Replication factor of topics PortTrack creates.
    #[arg(long, env = "PORTTRACK_KAFKA_REPLICATION", default_value_t = 1, value_parser = clap::value_parser!(i32).range(1..=16))]
    pub kafka_replication: i32,
    /// How long a produce may wait for the brokers before it fails.
    #[arg(long, env = "PORTTRACK_PRODUCE_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub produce_timeout: Duration,
    /// Records that may wait for the brokers at once; past this, producers
    /// get back-pressure (gRPC RESOURCE_EXHAUSTED, HTTP 503).
    #[arg(long, env = "PORTTRACK_PRODUCE_QUEUE", default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub produce_queue: u32,
    /// Records kept per partition by the embedded log (oldest dropped first).
    #[arg(long, env = "PORTTRACK_EMBEDDED_RETENTION", default_value_t = 200_000)]
    pub embedded_retention: usize,
    #[command(flatten)]
    pub kafka_security: KafkaSecuritySettings,
}

/// TLS and SASL towards the Kafka brokers (librdkafka's `security.protocol`,
/// `ssl.*` and `sasl.*`). Checked at start: a missing or unreadable file, or
/// a setting the protocol does not use, stops the start naming the variable.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct KafkaSecuritySettings {
    /// How clients reach the brokers: TLS (`ssl`), SASL, both, or neither.
    #[arg(
        long,
        env = "PORTTRACK_KAFKA_SECURITY_PROTOCOL",
        value_enum,
        default_value_t
    )]
    pub kafka_security_protocol: KafkaProtocol,
    /// PEM CA certificates the brokers' certificates are signed by. Unset:
    /// the system's trust store.
    #[arg(long, env = "PORTTRACK_KAFKA_SSL_CA")]
    pub kafka_ssl_ca: Option<PathBuf>,
    /// PEM client certificate, for brokers that require one (mutual TLS).
    #[arg(long, env = "PORTTRACK_KAFKA_SSL_CERT", requires = "kafka_ssl_key")]
    pub kafka_ssl_cert: Option<PathBuf>,
    /// PEM private key of the client certificate.
    #[arg(long, env = "PORTTRACK_KAFKA_SSL_KEY", requires = "kafka_ssl_cert")]
    pub kafka_ssl_key: Option<PathBuf>,
    /// `PLAIN`, `SCRAM-SHA-256` or `SCRAM-SHA-512`, with the sasl protocols.
    #[arg(long, env = "PORTTRACK_KAFKA_SASL_MECHANISM")]
    pub kafka_sasl_mechanism: Option<String>,
    /// The SASL user, with the sasl protocols.
    #[arg(long, env = "PORTTRACK_KAFKA_SASL_USERNAME")]
    pub kafka_sasl_username: Option<String>,
    /// A file holding the SASL password (a mounted Kubernetes Secret), so
    /// the password is neither in the environment nor on the command line.
    #[arg(long, env = "PORTTRACK_KAFKA_SASL_PASSWORD_FILE")]
    pub kafka_sasl_password_file: Option<PathBuf>,
}

/// librdkafka's `security.protocol`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum KafkaProtocol {
    #[default]
    #[value(name = "plaintext")]
    Plaintext,
    #[value(name = "ssl")]
    Ssl,
    #[value(name = "sasl_plaintext")]
    SaslPlaintext,
    #[value(name = "sasl_ssl")]
    SaslSsl,
}

/// A database URL, or a file under the data directory when unset.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseSettings {
    /// `postgres://user:pass@host/db` or `sqlite://path`. Unset: SQLite in
    /// the data directory. Never printed (not even by `--help`).
    #[arg(long, env = "PORTTRACK_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret<String>>,
    /// A file holding the database URL (a mounted Kubernetes Secret), used
    /// when `PORTTRACK_DATABASE_URL` is unset.
    #[arg(long, env = "PORTTRACK_DATABASE_URL_FILE", value_parser = crate::secret::from_file)]
    pub database_url_file: Option<Secret<String>>,
    /// Where embedded defaults keep their files.
    #[arg(long, env = "PORTTRACK_DATA_DIR", default_value = ".porttrack")]
    pub data_dir: PathBuf,
}

impl DatabaseSettings {
    /// The URL to connect to: the explicit one, else `sqlite://<data_dir>/<name>.db`.
    pub fn url_for(&self, name: &str) -> String {
        match self
            .database_url
            .as_ref()
            .or(self.database_url_file.as_ref())
        {
            Some(url) => url.expose().to_owned(),
            None => format!(
                "sqlite://{}",
                self.data_dir.join(format!("{name}.db")).display()
            ),
        }
    }
}

/// Parses `250ms`, `5s`, `2m`, `1h` or a bare number of seconds.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let (digits, unit) = raw
        .find(|c: char| !c.is_ascii_digit())
        .map_or((raw, "s"), |i| raw.split_at(i));
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{raw}` is not a duration like 500ms, 5s, 2m or 1h"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        "h" => Ok(Duration::from_secs(n * 3600)),
        _ => Err(format!("`{raw}`: unit must be ms, s, m or h")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units_and_reject_garbage() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_duration("5d").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn sqlite_file_under_data_dir_when_no_url() {
        let s = DatabaseSettings {
            database_url: None,
            database_url_file: None,
            data_dir: "/var/lib/pt".into(),
        };
        assert_eq!(s.url_for("ships"), "sqlite:///var/lib/pt/ships.db");
        let from_file = DatabaseSettings {
            database_url_file: Some(Secret::new("postgres://file/db".to_owned())),
            ..s.clone()
        };
        assert_eq!(from_file.url_for("ships"), "postgres://file/db");
        let both = DatabaseSettings {
            database_url: Some(Secret::new("postgres://h/db".to_owned())),
            ..from_file
        };
        assert_eq!(both.url_for("ships"), "postgres://h/db");
        assert!(!format!("{both:?}").contains("postgres://"), "{both:?}");
    }
}
