//! Scopes on gRPC methods: every service registered with the server brings
//! its table of method → scope; a call to a method not in the table is
//! refused. The gRPC health and reflection services stay open.

use std::{
    collections::HashMap,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use axum::http::{Request, Response, header::AUTHORIZATION};
use tower::{Layer, Service};

use super::{Authenticator, Scope};
use crate::ApiError;

const OPEN: &[&str] = &[
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
];

/// Full path (`/package.Service/Method`) → scope.
pub type ScopeTable = Arc<HashMap<String, Scope>>;

#[derive(Debug, Clone)]
pub struct GrpcAuthLayer {
    authenticator: Authenticator,
    scopes: ScopeTable,
}

impl GrpcAuthLayer {
    pub fn new(authenticator: Authenticator, scopes: ScopeTable) -> Self {
        Self {
            authenticator,
            scopes,
        }
    }
}

impl<S> Layer<S> for GrpcAuthLayer {
    type Service = GrpcAuth<S>;

    fn layer(&self, inner: S) -> Self::Service {
        GrpcAuth {
            inner,
            layer: self.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct GrpcAuth<S> {
    inner: S,
    layer: GrpcAuthLayer,
}

type BoxFuture<T, E> = Pin<Box<dyn std::future::Future<Output = Result<T, E>> + Send>>;

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for GrpcAuth<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // The clone that was made ready serves this call (tower's rule).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            let path = request.uri().path();
            let service = path.trim_start_matches('/').split('/').next().unwrap_or("");
            if layer.authenticator.is_off() || OPEN.contains(&service) {
                return inner.call(request).await;
            }
            let Some(scope) = layer.scopes.get(path).copied() else {
                return Ok(refuse(ApiError::internal(format!(
                    "no scope declared for {path}"
                ))));
            };
            let header = request
                .headers()
                .get(AUTHORIZATION)
                .and_then(|v| v.to_str().ok());
            match layer.authenticator.check(header, scope).await {
                Ok(principal) => {
                    let mut request = request;
                    if let Some(principal) = principal {
                        request.extensions_mut().insert(principal);
                    }
                    inner.call(request).await
                }
                Err(denied) => Ok(refuse(ApiError::from(denied))),
            }
        })
    }
}

/// A trailers-only gRPC response carrying the error's status.
fn refuse<B: Default>(error: ApiError) -> Response<B> {
    let challenge = error.challenge();
    let status = tonic::Status::from(error);
    let (mut parts, ()) = status.into_http::<()>().into_parts();
    if let Some(challenge) = challenge {
        parts.headers.insert("www-authenticate", challenge);
    }
    Response::from_parts(parts, B::default())
}
