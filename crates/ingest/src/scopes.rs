//! The scopes a token needs for this service's operations; each route
//! and RPC names its scope where it is declared (`http`, `grpc`).

use porttrack_platform::auth::Scope;

/// Sending positions and NMEA sentences.
pub const WRITE: Scope = Scope("positions:write");
