//! What a service serves: its REST router, its gRPC services with the scope
//! each method needs, and its OpenAPI document. `porttrack up` merges
//! several into one server.

use std::{collections::HashMap, convert::Infallible};

use axum::{Router, response::IntoResponse};
use tonic::{server::NamedService, service::Routes};

use crate::auth::{MethodScopes, Scope};

pub(super) type AddGrpc = Box<dyn FnOnce(Routes) -> Routes + Send>;

/// What a service serves. `porttrack up` merges several into one server.
#[derive(Default)]
pub struct Endpoints {
    pub(super) http: Router,
    pub(super) grpc: Vec<AddGrpc>,
    pub(super) grpc_names: Vec<&'static str>,
    /// `/package.Service/Method` → the scope a caller needs.
    pub(super) grpc_scopes: HashMap<String, Scope>,
    pub(super) openapi: Option<utoipa::openapi::OpenApi>,
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
