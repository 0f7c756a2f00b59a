//! The scopes a token needs for this service's operations; each route
//! and RPC names its scope where it is declared (`http`, `grpc`).

use porttrack_platform::auth::Scope;

/// Zones, port calls and the traffic board.
pub const READ: Scope = Scope("routes:read");
/// Planning and updating port calls.
pub const WRITE: Scope = Scope("routes:write");
/// Defining the port's zones.
pub const ADMIN: Scope = Scope("routes:admin");
