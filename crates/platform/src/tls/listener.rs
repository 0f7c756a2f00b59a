//! A TLS listener for axum and tonic. The accept loop only accepts; each
//! handshake runs in its own task with a deadline, so a slow or silent
//! client cannot hold up the others. Finished streams are handed over
//! through a channel; failed handshakes (a plaintext client, a client
//! certificate the CA did not sign) are logged and dropped.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use futures::Stream;
use rustls::ServerConfig;
use tokio::{
    net::{TcpListener, TcpStream},
    sync::mpsc,
};
use tokio_rustls::{TlsAcceptor, server::TlsStream};
use tokio_util::sync::CancellationToken;

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
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
    loop {
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
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => {
                    let _ = ready.send((tls, peer)).await;
                }
                Ok(Err(err)) => tracing::info!(%peer, error = %err, "TLS handshake failed"),
                Err(_) => tracing::info!(%peer, "TLS handshake timed out"),
            }
        });
    }
}
