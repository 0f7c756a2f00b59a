//! The statements inside a store transaction, and row decoding.

use porttrack_platform::idempotency::{self, Claim};
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::StoreError;
use crate::domain::{
    Assignment, Certification, CertificationKind, Person, Role, Shift, Task, TaskKind, TaskStatus,
    Window,
};

pub(super) const PERSON_COLUMNS: &str = "id, name, roles, version, updated_at_ms";
pub(super) const SHIFT_COLUMNS: &str = "id, person_id, start_ms, end_ms";
pub(super) const TASK_COLUMNS: &str = "id, port_call_id, kind, start_ms, end_ms, status, person_id";
pub(super) const ASSIGNMENT_COLUMNS: &str =
    "id, task_id, person_id, port_call_id, task_kind, start_ms, end_ms, created_at_ms";

/// Claims an idempotency key (see `porttrack_platform::idempotency`):
/// `Some(id)` is what an earlier request under the key created.
pub(super) async fn claim_key(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
    resource_id: &str,
    fingerprint: &str,
    now_ms: i64,
) -> Result<Option<String>, StoreError> {
    match idempotency::claim(conn, scope, key, resource_id, fingerprint, now_ms).await? {
        Claim::New => Ok(None),
        Claim::Replay(id) => Ok(Some(id)),
        Claim::Reused => Err(StoreError::Conflict(idempotency::REUSED.into())),
    }
}

/// Moves the person to their next version, first thing in the transaction
/// so it holds the row (PostgreSQL) or the write lock (SQLite).
pub(super) async fn bump(
    conn: &mut AnyConnection,
    id: &str,
    expected: Option<i64>,
    now_ms: i64,
) -> Result<(), StoreError> {
    let guard = if expected.is_some() {
        " AND version = $3"
    } else {
        ""
    };
    let sql =
        format!("UPDATE people SET version = version + 1, updated_at_ms = $2 WHERE id = $1{guard}");
    let mut query = sqlx::query(&sql).bind(id).bind(now_ms);
    if let Some(v) = expected {
        query = query.bind(v);
    }
    if query.execute(&mut *conn).await?.rows_affected() == 1 {
        return Ok(());
    }
    let current: i64 = sqlx::query("SELECT version FROM people WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| person_not_found(id))?
        .try_get("version")?;
    Err(StoreError::VersionMismatch {
        expected: expected.unwrap_or(current),
        current,
    })
}

/// Serialises changes to a person's schedule (see `schedule_seq` in the
/// migration) without changing their version.
pub(super) async fn lock_schedule(conn: &mut AnyConnection, id: &str) -> Result<(), StoreError> {
    let n = sqlx::query("UPDATE people SET schedule_seq = schedule_seq + 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 1 {
        Ok(())
    } else {
        Err(person_not_found(id))
    }
}

pub(super) async fn load_person(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<Person>, StoreError> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {PERSON_COLUMNS} FROM people WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let mut person = person_row(&row)?;
    let certs = sqlx::query(
        "SELECT kind, expires_at_ms FROM certifications WHERE person_id = $1 ORDER BY kind",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    person.certifications = certs
        .iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok(Certification {
                kind: CertificationKind::parse("kind", &kind).map_err(|_| corrupt("kind"))?,
                expires_at_ms: r.try_get("expires_at_ms")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(person))
}

pub(super) async fn load_shifts(
    conn: &mut AnyConnection,
    person_id: &str,
) -> Result<Vec<Shift>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {SHIFT_COLUMNS} FROM shifts WHERE person_id = $1 ORDER BY start_ms, id"
    ))
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(shift_row).collect::<Result<_, _>>()?)
}

pub(super) fn person_not_found(id: &str) -> StoreError {
    StoreError::NotFound(format!("person {id}"))
}

/// A stored value this release cannot read: only if the schema was
/// written by something else.
pub(super) fn corrupt(column: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: "unexpected stored value".into(),
    }
}

pub(super) fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn window(row: &AnyRow) -> Result<Window, sqlx::Error> {
    Ok(Window {
        start_ms: row.try_get("start_ms")?,
        end_ms: row.try_get("end_ms")?,
    })
}

pub(super) fn person_row(row: &AnyRow) -> Result<Person, sqlx::Error> {
    let roles: String = row.try_get("roles")?;
    Ok(Person {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        roles: roles
            .split(',')
            .filter(|r| !r.is_empty())
            .map(|r| Role::parse("roles", r).map_err(|_| corrupt("roles")))
            .collect::<Result<_, _>>()?,
        certifications: Vec::new(),
        version: row.try_get("version")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
    })
}

pub(super) fn shift_row(row: &AnyRow) -> Result<Shift, sqlx::Error> {
    Ok(Shift {
        id: row.try_get("id")?,
        person_id: row.try_get("person_id")?,
        window: window(row)?,
    })
}

pub(super) fn task_row(row: &AnyRow) -> Result<Task, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    Ok(Task {
        id: row.try_get("id")?,
        port_call_id: row.try_get("port_call_id")?,
        kind: TaskKind::parse("kind", &kind).map_err(|_| corrupt("kind"))?,
        window: window(row)?,
        status: TaskStatus::parse("status", &status).map_err(|_| corrupt("status"))?,
        person_id: row.try_get("person_id")?,
    })
}

pub(super) fn assignment_row(row: &AnyRow) -> Result<Assignment, sqlx::Error> {
    let kind: String = row.try_get("task_kind")?;
    Ok(Assignment {
        id: row.try_get("id")?,
        task_id: row.try_get("task_id")?,
        person_id: row.try_get("person_id")?,
        port_call_id: row.try_get("port_call_id")?,
        task_kind: TaskKind::parse("task_kind", &kind).map_err(|_| corrupt("task_kind"))?,
        window: window(row)?,
        created_at_ms: row.try_get("created_at_ms")?,
    })
}
