//! The newer schema a rollback lands on: the next release's expand
//! migration (`next_release.sql`), applied and recorded in
//! `_sqlx_migrations` as sqlx would record it, with a version newer than
//! any this release knows. Instances of this release started afterwards
//! play the previous release on the new schema.

use sqlx::{AnyConnection, Connection as _};

/// The next release's migration version: after every migration shipped.
pub const NEXT_RELEASE_VERSION: i64 = 20_991_231_000_001;
const SQL: &str = include_str!("next_release.sql");

/// Applies and records the migration; returns its version.
pub async fn apply_next_release(database_url: &str) -> anyhow::Result<i64> {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(database_url).await?;
    sqlx::raw_sql(SQL).execute(&mut conn).await?;
    // The checksum only matters to a release that knows this version; a
    // digest of the text stands in for sqlx's SHA-384.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES ($1, 'next release expand', TRUE, decode(md5($2), 'hex'), 0)",
    )
    .bind(NEXT_RELEASE_VERSION)
    .bind(SQL)
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    Ok(NEXT_RELEASE_VERSION)
}
