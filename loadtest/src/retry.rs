//! Retries of requests the server never processed, as a well-behaved
//! client makes them. A load balancer that changes its configuration (an
//! nginx reload) retires its worker processes, and they close their client
//! connections: HTTP/2 with a GOAWAY, HTTP/1.1 by closing idle keep-alive
//! connections. A request racing that close fails in the client before any
//! server saw it: hyper's "connection closed" cancellation (never sent), an
//! HTTP/2 GOAWAY above the request's stream (never processed, RFC 9113
//! §6.8), or a keep-alive connection closed under a request (nginx logs no
//! such request). gRPC libraries retry such calls transparently (grpc-go,
//! grpc-java); tonic does not, so the client does it here, and counts every
//! retry by kind so a report shows them. Ingest is safe to retry anyway:
//! copies of a report are dropped and track points are unique per vessel
//! and instant.
//!
//! Never retried: a status the server sent (`INTERNAL` from a broken build,
//! `NOT_FOUND`, ...), except `UNAVAILABLE`, which gRPC's retry policy
//! treats as retryable by definition.

use std::{error::Error as _, time::Duration};

/// Attempts per request, the first included (gRPC's default cap is 5).
pub const ATTEMPTS: u32 = 4;

/// 50 ms, 100 ms, 200 ms: a retired connection is replaced at once, so
/// the first retry nearly always goes through.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(50 << attempt.min(4))
}

/// Whether a failed gRPC call is worth another attempt: the transport
/// failed (no server status), or the server said UNAVAILABLE.
pub fn grpc(status: &tonic::Status) -> bool {
    status.code() == tonic::Code::Unavailable
        || status
            .source()
            .is_some_and(|e| e.downcast_ref::<tonic::transport::Error>().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_a_server_sent_are_final_except_unavailable() {
        assert!(!grpc(&tonic::Status::internal("broken build")));
        assert!(!grpc(&tonic::Status::not_found("no such vessel")));
        assert!(grpc(&tonic::Status::unavailable("draining")));
        assert_eq!(backoff(0), Duration::from_millis(50));
        assert_eq!(backoff(2), Duration::from_millis(200));
    }
}
