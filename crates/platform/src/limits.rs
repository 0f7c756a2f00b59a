//! Limits on what any one client can ask of a service, applied by the
//! server to every REST route ([`http_limits`]) and gRPC call (in
//! `server.rs`), plus a quota of open streams per client ([`StreamQuota`])
//! for services that stream.
//!
//! - A request body over `PORTTRACK_MAX_BODY` is refused with 413 before it
//!   is read (gRPC messages: tonic's 4 MiB decoding limit).
//! - A handler that runs longer than `PORTTRACK_REQUEST_TIMEOUT` is cut off:
//!   HTTP 504, gRPC `DEADLINE_EXCEEDED` (streams are not cut: only the
//!   time to their first response counts).
//! - Past `PORTTRACK_MAX_CONCURRENT` requests in flight, new ones are shed
//!   at once (503 with `Retry-After`) instead of queueing without bound.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    extract::Request,
    http::header::CONTENT_LENGTH,
    middleware::Next,
    response::{IntoResponse, Response},
};
use tokio::sync::Semaphore;

use crate::{ApiError, auth::Principal};

/// What the HTTP limits layer enforces.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    pub max_body: usize,
    pub timeout: Duration,
    pub in_flight: Arc<Semaphore>,
}

/// axum middleware (`from_fn_with_state`) applying [`HttpLimits`].
pub async fn http_limits(
    axum::extract::State(limits): axum::extract::State<HttpLimits>,
    request: Request,
    next: Next,
) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limits.max_body) {
        return ApiError::TooLarge {
            limit: limits.max_body,
        }
        .into_response();
    }
    let Ok(_permit) = limits.in_flight.clone().try_acquire_owned() else {
        return ApiError::Overloaded {
            retry_after: Duration::from_secs(1),
        }
        .into_response();
    };
    match tokio::time::timeout(limits.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout(limits.timeout).into_response(),
    }
}

/// Open streams per client. The client is the token's subject; with
/// authentication off every caller is the same client, and the quota is
/// one for the whole replica.
#[derive(Debug)]
pub struct StreamQuota {
    per_client: usize,
    open: Mutex<HashMap<String, usize>>,
}

/// One open stream; closing it (dropping the slot) frees the quota.
#[derive(Debug)]
pub struct StreamSlot {
    quota: Arc<StreamQuota>,
    client: String,
}

impl StreamQuota {
    pub fn new(per_client: usize) -> Arc<Self> {
        Arc::new(Self {
            per_client,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A slot for `principal`'s next stream, or 429 / RESOURCE_EXHAUSTED.
    pub fn open(self: &Arc<Self>, principal: Option<&Principal>) -> Result<StreamSlot, ApiError> {
        let client = principal.map_or("anonymous", |p| p.subject.as_str());
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(client.to_owned()).or_insert(0);
        if *count >= self.per_client {
            return Err(ApiError::QuotaExceeded(format!(
                "at most {} open streams per client",
                self.per_client
            )));
        }
        *count += 1;
        Ok(StreamSlot {
            quota: self.clone(),
            client: client.to_owned(),
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.quota.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn principal(subject: &str) -> Principal {
        Principal {
            subject: subject.to_owned(),
            scopes: BTreeSet::new(),
        }
    }

    #[test]
    fn each_client_has_its_own_quota_and_closing_frees_it() {
        let quota = StreamQuota::new(2);
        let (a, b) = (principal("pilot-station"), principal("harbour-master"));
        let first = quota.open(Some(&a)).unwrap();
        let _second = quota.open(Some(&a)).unwrap();
        assert!(matches!(
            quota.open(Some(&a)),
            Err(ApiError::QuotaExceeded(_))
        ));
        // Another client is not affected.
        let _other = quota.open(Some(&b)).unwrap();
        drop(first);
        assert!(quota.open(Some(&a)).is_ok());
    }
}
