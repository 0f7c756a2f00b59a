//! The staff domain: people with roles and certifications, their shifts,
//! the port-call tasks that need people, and [`check_assignment`], the
//! rules an assignment must pass. Pure: no I/O, no clock.

mod rules;

use porttrack_platform::ApiError;

pub use rules::{MIN_REST_MS, Refusal, check_assignment};

const HOUR_MS: i64 = 60 * 60 * 1000;
/// Pilotage in starts this long before the ETA (the pilot boards outside
/// the port approach) and ends this long after it.
pub const PILOTAGE_BEFORE_ETA_MS: i64 = HOUR_MS;
pub const PILOTAGE_AFTER_ETA_MS: i64 = HOUR_MS;
/// Mooring runs from the ETA (the ship reaches its berth) for this long.
pub const MOORING_MS: i64 = 2 * HOUR_MS;
/// Longest shift accepted; longer ones are typing mistakes.
pub const MAX_SHIFT_MS: i64 = 16 * HOUR_MS;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &[Self] = &[$(Self::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }

            pub fn parse(field: &str, raw: &str) -> Result<Self, ApiError> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    ApiError::invalid(field, format!("`{raw}` is not one of {}", names.join(", ")))
                })
            }
        }
    };
}

text_enum!(Role {
    Pilot = "pilot",
    MooringCrew = "mooring_crew",
    Stevedore = "stevedore",
    HarbourMaster = "harbour_master",
});
text_enum!(CertificationKind {
    PilotLicence = "pilot_licence",
    MooringCertificate = "mooring_certificate",
    StevedoreCertificate = "stevedore_certificate",
    HarbourMasterCommission = "harbour_master_commission",
});
text_enum!(
    /// An operation of a port call that needs a person.
    TaskKind {
        PilotageIn = "pilotage_in",
        PilotageOut = "pilotage_out",
        Mooring = "mooring",
        Unmooring = "unmooring",
        CargoHandling = "cargo_handling",
    }
);
text_enum!(TaskStatus {
    Open = "open",
    Assigned = "assigned"
});

impl Role {
    /// What a person must hold, valid, to work in this role.
    pub fn required_certification(self) -> CertificationKind {
        match self {
            Self::Pilot => CertificationKind::PilotLicence,
            Self::MooringCrew => CertificationKind::MooringCertificate,
            Self::Stevedore => CertificationKind::StevedoreCertificate,
            Self::HarbourMaster => CertificationKind::HarbourMasterCommission,
        }
    }
}

impl TaskKind {
    /// The role that does this task.
    pub fn role(self) -> Role {
        match self {
            Self::PilotageIn | Self::PilotageOut => Role::Pilot,
            Self::Mooring | Self::Unmooring => Role::MooringCrew,
            Self::CargoHandling => Role::Stevedore,
        }
    }
}

/// A half-open time span `[start_ms, end_ms)` in epoch milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Window {
    pub start_ms: i64,
    pub end_ms: i64,
}

impl Window {
    /// A non-empty window starting at a real time.
    pub fn new(start_ms: i64, end_ms: i64) -> Result<Self, ApiError> {
        if start_ms <= 0 {
            return Err(ApiError::invalid(
                "start_ms",
                "required: epoch milliseconds",
            ));
        }
        if end_ms <= start_ms {
            return Err(ApiError::invalid("end_ms", "must be after start_ms"));
        }
        Ok(Self { start_ms, end_ms })
    }

    pub fn overlaps(self, other: Self) -> bool {
        self.start_ms < other.end_ms && other.start_ms < self.end_ms
    }

    pub fn contains(self, other: Self) -> bool {
        self.start_ms <= other.start_ms && other.end_ms <= self.end_ms
    }

    /// Time between the two; 0 when they touch or overlap.
    pub fn gap(self, other: Self) -> i64 {
        (other.start_ms - self.end_ms)
            .max(self.start_ms - other.end_ms)
            .max(0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Certification {
    pub kind: CertificationKind,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub certifications: Vec<Certification>,
    pub version: i64,
    pub updated_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub id: String,
    pub person_id: String,
    pub window: Window,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: String,
    pub port_call_id: String,
    pub kind: TaskKind,
    pub window: Window,
    pub status: TaskStatus,
    pub person_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub id: String,
    pub task_id: String,
    pub person_id: String,
    pub port_call_id: String,
    pub task_kind: TaskKind,
    pub window: Window,
    pub created_at_ms: i64,
}

/// A task a port call needs, before the store gives it an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewTask {
    pub kind: TaskKind,
    pub window: Window,
}

/// The tasks an approaching port call needs: the pilot brings the ship in,
/// then the mooring crew makes it fast at the berth.
pub fn arrival_tasks(eta_ms: i64) -> [NewTask; 2] {
    [
        NewTask {
            kind: TaskKind::PilotageIn,
            window: Window {
                start_ms: eta_ms - PILOTAGE_BEFORE_ETA_MS,
                end_ms: eta_ms + PILOTAGE_AFTER_ETA_MS,
            },
        },
        NewTask {
            kind: TaskKind::Mooring,
            window: Window {
                start_ms: eta_ms,
                end_ms: eta_ms + MOORING_MS,
            },
        },
    ]
}

/// A person's name: trimmed, 1 to 200 characters.
pub fn check_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid("name", "1 to 200 characters"));
    }
    Ok(name.to_owned())
}

/// Roles by name, deduplicated and sorted.
pub fn parse_roles<S: AsRef<str>>(raw: &[S]) -> Result<Vec<Role>, ApiError> {
    let mut roles = raw
        .iter()
        .map(|r| Role::parse("roles", r.as_ref().trim()))
        .collect::<Result<Vec<_>, _>>()?;
    roles.sort();
    roles.dedup();
    Ok(roles)
}

/// A shift: a non-empty window no longer than [`MAX_SHIFT_MS`].
pub fn check_shift(start_ms: i64, end_ms: i64) -> Result<Window, ApiError> {
    let w = Window::new(start_ms, end_ms)?;
    if w.end_ms - w.start_ms > MAX_SHIFT_MS {
        return Err(ApiError::invalid(
            "end_ms",
            "a shift lasts at most 16 hours",
        ));
    }
    Ok(w)
}

/// A port call's identifier, as the routes service issues it.
pub fn check_port_call_id(raw: &str) -> Result<String, ApiError> {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    ok.then(|| raw.to_owned()).ok_or_else(|| {
        ApiError::invalid(
            "port_call_id",
            "1 to 64 characters: letters, digits, '-', '_', '.', ':'",
        )
    })
}

/// A page size: 0 means `default`, anything above `max` is refused.
pub fn check_page_size(n: u32, default: u32, max: u32) -> Result<usize, ApiError> {
    match n {
        0 => Ok(default as usize),
        n if n <= max => Ok(n as usize),
        n => Err(ApiError::invalid(
            "page_size",
            format!("{n} is more than the maximum {max}"),
        )),
    }
}

#[cfg(test)]
mod tests;
