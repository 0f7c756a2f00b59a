//! The operations both transports offer, with their rules; grpc.rs and
//! http/ only translate.

use porttrack_platform::{ApiError, conditional::check_idempotency_key, time::now_ms};

use crate::{
    domain::{
        self, Assignment, Certification, CertificationKind, Person, Refusal, Role, Shift, Task,
    },
    store::{AssignmentFilter, Store, StoreError, TaskFilter},
};

pub const DEFAULT_PAGE: u32 = 100;
pub const MAX_PAGE: u32 = 1000;

#[derive(Debug, Clone)]
pub struct Staff {
    pub(crate) store: Store,
}

/// Why a change was refused: the version the client last read is stale
/// (HTTP 412 under If-Match, gRPC ABORTED), the assignment rules said no
/// (HTTP 409 with a `reason`, gRPC FAILED_PRECONDITION with ErrorInfo), or
/// anything else.
#[derive(Debug)]
pub enum ChangeError {
    Stale { expected: i64, current: i64 },
    Refused(Refusal),
    Api(ApiError),
}

impl From<ApiError> for ChangeError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<StoreError> for ChangeError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::VersionMismatch { expected, current } => Self::Stale { expected, current },
            StoreError::Refused(r) => Self::Refused(r),
            other => Self::Api(api(other)),
        }
    }
}

impl From<ChangeError> for ApiError {
    fn from(e: ChangeError) -> Self {
        match e {
            ChangeError::Stale { expected, current } => ApiError::Stale {
                what: "person",
                expected,
                current,
            },
            ChangeError::Refused(r) => ApiError::Conflict(format!("{}: {r}", r.reason())),
            ChangeError::Api(e) => e,
        }
    }
}

