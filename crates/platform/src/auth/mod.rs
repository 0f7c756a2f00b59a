//! OAuth 2.0 bearer tokens on every API call, the same way in every service.
//!
//! - [`Authenticator`]: checks a JWT (RS256/ES256) against the issuer's keys
//!   ([`jwks`]): signature, `iss`, `aud`, `exp` and `nbf` with a bounded
//!   leeway. Built once per process from [`AuthSettings`].
//! - Scopes are declared next to each operation: REST routes wrap their
//!   handler in [`scoped`]; gRPC services pass a [`MethodScopes`] table
//!   (method name → scope) to `Endpoints::with_grpc`, and a method missing
//!   from its table is refused, never opened by accident.
//! - No or bad token: HTTP 401 / gRPC `UNAUTHENTICATED`, with a
//!   `WWW-Authenticate: Bearer` challenge (RFC 6750). A good token without
//!   the scope: 403 / `PERMISSION_DENIED`. Health, readiness, `/metrics`,
//!   `/openapi.json`, gRPC health and reflection stay open.
//! - [`dev`]: a local signing key and `porttrack token`, so a new user can
//!   try the authenticated mode without an identity provider.

pub mod dev;
mod grpc;
mod http;
mod jwks;
mod settings;

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use jsonwebtoken::{Algorithm, Validation, errors::ErrorKind};
use serde::Deserialize;

pub use grpc::GrpcAuthLayer;
pub use http::{authenticate, scoped};
pub use jwks::{KeySource, KeysError};
pub use settings::{AuthMode, AuthSettings};

/// A permission a token grants, e.g. `ships:read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope(pub &'static str);

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// gRPC method names (as in the proto, `GetVessel`) and the scope each needs.
pub type MethodScopes = &'static [(&'static str, Scope)];

/// Who called, as the token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub subject: String,
    pub scopes: BTreeSet<String>,
}

impl Principal {
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(scope.0)
    }
}

/// Why a token was not accepted. The reasons are safe to tell the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthFailure {
    #[error("no bearer token")]
    Missing,
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("the token is signed with an algorithm other than RS256 or ES256")]
    Algorithm,
    #[error("the token's signing key is not one of the issuer's keys")]
    UnknownKey,
    #[error("the token's signature does not verify")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token is from another issuer")]
    WrongIssuer,
    #[error("the token is for another audience")]
    WrongAudience,
    #[error("the token lacks a required claim")]
    MissingClaim,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthSetupError {
    #[error("{key} is required with PORTTRACK_AUTH={mode}")]
    Missing {
        key: &'static str,
        mode: &'static str,
    },
    #[error(transparent)]
    Keys(#[from] KeysError),
}

#[derive(Deserialize)]
struct Claims {
    /// Optional here so a missing subject is reported as such, not as a
    /// malformed token.
    #[serde(default)]
    sub: Option<String>,
    /// Space-separated (RFC 8693 `scope`).
    #[serde(default)]
    scope: Option<String>,
    /// A list, as some issuers write it.
    #[serde(default)]
    scp: Option<Vec<String>>,
}

/// Checks tokens, or lets everything through when auth is off.
#[derive(Debug, Clone)]
pub struct Authenticator {
    inner: Option<Arc<Verifier>>,
}

#[derive(Debug)]
struct Verifier {
    keys: jwks::KeyStore,
    issuer: String,
    audience: String,
    leeway: Duration,
}

impl Authenticator {
    /// No checks at all.
    pub fn off() -> Self {
        Self { inner: None }
    }

    pub fn is_off(&self) -> bool {
        self.inner.is_none()
    }

    pub async fn from_settings(settings: &AuthSettings) -> Result<Self, AuthSetupError> {
        let (issuer, audience, source) = match settings.mode() {
            AuthMode::Off => return Ok(Self::off()),
            AuthMode::Dev => {
                let key = dev::DevKey::load_or_create(&settings.auth_dev_keys)?;
                (
                    dev::ISSUER.to_owned(),
                    dev::AUDIENCE.to_owned(),
                    KeySource::File(key.jwks_path().to_owned()),
                )
            }
            AuthMode::Jwt => {
                let required = |value: &Option<String>, key| {
                    value
                        .clone()
                        .ok_or(AuthSetupError::Missing { key, mode: "jwt" })
                };
                let issuer = required(&settings.auth_issuer, "PORTTRACK_AUTH_ISSUER")?;
                let audience = required(&settings.auth_audience, "PORTTRACK_AUTH_AUDIENCE")?;
                let source = match (&settings.auth_jwks_file, &settings.auth_jwks_url) {
                    (Some(path), _) => KeySource::File(path.clone()),
                    (None, Some(url)) => KeySource::Url(url.clone()),
                    (None, None) => KeySource::Url(jwks::discover(&issuer).await?),
                };
                (issuer, audience, source)
            }
        };
        Ok(Self {
            inner: Some(Arc::new(Verifier {
                keys: jwks::KeyStore::load(source).await?,
                issuer,
                audience,
                leeway: settings.auth_leeway,
            })),
        })
    }

    /// Whether the caller holding `authorization` (the header's value) may
    /// do what needs `scope`.
    pub async fn check(
        &self,
        authorization: Option<&str>,
        scope: Scope,
    ) -> Result<Option<Principal>, Denied> {
        let Some(verifier) = &self.inner else {
            return Ok(None);
        };
        let token = authorization
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(Denied::Unauthenticated(AuthFailure::Missing))?;
        let principal = verifier
            .verify(token)
            .await
            .map_err(Denied::Unauthenticated)?;
        if principal.has(scope) {
            Ok(Some(principal))
        } else {
            Err(Denied::Forbidden(scope))
        }
    }
}

/// A refused call: no valid token, or a token without the scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    Unauthenticated(AuthFailure),
    Forbidden(Scope),
}

impl From<Denied> for crate::ApiError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::Unauthenticated(failure) => Self::Unauthenticated(failure),
            Denied::Forbidden(scope) => Self::PermissionDenied(scope),
        }
    }
}

impl Verifier {
    async fn verify(&self, token: &str) -> Result<Principal, AuthFailure> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthFailure::Malformed)?;
        if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
            return Err(AuthFailure::Algorithm);
        }
        let key = self.keys.key(header.kid.as_deref(), header.alg).await?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = self.leeway.as_secs();
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| match e
            .kind()
        {
            ErrorKind::ExpiredSignature => AuthFailure::Expired,
            ErrorKind::ImmatureSignature => AuthFailure::NotYetValid,
            ErrorKind::InvalidIssuer => AuthFailure::WrongIssuer,
            ErrorKind::InvalidAudience => AuthFailure::WrongAudience,
            ErrorKind::InvalidSignature => AuthFailure::BadSignature,
            ErrorKind::MissingRequiredClaim(_) => AuthFailure::MissingClaim,
            _ => AuthFailure::Malformed,
        })?;
        let claims = data.claims;
        let mut scopes: BTreeSet<String> = claims
            .scope
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        scopes.extend(claims.scp.unwrap_or_default());
        Ok(Principal {
            subject: claims.sub.ok_or(AuthFailure::MissingClaim)?,
            scopes,
        })
    }
}
