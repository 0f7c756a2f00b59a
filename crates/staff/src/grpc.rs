//! `porttrack.staff.v1.StaffService`: translation between protobuf and the
//! operations in [`crate::service`].

use pb::staff_service_server::{StaffService, StaffServiceServer};
use porttrack_platform::ApiError;
use porttrack_platform::auth::MethodScopes;
use porttrack_proto::staff::v1 as pb;
use tonic::{Code, Request, Response, Status};
use tonic_types::{ErrorDetails, StatusExt as _};

use crate::{
    domain, scopes,
    service::{ChangeError, Staff},
};

/// The `domain` of the ErrorInfo attached to refused assignments.
pub const ERROR_DOMAIN: &str = "staff.porttrack.dev";

#[derive(Debug, Clone)]
pub struct StaffGrpc {
    staff: Staff,
}

impl StaffGrpc {
    pub fn new(staff: Staff) -> StaffServiceServer<Self> {
        StaffServiceServer::new(Self { staff })
    }
}

impl From<ChangeError> for Status {
    fn from(e: ChangeError) -> Self {
        match e {
            ChangeError::Refused(r) => Status::with_error_details(
                Code::FailedPrecondition,
                format!("{}: {r}", r.reason()),
                ErrorDetails::with_error_info(
                    r.reason(),
                    ERROR_DOMAIN,
                    std::collections::HashMap::<String, String>::new(),
                ),
            ),
            other => ApiError::from(other).into(),
        }
    }
}

fn opt(s: &str) -> Option<&str> {
    Some(s).filter(|s| !s.is_empty())
}

/// The scope each RPC needs (see `crate::scopes`).
pub const SCOPES: MethodScopes = &[
    ("CreatePerson", scopes::ADMIN),
    ("GetPerson", scopes::READ),
    ("UpdatePerson", scopes::ADMIN),
    ("DeletePerson", scopes::ADMIN),
    ("ListPeople", scopes::READ),
    ("SetCertification", scopes::ADMIN),
    ("AddShift", scopes::WRITE),
    ("ListShifts", scopes::READ),
    ("ListTasks", scopes::READ),
    ("AssignTask", scopes::WRITE),
    ("ListAssignments", scopes::READ),
];

#[tonic::async_trait]
impl StaffService for StaffGrpc {
    async fn create_person(
        &self,
        request: Request<pb::CreatePersonRequest>,
    ) -> Result<Response<pb::Person>, Status> {
        let r = request.into_inner();
        let (p, _) = self
            .staff
            .create_person(Some(&r.idempotency_key), &r.name, &r.roles)
            .await?;
        Ok(Response::new(person_pb(&p)))
    }

    async fn get_person(
        &self,
        request: Request<pb::GetPersonRequest>,
    ) -> Result<Response<pb::Person>, Status> {
        let p = self.staff.get_person(&request.into_inner().id).await?;
        Ok(Response::new(person_pb(&p)))
    }

    async fn update_person(
        &self,
        request: Request<pb::UpdatePersonRequest>,
    ) -> Result<Response<pb::Person>, Status> {
        let r = request.into_inner();
        let roles = r.roles.as_ref().map(|l| l.roles.as_slice());
        let p = self
            .staff
            .update_person(&r.id, r.expected_version, r.name.as_deref(), roles)
            .await?;
        Ok(Response::new(person_pb(&p)))
    }

    async fn delete_person(
        &self,
        request: Request<pb::DeletePersonRequest>,
    ) -> Result<Response<pb::DeletePersonResponse>, Status> {
        let r = request.into_inner();
        self.staff.delete_person(&r.id, r.expected_version).await?;
        Ok(Response::new(pb::DeletePersonResponse {}))
    }

    async fn list_people(
        &self,
        request: Request<pb::ListPeopleRequest>,
    ) -> Result<Response<pb::ListPeopleResponse>, Status> {
        let r = request.into_inner();
        let (people, next_page_token) = self
            .staff
            .list_people(r.page_size, &r.page_token, opt(&r.role))
            .await?;
        Ok(Response::new(pb::ListPeopleResponse {
            people: people.iter().map(person_pb).collect(),
            next_page_token,
        }))
    }

    async fn set_certification(
        &self,
        request: Request<pb::SetCertificationRequest>,
    ) -> Result<Response<pb::Person>, Status> {
        let r = request.into_inner();
        let c = r
            .certification
            .ok_or_else(|| ApiError::invalid("certification", "required"))?;
        let p = self
            .staff
            .set_certification(&r.person_id, r.expected_version, &c.kind, c.expires_at_ms)
            .await?;
        Ok(Response::new(person_pb(&p)))
    }

