//! TLS with rustls (the ring provider) for the servers, for clients between
//! services, and the settings Kafka needs for it.
//!
//! - [`ServerTls`]: the HTTP and gRPC listeners' TLS, from PEM files; the
//!   certificate is re-read when its files change ([`reload`]), so a
//!   rotation by cert-manager needs no restart.
//! - [`listener`]: accepts TCP, runs handshakes off the accept loop, and
//!   hands finished TLS streams to axum and tonic.
//! - [`client`]: rustls and tonic client configurations trusting a CA.
//! - [`kafka`]: librdkafka's `security.protocol`, `ssl.*` and `sasl.*`.
//!
//! Key files are read into memory only to build the signing key; their
//! contents are never logged or put in an error.

pub mod client;
pub mod kafka;
pub mod listener;
mod reload;

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use rustls::{
    RootCertStore, ServerConfig,
    crypto::CryptoProvider,
    server::{WebPkiClientVerifier, danger::ClientCertVerifier},
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};
use tokio_util::sync::CancellationToken;

pub use listener::TlsListener;
pub use reload::CertStore;

use crate::settings::TlsSettings;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{key}: cannot read {path}: {source}")]
    Read {
        key: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{key}: {path} holds no PEM {what}")]
    NoPem {
        key: &'static str,
        path: PathBuf,
        what: &'static str,
    },
    #[error("{key}: {reason}")]
    Setting { key: &'static str, reason: String },
    #[error("{key}: {path}: {reason}")]
    Invalid {
        key: &'static str,
        path: PathBuf,
        reason: String,
    },
}

/// Which protocols a listener offers in ALPN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alpn {
    /// REST: HTTP/2 or HTTP/1.1.
    Http,
    /// gRPC: HTTP/2 only.
    Grpc,
}

/// TLS for one process's servers: one certificate (reloaded on change),
/// optionally a CA that client certificates must chain to.
#[derive(Debug, Clone)]
pub struct ServerTls {
    certs: Arc<CertStore>,
    client_verifier: Option<Arc<dyn ClientCertVerifier>>,
}

impl ServerTls {
    /// `None` when no certificate is configured (plaintext). Loads every file
    /// now, so a bad one stops the start with the variable's name.
    pub fn from_settings(settings: &TlsSettings) -> Result<Option<Self>, TlsError> {
        let (Some(cert), Some(key)) = (&settings.tls_cert, &settings.tls_key) else {
            return Ok(None);
        };
        let certs = Arc::new(CertStore::load(cert.clone(), key.clone())?);
        let client_verifier = match &settings.tls_client_ca {
            Some(ca) => Some(client_verifier("PORTTRACK_TLS_CLIENT_CA", ca)?),
            None => None,
        };
        Ok(Some(Self {
            certs,
            client_verifier,
        }))
    }

    /// Checks the files every `interval` until `stop`, swapping in a changed
    /// certificate for new handshakes.
    pub async fn watch(self, interval: std::time::Duration, stop: CancellationToken) {
        self.certs.watch(interval, stop).await;
    }

    pub fn mutual(&self) -> bool {
        self.client_verifier.is_some()
    }

    /// A rustls server configuration for one listener.
    pub fn server_config(&self, alpn: Alpn) -> Arc<ServerConfig> {
        let builder = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions");
        let builder = match &self.client_verifier {
            Some(verifier) => builder.with_client_cert_verifier(verifier.clone()),
            None => builder.with_no_client_auth(),
        };
        let mut config = builder.with_cert_resolver(self.certs.clone());
        config.alpn_protocols = match alpn {
            Alpn::Http => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
            Alpn::Grpc => vec![b"h2".to_vec()],
        };
        Arc::new(config)
    }
}

/// The one crypto provider PortTrack uses, whatever else is compiled in.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn read(key: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        key,
        path: path.to_owned(),
        source,
    })
}

/// Every certificate in a PEM file, in order.
pub(crate) fn certs_from_pem(
    key: &'static str,
    path: &Path,
    pem: &[u8],
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs: Vec<_> = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .map_err(|err| TlsError::Invalid {
            key,
            path: path.to_owned(),
            reason: format!("bad PEM: {err}"),
        })?;
    if certs.is_empty() {
        return Err(TlsError::NoPem {
            key,
            path: path.to_owned(),
            what: "CERTIFICATE",
        });
    }
    Ok(certs)
}

pub(crate) fn load_certs(
    key: &'static str,
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    certs_from_pem(key, path, &read(key, path)?)
}

/// The first private key in a PEM file. The error never quotes the file.
pub(crate) fn key_from_pem(
    key: &'static str,
    path: &Path,
    pem: &[u8],
) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|_| TlsError::NoPem {
        key,
        path: path.to_owned(),
        what: "PRIVATE KEY",
    })
}

pub(crate) fn load_roots(key: &'static str, path: &Path) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    for cert in load_certs(key, path)? {
        roots.add(cert).map_err(|err| TlsError::Invalid {
            key,
            path: path.to_owned(),
            reason: format!("not a usable CA certificate: {err}"),
        })?;
    }
    Ok(roots)
}

fn client_verifier(
    key: &'static str,
    path: &Path,
) -> Result<Arc<dyn ClientCertVerifier>, TlsError> {
    let roots = load_roots(key, path)?;
    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .map_err(|err| TlsError::Invalid {
            key,
            path: path.to_owned(),
            reason: err.to_string(),
        })
}
