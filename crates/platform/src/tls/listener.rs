//! A TLS listener for axum and tonic. The accept loop only accepts; each
//! handshake runs in its own task with a deadline, so a slow or silent
//! client cannot hold up the others, and their number is bounded, so a
//! flood of connections waits in the kernel's backlog instead of memory. Finished streams are handed over
//! through a channel; failed handshakes (a plaintext client, a client
//! certificate the CA did not sign) are logged and dropped.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use futures::Stream;
use rustls::ServerConfig;
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{Semaphore, mpsc},
};
use tokio_rustls::{TlsAcceptor, server::TlsStream};
use tokio_util::sync::CancellationToken;

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_HANDSHAKES: usize = 1024;
/// Finished handshakes waiting for the server to take them.
const READY_QUEUE: usize = 128;

pub type Accepted = (TlsStream<TcpStream>, SocketAddr);

#[derive(Debug)]
pub struct TlsListener {
    ready: mpsc::Receiver<Accepted>,
    local: SocketAddr,
}

impl TlsListener {
    /// Accepts on `tcp` until `stop`, then closes it.
    pub fn new(tcp: TcpListener, config: Arc<ServerConfig>, stop: CancellationToken) -> Self {
        let local = tcp.local_addr().expect("a bound listener has an address");
        let (tx, ready) = mpsc::channel(READY_QUEUE);
        tokio::spawn(accept_loop(tcp, TlsAcceptor::from(config), tx, stop));
        Self { ready, local }
    }

    /// The TLS streams as tonic's `serve_with_incoming` takes them.
    pub fn into_stream(self) -> impl Stream<Item = Result<TlsStream<TcpStream>, std::io::Error>> {
        futures::stream::unfold(self.ready, |mut ready| async move {
            let (stream, _) = ready.recv().await?;
            Some((Ok(stream), ready))
        })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> Accepted {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // Closed only after the stop token: the server is shutting down
            // and will not ask again.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}

async fn accept_loop(
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    ready: mpsc::Sender<Accepted>,
    stop: CancellationToken,
) {
    let handshakes = Arc::new(Semaphore::new(MAX_HANDSHAKES));
    loop {
        let permit = tokio::select! {
            () = stop.cancelled() => return,
            permit = handshakes.clone().acquire_owned() => permit.expect("never closed"),
        };
        let (stream, peer) = tokio::select! {
            () = stop.cancelled() => return,
            accepted = tcp.accept() => match accepted {
                Ok(pair) => pair,
                Err(err) => {
                    // Out of file descriptors and the like: wait, don't spin.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let (acceptor, ready) = (acceptor.clone(), ready.clone());
        tokio::spawn(async move {
            let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await;
            drop(permit);
            match handshake {
                Ok(Ok(tls)) => {
                    let _ = ready.send((tls, peer)).await;
                }
                Ok(Err(err)) => tracing::info!(%peer, error = %err, "TLS handshake failed"),
                Err(_) => tracing::info!(%peer, "TLS handshake timed out"),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use axum::serve::Listener as _;
    use porttrack_testkit::tls::TestCa;
    use rustls_pki_types::ServerName;

    use super::*;
    use crate::{
        settings::{ClientTlsSettings, TlsSettings},
        tls::{Alpn, ServerTls, client},
    };

    #[tokio::test]
    async fn a_silent_client_does_not_hold_up_the_next_handshake() {
        let ca = TestCa::new("test CA");
        let files = ca.issue("server", &["localhost"]);
        let settings = TlsSettings {
            tls_cert: Some(files.cert),
            tls_key: Some(files.key),
            ..TlsSettings::default()
        };
        let tls = ServerTls::from_settings(&settings).unwrap().unwrap();
        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let stop = CancellationToken::new();
        let mut listener = TlsListener::new(tcp, tls.server_config(Alpn::Http), stop.clone());
        let addr = listener.local_addr().unwrap();

        // Connects and never says a word.
        let _silent = TcpStream::connect(addr).await.unwrap();
        let config = client::client_config(&ClientTlsSettings {
            tls_ca: Some(ca.ca_path()),
            ..ClientTlsSettings::default()
        })
        .unwrap();
        let client = tokio::spawn(async move {
            let tcp = TcpStream::connect(addr).await.unwrap();
            tokio_rustls::TlsConnector::from(Arc::new(config))
                .connect(ServerName::try_from("localhost").unwrap(), tcp)
                .await
        });
        let (_stream, peer) = tokio::time::timeout(Duration::from_secs(5), listener.accept())
            .await
            .expect("the second client's handshake finished first");
        assert!(client.await.unwrap().is_ok());
        assert_eq!(peer.ip(), addr.ip());
        stop.cancel();
    }
}
