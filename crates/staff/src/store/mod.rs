//! Persistence through sqlx's `Any` driver: the same queries on PostgreSQL
//! and SQLite.
//!
//! - Every change to a person or their certifications bumps the person's
//!   `version` with `UPDATE .. WHERE version = <expected>`, so of two
//!   writers that read the same version only the first succeeds.
//! - Creates may carry an idempotency key, inserted in the same transaction
//!   as what it creates, so a retry gets the original back.
//! - Shift and assignment changes first take the person's row
//!   (`schedule_seq`), so the rules are checked against a schedule no one
//!   else is changing meanwhile.

mod sql;
mod work;

use sqlx::{AnyPool, any::AnyRow, migrate::Migrator};

use sql::{
    PERSON_COLUMNS, SHIFT_COLUMNS, bump, claim_key, load_person, load_shifts, lock_schedule,
    person_not_found, person_row, roles_text, shift_row,
};

pub use work::{AssignmentFilter, TaskFilter};

use crate::domain::{Certification, Person, Refusal, Role, Shift, Window};

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    NotFound(String),
    #[error("version {expected} is not the person's current version {current}")]
    VersionMismatch { expected: i64, current: i64 },
    #[error("{0}")]
    Conflict(String),
    /// An assignment the rules refuse.
    #[error("{0}")]
    Refused(#[from] Refusal),
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
}

impl Store {
    pub fn new(pool: AnyPool) -> Self {
        Self { pool }
    }

