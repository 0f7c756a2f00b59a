//! The operations both transports offer, with their rules; grpc.rs and
//! http/ only translate.

use porttrack_platform::{ApiError, conditional::check_idempotency_key, time::now_ms};

use crate::{
    domain::{
        self, LonLat, NewZone, PortCall, PortCallChange, PortCallInput, TrafficBoard, Zone,
        ZoneKind,
    },
    store::{Filter, Store, StoreError},
};

pub const DEFAULT_PAGE: u32 = 100;
pub const MAX_PAGE: u32 = 1000;
const HOUR_MS: i64 = 60 * 60 * 1000;

#[derive(Debug, Clone)]
pub struct Routes {
    pub(crate) store: Store,
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Db(err) => ApiError::database(err),
            StoreError::NotFound(what) => ApiError::NotFound(what),
            StoreError::Conflict(why) => ApiError::Conflict(why),
            StoreError::Invalid { field, reason } => ApiError::invalid(field, reason),
            StoreError::VersionMismatch { expected, current } => ApiError::Stale {
                what: "port call",
                expected,
                current,
            },
        }
    }
}

/// The next page's token: the last id of a full page, else empty.
fn next_token<T>(items: &[T], limit: usize, id: impl Fn(&T) -> &str) -> String {
    match items.last() {
        Some(last) if items.len() == limit => id(last).to_owned(),
        _ => String::new(),
    }
}

impl Routes {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Returns the zone and whether this call created it.
    pub async fn create_zone(
        &self,
        key: Option<&str>,
        name: &str,
        kind: Option<ZoneKind>,
        ring: &[LonLat],
    ) -> Result<(Zone, bool), ApiError> {
        let key = check_idempotency_key(key)?;
        let new = NewZone::new(name, kind, ring)?;
        self.store
            .create_zone(&new, key, now_ms())
            .await
            .map_err(ApiError::from)
    }

    pub async fn list_zones(
        &self,
        page_size: u32,
        page_token: &str,
        kind: Option<ZoneKind>,
    ) -> Result<(Vec<Zone>, String), ApiError> {
        let limit = domain::check_page_size(page_size, DEFAULT_PAGE, MAX_PAGE)?;
        let zones = self
            .store
            .zones(kind, page_token, limit)
            .await
            .map_err(ApiError::from)?;
        let next = next_token(&zones, limit, |z| &z.id);
        Ok((zones, next))
    }

    /// Returns the port call and whether this call created it.
    pub async fn create_port_call(
        &self,
        key: Option<&str>,
        input: &PortCallInput<'_>,
    ) -> Result<(PortCall, bool), ApiError> {
        let key = check_idempotency_key(key)?;
        let new = input.validate()?;
        self.store
            .create_port_call(&new, key, now_ms())
            .await
            .map_err(ApiError::from)
    }

    pub async fn get_port_call(&self, id: &str) -> Result<PortCall, ApiError> {
        self.store
            .port_call(id)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(|| ApiError::NotFound(format!("port call {id}")))
    }

    pub async fn update_port_call(
        &self,
        id: &str,
        expected: i64,
        change: PortCallChange,
    ) -> Result<PortCall, ApiError> {
        if expected < 1 {
            return Err(ApiError::invalid(
                "expected_version",
                "required: the version last read (1 or more)",
            ));
        }
        let change = change.check()?;
        Ok(self
            .store
            .update_port_call(id, expected, &change, now_ms())
            .await?)
    }

    pub async fn list_port_calls(
        &self,
        page_size: u32,
        page_token: &str,
        filter: Filter,
    ) -> Result<(Vec<PortCall>, String), ApiError> {
        let limit = domain::check_page_size(page_size, DEFAULT_PAGE, MAX_PAGE)?;
        if let Some(mmsi) = filter.mmsi {
            domain::check_mmsi(mmsi)?;
        }
        let calls = self
            .store
            .port_calls(&filter, page_token, limit)
            .await
            .map_err(ApiError::from)?;
        let next = next_token(&calls, limit, |c| &c.id);
        Ok((calls, next))
    }

    /// Arrivals and departures in the next `hours` (0 means 24), and the
    /// vessels in each zone.
    pub async fn traffic_board(&self, hours: u32) -> Result<TrafficBoard, ApiError> {
        let hours = domain::check_board_hours(hours)?;
        let from = now_ms();
        self.store
            .traffic_board(from, from + hours * HOUR_MS)
            .await
            .map_err(ApiError::from)
    }
}
