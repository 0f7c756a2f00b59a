//! What the TLS test's scenarios share: a Kafka broker behind a TLS front,
//! clients trusting the test CA, and raw TLS connections that show which
//! certificate a server presents.

use std::{path::Path, sync::Arc, time::Duration};

use futures::StreamExt;
use porttrack_platform::{
    settings::{ClientTlsSettings, TlsSettings},
    tls::{Alpn, ServerTls, TlsListener, client},
};
use porttrack_testkit::{
    process::Service,
    servers::OwnBroker,
    tls::{Issued, TestCa},
};
use rustls_pki_types::{CertificateDer, ServerName, pem::PemObject};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

/// A broker of the test's own behind a TLS front: it advertises the front's
/// address, so every connection a Kafka client makes goes through TLS.
/// Returns the broker (stopped when dropped) and the bootstrap address.
pub async fn kafka_behind_tls(cert: &Issued) -> (OwnBroker, String) {
    sqlx::any::install_default_drivers();
    let front = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = front.local_addr().expect("address").to_string();
    let broker = OwnBroker::start_advertising(false, Some(address.clone()));
    let settings = TlsSettings {
        tls_cert: Some(cert.cert.clone()),
        tls_key: Some(cert.key.clone()),
        ..TlsSettings::default()
    };
    let tls = ServerTls::from_settings(&settings)
        .expect("TLS")
        .expect("configured");
    let mut config = (*tls.server_config(Alpn::Http)).clone();
    config.alpn_protocols.clear();
    let stop = tokio_util::sync::CancellationToken::new();
    let mut incoming = Box::pin(TlsListener::new(front, Arc::new(config), stop).into_stream());
    let backend = broker.brokers();
    tokio::spawn(async move {
        while let Some(Ok(mut client)) = incoming.next().await {
            let backend = backend.clone();
            tokio::spawn(async move {
                if let Ok(mut broker) = tokio::net::TcpStream::connect(&backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut broker).await;
                }
            });
        }
    });
    (broker, address)
}

pub fn tls_env(files: &Issued) -> Vec<(&'static str, String)> {
    vec![
        ("PORTTRACK_TLS_CERT", files.cert.display().to_string()),
        ("PORTTRACK_TLS_KEY", files.key.display().to_string()),
        ("PORTTRACK_TLS_RELOAD_INTERVAL", "100ms".into()),
    ]
}

pub fn settings(ca: &TestCa, identity: Option<&Issued>) -> ClientTlsSettings {
    ClientTlsSettings {
        tls_ca: Some(ca.ca_path()),
        tls_client_cert: identity.map(|i| i.cert.clone()),
        tls_client_key: identity.map(|i| i.key.clone()),
    }
}

pub fn rest(settings: &ClientTlsSettings) -> reqwest::Client {
    let mut config = client::client_config(settings).expect("client TLS");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

pub fn grpc(service: &Service, settings: &ClientTlsSettings) -> tonic::transport::Endpoint {
    let url = format!("https://{}", service.addr("grpc"));
    client::grpc_endpoint(&url, settings).expect("gRPC endpoint")
}

pub async fn assert_health(
    service: &Service,
    settings: &ClientTlsSettings,
) -> Result<(), Box<dyn std::error::Error>> {
    let channel = grpc(service, settings).connect().await?;
    let status = HealthClient::new(channel)
        .check(HealthCheckRequest::default())
        .await?
        .into_inner()
        .status();
    assert_eq!(status, ServingStatus::Serving);
    Ok(())
}

pub type TlsStream = tokio_rustls::client::TlsStream<tokio::net::TcpStream>;

pub async fn connect(addr: std::net::SocketAddr, settings: &ClientTlsSettings) -> TlsStream {
    let config = client::client_config(settings).expect("client TLS");
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").expect("name"), tcp)
        .await
        .expect("TLS handshake")
}

/// The leaf certificate the server presented.
pub fn presented(stream: &TlsStream) -> CertificateDer<'static> {
    stream
        .get_ref()
        .1
        .peer_certificates()
        .expect("certificates")[0]
        .clone()
        .into_owned()
}

pub fn leaf(path: &Path) -> CertificateDer<'static> {
    CertificateDer::pem_file_iter(path)
        .expect("PEM")
        .next()
        .expect("a certificate")
        .expect("PEM certificate")
}

/// One keep-alive HTTP/1.1 request on an open connection.
pub async fn get_live(stream: &mut TlsStream) {
    stream
        .write_all(b"GET /health/live HTTP/1.1\r\nhost: localhost\r\n\r\n")
        .await
        .expect("write");
    let mut response = Vec::new();
    let mut buf = [0u8; 1024];
    while !response.ends_with(b"\r\n\r\nlive") {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("response in time")
            .expect("read");
        assert!(
            n > 0,
            "connection closed: {}",
            String::from_utf8_lossy(&response)
        );
        response.extend_from_slice(&buf[..n]);
    }
    assert!(
        response.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&response)
    );
}
