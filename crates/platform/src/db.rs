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
    AnyPool,
    any::{AnyPoolOptions, install_default_drivers},
    migrate::Migrator,
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
    migrator.run(&pool).await?;
    Ok(pool)
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

    #[test]
    fn sqlite_urls_get_create_mode_and_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/sub/ships.db", dir.path().display());
        assert_eq!(prepare_sqlite(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.path().join("sub").is_dir());
        assert!(prepare_sqlite("sqlite::memory:").is_err());
    }
}
