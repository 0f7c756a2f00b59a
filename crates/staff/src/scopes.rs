//! The scopes a token needs for this service's operations; each route
//! and RPC names its scope where it is declared (`http`, `grpc`).

use porttrack_platform::auth::Scope;

/// People, shifts, tasks and assignments.
pub const READ: Scope = Scope("staff:read");
/// Planning shifts and assigning tasks.
pub const WRITE: Scope = Scope("staff:write");
/// Personnel records: people and their certifications.
pub const ADMIN: Scope = Scope("staff:admin");
