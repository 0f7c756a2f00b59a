//! Database pools for PostgreSQL (production) and SQLite (embedded default),
//! behind sqlx's `Any` driver so one set of queries and migrations serves
//! both. Queries stick to the SQL the two share: `$n` placeholders, `BIGINT`,
//! `DOUBLE PRECISION`, `TEXT`, `INSERT .. ON CONFLICT`; times are epoch
//! milliseconds in `BIGINT`.
//!
//! PostgreSQL over TLS: sqlx is built with rustls (ring), so the URL's
//! libpq-style parameters apply. `sslmode=verify-full&sslrootcert=<ca.pem>`
//! encrypts, checks the server's certificate against that CA and its name
//! against the URL's host; `sslmode=require` encrypts without checking;
//! `sslcert=<pem>&sslkey=<pem>` present a client certificate. Without
//! `sslmode`, sqlx's default `prefer` uses TLS when the server offers it.

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    AnyConnection, AnyPool,
    any::{AnyPoolOptions, install_default_drivers},
    migrate::{Migrate, MigrateError, Migrator},
};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("PORTTRACK_DATABASE_URL: {0}")]
    BadUrl(String),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("database connection failed: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Which engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl FromStr for Backend {
    type Err = DbError;

    fn from_str(url: &str) -> Result<Self, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else {
            Err(DbError::BadUrl(
                "expected postgres://... or sqlite://... (the URL itself is not shown: it may hold a password)".into(),
            ))
        }
    }
}

/// Connects, creating the SQLite file (and its directory) when needed, and
/// runs the service's migrations.
pub async fn connect_and_migrate(url: &str, migrator: &Migrator) -> Result<AnyPool, DbError> {
    install_default_drivers();
    let backend: Backend = url.parse()?;
    let (url, max_connections) = match backend {
        Backend::Postgres => (url.to_owned(), 16),
        Backend::Sqlite => (prepare_sqlite(url)?, 4),
    };
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect(&url)
        .await
        .map_err(DbError::Connect)?;
    if backend == Backend::Sqlite {
        // WAL lets readers run while the consumer writes; it persists in the file.
        sqlx::query("PRAGMA journal_mode=WAL")
            .execute(&pool)
            .await
            .map_err(DbError::Connect)?;
    }
    let mut conn = pool.acquire().await.map_err(DbError::Connect)?;
    migrate(&mut conn, migrator).await?;
    Ok(pool)
}

/// Runs `migrator`, also on a database a newer release has already migrated
/// further: a rollback runs the previous release on the new schema, which
/// works because migrations only expand (add nullable columns and tables)
/// and contract one release later. sqlx alone refuses such a database
/// (`VersionMissing`), which would turn every rollback into an outage.
/// Still refused: a known migration whose checksum changed, and an unknown
/// migration older than the newest known one (a branch this release never
/// had), since neither is a later release's expansion.
async fn migrate(conn: &mut AnyConnection, migrator: &Migrator) -> Result<(), MigrateError> {
    // One migrator at a time across replicas, for the check and the run.
    conn.lock().await?;
    let outcome = check_and_run(conn, migrator).await;
    conn.unlock().await?;
    outcome
}

async fn check_and_run(conn: &mut AnyConnection, migrator: &Migrator) -> Result<(), MigrateError> {
    conn.ensure_migrations_table().await?;
    let newest_known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    let unknown: Vec<i64> = conn
        .list_applied_migrations()
        .await?
        .iter()
        .map(|m| m.version)
        .filter(|v| !migrator.version_exists(*v))
        .collect();
    if let Some(v) = unknown.iter().find(|v| **v < newest_known) {
        return Err(MigrateError::VersionMissing(*v));
    }
    if let Some(newest) = unknown.iter().max() {
        tracing::warn!(
            database_migration = newest,
            release_migration = newest_known,
            "the database schema is newer than this release (a rollback): running on it; \
             its newer migrations are expansions this release does not use"
        );
    }
    let tolerant = Migrator {
        migrations: migrator.migrations.clone(),
        ignore_missing: true,
        locking: false,
        no_tx: migrator.no_tx,
    };
    tolerant.run(&mut *conn).await
}

