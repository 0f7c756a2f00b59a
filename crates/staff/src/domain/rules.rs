//! Whether a person may take a task: the checks run in a fixed order, and
//! the first that fails is the reason given.

use super::{Person, Shift, TaskKind, Window};

/// Least rest between two worked shifts. Ten hours follows the usual
/// port-labour and STCW-style minimum: shorter rests are how fatigue
/// accidents in pilotage and mooring happen, so it is refused, not warned.
pub const MIN_REST_MS: i64 = 10 * 60 * 60 * 1000;

/// Why an assignment was refused; [`Refusal::reason`] is the stable
/// machine-readable name clients switch on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the person does not have the role {role}")]
    RoleMissing { role: &'static str },
    #[error("the person holds no {kind}")]
    CertificationMissing { kind: &'static str },
    #[error("the person's {kind} expires at {expires_at_ms}, before the task ends")]
    CertificationExpired {
        kind: &'static str,
        expires_at_ms: i64,
    },
    #[error("the task is not inside one of the person's shifts")]
    NotOnShift,
    #[error("the person is already assigned to task {task_id} at that time")]
    DoubleBooking { task_id: String },
    #[error(
        "only {rest_ms} ms of rest between this shift and another worked shift; {MIN_REST_MS} needed"
    )]
    InsufficientRest { rest_ms: i64 },
}

impl Refusal {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::RoleMissing { .. } => "role_missing",
            Self::CertificationMissing { .. } => "certification_missing",
            Self::CertificationExpired { .. } => "certification_expired",
            Self::NotOnShift => "not_on_shift",
            Self::DoubleBooking { .. } => "double_booking",
            Self::InsufficientRest { .. } => "insufficient_rest",
        }
    }
}

/// Checks that `person` may do a task of `kind` during `window`, given
/// their `shifts` and their existing assignments `booked` (task id and
/// window). A shift counts as worked when one of `booked` lies in it.
pub fn check_assignment(
    person: &Person,
    shifts: &[Shift],
    booked: &[(String, Window)],
    kind: TaskKind,
    window: Window,
) -> Result<(), Refusal> {
    let role = kind.role();
    if !person.roles.contains(&role) {
        return Err(Refusal::RoleMissing {
            role: role.as_str(),
        });
    }
    let needed = role.required_certification();
    let cert = person
        .certifications
        .iter()
        .find(|c| c.kind == needed)
        .ok_or(Refusal::CertificationMissing {
            kind: needed.as_str(),
        })?;
    // Valid for the whole task, not only at its start.
    if cert.expires_at_ms < window.end_ms {
        return Err(Refusal::CertificationExpired {
            kind: needed.as_str(),
            expires_at_ms: cert.expires_at_ms,
        });
    }
    let shift = shifts
        .iter()
        .find(|s| s.window.contains(window))
        .ok_or(Refusal::NotOnShift)?;
    if let Some((task_id, _)) = booked.iter().find(|(_, w)| w.overlaps(window)) {
        return Err(Refusal::DoubleBooking {
            task_id: task_id.clone(),
        });
    }
    let worked = shifts
        .iter()
        .filter(|s| s.id != shift.id && booked.iter().any(|(_, w)| s.window.contains(*w)));
    if let Some(rest_ms) = worked
        .map(|s| s.window.gap(shift.window))
        .filter(|gap| *gap < MIN_REST_MS)
        .min()
    {
        return Err(Refusal::InsufficientRest { rest_ms });
    }
    Ok(())
}
