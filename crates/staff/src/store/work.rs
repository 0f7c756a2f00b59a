//! Tasks and assignments: what port calls need, and who does it.

use sqlx::Row;

use super::{
    Store, StoreError, new_id,
    sql::{
        ASSIGNMENT_COLUMNS, TASK_COLUMNS, assignment_row, load_person, load_shifts, lock_schedule,
        person_not_found, task_row,
    },
};
use crate::domain::{Assignment, NewTask, Task, TaskStatus, Window, check_assignment};

/// Which tasks to list; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub port_call_id: Option<String>,
    pub status: Option<TaskStatus>,
}

/// Which assignments to list; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct AssignmentFilter {
    pub person_id: Option<String>,
    pub port_call_id: Option<String>,
}

impl Store {
    /// Opens the tasks a port call needs, each kind at most once: returns
    /// how many were new (0 on a replay).
    pub async fn open_tasks(
        &self,
        port_call_id: &str,
        tasks: &[NewTask],
        now_ms: i64,
    ) -> Result<usize, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut opened = 0;
        for t in tasks {
            opened += sqlx::query(&format!(
                "INSERT INTO tasks ({TASK_COLUMNS}, created_at_ms, updated_at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $7)
                 ON CONFLICT (port_call_id, kind) DO NOTHING"
            ))
            .bind(new_id())
            .bind(port_call_id)
            .bind(t.kind.as_str())
            .bind(t.window.start_ms)
            .bind(t.window.end_ms)
            .bind(TaskStatus::Open.as_str())
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
        }
        tx.commit().await?;
        Ok(opened)
    }

    pub async fn task(&self, id: &str) -> Result<Option<Task>, StoreError> {
        let row = sqlx::query(&format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(task_row).transpose()?)
    }

    pub async fn list_tasks(
        &self,
        filter: &TaskFilter,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Task>, StoreError> {
        let mut filters = Vec::new();
        if let Some(p) = &filter.port_call_id {
            filters.push(("port_call_id", p.clone()));
        }
        if let Some(s) = filter.status {
            filters.push(("status", s.as_str().to_owned()));
        }
        let rows = self
            .page("tasks", TASK_COLUMNS, filters, after, limit)
            .await?;
        Ok(rows.iter().map(task_row).collect::<Result<_, _>>()?)
    }

    /// Assigns the person to the task if the rules allow it. Returns the
    /// assignment and whether it is new (`false`: this person already had
    /// the task).
    pub async fn assign(
        &self,
        task_id: &str,
        person_id: &str,
        now_ms: i64,
    ) -> Result<(Assignment, bool), StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_schedule(&mut tx, person_id).await?;
        let task = sqlx::query(&format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1"))
            .bind(task_id)
            .fetch_optional(&mut *tx)
            .await?
            .as_ref()
            .map(task_row)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("task {task_id}")))?;
        if let Some(holder) = &task.person_id {
            if holder != person_id {
                return Err(StoreError::Conflict(format!(
                    "task {task_id} is already assigned to person {holder}"
                )));
            }
            let existing = sqlx::query(&format!(
                "SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE task_id = $1"
            ))
            .bind(task_id)
            .fetch_one(&mut *tx)
            .await?;
            return Ok((assignment_row(&existing)?, false));
        }
        let person = load_person(&mut tx, person_id)
            .await?
            .ok_or_else(|| person_not_found(person_id))?;
        let shifts = load_shifts(&mut tx, person_id).await?;
        let booked =
            sqlx::query("SELECT task_id, start_ms, end_ms FROM assignments WHERE person_id = $1")
                .bind(person_id)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| {
                    let w = Window {
                        start_ms: r.try_get("start_ms")?,
                        end_ms: r.try_get("end_ms")?,
                    };
                    Ok((r.try_get::<String, _>("task_id")?, w))
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
        check_assignment(&person, &shifts, &booked, task.kind, task.window)?;
        // The task's row is taken only if still open: of two people
        // assigned at once, the second finds it assigned.
        let taken = sqlx::query(
            "UPDATE tasks SET status = $2, person_id = $3, updated_at_ms = $4
             WHERE id = $1 AND status = $5",
        )
        .bind(task_id)
        .bind(TaskStatus::Assigned.as_str())
        .bind(person_id)
        .bind(now_ms)
        .bind(TaskStatus::Open.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken != 1 {
            return Err(StoreError::Conflict(format!(
                "task {task_id} was assigned meanwhile"
            )));
        }
        let assignment = Assignment {
            id: new_id(),
            task_id: task.id,
            person_id: person_id.to_owned(),
            port_call_id: task.port_call_id,
            task_kind: task.kind,
            window: task.window,
            created_at_ms: now_ms,
        };
        sqlx::query(&format!(
            "INSERT INTO assignments ({ASSIGNMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(&assignment.id)
        .bind(&assignment.task_id)
        .bind(&assignment.person_id)
        .bind(&assignment.port_call_id)
        .bind(assignment.task_kind.as_str())
        .bind(assignment.window.start_ms)
        .bind(assignment.window.end_ms)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((assignment, true))
    }

    pub async fn list_assignments(
        &self,
        filter: &AssignmentFilter,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Assignment>, StoreError> {
        let mut filters = Vec::new();
        if let Some(p) = &filter.person_id {
            filters.push(("person_id", p.clone()));
        }
        if let Some(p) = &filter.port_call_id {
            filters.push(("port_call_id", p.clone()));
        }
        let rows = self
            .page("assignments", ASSIGNMENT_COLUMNS, filters, after, limit)
            .await?;
        Ok(rows.iter().map(assignment_row).collect::<Result<_, _>>()?)
    }
}
