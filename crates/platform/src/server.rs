//! One bootstrap for every service: bind HTTP and gRPC, serve health,
//! reflection and `/metrics`, run background tasks, and stop in order.
//!
//! Stopping, on SIGTERM/SIGINT: readiness turns to "not serving" (HTTP and
//! gRPC health) → the drain delay lets load balancers notice → listeners close
//! and in-flight requests and streams finish → background tasks see the
//! drain token and finish their batch (consumers commit) → stop hooks run
//! (the producer flushes) → exit. All of it within the grace period.

mod endpoints;
mod fault;
mod health;
mod lifecycle;
pub mod red;
mod serve;

use std::{future::Future, net::SocketAddr};

use tokio::{net::TcpListener, time::Instant};

pub use endpoints::Endpoints;
pub use health::{Health, ReadinessGate};
pub use lifecycle::Lifecycle;

use crate::{
    auth::Authenticator,
    settings::ServerSettings,
    tls::{ServerTls, TlsError},
};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr} ({key}): {source}")]
    Bind {
        key: &'static str,
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("gRPC reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("{0} server failed: {1}")]
    Serve(&'static str, String),
    #[error("a background task failed; see the log")]
    TaskFailed,
    #[error("authentication: {0}")]
    Auth(#[from] crate::auth::AuthSetupError),
}

/// Bound listeners, ready to serve.
#[derive(Debug)]
pub struct Server {
    settings: ServerSettings,
    lifecycle: Lifecycle,
    endpoints: Endpoints,
    authenticator: Authenticator,
    http: TcpListener,
    grpc: TcpListener,
    tls: Option<ServerTls>,
}

impl Server {
    /// Binds both listeners (port 0 picks a free port, for tests). With a
    /// certificate configured both serve TLS only; its files are read now,
    /// so a bad one stops the start.
    pub async fn bind(
        settings: &ServerSettings,
        lifecycle: &Lifecycle,
        endpoints: Endpoints,
    ) -> Result<Self, ServerError> {
        let bind = |key, addr| async move {
            TcpListener::bind(addr)
                .await
                .map_err(|source| ServerError::Bind { key, addr, source })
        };
        let authenticator = Authenticator::from_settings(&settings.auth).await?;
        if authenticator.is_off() {
            tracing::warn!(
                "authentication is OFF: every API call is accepted without a token. \
                 Set PORTTRACK_AUTH=jwt (with PORTTRACK_AUTH_ISSUER, PORTTRACK_AUTH_AUDIENCE \
                 and a JWKS) or PORTTRACK_AUTH=dev (tokens from `porttrack token`)"
            );
        } else {
            tracing::info!(mode = ?settings.auth.mode(), "authentication on: bearer tokens and scopes required");
        }
        let tls = ServerTls::from_settings(&settings.tls)?;
        if let Some(tls) = &tls {
            tracing::info!(mutual = tls.mutual(), "HTTP and gRPC serve TLS");
        }
        Ok(Self {
            tls,
            authenticator,
            http: bind("PORTTRACK_HTTP_ADDR", settings.http_addr).await?,
            grpc: bind("PORTTRACK_GRPC_ADDR", settings.grpc_addr).await?,
            settings: settings.clone(),
            lifecycle: lifecycle.clone(),
            endpoints,
        })
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.http.local_addr().unwrap_or(self.settings.http_addr)
    }

    pub fn grpc_addr(&self) -> SocketAddr {
        self.grpc.local_addr().unwrap_or(self.settings.grpc_addr)
    }

    /// Serves until `signal` resolves (or a background task fails), then
    /// stops in the order described at the top of this file.
    pub async fn run_until_stopped(
        self,
        signal: impl Future<Output = ()>,
    ) -> Result<(), ServerError> {
        let Self {
            settings,
            lifecycle,
            endpoints,
            authenticator,
            http,
            grpc,
            tls,
        } = self;
        let drain = lifecycle.drain.clone();
        let health = lifecycle.health.clone();
        health.register(&endpoints.grpc_names).await;

        let drill = fault::Fault::new(settings.fault.fault_error_ratio);
        if drill.is_on() {
            tracing::warn!(
                ratio = settings.fault.fault_error_ratio,
                "fault drill ON: this share of API calls fails on purpose (PORTTRACK_FAULT_ERROR_RATIO)"
            );
        }
        let guards = serve::Guards {
            limits: settings.limits.clone(),
            drill,
            authenticator,
        };
        let router = serve::http_router(endpoints.http, endpoints.openapi, &guards, health.clone());
        // With TLS, the listeners hand over streams only once their
        // handshake is done; the certificate files are watched for rotation.
        if let Some(tls) = &tls {
            tokio::spawn(
                tls.clone()
                    .watch(settings.tls.tls_reload_interval, drain.clone()),
            );
        }
        let mut http_task = serve::spawn_http(http, tls.as_ref(), router, &drain);
        let mut grpc_task = serve::spawn_grpc(
            grpc,
            tls.as_ref(),
            endpoints.grpc,
            endpoints.grpc_scopes,
            guards,
            &health,
            &drain,
        )?;

        let mut outcome = Ok(());
        tokio::select! {
            () = signal => tracing::info!("shutdown requested"),
            () = lifecycle.failed.cancelled() => outcome = Err(ServerError::TaskFailed),
            r = &mut http_task => outcome = Err(ServerError::Serve("HTTP", format!("{r:?}"))),
            r = &mut grpc_task => outcome = Err(ServerError::Serve("gRPC", format!("{r:?}"))),
        }

        health.begin_drain().await;
        tokio::time::sleep(settings.drain_delay).await;
        let deadline = Instant::now() + settings.shutdown_grace;
        drain.cancel();
        let servers = async {
            let _ = (&mut http_task).await;
            let _ = (&mut grpc_task).await;
        };
        if tokio::time::timeout_at(deadline, servers).await.is_err() {
            tracing::warn!("in-flight requests outlived the grace period; closing them");
            http_task.abort();
            grpc_task.abort();
        }
        lifecycle.tasks.close();
        if tokio::time::timeout_at(deadline, lifecycle.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!("background tasks outlived the grace period");
        }
        let hooks = std::mem::take(
            &mut *lifecycle
                .stop_hooks
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        for hook in hooks {
            if tokio::time::timeout_at(deadline, hook).await.is_err() {
                tracing::warn!("a stop hook outlived the grace period");
            }
        }
        tracing::info!("stopped");
        outcome
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