fn prepare_sqlite(url: &str) -> Result<String, DbError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err(DbError::BadUrl(
            "SQLite needs a file path: sqlite://path/to/file.db".into(),
        ));
    }
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|source| DbError::DataDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    Ok(if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_are_told_apart_and_bad_urls_refused_without_echoing() {
        assert_eq!(
            "postgres://u:p@h/db".parse::<Backend>().unwrap(),
            Backend::Postgres
        );
        assert_eq!("sqlite://x.db".parse::<Backend>().unwrap(), Backend::Sqlite);
        let err = "mysql://u:secret@h/db"
            .parse::<Backend>()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("PORTTRACK_DATABASE_URL") && !err.contains("secret"),
            "{err}"
        );
    }

    /// A migrator over `n` numbered migrations, the last one's SQL `last`.
    async fn migrations(dir: &Path, n: i64, last: &str) -> Migrator {
        std::fs::create_dir_all(dir).unwrap();
        for v in 1..=n {
            let sql = if v == n {
                last.to_owned()
            } else {
                format!("CREATE TABLE t{v} (id BIGINT);")
            };
            std::fs::write(dir.join(format!("{v}_m{v}.sql")), sql).unwrap();
        }
        Migrator::new(dir).await.unwrap()
    }

    #[tokio::test]
    async fn the_previous_release_runs_on_a_schema_a_newer_one_expanded() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/db.sqlite", dir.path().display());
        let current = migrations(&dir.path().join("a"), 2, "CREATE TABLE t2 (id BIGINT);").await;
        let next = migrations(
            &dir.path().join("b"),
            3,
            "ALTER TABLE t1 ADD COLUMN note TEXT; CREATE TABLE t3 (id BIGINT);",
        )
        .await;
        connect_and_migrate(&url, &next)
            .await
            .expect("the newer release migrates");
        // Rollback: the older release starts on the newer schema and works.
        let pool = connect_and_migrate(&url, &current)
            .await
            .expect("the previous release runs on an expanded schema");
        sqlx::query("INSERT INTO t1 (id) VALUES (1)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;

        // A known migration whose text changed is still refused.
        let changed = migrations(&dir.path().join("c"), 2, "CREATE TABLE t2 (id TEXT);").await;
        let err = connect_and_migrate(&url, &changed).await.unwrap_err();
        assert!(
            matches!(err, DbError::Migrate(MigrateError::VersionMismatch(2))),
            "{err}"
        );
    }

    #[tokio::test]
    async fn an_unknown_migration_older_than_the_newest_known_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/db.sqlite", dir.path().display());
        let other = migrations(&dir.path().join("a"), 2, "CREATE TABLE t2 (id BIGINT);").await;
        connect_and_migrate(&url, &other).await.unwrap();
        // This release knows 1 and 3 but never had 2.
        let gap = dir.path().join("b");
        std::fs::create_dir_all(&gap).unwrap();
        std::fs::copy(dir.path().join("a/1_m1.sql"), gap.join("1_m1.sql")).unwrap();
        std::fs::write(gap.join("3_m3.sql"), "CREATE TABLE t3 (id BIGINT);").unwrap();
        let release = Migrator::new(gap.as_path()).await.unwrap();
        let err = connect_and_migrate(&url, &release).await.unwrap_err();
        assert!(
            matches!(err, DbError::Migrate(MigrateError::VersionMissing(2))),
            "{err}"
        );
    }

    #[test]
    fn sqlite_urls_get_create_mode_and_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/sub/ships.db", dir.path().display());
        assert_eq!(prepare_sqlite(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.path().join("sub").is_dir());
        assert!(prepare_sqlite("sqlite::memory:").is_err());
    }
}
