//! The scopes a token needs for this service's operations; each route
//! and RPC names its scope where it is declared (`http`, `grpc`).

use porttrack_platform::auth::Scope;

/// Manifests, items, containers and violations.
pub const READ: Scope = Scope("cargo:read");
/// Creating and changing manifests and their items.
pub const WRITE: Scope = Scope("cargo:write");
