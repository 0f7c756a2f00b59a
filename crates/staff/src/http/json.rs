//! REST bodies, with their OpenAPI schemas.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::{self, Certification, Role, TaskKind, TaskStatus};

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonJson {
    pub id: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub certifications: Vec<Certification>,
    /// Also the `ETag`; send it back in `If-Match` to change the person.
    pub version: i64,
    pub updated_at_ms: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftJson {
    pub id: String,
    pub person_id: String,
    pub start_ms: i64,
    pub end_ms: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskJson {
    pub id: String,
    pub port_call_id: String,
    pub kind: TaskKind,
    pub start_ms: i64,
    pub end_ms: i64,
    pub status: TaskStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentJson {
    pub id: String,
    pub task_id: String,
    pub person_id: String,
    pub port_call_id: String,
    pub task_kind: TaskKind,
    pub start_ms: i64,
    pub end_ms: i64,
    pub created_at_ms: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePersonBody {
    pub name: String,
    #[serde(default)]
    pub roles: Vec<String>,
    /// Used when no `Idempotency-Key` header is sent.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePersonBody {
    #[serde(default)]
    pub name: Option<String>,
    /// Replaces the roles when present.
    #[serde(default)]
    pub roles: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationBody {
    #[schema(example = "pilot_licence")]
    pub kind: String,
    pub expires_at_ms: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftBody {
    pub start_ms: i64,
    pub end_ms: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    pub person_id: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// At most 1000; default 100.
    pub page_size: Option<String>,
    pub page_token: Option<String>,
    pub role: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TasksQuery {
    pub page_size: Option<String>,
    pub page_token: Option<String>,
    pub port_call_id: Option<String>,
    /// `open` or `assigned`.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentsQuery {
    pub page_size: Option<String>,
    pub page_token: Option<String>,
    pub person_id: Option<String>,
    pub port_call_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeoplePage {
    pub people: Vec<PersonJson>,
    /// Empty on the last page.
    pub next_page_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Shifts {
    pub shifts: Vec<ShiftJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TasksPage {
    pub tasks: Vec<TaskJson>,
    pub next_page_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentsPage {
    pub assignments: Vec<AssignmentJson>,
    pub next_page_token: String,
}

impl From<&domain::Person> for PersonJson {
    fn from(p: &domain::Person) -> Self {
        Self {
            id: p.id.clone(),
            name: p.name.clone(),
            roles: p.roles.clone(),
            certifications: p.certifications.clone(),
            version: p.version,
            updated_at_ms: p.updated_at_ms,
        }
    }
}

impl From<&domain::Shift> for ShiftJson {
    fn from(s: &domain::Shift) -> Self {
        Self {
            id: s.id.clone(),
            person_id: s.person_id.clone(),
            start_ms: s.window.start_ms,
            end_ms: s.window.end_ms,
        }
    }
}

impl From<&domain::Task> for TaskJson {
    fn from(t: &domain::Task) -> Self {
        Self {
            id: t.id.clone(),
            port_call_id: t.port_call_id.clone(),
            kind: t.kind,
            start_ms: t.window.start_ms,
            end_ms: t.window.end_ms,
            status: t.status,
            person_id: t.person_id.clone(),
        }
    }
}

impl From<&domain::Assignment> for AssignmentJson {
    fn from(a: &domain::Assignment) -> Self {
        Self {
            id: a.id.clone(),
            task_id: a.task_id.clone(),
            person_id: a.person_id.clone(),
            port_call_id: a.port_call_id.clone(),
            task_kind: a.task_kind,
            start_ms: a.window.start_ms,
            end_ms: a.window.end_ms,
            created_at_ms: a.created_at_ms,
        }
    }
}
