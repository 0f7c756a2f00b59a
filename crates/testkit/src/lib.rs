//! Helpers shared by PortTrack's tests.
//!
//! - [`servers`]: the PostgreSQL and Kafka-protocol broker that
//!   `scripts/test.sh` starts; a test that needs one and finds none fails
//!   with the command that provides it.
//! - [`postgres`]: a PostgreSQL of the test's own (TLS only).
//! - [`process`]: the real `porttrack` binary, started on free ports.
//! - [`router`]: a REST router called without a socket.
//! - [`tls`]: a throw-away CA writing certificates for TLS tests.
//! - [`otlp`]: an OpenTelemetry collector that keeps the spans it receives.
//! - [`eventually`]: poll until a condition holds, with a deadline.
//! - [`rfc3339`]: instants as the REST APIs take them.

pub mod otlp;
pub mod postgres;
pub mod process;
pub mod router;
pub mod servers;
pub mod tls;

use std::{future::Future, time::Duration};

/// A name no other test (or earlier run) uses: for topic prefixes,
/// consumer groups and databases.
pub fn unique(tag: &str) -> String {
    format!("{tag}_{}", uuid::Uuid::now_v7().simple())
}

/// `ms` since the Unix epoch as RFC 3339 (what the REST APIs take).
pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .expect("a representable instant")
        .format(&time::format_description::well_known::Rfc3339)
        .expect("RFC 3339")
}

/// Polls `check` until it returns `Some`, or panics with `what` after
/// `timeout`. Tests wait for outcomes this way, never with bare sleeps.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out after {timeout:?} waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
