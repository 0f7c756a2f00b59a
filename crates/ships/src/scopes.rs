//! The scopes a token needs for this service's operations; each route
//! and RPC names its scope where it is declared (`http`, `grpc`).

use porttrack_platform::auth::Scope;

/// Vessels, positions, tracks and live streams.
pub const READ: Scope = Scope("ships:read");
/// The registry data the port keeps per vessel.
pub const WRITE: Scope = Scope("ships:write");
