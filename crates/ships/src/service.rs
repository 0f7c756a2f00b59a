//! The operations both transports offer, with their rules; grpc.rs and
//! http.rs only translate.

use std::sync::Arc;

use futures::Stream;
use porttrack_platform::{ApiError, auth::Principal, limits::StreamQuota, time::now_ms};
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

use crate::{
    domain::{self, BoundingBox, Position, Registry, Vessel},
    live::Live,
    metrics as m,
    store::Store,
};

pub const DEFAULT_PAGE: u32 = 100;
pub const MAX_PAGE: u32 = 1000;
pub const MAX_TRACK: u32 = 10_000;

#[derive(Debug, Clone)]
pub struct Ships {
    pub(crate) live: Live,
    pub(crate) store: Store,
    pub(crate) drain: CancellationToken,
    pub(crate) streams: Arc<StreamQuota>,
}

impl Ships {
    pub async fn get_vessel(&self, mmsi: u32) -> Result<Vessel, ApiError> {
        let mmsi = domain::check_mmsi(mmsi)?;
        let position = self.live.read().get(mmsi);
        match self.store.vessel(mmsi).await.map_err(ApiError::database)? {
            Some(mut v) => {
                v.position = position;
                Ok(v)
            }
            // Indexed but not yet persisted (the store loop is behind).
            None if position.is_some() => Ok(Vessel {
                mmsi,
                position,
                static_data: None,
                registry: None,
            }),
            None => Err(ApiError::NotFound(format!("vessel {mmsi}"))),
        }
    }

    /// A page of vessels and the token for the next one (empty at the end).
    pub async fn list(
        &self,
        page_size: u32,
        page_token: &str,
        name_prefix: &str,
    ) -> Result<(Vec<Vessel>, String), ApiError> {
        let limit =
            domain::check_limit(page_size, DEFAULT_PAGE, MAX_PAGE).map_err(rename("page_size"))?;
        let after = match page_token {
            "" => 0,
            t => t
                .parse::<u32>()
                .map_err(|_| ApiError::invalid("page_token", "not a token from a previous page"))?,
        };
        let mut vessels = self
            .store
            .list(after, name_prefix.trim(), limit)
            .await
            .map_err(ApiError::database)?;
        let index = self.live.read();
        for v in &mut vessels {
            v.position = index.get(v.mmsi);
        }
        let next = if vessels.len() == limit {
            vessels
                .last()
                .map(|v| v.mmsi.to_string())
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok((vessels, next))
    }

    pub fn in_box(&self, bbox: BoundingBox, limit: u32) -> Result<Vec<Position>, ApiError> {
        let limit = domain::check_limit(limit, MAX_PAGE, 100_000)?;
        Ok(self.live.read().in_box(&bbox, limit))
    }

    pub fn nearest(
        &self,
        lat: f64,
        lon: f64,
        limit: u32,
    ) -> Result<Vec<(Position, f64)>, ApiError> {
        domain::check_point(lat, lon)?;
        let limit = domain::check_limit(limit, 10, MAX_PAGE)?;
        Ok(self.live.read().nearest(lat, lon, limit))
    }

    pub async fn track(
        &self,
        mmsi: u32,
        from_ms: i64,
        to_ms: i64,
        limit: u32,
    ) -> Result<Vec<Position>, ApiError> {
        let mmsi = domain::check_mmsi(mmsi)?;
        if from_ms > to_ms {
            return Err(ApiError::invalid("from", "must not be after `to`"));
        }
        let limit = domain::check_limit(limit, MAX_TRACK, MAX_TRACK)?;
        self.store
            .track(mmsi, from_ms, to_ms, limit)
            .await
            .map_err(ApiError::database)
    }

    pub async fn put_registry(
        &self,
        mmsi: u32,
        operator: String,
        flag: String,
        notes: String,
    ) -> Result<Vessel, ApiError> {
        let mmsi = domain::check_mmsi(mmsi)?;
        let registry = Registry::new(operator, flag, notes, now_ms())?;
        self.store
            .put_registry(mmsi, &registry)
            .await
            .map_err(ApiError::database)?;
        self.get_vessel(mmsi).await
    }

    /// Positions applied from now on inside `bbox`, until the client goes
    /// away or the server drains. A subscriber that falls behind skips
    /// ahead (it wants where vessels are, not where they were). Each client
    /// may hold a bounded number of these open at once.
    pub fn live_positions(
        &self,
        bbox: BoundingBox,
        client: Option<&Principal>,
    ) -> Result<impl Stream<Item = Position> + Send + use<>, ApiError> {
        let slot = self.streams.open(client)?;
        let mut updates = self.live.subscribe();
        let drain = self.drain.clone();
        Ok(async_stream(move |tx| async move {
            let _slot = slot;
            metrics::gauge!(m::SUBSCRIBERS).increment(1.0);
            loop {
                let next = tokio::select! {
                    () = drain.cancelled() => break,
                    () = tx.closed() => break,
                    next = updates.recv() => next,
                };
                match next {
                    Ok(p) if bbox.contains(p.lat, p.lon) => {
                        if tx.send(p).await.is_err() {
                            break;
                        }
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(n)) => {
                        metrics::counter!(m::LIVE_SKIPPED).increment(n);
                        tracing::warn!(skipped = n, "live subscriber fell behind; skipped ahead");
                    }
                    Err(RecvError::Closed) => break,
                }
            }
            metrics::gauge!(m::SUBSCRIBERS).decrement(1.0);
        }))
    }
}

fn rename(field: &'static str) -> impl Fn(ApiError) -> ApiError {
    move |e| match e {
        ApiError::InvalidArgument(v) => ApiError::InvalidArgument(
            v.into_iter()
                .map(|f| porttrack_platform::FieldViolation::new(field, f.description))
                .collect(),
        ),
        other => other,
    }
}

/// A stream fed by a task through a small channel: the task ends when the
/// receiver is dropped (client gone), so nothing leaks.
fn async_stream<T, F, Fut>(body: F) -> impl Stream<Item = T> + Send + 'static
where
    T: Send + 'static,
    F: FnOnce(tokio::sync::mpsc::Sender<T>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(body(tx));
    tokio_stream::wrappers::ReceiverStream::new(rx)
}
