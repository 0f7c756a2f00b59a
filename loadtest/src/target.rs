//! Where the load goes: a suite already running, or `porttrack up` started
//! for the run; and the bearer token to present, if the suite wants one.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use porttrack_testkit::process::Service;
use tonic::{Request, metadata::MetadataValue};

#[derive(Debug, Clone)]
pub struct Target {
    pub http: String,
    pub grpc: String,
    pub nmea: SocketAddr,
    pub token: Option<String>,
}

/// A `porttrack up` this tool started; stopped when dropped.
#[derive(Debug)]
pub struct Spawned {
    pub target: Target,
    service: Service,
    _data: tempfile::TempDir,
}

impl Target {
    /// The suite on `host` at its default ports.
    pub fn at_host(host: &str) -> Result<Self, std::net::AddrParseError> {
        Ok(Self {
            http: format!("http://{host}:8080"),
            grpc: format!("http://{host}:50051"),
            nmea: format!("{host}:10110").parse()?,
            token: None,
        })
    }

    /// A lazily connected gRPC channel to the suite, with Nagle's algorithm
    /// off: a request goes out as HEADERS then DATA, and with Nagle on the
    /// DATA frame waits for the server's delayed ACK (~40 ms).
    pub fn grpc_channel(&self) -> Result<tonic::transport::Channel, tonic::transport::Error> {
        Ok(tonic::transport::Endpoint::from_shared(self.grpc.clone())?
            .tcp_nodelay(true)
            .connect_lazy())
    }

    /// `msg` with `authorization: Bearer <token>` when there is a token.
    pub fn request<T>(&self, msg: T) -> Request<T> {
        let mut req = Request::new(msg);
        if let Some(v) = self.bearer() {
            req.metadata_mut().insert("authorization", v);
        }
        req
    }

    fn bearer(&self) -> Option<MetadataValue<tonic::metadata::Ascii>> {
        let token = self.token.as_deref()?;
        format!("Bearer {token}").parse().ok()
    }

    pub fn http_request(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    /// Waits until `/health/ready` answers 200.
    pub async fn wait_ready(&self, timeout: Duration) -> Result<(), String> {
        let http = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + timeout;
        let url = format!("{}/health/ready", self.http);
        loop {
            match http.get(&url).send().await {
                Ok(r) if r.status().is_success() => return Ok(()),
                _ if tokio::time::Instant::now() > deadline => {
                    return Err(format!("{url} not ready after {timeout:?}"));
                }
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }
}

impl Spawned {
    /// Starts `porttrack up` from `bin` on free loopback ports with its own
    /// data directory and authentication off, extra `env` on top.
    pub fn up(bin: &str, env: &[(&str, String)]) -> std::io::Result<Self> {
        Self::command(bin, "up", env)
    }

    /// Starts `porttrack <command>` (`up`, or `ingest` alone) the same way.
    pub fn command(bin: &str, command: &str, env: &[(&str, String)]) -> std::io::Result<Self> {
        let data = tempfile::tempdir()?;
        let mut all = vec![("PORTTRACK_DATA_DIR", data.path().display().to_string())];
        all.extend(env.iter().cloned());
        let service = Service::start(bin, &[command], &all);
        let target = Target {
            http: service.http_url(),
            grpc: service.grpc_url(),
            nmea: service.addr("nmea"),
            token: None,
        };
        Ok(Self {
            target,
            service,
            _data: data,
        })
    }

    pub fn log(&self) -> Vec<String> {
        self.service.log()
    }
}

impl Spawned {
    /// SIGTERM, then up to `grace` for a clean exit (killed after it).
    pub fn stop(mut self, grace: Duration) {
        self.service.terminate();
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.service.wait(grace);
        }));
    }
}

/// The `porttrack` binary for tests: [`porttrack_binary`], built first with
/// the cargo running the tests when it is not there yet
/// (`cargo test -p porttrack-loadtest` alone does not build it).
pub fn built_porttrack() -> PathBuf {
    if !porttrack_binary().is_file() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = std::process::Command::new(cargo)
            .args(["build", "-p", "porttrack", "--bin", "porttrack"])
            .status()
            .expect("cargo build");
        assert!(status.success(), "building porttrack failed");
    }
    let bin = porttrack_binary();
    assert!(bin.is_file(), "no porttrack binary at {}", bin.display());
    bin
}

/// The `porttrack` binary: next to this one (same target directory), or on
/// the `PATH`.
pub fn porttrack_binary() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            let dir = exe.parent()?;
            // Tests and benches run from target/<profile>/deps.
            [dir.join("porttrack"), dir.parent()?.join("porttrack")]
                .into_iter()
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| PathBuf::from("porttrack"))
}
