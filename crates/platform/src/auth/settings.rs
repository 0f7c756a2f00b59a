//! How a service checks callers: `PORTTRACK_AUTH` and its companions.

use std::{path::PathBuf, time::Duration};

use crate::settings::parse_duration;

/// `jwt`: every API call needs a bearer token from the configured issuer.
/// `dev`: the same, with the local development key `porttrack token` signs
/// with. `off`: no checks (only for `porttrack up` on a laptop).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthMode {
    Jwt,
    Dev,
    Off,
}

#[derive(Debug, Clone, clap::Args)]
pub struct AuthSettings {
    /// `jwt` (the default for a service), `dev` or `off`. `porttrack up`
    /// defaults to `off` and says so.
    #[arg(long = "auth", env = "PORTTRACK_AUTH", value_enum)]
    pub mode: Option<AuthMode>,
    /// Expected `iss` of tokens (with `jwt`); also where the signing keys
    /// are discovered (`<issuer>/.well-known/openid-configuration`) when no
    /// JWKS file or URL is given.
    #[arg(long, env = "PORTTRACK_AUTH_ISSUER")]
    pub auth_issuer: Option<String>,
    /// Expected `aud` of tokens (with `jwt`).
    #[arg(long, env = "PORTTRACK_AUTH_AUDIENCE")]
    pub auth_audience: Option<String>,
    /// Signing keys as a JWKS file, re-read when it changes.
    #[arg(long, env = "PORTTRACK_AUTH_JWKS_FILE")]
    pub auth_jwks_file: Option<PathBuf>,
    /// Signing keys as a JWKS URL, cached and fetched again on expiry or on
    /// an unknown key id (key rotation).
    #[arg(long, env = "PORTTRACK_AUTH_JWKS_URL")]
    pub auth_jwks_url: Option<String>,
    /// Clock difference tolerated on `exp` and `nbf` (at most 5 minutes).
    #[arg(long, env = "PORTTRACK_AUTH_LEEWAY", default_value = "30s", value_parser = parse_leeway)]
    pub auth_leeway: Duration,
    /// Where `PORTTRACK_AUTH=dev` and `porttrack token` keep the local
    /// development signing key (created on first use).
    #[arg(
        long,
        env = "PORTTRACK_AUTH_DEV_KEYS",
        default_value = ".porttrack/dev-auth"
    )]
    pub auth_dev_keys: PathBuf,
    /// The mode when `PORTTRACK_AUTH` is unset: `jwt` for a service,
    /// `off` for `porttrack up`.
    #[arg(skip = AuthMode::Jwt)]
    pub default_mode: AuthMode,
}

impl AuthSettings {
    pub fn mode(&self) -> AuthMode {
        self.mode.unwrap_or(self.default_mode)
    }

    /// No checks: for tests that exercise something else.
    pub fn off() -> Self {
        Self {
            mode: Some(AuthMode::Off),
            auth_issuer: None,
            auth_audience: None,
            auth_jwks_file: None,
            auth_jwks_url: None,
            auth_leeway: Duration::from_secs(30),
            auth_dev_keys: PathBuf::from(".porttrack/dev-auth"),
            default_mode: AuthMode::Off,
        }
    }
}

fn parse_leeway(raw: &str) -> Result<Duration, String> {
    let leeway = parse_duration(raw)?;
    if leeway > Duration::from_secs(300) {
        return Err("at most 5m: a larger clock skew accepts expired tokens".into());
    }
    Ok(leeway)
}