/// Database trouble is logged in full and reported as "try again".
fn api(err: StoreError) -> ApiError {
    match err {
        StoreError::Db(err) => ApiError::database(err),
        StoreError::NotFound(what) => ApiError::NotFound(what),
        StoreError::Conflict(why) => ApiError::Conflict(why),
        other @ (StoreError::VersionMismatch { .. } | StoreError::Refused(_)) => {
            ChangeError::from(other).into()
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

/// The next page token: the last id when the page is full, else empty.
fn next_token<T>(items: &[T], limit: usize, id: impl Fn(&T) -> &str) -> String {
    match items.last() {
        Some(last) if items.len() == limit => id(last).to_owned(),
        _ => String::new(),
    }
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

impl Staff {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Returns the person and whether this call created them.
    pub async fn create_person<S: AsRef<str>>(
        &self,
        key: Option<&str>,
        name: &str,
        roles: &[S],
    ) -> Result<(Person, bool), ApiError> {
        let key = check_idempotency_key(key)?;
        let name = domain::check_name(name)?;
        let roles = domain::parse_roles(roles)?;
        self.store
            .create_person(&name, &roles, key, now_ms())
            .await
            .map_err(api)
    }

    pub async fn get_person(&self, id: &str) -> Result<Person, ApiError> {
        self.store
            .person(id)
            .await
            .map_err(api)?
            .ok_or_else(|| ApiError::NotFound(format!("person {id}")))
    }

    pub async fn update_person<S: AsRef<str>>(
        &self,
        id: &str,
        expected: i64,
        name: Option<&str>,
        roles: Option<&[S]>,
    ) -> Result<Person, ChangeError> {
        let expected = check_version("expected_version", expected)?;
        let name = name.map(domain::check_name).transpose()?;
        let roles = roles.map(domain::parse_roles).transpose()?;
        let p = self
            .store
            .update_person(id, expected, name.as_deref(), roles.as_deref(), now_ms())
            .await?;
        Ok(p)
    }

    pub async fn delete_person(&self, id: &str, expected: i64) -> Result<(), ChangeError> {
        let expected = check_version("expected_version", expected)?;
        Ok(self.store.delete_person(id, expected).await?)
    }

    pub async fn list_people(
        &self,
        page_size: u32,
        page_token: &str,
        role: Option<&str>,
    ) -> Result<(Vec<Person>, String), ApiError> {
        let limit = domain::check_page_size(page_size, DEFAULT_PAGE, MAX_PAGE)?;
        let role = non_empty(role)
            .map(|r| Role::parse("role", r))
            .transpose()?;
        let people = self
            .store
            .list_people(role, page_token, limit)
            .await
            .map_err(api)?;
        let next = next_token(&people, limit, |p| &p.id);
        Ok((people, next))
    }

    pub async fn set_certification(
        &self,
        person_id: &str,
        expected: Option<i64>,
        kind: &str,
        expires_at_ms: i64,
    ) -> Result<Person, ChangeError> {
        let expected = expected
            .map(|v| check_version("expected_version", v))
            .transpose()?;
        let kind = CertificationKind::parse("kind", kind.trim())?;
        if expires_at_ms <= 0 {
            return Err(ApiError::invalid("expires_at_ms", "required: epoch milliseconds").into());
        }
        let cert = Certification {
            kind,
            expires_at_ms,
        };
        Ok(self
            .store
            .set_certification(person_id, expected, cert, now_ms())
            .await?)
    }

    pub async fn add_shift(
        &self,
        person_id: &str,
        key: Option<&str>,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<(Shift, bool), ApiError> {
        let key = check_idempotency_key(key)?;
        let window = domain::check_shift(start_ms, end_ms)?;
        self.store
            .add_shift(person_id, window, key, now_ms())
            .await
            .map_err(api)
    }

    pub async fn shifts(&self, person_id: &str) -> Result<Vec<Shift>, ApiError> {
        self.store.shifts(person_id).await.map_err(api)
    }

    /// Opens the arrival tasks of a port call (pilotage in, mooring)
    /// around its ETA, once: returns how many were new.
    pub async fn port_call_approaching(
        &self,
        port_call_id: &str,
        eta_ms: i64,
    ) -> Result<usize, ApiError> {
        let port_call_id = domain::check_port_call_id(port_call_id)?;
        if eta_ms <= 0 {
            return Err(ApiError::invalid("eta_ms", "required: epoch milliseconds"));
        }
        self.store
            .open_tasks(&port_call_id, &domain::arrival_tasks(eta_ms), now_ms())
            .await
            .map_err(api)
    }

    pub async fn list_tasks(
        &self,
        page_size: u32,
        page_token: &str,
        port_call_id: Option<&str>,
        status: Option<&str>,
    ) -> Result<(Vec<Task>, String), ApiError> {
        let limit = domain::check_page_size(page_size, DEFAULT_PAGE, MAX_PAGE)?;
        let filter = TaskFilter {
            port_call_id: non_empty(port_call_id).map(str::to_owned),
            status: non_empty(status)
                .map(|s| domain::TaskStatus::parse("status", s))
                .transpose()?,
        };
        let tasks = self
            .store
            .list_tasks(&filter, page_token, limit)
            .await
            .map_err(api)?;
        let next = next_token(&tasks, limit, |t| &t.id);
        Ok((tasks, next))
    }

    /// Returns the assignment and whether this call made it.
    pub async fn assign(
        &self,
        task_id: &str,
        person_id: &str,
    ) -> Result<(Assignment, bool), ChangeError> {
        if task_id.trim().is_empty() {
            return Err(ApiError::invalid("task_id", "required").into());
        }
        if person_id.trim().is_empty() {
            return Err(ApiError::invalid("person_id", "required").into());
        }
        Ok(self.store.assign(task_id, person_id, now_ms()).await?)
    }

    pub async fn list_assignments(
        &self,
        page_size: u32,
        page_token: &str,
        person_id: Option<&str>,
        port_call_id: Option<&str>,
    ) -> Result<(Vec<Assignment>, String), ApiError> {
        let limit = domain::check_page_size(page_size, DEFAULT_PAGE, MAX_PAGE)?;
        let filter = AssignmentFilter {
            person_id: non_empty(person_id).map(str::to_owned),
            port_call_id: non_empty(port_call_id).map(str::to_owned),
        };
        let found = self
            .store
            .list_assignments(&filter, page_token, limit)
            .await
            .map_err(api)?;
        let next = next_token(&found, limit, |a| &a.id);
        Ok((found, next))
    }
}
