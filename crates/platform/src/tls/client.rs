//! Clients of PortTrack services over TLS: a rustls configuration for HTTP
//! clients (reqwest's `use_preconfigured_tls`) and a tonic endpoint, both
//! trusting `PORTTRACK_TLS_CA` and presenting a client certificate when one
//! is configured (servers with `PORTTRACK_TLS_CLIENT_CA` require it).

use std::sync::Arc;

use rustls::ClientConfig;
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity};

use super::{TlsError, key_from_pem, load_certs, load_roots, provider, read};
use crate::settings::ClientTlsSettings;

const CA_KEY: &str = "PORTTRACK_TLS_CA";
const CERT_KEY: &str = "PORTTRACK_TLS_CLIENT_CERT";
const KEY_KEY: &str = "PORTTRACK_TLS_CLIENT_KEY";

/// A rustls client configuration. ALPN is left to the caller: reqwest
/// without its `http2` feature wants `http/1.1`, gRPC wants `h2`.
pub fn client_config(settings: &ClientTlsSettings) -> Result<ClientConfig, TlsError> {
    let ca = settings.tls_ca.as_deref().ok_or(TlsError::Setting {
        key: CA_KEY,
        reason: "needed to check the servers' certificates".into(),
    })?;
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(Arc::new(load_roots(CA_KEY, ca)?));
    match (&settings.tls_client_cert, &settings.tls_client_key) {
        (Some(cert), Some(key)) => {
            let chain = load_certs(CERT_KEY, cert)?;
            let private = key_from_pem(KEY_KEY, key, &read(KEY_KEY, key)?)?;
            builder
                .with_client_auth_cert(chain, private)
                .map_err(|err| TlsError::Invalid {
                    key: KEY_KEY,
                    path: key.clone(),
                    reason: err.to_string(),
                })
        }
        _ => Ok(builder.with_no_client_auth()),
    }
}

/// A tonic endpoint for `url` (`https://host:port`), verified against the CA
/// (the host in the URL must be in the server certificate's names).
pub fn grpc_endpoint(url: &str, settings: &ClientTlsSettings) -> Result<Endpoint, TlsError> {
    let ca = settings.tls_ca.as_deref().ok_or(TlsError::Setting {
        key: CA_KEY,
        reason: "needed to check the servers' certificates".into(),
    })?;
    // Parsed here so a bad file is reported with its variable, not by tonic.
    load_roots(CA_KEY, ca)?;
    let mut tls = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(read(CA_KEY, ca)?));
    if let (Some(cert), Some(key)) = (&settings.tls_client_cert, &settings.tls_client_key) {
        let key_pem = read(KEY_KEY, key)?;
        key_from_pem(KEY_KEY, key, &key_pem)?;
        tls = tls.identity(Identity::from_pem(read(CERT_KEY, cert)?, key_pem));
    }
    Endpoint::from_shared(url.to_owned())
        .and_then(|endpoint| endpoint.tls_config(tls))
        .map_err(|err| TlsError::Setting {
            key: "gRPC URL",
            reason: format!("{url}: {err}"),
        })
}
