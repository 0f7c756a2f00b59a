//! The real servers tests run against. `scripts/test.sh` installs and starts
//! them and exports their addresses; tests never stand in a mock for them.

use sqlx::{AnyConnection, Connection};

const HINT: &str = "run the tests with ./scripts/test.sh, which installs and starts PostgreSQL \
                    and the tansu broker (or `./scripts/test.sh --servers-only` and export what it prints)";

/// Bootstrap servers of the test broker.
pub fn kafka_brokers() -> String {
    std::env::var("PORTTRACK_TEST_KAFKA_BROKERS").unwrap_or_else(|_| {
        panic!("PORTTRACK_TEST_KAFKA_BROKERS is not set: this test needs a Kafka broker; {HINT}")
    })
}

/// Superuser URL of the test PostgreSQL.
pub fn postgres_admin_url() -> String {
    std::env::var("PORTTRACK_TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!("PORTTRACK_TEST_DATABASE_URL is not set: this test needs PostgreSQL; {HINT}")
    })
}

/// The tansu binary, for tests that run a broker of their own.
pub fn tansu_binary() -> String {
    std::env::var("PORTTRACK_TEST_TANSU").unwrap_or_else(|_| {
        panic!("PORTTRACK_TEST_TANSU is not set: this test starts its own broker; {HINT}")
    })
}

/// A new, empty PostgreSQL database; returns its URL.
pub async fn fresh_postgres() -> String {
    sqlx::any::install_default_drivers();
    let admin = postgres_admin_url();
    let name = crate::unique("porttrack_test");
    let mut conn = AnyConnection::connect(&admin).await.unwrap_or_else(|e| {
        panic!("cannot connect to PostgreSQL at PORTTRACK_TEST_DATABASE_URL: {e}; {HINT}")
    });
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("CREATE DATABASE");
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// A SQLite database file in `dir`.
pub fn sqlite_in(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("test.db").display())
}

/// A broker of the test's own, for tests that stop or restart it.
#[derive(Debug)]
pub struct OwnBroker {
    child: Option<std::process::Child>,
    port: u16,
    dir: tempfile::TempDir,
    storage: String,
    /// What the broker tells clients to connect to, when not its own port
    /// (a TLS proxy in front of it).
    advertised: Option<String>,
}

impl OwnBroker {
    /// Starts tansu on a free loopback port. `file_backed` keeps its data
    /// in SQLite so it survives a restart; otherwise it lives in memory.
    pub fn start(file_backed: bool) -> Self {
        Self::start_advertising(file_backed, None)
    }

    /// As [`OwnBroker::start`], telling clients to connect to `advertised`
    /// (`host:port`) instead.
    pub fn start_advertising(file_backed: bool, advertised: Option<String>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        // tansu resolves `sqlite://NAME` against its working directory.
        let storage = if file_backed {
            "sqlite://broker.db"
        } else {
            "memory://tansu/"
        }
        .to_owned();
        let mut broker = Self {
            child: None,
            port,
            dir: tempfile::tempdir().expect("tempdir"),
            storage,
            advertised,
        };
        broker.restart();
        broker
    }

    pub fn brokers(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Stops the broker abruptly (its clients see it vanish).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// (Re)starts it on the same port and waits until it accepts connections.
    pub fn restart(&mut self) {
        self.stop();
        let url = format!("tcp://127.0.0.1:{}", self.port);
        let advertised = self
            .advertised
            .as_ref()
            .map_or_else(|| url.clone(), |addr| format!("tcp://{addr}"));
        let log = std::fs::File::create(self.dir.path().join("tansu.log")).expect("log file");
        let child = std::process::Command::new(tansu_binary())
            .args([
                "broker",
                "--listener-url",
                &url,
                "--advertised-listener-url",
                &advertised,
                "--storage-engine",
                &self.storage,
            ])
            .current_dir(self.dir.path())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start tansu");
        self.child = Some(child);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "tansu did not listen on {}",
                self.port
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for OwnBroker {
    fn drop(&mut self) {
        self.stop();
    }
}
