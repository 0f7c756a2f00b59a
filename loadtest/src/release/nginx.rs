//! nginx as the load balancer in front of the instances, playing the part of
//! a Kubernetes Service or ingress: weighted upstreams for REST and gRPC,
//! keepalive to the upstreams, and the next upstream tried when one refuses
//! a connection. Its whole state (configuration, pid, logs, temp files) lives
//! in one directory, so it runs next to anything else on the machine; a
//! change of membership or weights rewrites the configuration and sends
//! SIGHUP, nginx's graceful reload (old workers finish what they hold).

use std::{
    fmt::Write as _,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

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

/// Running as root, nginx would hand its workers to `nobody`, who cannot
/// write the temp directory; as anyone else the directive is ignored.
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(2))
            == Some("0")
    })
}

/// The whole configuration. Upstreams with no member get a server that
/// refuses at once (port 1 on loopback), as a Service with no endpoints.
fn config(
    dir: &Path,
    http: SocketAddr,
    grpc: SocketAddr,
    generation: u64,
    u: &Upstreams,
) -> String {
    let d = dir.display();
    let mut c = String::new();
    if is_root() {
        c.push_str("user root;\n");
    }
    let _ = write!(
        c,
        r#"worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    # What the balancer saw per request, to tell where a failure came from.
    log_format zdt '$msec $status $request_method $uri up=$upstream_addr ups=$upstream_status grpc=$sent_trailer_grpc_status rt=$request_time';
    access_log {d}/access.log zdt;
    client_body_temp_path {d}/temp/body;
    proxy_temp_path {d}/temp/proxy;
    fastcgi_temp_path {d}/temp/fastcgi;
    uwsgi_temp_path {d}/temp/uwsgi;
    scgi_temp_path {d}/temp/scgi;
    client_max_body_size 8m;
    # nginx closes a client connection after 1000 requests by default (with
    # an HTTP/2 GOAWAY): a failure no deployment causes, so none here.
    keepalive_requests 1000000;
    keepalive_timeout 1h;
    # A refused or reset connection is tried on the next upstream; nginx
    # never resends a POST it has already sent.
    proxy_next_upstream error timeout;
    grpc_next_upstream error timeout;
    proxy_connect_timeout 2s;
    grpc_connect_timeout 2s;
    proxy_read_timeout 1h;
    grpc_read_timeout 1h;
    grpc_send_timeout 1h;
"#
    );
    for (name, members, pick) in [
        ("ingest_http", &u.ingest, 0),
        ("ships_http", &u.ships, 0),
        ("ingest_grpc", &u.ingest, 1),
        ("ships_grpc", &u.ships, 1),
    ] {
        let _ = writeln!(c, "    upstream {name} {{");
        for m in members.iter().filter(|m| m.weight > 0) {
            let addr = if pick == 0 { m.http } else { m.grpc };
            let _ = writeln!(c, "        server {addr} weight={};", m.weight);
        }
        if members.iter().all(|m| m.weight == 0) {
            let _ = writeln!(c, "        server 127.0.0.1:1;");
        }
        let _ = writeln!(
            c,
            "        keepalive 64;\n        keepalive_requests 1000000;\n    }}"
        );
    }
    let _ = write!(
        c,
        r#"    server {{
        listen {http};
        location = /__generation {{ return 200 "{generation}"; }}
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        location = /v1/positions {{ proxy_pass http://ingest_http; }}
        location = /v1/nmea {{ proxy_pass http://ingest_http; }}
        # Server-sent events go out as they come.
        location /v1/positions/stream {{ proxy_pass http://ships_http; proxy_buffering off; }}
        location / {{ proxy_pass http://ships_http; }}
    }}
    server {{
        listen {grpc} http2;
        location /porttrack.ingest.v1. {{ grpc_pass grpc://ingest_grpc; }}
        location / {{ grpc_pass grpc://ships_grpc; }}
    }}
}}
"#
    );
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_and_empty_upstreams_are_written() {
        let m = |p: u16, weight| Member {
            http: SocketAddr::from(([127, 0, 0, 1], p)),
            grpc: SocketAddr::from(([127, 0, 0, 1], p + 1)),
            weight,
        };
        let u = Upstreams {
            ingest: vec![m(1000, 95), m(2000, 5)],
            ships: vec![m(3000, 0)],
        };
        let any: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let c = config(Path::new("/x"), any, any, 7, &u);
        assert!(c.contains("server 127.0.0.1:1000 weight=95;"), "{c}");
        assert!(c.contains("server 127.0.0.1:2001 weight=5;"), "{c}");
        assert!(!c.contains("127.0.0.1:3000"), "{c}");
        assert!(c.contains("server 127.0.0.1:1;"), "{c}");
        assert!(c.contains("return 200 \"7\""), "{c}");
    }
}
