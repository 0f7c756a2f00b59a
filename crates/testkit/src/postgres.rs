//! A PostgreSQL of the test's own, for tests that need a server set up
//! differently from the shared one (TLS on, plaintext refused). Started as
//! `scripts/lib/servers.sh` starts the shared one; as root, through the
//! `postgres` system user, since PostgreSQL refuses to run as root.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use crate::tls::Issued;

/// A running PostgreSQL; stopped when dropped.
#[derive(Debug)]
pub struct OwnPostgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl OwnPostgres {
    /// Starts a server that takes only TLS connections, with `cert` as its
    /// certificate; user `porttrack`, trusted without a password.
    pub fn start_tls_only(cert: &Issued) -> Self {
        let bin = PathBuf::from(std::env::var("PORTTRACK_TEST_PG_BIN").unwrap_or_else(|_| {
            panic!(
                "PORTTRACK_TEST_PG_BIN is not set: this test starts its own PostgreSQL; \
                 run it with ./scripts/test.sh (or export what --servers-only prints)"
            )
        }));
        let dir = tempfile::tempdir().expect("tempdir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let server = Self { bin, dir, port };
        let data = server.data();
        std::fs::copy(&cert.cert, server.path("server.crt")).expect("copy certificate");
        std::fs::copy(&cert.key, server.path("server.key")).expect("copy key");
        set_mode(&server.path("server.key"), 0o600);
        chown_to_postgres(server.dir.path());
        server.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "porttrack",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ],
        );
        std::fs::write(
            server.path("data/pg_hba.conf"),
            "local all all trust\n\
             hostssl all all 127.0.0.1/32 trust\n\
             hostnossl all all 127.0.0.1/32 reject\n",
        )
        .expect("pg_hba.conf");
        let options = format!(
            "-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on \
             -c ssl_cert_file={dir}/server.crt -c ssl_key_file={dir}/server.key",
            port = server.port,
            dir = server.dir.path().display(),
        );
        let log = server.path("postgres.log");
        server.run(
            "pg_ctl",
            &[
                "-D",
                &data,
                "-l",
                &log.display().to_string(),
                "-w",
                "-t",
                "60",
                "-o",
                &options,
                "start",
            ],
        );
        server
    }

    /// A URL for database `postgres`, with `params` (e.g. `sslmode=...`).
    pub fn url(&self, params: &str) -> String {
        format!(
            "postgres://porttrack@127.0.0.1:{}/postgres?{params}",
            self.port
        )
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn data(&self) -> String {
        self.path("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let out = cmd.args(args).output().expect("run a PostgreSQL tool");
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let data = self.data();
        let program = self.bin.join("pg_ctl");
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = if is_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .output()
        } else {
            Command::new(&program).args(args).output()
        };
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// As root, the server's files must belong to the user it runs as.
fn chown_to_postgres(dir: &Path) {
    if is_root() {
        let status = Command::new("chown")
            .args(["-R", "postgres:"])
            .arg(dir)
            .status()
            .expect("chown");
        assert!(status.success(), "chown -R postgres: {}", dir.display());
    }
}
