//! The operations both transports offer, with their rules; grpc.rs and
//! http.rs only translate.

use porttrack_platform::{ApiError, conditional::check_idempotency_key, time::now_ms};

use crate::{
    domain::{
        self, ContainerNumber, Item, ItemInput, Manifest, ManifestStatus, NewManifest, Violation,
    },
    store::{Filter, Store, StoreError},
};

pub const DEFAULT_PAGE: u32 = 100;
pub const MAX_PAGE: u32 = 1000;

#[derive(Debug, Clone)]
pub struct Cargo {
    pub(crate) store: Store,
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Db(err) => ApiError::database(err),
            StoreError::NotFound(what) => ApiError::NotFound(what),
            StoreError::Conflict(why) => ApiError::Conflict(why),
            StoreError::VersionMismatch { expected, current } => ApiError::Stale {
                what: "manifest",
                expected,
                current,
            },
        }
    }
}

fn check_version(field: &str, v: i64) -> Result<i64, ApiError> {
    if v >= 1 {
        Ok(v)
    } else {
        Err(ApiError::invalid(
            field,
            "required: the version last read (1 or more)",
        ))
    }
}

impl Cargo {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Returns the manifest and whether this call created it.
    pub async fn create_manifest(
        &self,
        key: Option<&str>,
        port_call_id: &str,
        mmsi: u32,
        eta_ms: i64,
    ) -> Result<(Manifest, bool), ApiError> {
        let key = check_idempotency_key(key)?;
        let new = NewManifest::new(port_call_id.trim(), mmsi, eta_ms)?;
        let (m, created) = self
            .store
            .create_manifest(&new, key, now_ms())
            .await
            .map_err(ApiError::from)?;
        Ok((m, created))
    }

    pub async fn get_manifest(&self, id: &str) -> Result<Manifest, ApiError> {
        self.store
            .manifest(id)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(|| ApiError::NotFound(format!("manifest {id}")))
    }

    pub async fn update_manifest(
        &self,
        id: &str,
        expected: i64,
        eta_ms: Option<i64>,
        status: Option<ManifestStatus>,
    ) -> Result<Manifest, ApiError> {
        let expected = check_version("expected_version", expected)?;
        if eta_ms.is_some_and(|e| e <= 0) {
            return Err(ApiError::invalid("eta_ms", "epoch milliseconds"));
        }
        let m = self
            .store
            .update_manifest(id, expected, eta_ms, status, now_ms())
            .await?;
        Ok(m)
    }

    pub async fn add_item(
        &self,
        manifest_id: &str,
        key: Option<&str>,
        expected: Option<i64>,
        input: &ItemInput<'_>,
    ) -> Result<(Manifest, bool), ApiError> {
        let key = check_idempotency_key(key)?;
        let expected = expected
            .map(|v| check_version("expected_version", v))
            .transpose()?;
        let spec = input.validate()?;
        let (m, created) = self
            .store
            .add_item(manifest_id, &spec, key, expected, now_ms())
            .await?;
        Ok((m, created))
    }

    pub async fn update_item(
        &self,
        manifest_id: &str,
        item_id: &str,
        expected: i64,
        input: &ItemInput<'_>,
    ) -> Result<Manifest, ApiError> {
        let expected = check_version("expected_version", expected)?;
        let spec = input.validate()?;
        let m = self
            .store
            .update_item(manifest_id, item_id, &spec, expected, now_ms())
            .await?;
        Ok(m)
    }

    /// A page of manifests (without items) and the next page's token
    /// (empty at the end).
    pub async fn list(
        &self,
        page_size: u32,
        page_token: &str,
        filter: Filter,
    ) -> Result<(Vec<Manifest>, String), ApiError> {
        let limit = domain::check_page_size(page_size, DEFAULT_PAGE, MAX_PAGE)?;
        if let Some(mmsi) = filter.mmsi {
            domain::check_mmsi(mmsi)?;
        }
        let manifests = self
            .store
            .list(&filter, page_token, limit)
            .await
            .map_err(ApiError::from)?;
        let next = match manifests.last() {
            Some(last) if manifests.len() == limit => last.id.clone(),
            _ => String::new(),
        };
        Ok((manifests, next))
    }

    pub async fn find_container(&self, raw: &str) -> Result<Vec<(Manifest, Item)>, ApiError> {
        let number = ContainerNumber::parse(raw)?;
        self.store
            .find_container(&number)
            .await
            .map_err(ApiError::from)
    }

    /// The manifest's dangerous-goods violations, and the version they
    /// were computed from.
    pub async fn violations(&self, id: &str) -> Result<(Vec<Violation>, i64), ApiError> {
        let m = self.get_manifest(id).await?;
        Ok((domain::violations(&m), m.version))
    }
}
