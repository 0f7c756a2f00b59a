//! One bootstrap for every service: bind HTTP and gRPC, serve health,
//! reflection and `/metrics`, run background tasks, and stop in order.
//!
//! Stopping, on SIGTERM/SIGINT: readiness turns to "not serving" (HTTP and
//! gRPC health) → the drain delay lets load balancers notice → listeners close
//! and in-flight requests and streams finish → background tasks see the
//! drain token and finish their batch (consumers commit) → stop hooks run
//! (the producer flushes) → exit. All of it within the grace period.

mod fault;
mod health;
pub mod red;

use std::{
    collections::HashMap,
    convert::Infallible,
    future::{Future, IntoFuture},
    net::SocketAddr,
    pin::Pin,
    sync::{Arc, Mutex},
};

use axum::{Router, http::StatusCode, response::IntoResponse, routing::get};
use tokio::{net::TcpListener, time::Instant};
use tokio_stream::{StreamExt as _, wrappers::TcpListenerStream};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tonic::{server::NamedService, service::Routes};
use tower_http::trace::TraceLayer;

pub use health::{Health, ReadinessGate};

use crate::{
    auth::{self, Authenticator, GrpcAuthLayer, MethodScopes, Scope},
    limits::{HttpLimits, http_limits},
    settings::ServerSettings,
    telemetry,
    tls::{Alpn, ServerTls, TlsError, TlsListener},
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type StopHook = Pin<Box<dyn Future<Output = ()> + Send>>;

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

/// Shutdown coordination shared by everything in one process.
#[derive(Clone)]
pub struct Lifecycle {
    drain: CancellationToken,
    failed: CancellationToken,
    tasks: TaskTracker,
    health: Health,
    stop_hooks: Arc<Mutex<Vec<StopHook>>>,
}

impl std::fmt::Debug for Lifecycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lifecycle")
            .field("draining", &self.drain.is_cancelled())
            .finish_non_exhaustive()
    }
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self::new()
    }
}

impl Lifecycle {
    pub fn new() -> Self {
        // Install the recorder before anything records, or early counts vanish.
        telemetry::prometheus();
        red::describe();
        Self {
            drain: CancellationToken::new(),
            failed: CancellationToken::new(),
            tasks: TaskTracker::new(),
            health: Health::new(),
            stop_hooks: Arc::default(),
        }
    }

    /// Cancelled when the process starts draining: listeners, streams and
    /// background loops watch it and finish what they hold.
    pub fn draining(&self) -> CancellationToken {
        self.drain.clone()
    }

    pub fn health(&self) -> &Health {
        &self.health
    }

    /// Runs a background task until it returns. An error is logged and
    /// stops the process, since a service without its consumer or listener
    /// is not doing its job.
    pub fn spawn<F>(&self, name: &'static str, task: F)
    where
        F: Future<Output = Result<(), BoxError>> + Send + 'static,
    {
        let failed = self.failed.clone();
        self.tasks.spawn(async move {
            if let Err(err) = task.await {
                tracing::error!(task = name, error = %err, "background task failed");
                failed.cancel();
            }
        });
    }

    /// Flushes `bus` once servers and background tasks are done, so events
    /// accepted during the drain reach the broker before the process exits.
    pub fn flush_on_stop(&self, bus: crate::EventBus, timeout: std::time::Duration) {
        self.on_stop(async move {
            if let Err(err) = bus.flush(timeout).await {
                tracing::error!(error = %err, "producer flush failed; unacknowledged events may be lost");
            }
        });
    }

    /// Runs after servers and background tasks are done (flush a producer).
    pub fn on_stop<F: Future<Output = ()> + Send + 'static>(&self, hook: F) {
        self.stop_hooks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Box::pin(hook));
    }
}

type AddGrpc = Box<dyn FnOnce(Routes) -> Routes + Send>;

/// What a service serves. `porttrack up` merges several into one server.
#[derive(Default)]
pub struct Endpoints {
    http: Router,
    grpc: Vec<AddGrpc>,
    grpc_names: Vec<&'static str>,
    /// `/package.Service/Method` → the scope a caller needs.
    grpc_scopes: HashMap<String, Scope>,
    openapi: Option<utoipa::openapi::OpenApi>,
}

impl std::fmt::Debug for Endpoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoints")
            .field("grpc", &self.grpc_names)
            .finish_non_exhaustive()
    }
}

impl Endpoints {
    pub fn new(http: Router) -> Self {
        Self {
            http,
            ..Self::default()
        }
    }

    /// Adds a gRPC service with the scope each of its methods needs; the
    /// health service reports it by name. A method missing from `scopes`
    /// is refused when authentication is on.
    pub fn with_grpc<S>(mut self, svc: S, scopes: MethodScopes) -> Self
    where
        S: tower::Service<axum::http::Request<tonic::body::Body>, Error = Infallible>
            + NamedService
            + Clone
            + Send
            + Sync
            + 'static,
        S::Response: IntoResponse,
        S::Future: Send + 'static,
    {
        self.grpc_names.push(S::NAME);
        for (method, scope) in scopes {
            self.grpc_scopes
                .insert(format!("/{}/{method}", S::NAME), *scope);
        }
        self.grpc
            .push(Box::new(move |routes: Routes| routes.add_service(svc)));
        self
    }

