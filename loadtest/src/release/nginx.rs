//! nginx as the load balancer in front of the instances, playing the part of
//! a Kubernetes Service or ingress: weighted upstreams for REST and gRPC,
//! keepalive to the upstreams, and the next upstream tried when one refuses
//! a connection. Its whole state (configuration, pid, logs, temp files) lives
//! in one directory, so it runs next to anything else on the machine; a
//! change of membership or weights rewrites the configuration and sends
//! SIGHUP, nginx's graceful reload (old workers finish what they hold).

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use super::nginx_conf::config;

const HINT: &str = "install it with `apt-get install nginx` (scripts/test.sh does) \
                    or set PORTTRACK_TEST_NGINX to the nginx binary";

#[derive(Debug, thiserror::Error)]
pub enum NginxError {
    #[error("nginx not found ({0}); {HINT}")]
    Missing(String),
    #[error("nginx: {0}")]
    Io(#[from] std::io::Error),
    #[error("nginx refused the configuration or did not apply it: {0}")]
    Config(String),
}

/// One upstream server and its share of the traffic.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub http: SocketAddr,
    pub grpc: SocketAddr,
    pub weight: u32,
}

/// Who serves what: ingest takes the position uploads, ships the rest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Upstreams {
    pub ingest: Vec<Member>,
    pub ships: Vec<Member>,
}

#[derive(Debug)]
pub struct Nginx {
    bin: PathBuf,
    dir: tempfile::TempDir,
    child: Child,
    pub http: SocketAddr,
    pub grpc: SocketAddr,
    generation: u64,
    probe: reqwest::Client,
}

impl Nginx {
    /// The binary: `PORTTRACK_TEST_NGINX`, else `nginx` on the PATH or in
    /// /usr/sbin (Debian's place, often not on a user's PATH).
    pub fn binary() -> Result<PathBuf, NginxError> {
        if let Ok(p) = std::env::var("PORTTRACK_TEST_NGINX") {
            return Ok(PathBuf::from(p));
        }
        let on_path = std::env::var_os("PATH")
            .map(|p| {
                std::env::split_paths(&p)
                    .map(|d| d.join("nginx"))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        on_path
            .into_iter()
            .chain([PathBuf::from("/usr/sbin/nginx")])
            .find(|p| p.is_file())
            .ok_or_else(|| NginxError::Missing("not on PATH nor in /usr/sbin".into()))
    }

    /// Starts nginx in the foreground on two free loopback ports, serving
    /// `upstreams`, and waits until it answers.
    pub async fn start(upstreams: &Upstreams) -> Result<Self, NginxError> {
        let bin = Self::binary()?;
        if !bin.is_file() {
            return Err(NginxError::Missing(bin.display().to_string()));
        }
        let dir = tempfile::tempdir()?;
        std::fs::create_dir_all(dir.path().join("temp"))?;
        let (http, grpc) = (free_port()?, free_port()?);
        std::fs::write(
            dir.path().join("nginx.conf"),
            config(dir.path(), http, grpc, 1, upstreams),
        )?;
        let log = std::fs::File::create(dir.path().join("stderr.log"))?;
        let child = Command::new(&bin)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| NginxError::Missing(format!("{}: {e}", bin.display())))?;
        let mut nginx = Self {
            bin,
            dir,
            child,
            http,
            grpc,
            generation: 1,
            probe: reqwest::Client::builder()
                // A fresh connection per probe: only new workers accept them.
                .pool_max_idle_per_host(0)
                .build()
                .map_err(|e| NginxError::Config(e.to_string()))?,
        };
        nginx.wait_generation().await?;
        Ok(nginx)
    }

    /// Rewrites the configuration, checks it, reloads, and returns once new
    /// connections get the new configuration.
    pub async fn apply(&mut self, upstreams: &Upstreams) -> Result<(), NginxError> {
        self.generation += 1;
        let conf = self.dir.path().join("nginx.conf");
        std::fs::write(
            &conf,
            config(
                self.dir.path(),
                self.http,
                self.grpc,
                self.generation,
                upstreams,
            ),
        )?;
        let check = Command::new(&self.bin)
            .arg("-p")
            .arg(self.dir.path())
            .arg("-c")
            .arg(&conf)
            .arg("-t")
            .output()?;
        if !check.status.success() {
            return Err(NginxError::Config(
                String::from_utf8_lossy(&check.stderr).into_owned(),
            ));
        }
        let hup = Command::new("kill")
            .args(["-HUP", &self.child.id().to_string()])
            .status()?;
        if !hup.success() {
            return Err(NginxError::Config("kill -HUP failed".into()));
        }
        self.wait_generation().await
    }

    /// Polls the generation the configuration answers at `/__generation`.
    async fn wait_generation(&mut self) -> Result<(), NginxError> {
        let url = format!("http://{}/__generation", self.http);
        let want = self.generation.to_string();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = self.probe.get(&url).send().await
                && r.text().await.is_ok_and(|t| t == want)
            {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(NginxError::Config(format!(
                    "nginx exited ({status}): {}",
                    self.errors()
                )));
            }
            if tokio::time::Instant::now() > deadline {
                return Err(NginxError::Config(format!(
                    "generation {want} not served after 20 s: {}",
                    self.errors()
                )));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// nginx's error log and stderr, for failure messages.
    pub fn errors(&self) -> String {
        ["stderr.log", "error.log"]
            .iter()
            .filter_map(|f| std::fs::read_to_string(self.dir.path().join(f)).ok())
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Requests nginx answered with an error (HTTP status or gRPC status)
    /// since the last call, and its error log's new lines: where client
    /// failures came from.
    pub fn take_problems(&mut self) -> (usize, Vec<String>) {
        let mut out = Vec::new();
        let mut requests = 0;
        for (file, keep) in [("access.log", true), ("error.log", false)] {
            let path = self.dir.path().join(file);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let _ = std::fs::write(&path, "");
            for line in text.lines() {
                requests += usize::from(keep);
                let bad = !keep
                    || !(line.contains(" 200 ")
                        && (line.contains("grpc=0 ") || line.contains("grpc=- ")));
                if bad && !line.contains("__generation") {
                    out.push(line.to_owned());
                }
            }
        }
        (requests, out)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM is nginx's fast shutdown; it never needs more.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn free_port() -> std::io::Result<SocketAddr> {
    std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()
}
