//! A development signing key, so the authenticated mode can be tried with
//! no identity provider: `porttrack token` signs with it, and a service run
//! with `PORTTRACK_AUTH=dev` trusts it. The key lives in
//! `PORTTRACK_AUTH_DEV_KEYS` (`.porttrack/dev-auth/`), is created on first
//! use, and is for laptops and tests only: anyone who can read the file can
//! mint tokens.

use std::{
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::Jwk};
use p256::pkcs8::{EncodePrivateKey as _, LineEnding};
use serde::Serialize;

use super::{KeysError, Scope};

pub const ISSUER: &str = "porttrack-dev";
pub const AUDIENCE: &str = "porttrack";
const KEY_ID: &str = "porttrack-dev-1";

#[derive(Debug)]
pub struct DevKey {
    dir: PathBuf,
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    aud: &'a str,
    sub: &'a str,
    scope: String,
    iat: u64,
    nbf: u64,
    exp: u64,
}

impl DevKey {
    /// The key in `dir`, created (with its JWKS) if missing.
    pub fn load_or_create(dir: &Path) -> Result<Self, KeysError> {
        let key = Self {
            dir: dir.to_owned(),
        };
        if !key.private_path().exists() {
            key.create()?;
        }
        Ok(key)
    }

    pub fn jwks_path(&self) -> PathBuf {
        self.dir.join("jwks.json")
    }

    fn private_path(&self) -> PathBuf {
        self.dir.join("signing-key.pem")
    }

    fn create(&self) -> Result<(), KeysError> {
        let io = |source| KeysError::File {
            path: self.dir.display().to_string(),
            source,
        };
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        let secret = p256::SecretKey::random(&mut rand_core::OsRng);
        let pem = secret
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| KeysError::Invalid(e.to_string()))?;
        write_private(&self.private_path(), pem.as_bytes()).map_err(io)?;
        let encoding = EncodingKey::from_ec_pem(pem.as_bytes())
            .map_err(|e| KeysError::Invalid(e.to_string()))?;
        let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::ES256)
            .map_err(|e| KeysError::Invalid(e.to_string()))?;
        jwk.common.key_id = Some(KEY_ID.to_owned());
        let jwks = serde_json::json!({ "keys": [jwk] });
        std::fs::write(self.jwks_path(), jwks.to_string()).map_err(io)
    }

    /// A token for `subject` granting `scopes`, valid for `ttl`.
    pub fn mint(
        &self,
        subject: &str,
        scopes: &[Scope],
        ttl: Duration,
    ) -> Result<String, KeysError> {
        let pem = std::fs::read(self.private_path()).map_err(|source| KeysError::File {
            path: self.private_path().display().to_string(),
            source,
        })?;
        let key = EncodingKey::from_ec_pem(&pem).map_err(|e| KeysError::Invalid(e.to_string()))?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let claims = Claims {
            iss: ISSUER,
            aud: AUDIENCE,
            sub: subject,
            scope: scopes.iter().map(|s| s.0).collect::<Vec<_>>().join(" "),
            iat: now,
            nbf: now,
            exp: now + ttl.as_secs(),
        };
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(KEY_ID.to_owned());
        jsonwebtoken::encode(&header, &claims, &key).map_err(|e| KeysError::Invalid(e.to_string()))
    }
}

/// The private key is readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path)?.write_all(bytes)
}
