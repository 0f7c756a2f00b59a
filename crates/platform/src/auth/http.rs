//! Scopes on REST routes: `scoped(SCOPE, get(handler))` next to each route.
//! The server puts the process's [`Authenticator`] into every request
//! ([`authenticate`]); a scoped route without one refuses the call rather
//! than serve it unchecked.

use axum::{
    Extension,
    extract::Request,
    http::header::AUTHORIZATION,
    middleware::Next,
    response::{IntoResponse, Response},
    routing::MethodRouter,
};

use super::{Authenticator, Scope};
use crate::ApiError;

/// The layer that makes `authenticator` available to scoped routes.
pub fn authenticate(authenticator: Authenticator) -> Extension<Authenticator> {
    Extension(authenticator)
}

/// `route`, callable only with a token granting `scope`.
pub fn scoped<S>(scope: Scope, route: MethodRouter<S>) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    route.route_layer(axum::middleware::from_fn(
        move |request: Request, next: Next| require(scope, request, next),
    ))
}

async fn require(scope: Scope, mut request: Request, next: Next) -> Response {
    let Some(authenticator) = request.extensions().get::<Authenticator>().cloned() else {
        return ApiError::internal("no authenticator installed for a scoped route").into_response();
    };
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match authenticator.check(header, scope).await {
        Ok(principal) => {
            if let Some(principal) = principal {
                request.extensions_mut().insert(principal);
            }
            next.run(request).await
        }
        Err(denied) => ApiError::from(denied).into_response(),
    }
}