    /// The service's REST API description, served at `/openapi.json` (one
    /// document for everything the server serves).
    pub fn with_openapi(mut self, doc: utoipa::openapi::OpenApi) -> Self {
        self.openapi = Some(doc);
        self
    }

    pub fn merge(mut self, other: Endpoints) -> Endpoints {
        self.http = self.http.merge(other.http);
        self.grpc.extend(other.grpc);
        self.grpc_names.extend(other.grpc_names);
        self.grpc_scopes.extend(other.grpc_scopes);
        self.openapi = match (self.openapi, other.openapi) {
            (Some(mut a), Some(b)) => {
                a.merge(b);
                Some(a)
            }
            (a, b) => a.or(b),
        };
        self
    }
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
        let mut router = endpoints.http;
        if let Some(doc) = endpoints.openapi {
            router = router.route("/openapi.json", get(move || async move { axum::Json(doc) }));
        }
        let router = router
            .route_layer(axum::middleware::from_fn_with_state(
                HttpLimits {
                    max_body: settings.limits.max_body,
                    timeout: settings.limits.request_timeout,
                    in_flight: Arc::new(tokio::sync::Semaphore::new(
                        settings.limits.max_concurrent as usize,
                    )),
                },
                http_limits,
            ))
            .layer(axum::extract::DefaultBodyLimit::max(
                settings.limits.max_body,
            ))
            // Inside the RED layer, so a drill's errors are counted as real ones.
            .route_layer(axum::middleware::from_fn_with_state(
                drill.clone(),
                fault::http_fault,
            ))
            .route_layer(axum::middleware::from_fn(red::http_red))
            .merge(platform_routes(health.clone()))
            .layer(auth::authenticate(authenticator.clone()))
            .layer(TraceLayer::new_for_http());
        let grpc_routes = endpoints
            .grpc
            .into_iter()
            .fold(Routes::default(), |routes, add| add(routes))
            .add_service(health.grpc_service())
            .add_service(reflection()?);
        let grpc_server = tonic::transport::Server::builder()
            .timeout(settings.limits.request_timeout)
            .concurrency_limit_per_connection(settings.limits.max_concurrent as usize)
            .layer(red::GrpcRedLayer)
            .layer(GrpcAuthLayer::new(
                authenticator,
                Arc::new(endpoints.grpc_scopes),
            ))
            .layer(fault::GrpcFaultLayer(drill))
            .add_routes(grpc_routes);
        // With TLS, the listeners hand over streams only once their
        // handshake is done; the certificate files are watched for rotation.
        if let Some(tls) = &tls {
            tokio::spawn(
                tls.clone()
                    .watch(settings.tls.tls_reload_interval, drain.clone()),
            );
        }
        let stopped = || drain.clone().cancelled_owned();
        let mut http_task = match &tls {
            None => tokio::spawn(
                axum::serve(no_delay(http), router)
                    .with_graceful_shutdown(stopped())
                    .into_future(),
            ),
            Some(tls) => tokio::spawn(
                axum::serve(
                    TlsListener::new(http, tls.server_config(Alpn::Http), drain.clone()),
                    router,
                )
                .with_graceful_shutdown(stopped())
                .into_future(),
            ),
        };
        let mut grpc_task = match &tls {
            None => {
                // Small answers go out at once: with Nagle's algorithm a
                // reply can wait for the client's delayed ACK (tens of ms).
                let incoming = TcpListenerStream::new(grpc).map(|accepted| {
                    accepted.inspect(|stream| {
                        let _ = stream.set_nodelay(true);
                    })
                });
                tokio::spawn(grpc_server.serve_with_incoming_shutdown(incoming, stopped()))
            }
            Some(tls) => {
                let grpc = TlsListener::new(grpc, tls.server_config(Alpn::Grpc), drain.clone());
                tokio::spawn(
                    grpc_server.serve_with_incoming_shutdown(grpc.into_stream(), stopped()),
                )
            }
        };

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

fn platform_routes(health: Health) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|| async { telemetry::prometheus().render() }),
        )
        .route("/health/live", get(|| async { "live" }))
        .route(
            "/health/ready",
            get(move || {
                let ready = health.is_ready();
                async move {
                    if ready {
                        (StatusCode::OK, "ready").into_response()
                    } else {
                        (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response()
                    }
                }
            }),
        )
}

fn reflection() -> Result<
    tonic_reflection::server::v1::ServerReflectionServer<
        impl tonic_reflection::server::v1::ServerReflection,
    >,
    ServerError,
> {
    Ok(tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(porttrack_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?)
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

/// A plaintext HTTP listener whose connections send small answers at once
/// (no Nagle delay), as the TLS listener's do.
fn no_delay(listener: TcpListener) -> impl axum::serve::Listener<Addr = SocketAddr> {
    use axum::serve::ListenerExt as _;
    listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    })
}