    async fn add_shift(
        &self,
        request: Request<pb::AddShiftRequest>,
    ) -> Result<Response<pb::Shift>, Status> {
        let r = request.into_inner();
        let (s, _) = self
            .staff
            .add_shift(&r.person_id, Some(&r.idempotency_key), r.start_ms, r.end_ms)
            .await?;
        Ok(Response::new(shift_pb(&s)))
    }

    async fn list_shifts(
        &self,
        request: Request<pb::ListShiftsRequest>,
    ) -> Result<Response<pb::ListShiftsResponse>, Status> {
        let shifts = self.staff.shifts(&request.into_inner().person_id).await?;
        Ok(Response::new(pb::ListShiftsResponse {
            shifts: shifts.iter().map(shift_pb).collect(),
        }))
    }

    async fn list_tasks(
        &self,
        request: Request<pb::ListTasksRequest>,
    ) -> Result<Response<pb::ListTasksResponse>, Status> {
        let r = request.into_inner();
        let (tasks, next_page_token) = self
            .staff
            .list_tasks(
                r.page_size,
                &r.page_token,
                opt(&r.port_call_id),
                opt(&r.status),
            )
            .await?;
        Ok(Response::new(pb::ListTasksResponse {
            tasks: tasks.iter().map(task_pb).collect(),
            next_page_token,
        }))
    }

    async fn assign_task(
        &self,
        request: Request<pb::AssignTaskRequest>,
    ) -> Result<Response<pb::Assignment>, Status> {
        let r = request.into_inner();
        let (a, _) = self.staff.assign(&r.task_id, &r.person_id).await?;
        Ok(Response::new(assignment_pb(&a)))
    }

    async fn list_assignments(
        &self,
        request: Request<pb::ListAssignmentsRequest>,
    ) -> Result<Response<pb::ListAssignmentsResponse>, Status> {
        let r = request.into_inner();
        let (found, next_page_token) = self
            .staff
            .list_assignments(
                r.page_size,
                &r.page_token,
                opt(&r.person_id),
                opt(&r.port_call_id),
            )
            .await?;
        Ok(Response::new(pb::ListAssignmentsResponse {
            assignments: found.iter().map(assignment_pb).collect(),
            next_page_token,
        }))
    }
}

pub fn person_pb(p: &domain::Person) -> pb::Person {
    pb::Person {
        id: p.id.clone(),
        name: p.name.clone(),
        roles: p.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        certifications: p
            .certifications
            .iter()
            .map(|c| pb::Certification {
                kind: c.kind.as_str().to_owned(),
                expires_at_ms: c.expires_at_ms,
            })
            .collect(),
        version: p.version,
        updated_at_ms: p.updated_at_ms,
    }
}

pub fn shift_pb(s: &domain::Shift) -> pb::Shift {
    pb::Shift {
        id: s.id.clone(),
        person_id: s.person_id.clone(),
        start_ms: s.window.start_ms,
        end_ms: s.window.end_ms,
    }
}

pub fn task_pb(t: &domain::Task) -> pb::Task {
    pb::Task {
        id: t.id.clone(),
        port_call_id: t.port_call_id.clone(),
        kind: t.kind.as_str().to_owned(),
        start_ms: t.window.start_ms,
        end_ms: t.window.end_ms,
        status: t.status.as_str().to_owned(),
        person_id: t.person_id.clone().unwrap_or_default(),
    }
}

pub fn assignment_pb(a: &domain::Assignment) -> pb::Assignment {
    pb::Assignment {
        id: a.id.clone(),
        task_id: a.task_id.clone(),
        person_id: a.person_id.clone(),
        port_call_id: a.port_call_id.clone(),
        task_kind: a.task_kind.as_str().to_owned(),
        start_ms: a.window.start_ms,
        end_ms: a.window.end_ms,
        created_at_ms: a.created_at_ms,
    }
}

#[cfg(test)]
mod tests {
    use tonic::Code;
    use tonic_types::StatusExt as _;

    use crate::{domain::Refusal, service::ChangeError};

    #[test]
    fn a_refusal_is_failed_precondition_with_its_reason_as_error_info() {
        let status = tonic::Status::from(ChangeError::Refused(Refusal::NotOnShift));
        assert_eq!(status.code(), Code::FailedPrecondition);
        let info = status.get_details_error_info().expect("ErrorInfo");
        assert_eq!(info.reason, "not_on_shift");
        assert_eq!(info.domain, super::ERROR_DOMAIN);
        let stale = tonic::Status::from(ChangeError::Stale {
            expected: 1,
            current: 2,
        });
        assert_eq!(stale.code(), Code::Aborted);
    }
}
