//! What a server runs, assembled: the REST router and the gRPC server with
//! every layer in its order, and the tasks serving them on plaintext or TLS
//! listeners until the drain token is cancelled.
//!
//! Layer order, innermost first: the service's own routes; request limits;
//! the fault drill, inside the RED metrics so its errors count as real
//! ones; RED; authentication; tracing.

use std::{collections::HashMap, future::IntoFuture, net::SocketAddr, sync::Arc};

use axum::{Router, http::StatusCode, response::IntoResponse, routing::get};
use tokio::{net::TcpListener, task::JoinHandle};
use tokio_stream::{StreamExt as _, wrappers::TcpListenerStream};
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tower_http::trace::TraceLayer;

use super::{Health, ServerError, endpoints::AddGrpc, fault, red};
use crate::{
    auth::{self, Authenticator, GrpcAuthLayer, Scope},
    limits::{HttpLimits, http_limits},
    settings::LimitSettings,
    telemetry,
    tls::{Alpn, ServerTls, TlsListener},
};

/// What every API call passes through, REST and gRPC alike.
pub(super) struct Guards {
    pub limits: LimitSettings,
    pub drill: fault::Fault,
    pub authenticator: Authenticator,
}

/// The REST side: the service's routes and `/openapi.json` behind limits,
/// the drill and RED; `/metrics` and health beside them; authentication
/// and tracing around everything.
pub(super) fn http_router(
    routes: Router,
    openapi: Option<utoipa::openapi::OpenApi>,
    guards: &Guards,
    health: Health,
) -> Router {
    let limits = &guards.limits;
    let mut router = routes;
    if let Some(doc) = openapi {
        router = router.route("/openapi.json", get(move || async move { axum::Json(doc) }));
    }
    router
        .route_layer(axum::middleware::from_fn_with_state(
            HttpLimits {
                max_body: limits.max_body,
                timeout: limits.request_timeout,
                in_flight: Arc::new(tokio::sync::Semaphore::new(limits.max_concurrent as usize)),
            },
            http_limits,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(limits.max_body))
        .route_layer(axum::middleware::from_fn_with_state(
            guards.drill.clone(),
            fault::http_fault,
        ))
        .route_layer(axum::middleware::from_fn(red::http_red))
        .merge(platform_routes(health))
        .layer(auth::authenticate(guards.authenticator.clone()))
        .layer(TraceLayer::new_for_http())
}

/// Serves `router` on `listener` until `drain` is cancelled.
pub(super) fn spawn_http(
    listener: TcpListener,
    tls: Option<&ServerTls>,
    router: Router,
    drain: &CancellationToken,
) -> JoinHandle<std::io::Result<()>> {
    let stopped = drain.clone().cancelled_owned();
    match tls {
        None => tokio::spawn(
            axum::serve(no_delay(listener), router)
                .with_graceful_shutdown(stopped)
                .into_future(),
        ),
        Some(tls) => tokio::spawn(
            axum::serve(
                TlsListener::new(listener, tls.server_config(Alpn::Http), drain.clone()),
                router,
            )
            .with_graceful_shutdown(stopped)
            .into_future(),
        ),
    }
}

/// The services' gRPC routes plus health and reflection, behind the same
/// layers as REST, served on `listener` until `drain` is cancelled.
pub(super) fn spawn_grpc(
    listener: TcpListener,
    tls: Option<&ServerTls>,
    services: Vec<AddGrpc>,
    scopes: HashMap<String, Scope>,
    guards: Guards,
    health: &Health,
    drain: &CancellationToken,
) -> Result<JoinHandle<Result<(), tonic::transport::Error>>, ServerError> {
    let limits = &guards.limits;
    let routes = services
        .into_iter()
        .fold(Routes::default(), |routes, add| add(routes))
        .add_service(health.grpc_service())
        .add_service(reflection()?);
    let server = tonic::transport::Server::builder()
        .timeout(limits.request_timeout)
        .concurrency_limit_per_connection(limits.max_concurrent as usize)
        .layer(red::GrpcRedLayer)
        .layer(GrpcAuthLayer::new(guards.authenticator, Arc::new(scopes)))
        .layer(fault::GrpcFaultLayer(guards.drill))
        .add_routes(routes);
    let stopped = drain.clone().cancelled_owned();
    Ok(match tls {
        None => {
            // Small answers go out at once: with Nagle's algorithm a
            // reply can wait for the client's delayed ACK (tens of ms).
            let incoming = TcpListenerStream::new(listener).map(|accepted| {
                accepted.inspect(|stream| {
                    let _ = stream.set_nodelay(true);
                })
            });
            tokio::spawn(server.serve_with_incoming_shutdown(incoming, stopped))
        }
        Some(tls) => {
            let incoming = TlsListener::new(listener, tls.server_config(Alpn::Grpc), drain.clone());
            tokio::spawn(server.serve_with_incoming_shutdown(incoming.into_stream(), stopped))
        }
    })
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

/// A plaintext HTTP listener whose connections send small answers at once
/// (no Nagle delay), as the TLS listener's do.
fn no_delay(listener: TcpListener) -> impl axum::serve::Listener<Addr = SocketAddr> {
    use axum::serve::ListenerExt as _;
    listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    })
}
