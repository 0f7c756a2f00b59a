//! The server certificate, swapped in place when its files change. Each
//! handshake asks the resolver for the current certificate, so new
//! connections get the new one while open connections keep theirs.

use std::{
    hash::{DefaultHasher, Hash, Hasher},
    path::PathBuf,
    sync::{Arc, Mutex, RwLock},
    time::Duration,
};

use rustls::{
    server::{ClientHello, ResolvesServerCert},
    sign::CertifiedKey,
};
use tokio_util::sync::CancellationToken;

use super::{TlsError, certs_from_pem, key_from_pem, provider, read};

const CERT_KEY: &str = "PORTTRACK_TLS_CERT";
const KEY_KEY: &str = "PORTTRACK_TLS_KEY";

pub struct CertStore {
    cert_path: PathBuf,
    key_path: PathBuf,
    current: RwLock<Arc<CertifiedKey>>,
    /// Hash of the files' bytes last read, to notice a change whatever
    /// happened to the modification times (Kubernetes swaps a symlink).
    seen: Mutex<u64>,
}

impl std::fmt::Debug for CertStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertStore")
            .field("cert", &self.cert_path)
            .field("key", &self.key_path)
            .finish_non_exhaustive()
    }
}

impl CertStore {
    pub fn load(cert_path: PathBuf, key_path: PathBuf) -> Result<Self, TlsError> {
        let (cert_pem, key_pem) = (read(CERT_KEY, &cert_path)?, read(KEY_KEY, &key_path)?);
        let certified = certified_key(&cert_path, &key_path, &cert_pem, &key_pem)?;
        Ok(Self {
            seen: Mutex::new(fingerprint(&cert_pem, &key_pem)),
            current: RwLock::new(Arc::new(certified)),
            cert_path,
            key_path,
        })
    }

    /// The certificate new handshakes get.
    pub fn current(&self) -> Arc<CertifiedKey> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Re-reads the files every `interval` until `stop`.
    pub async fn watch(&self, interval: Duration, stop: CancellationToken) {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                _ = tick.tick() => self.reload_if_changed(),
            }
        }
    }

    /// Swaps in the files' certificate if they changed and are good; a bad
    /// pair (unreadable, not PEM, key not matching, or caught half-written)
    /// is logged once and the current certificate kept.
    pub fn reload_if_changed(&self) {
        let files = read(CERT_KEY, &self.cert_path)
            .and_then(|cert| Ok((cert, read(KEY_KEY, &self.key_path)?)));
        let (cert_pem, key_pem) = match files {
            Ok(files) => files,
            Err(err) => {
                tracing::warn!(error = %err, "TLS certificate not reloaded; keeping the current one");
                return;
            }
        };
        let print = fingerprint(&cert_pem, &key_pem);
        {
            let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
            if *seen == print {
                return;
            }
            *seen = print;
        }
        match certified_key(&self.cert_path, &self.key_path, &cert_pem, &key_pem) {
            Ok(certified) => {
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(certified);
                tracing::info!(cert = %self.cert_path.display(), "TLS certificate reloaded");
            }
            Err(err) => {
                tracing::warn!(error = %err, "TLS certificate changed but is not usable; keeping the current one");
            }
        }
    }
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

fn certified_key(
    cert_path: &std::path::Path,
    key_path: &std::path::Path,
    cert_pem: &[u8],
    key_pem: &[u8],
) -> Result<CertifiedKey, TlsError> {
    let chain = certs_from_pem(CERT_KEY, cert_path, cert_pem)?;
    let key = key_from_pem(KEY_KEY, key_path, key_pem)?;
    CertifiedKey::from_der(chain, key, &provider()).map_err(|err| TlsError::Invalid {
        key: KEY_KEY,
        path: key_path.to_owned(),
        reason: format!("does not go with {}: {err}", cert_path.display()),
    })
}

fn fingerprint(cert: &[u8], key: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    cert.hash(&mut hasher);
    key.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use porttrack_testkit::tls::{TestCa, write_atomically};

    use super::*;

    fn leaf(store: &CertStore) -> Vec<u8> {
        store.current().cert[0].to_vec()
    }

    #[test]
    fn a_changed_pair_is_swapped_in_and_a_bad_one_kept_out() {
        let ca = TestCa::new("test CA");
        let files = ca.issue("server", &["localhost"]);
        let store = CertStore::load(files.cert.clone(), files.key.clone()).unwrap();
        let first = leaf(&store);

        store.reload_if_changed();
        assert_eq!(leaf(&store), first, "unchanged files: same certificate");

        write_atomically(&files.cert, "garbage");
        store.reload_if_changed();
        assert_eq!(leaf(&store), first, "bad file: certificate kept");

        // A certificate from another pair does not go with the key.
        let other = ca.issue("other", &["localhost"]);
        std::fs::copy(&other.cert, &files.cert).unwrap();
        store.reload_if_changed();
        assert_eq!(leaf(&store), first, "mismatched key: certificate kept");

        let rotated = ca.issue("server", &["localhost", "rotated.test"]);
        store.reload_if_changed();
        let pem = std::fs::read(&rotated.cert).unwrap();
        let expected = certs_from_pem(CERT_KEY, &rotated.cert, &pem).unwrap();
        assert_eq!(
            leaf(&store),
            expected[0].to_vec(),
            "rotated certificate in use"
        );
    }

    #[test]
    fn errors_name_the_variable_and_never_quote_the_key() {
        let ca = TestCa::new("test CA");
        let files = ca.issue("server", &["localhost"]);
        let fake = ca.path("fake.key");
        write_atomically(
            &fake,
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n",
        );
        let err = CertStore::load(files.cert.clone(), fake)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("PORTTRACK_TLS_KEY"), "{err}");
        assert!(!err.contains("c2VjcmV0"), "{err}");
        let err = CertStore::load("/no/such.crt".into(), files.key)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("PORTTRACK_TLS_CERT"), "{err}");
    }
}
