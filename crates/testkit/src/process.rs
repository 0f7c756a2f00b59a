//! The `porttrack` binary as Kubernetes runs it: a separate process, on
//! ports it picks itself (port 0), found from its "serving" log line.

use std::{
    collections::HashMap,
    io::{BufRead, BufReader},
    net::SocketAddr,
    process::{Child, Command, ExitStatus, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::{Duration, Instant},
};

/// A running `porttrack` process; killed when dropped.
#[derive(Debug)]
pub struct Service {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
    /// Addresses from the "serving" line: `http`, `grpc`, `nmea`.
    pub addrs: HashMap<String, SocketAddr>,
}

impl Service {
    /// Starts `<bin> <args>` (the `porttrack` binary: pass
    /// `env!("CARGO_BIN_EXE_porttrack")`) with `env`, listening on free
    /// loopback ports unless `env` says otherwise, and waits until it serves.
    pub fn start(bin: &str, args: &[&str], env: &[(&str, String)]) -> Self {
        let mut cmd = Command::new(bin);
        cmd.args(args)
            .env("PORTTRACK_HTTP_ADDR", "127.0.0.1:0")
            .env("PORTTRACK_GRPC_ADDR", "127.0.0.1:0")
            .env("PORTTRACK_NMEA_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "info")
            // Tests of other things run open; auth tests set PORTTRACK_AUTH.
            .env("PORTTRACK_AUTH", "off")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn porttrack");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let sink = log.clone();
        // Keep draining stderr for the life of the process so it never
        // blocks on a full pipe; hand the "serving" line to the starter.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("\"message\":\"serving\"") {
                    let _ = tx.send(line.clone());
                }
                sink.lock().expect("log").push(line);
            }
        });
        let line = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "porttrack {args:?} did not start serving; log:\n{}",
                    log.lock().expect("log").join("\n")
                );
            }
        };
        let json: serde_json::Value = serde_json::from_str(&line).expect("JSON log line");
        let addrs = ["http", "grpc", "nmea"]
            .iter()
            .filter_map(|k| Some(((*k).to_owned(), json.get(*k)?.as_str()?.parse().ok()?)))
            .collect();
        Self { child, log, addrs }
    }

    pub fn addr(&self, name: &str) -> SocketAddr {
        self.addrs[name]
    }

    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr("http"))
    }

    pub fn grpc_url(&self) -> String {
        format!("http://{}", self.addr("grpc"))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Log lines so far, for assertions and for failure messages.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }

    /// Sends SIGTERM (what Kubernetes sends) without waiting.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the process to exit, killing it after `timeout`.
    pub fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!(
                    "process did not exit within {timeout:?}; log:\n{}",
                    self.log().join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// How the process ended, if it has (without waiting).
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGKILL: a crash, with no chance to flush or commit.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // The test failed: what the process said is the first clue.
            let log = self.log();
            let tail = &log[log.len().saturating_sub(40)..];
            eprintln!(
                "--- last log lines of porttrack (pid {}) ---\n{}",
                self.pid(),
                tail.join("\n")
            );
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