    /// Returns the person and whether this call created them (`false`: a
    /// retry with a known key, answered with the original).
    pub async fn create_person(
        &self,
        name: &str,
        roles: &[Role],
        key: Option<&str>,
        now_ms: i64,
    ) -> Result<(Person, bool), StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = new_id();
        let roles = roles_text(roles);
        if let Some(key) = key
            && let Some(original) = claim_key(
                &mut tx,
                "person",
                key,
                &id,
                &format!("{name}|{roles}"),
                now_ms,
            )
            .await?
        {
            drop(tx);
            return Ok((self.require(&original).await?, false));
        }
        sqlx::query(
            "INSERT INTO people (id, name, roles, version, created_at_ms, updated_at_ms)
             VALUES ($1, $2, $3, 1, $4, $4)",
        )
        .bind(&id)
        .bind(name)
        .bind(&roles)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let person = load_person(&mut tx, &id)
            .await?
            .ok_or_else(|| person_not_found(&id))?;
        tx.commit().await?;
        Ok((person, true))
    }

    /// The person with their certifications.
    pub async fn person(&self, id: &str) -> Result<Option<Person>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load_person(&mut conn, id).await
    }

    async fn require(&self, id: &str) -> Result<Person, StoreError> {
        self.person(id).await?.ok_or_else(|| person_not_found(id))
    }

    pub async fn update_person(
        &self,
        id: &str,
        expected: i64,
        name: Option<&str>,
        roles: Option<&[Role]>,
        now_ms: i64,
    ) -> Result<Person, StoreError> {
        let mut tx = self.pool.begin().await?;
        bump(&mut tx, id, Some(expected), now_ms).await?;
        if let Some(name) = name {
            sqlx::query("UPDATE people SET name = $2 WHERE id = $1")
                .bind(id)
                .bind(name)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(roles) = roles {
            sqlx::query("UPDATE people SET roles = $2 WHERE id = $1")
                .bind(id)
                .bind(roles_text(roles))
                .execute(&mut *tx)
                .await?;
        }
        let person = load_person(&mut tx, id)
            .await?
            .ok_or_else(|| person_not_found(id))?;
        tx.commit().await?;
        Ok(person)
    }

    /// Deletes a person without assignments, with their certifications and
    /// shifts. Assignments are history: a person who has any stays.
    pub async fn delete_person(&self, id: &str, expected: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        bump(&mut tx, id, Some(expected), 0).await?;
        let assigned = sqlx::query("SELECT id FROM assignments WHERE person_id = $1 LIMIT 1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if assigned.is_some() {
            return Err(StoreError::Conflict(format!(
                "person {id} has assignments and cannot be deleted"
            )));
        }
        for table in ["certifications", "shifts"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE person_id = $1"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM people WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// People (with certifications) in id order after `after`.
    pub async fn list_people(
        &self,
        role: Option<Role>,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Person>, StoreError> {
        // Roles are stored comma-separated; the commas make `pilot` not
        // match a longer name containing it.
        let filter = role.map(|r| ("(',' || roles || ',') LIKE", format!("%,{},%", r.as_str())));
        let rows = self
            .page(
                "people",
                PERSON_COLUMNS,
                filter.into_iter().collect(),
                after,
                limit,
            )
            .await?;
        let mut people = Vec::with_capacity(rows.len());
        for row in &rows {
            let id = person_row(row)?.id;
            people.push(self.require(&id).await?);
        }
        Ok(people)
    }

    /// Adds a certification, or renews the one of the same kind.
    pub async fn set_certification(
        &self,
        person_id: &str,
        expected: Option<i64>,
        cert: Certification,
        now_ms: i64,
    ) -> Result<Person, StoreError> {
        let mut tx = self.pool.begin().await?;
        bump(&mut tx, person_id, expected, now_ms).await?;
        sqlx::query(
            "INSERT INTO certifications (person_id, kind, expires_at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (person_id, kind) DO UPDATE SET expires_at_ms = excluded.expires_at_ms",
        )
        .bind(person_id)
        .bind(cert.kind.as_str())
        .bind(cert.expires_at_ms)
        .execute(&mut *tx)
        .await?;
        let person = load_person(&mut tx, person_id)
            .await?
            .ok_or_else(|| person_not_found(person_id))?;
        tx.commit().await?;
        Ok(person)
    }

    /// Adds a shift that overlaps none of the person's others.
    pub async fn add_shift(
        &self,
        person_id: &str,
        window: Window,
        key: Option<&str>,
        now_ms: i64,
    ) -> Result<(Shift, bool), StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_schedule(&mut tx, person_id).await?;
        let id = new_id();
        if let Some(key) = key {
            let scope = format!("shift:{person_id}");
            let fingerprint = format!("{}|{}", window.start_ms, window.end_ms);
            if let Some(original) =
                claim_key(&mut tx, &scope, key, &id, &fingerprint, now_ms).await?
            {
                let shifts = load_shifts(&mut tx, person_id).await?;
                let found = shifts.into_iter().find(|s| s.id == original);
                return found
                    .map(|s| (s, false))
                    .ok_or_else(|| StoreError::NotFound(format!("shift {original}")));
            }
        }
        let shifts = load_shifts(&mut tx, person_id).await?;
        if let Some(other) = shifts.iter().find(|s| s.window.overlaps(window)) {
            return Err(StoreError::Conflict(format!(
                "the shift overlaps shift {} of the same person",
                other.id
            )));
        }
        sqlx::query(
            "INSERT INTO shifts (id, person_id, start_ms, end_ms, created_at_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(person_id)
        .bind(window.start_ms)
        .bind(window.end_ms)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let shift = Shift {
            id,
            person_id: person_id.to_owned(),
            window,
        };
        Ok((shift, true))
    }

    /// The person's shifts in time order; not found if there is no person.
    pub async fn shifts(&self, person_id: &str) -> Result<Vec<Shift>, StoreError> {
        self.require(person_id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {SHIFT_COLUMNS} FROM shifts WHERE person_id = $1 ORDER BY start_ms, id"
        ))
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(shift_row).collect::<Result<_, _>>()?)
    }

    /// Rows of `table` in id order after `after`, each filter a column
    /// expression compared (`=` unless it ends in an operator) to a text.
    async fn page(
        &self,
        table: &str,
        columns: &str,
        filters: Vec<(&str, String)>,
        after: &str,
        limit: usize,
    ) -> Result<Vec<AnyRow>, StoreError> {
        let mut sql = format!("SELECT {columns} FROM {table} WHERE id > $1");
        for (i, (expr, _)) in filters.iter().enumerate() {
            let op = if expr.ends_with("LIKE") { "" } else { " =" };
            sql.push_str(&format!(" AND {expr}{op} ${}", i + 2));
        }
        sql.push_str(&format!(" ORDER BY id LIMIT ${}", filters.len() + 2));
        let mut query = sqlx::query(&sql).bind(after.to_owned());
        for (_, value) in filters {
            query = query.bind(value);
        }
        Ok(query.bind(limit as i64).fetch_all(&self.pool).await?)
    }
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
