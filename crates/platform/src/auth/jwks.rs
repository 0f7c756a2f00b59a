//! The issuer's signing keys (a JWKS), from a file or a URL, kept fresh:
//! a file is re-read when its modification time changes; a URL is fetched
//! again when the cache is old or a token names a key id not seen yet (the
//! issuer rotated its keys), at most once per [`REFETCH_FLOOR`].

use std::{
    collections::HashMap,
    path::PathBuf,
    time::{Duration, Instant, SystemTime},
};

use jsonwebtoken::{
    Algorithm, DecodingKey,
    jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm, PublicKeyUse},
};
use tokio::sync::RwLock;

use super::AuthFailure;

/// How long fetched keys are trusted without asking again.
const URL_TTL: Duration = Duration::from_secs(300);
/// Unknown key ids make us ask again, but not more often than this: a
/// stream of tokens with made-up key ids must not become a flood of
/// requests to the issuer.
const REFETCH_FLOOR: Duration = Duration::from_secs(5);
/// A file is checked for changes at most this often.
const FILE_CHECK: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub enum KeySource {
    File(PathBuf),
    Url(String),
}

#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error("cannot read the JWKS file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot fetch the JWKS from {url}: {detail}")]
    Fetch { url: String, detail: String },
    #[error("the JWKS is not valid: {0}")]
    Invalid(String),
    #[error("the JWKS holds no RS256 or ES256 key")]
    Empty,
}

pub(super) struct Key {
    algorithm: Algorithm,
    decoding: DecodingKey,
}

struct Cached {
    keys: HashMap<Option<String>, Key>,
    checked_at: Instant,
    fetched_at: Instant,
    file_modified: Option<SystemTime>,
}

pub struct KeyStore {
    source: KeySource,
    http: reqwest::Client,
    cached: RwLock<Cached>,
}

impl std::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyStore")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl KeyStore {
    /// Loads the keys once; a service does not start without them.
    pub async fn load(source: KeySource) -> Result<Self, KeysError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| KeysError::Invalid(e.to_string()))?;
        let (keys, file_modified) = read(&source, &http).await?;
        let now = Instant::now();
        Ok(Self {
            source,
            http,
            cached: RwLock::new(Cached {
                keys,
                checked_at: now,
                fetched_at: now,
                file_modified,
            }),
        })
    }

    /// The key that signed a token with this `kid` and `alg`.
    pub async fn key(&self, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, AuthFailure> {
        self.refresh_if_due(false).await;
        if let Some(key) = self.lookup(kid, alg).await {
            return Ok(key);
        }
        // An unknown key id: the issuer may have rotated since we looked.
        self.refresh_if_due(true).await;
        self.lookup(kid, alg).await.ok_or(AuthFailure::UnknownKey)
    }

    async fn lookup(&self, kid: Option<&str>, alg: Algorithm) -> Option<DecodingKey> {
        let cached = self.cached.read().await;
        let key = match kid {
            Some(kid) => cached.keys.get(&Some(kid.to_owned())),
            // A token without `kid` is accepted only if the set has one key.
            None if cached.keys.len() == 1 => cached.keys.values().next(),
            None => None,
        }?;
        (key.algorithm == alg).then(|| key.decoding.clone())
    }

    async fn refresh_if_due(&self, unknown_kid: bool) {
        let due = {
            let c = self.cached.read().await;
            match self.source {
                KeySource::File(_) => c.checked_at.elapsed() >= FILE_CHECK,
                KeySource::Url(_) => {
                    c.fetched_at.elapsed() >= URL_TTL
                        || (unknown_kid && c.fetched_at.elapsed() >= REFETCH_FLOOR)
                }
            }
        };
        if !due {
            return;
        }
        let mut c = self.cached.write().await;
        c.checked_at = Instant::now();
        if let KeySource::File(path) = &self.source {
            let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
            if modified == c.file_modified {
                return;
            }
        }
        match read(&self.source, &self.http).await {
            Ok((keys, file_modified)) => {
                tracing::info!(keys = keys.len(), "signing keys reloaded");
                c.keys = keys;
                c.file_modified = file_modified;
                c.fetched_at = Instant::now();
            }
            // Keep serving with the keys we have; tokens signed by a new
            // key fail until the source is readable again.
            Err(err) => {
                tracing::warn!(error = %err, "signing keys not reloaded; keeping the previous ones");
                c.fetched_at = Instant::now();
            }
        }
    }
}

async fn read(
    source: &KeySource,
    http: &reqwest::Client,
) -> Result<(HashMap<Option<String>, Key>, Option<SystemTime>), KeysError> {
    let (text, modified) = match source {
        KeySource::File(path) => {
            let file_err = |source| KeysError::File {
                path: path.display().to_string(),
                source,
            };
            let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
            (std::fs::read_to_string(path).map_err(file_err)?, modified)
        }
        KeySource::Url(url) => (fetch(http, url).await?, None),
    };
    Ok((parse(&text)?, modified))
}

async fn fetch(http: &reqwest::Client, url: &str) -> Result<String, KeysError> {
    let fail = |detail: String| KeysError::Fetch {
        url: url.to_owned(),
        detail,
    };
    let response = http
        .get(url)
        .send()
        .await
        .map_err(|e| fail(e.to_string()))?;
    if !response.status().is_success() {
        return Err(fail(format!("HTTP {}", response.status())));
    }
    response.text().await.map_err(|e| fail(e.to_string()))
}

/// The keys PortTrack accepts: RSA (RS256) and P-256 (ES256). Others in
/// the set (encryption keys, other curves) are skipped.
pub(super) fn parse(text: &str) -> Result<HashMap<Option<String>, Key>, KeysError> {
    let set: JwkSet = serde_json::from_str(text).map_err(|e| KeysError::Invalid(e.to_string()))?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let algorithm = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => Algorithm::RS256,
            AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
                Algorithm::ES256
            }
            _ => continue,
        };
        let declared_fits = match jwk.common.key_algorithm {
            None => true,
            Some(KeyAlgorithm::RS256) => algorithm == Algorithm::RS256,
            Some(KeyAlgorithm::ES256) => algorithm == Algorithm::ES256,
            Some(_) => false,
        };
        let signing = !matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption));
        if !declared_fits || !signing {
            continue;
        }
        let decoding = DecodingKey::from_jwk(jwk).map_err(|e| KeysError::Invalid(e.to_string()))?;
        keys.insert(
            jwk.common.key_id.clone(),
            Key {
                algorithm,
                decoding,
            },
        );
    }
    if keys.is_empty() {
        return Err(KeysError::Empty);
    }
    Ok(keys)
}

/// The JWKS URL an issuer publishes (OpenID Connect discovery).
pub async fn discover(issuer: &str) -> Result<String, KeysError> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| KeysError::Invalid(e.to_string()))?;
    let text = fetch(&http, &url).await?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| KeysError::Invalid(e.to_string()))?;
    doc["jwks_uri"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| KeysError::Fetch {
            url,
            detail: "no jwks_uri in the discovery document".into(),
        })
}
