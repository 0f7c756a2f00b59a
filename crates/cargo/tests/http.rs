//! REST through the router, no socket: each scenario on SQLite and on a
//! fresh PostgreSQL database.
//!
//! The scenarios are grouped by the behaviour they cover, one module each
//! under `http/`; `http/client.rs` holds the router and the client they
//! call it with.

mod support;

macro_rules! on_every_backend {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let url = porttrack_testkit::servers::sqlite_in(&dir);
                    super::$scenario(crate::client::app(&url).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let url = porttrack_testkit::servers::fresh_postgres().await;
                    super::$scenario(crate::client::app(&url).await).await;
                }
            )*
        }
    };
}

#[path = "http/client.rs"]
mod client;
#[path = "http/queries.rs"]
mod queries;
#[path = "http/validation.rs"]
mod validation;
#[path = "http/writes.rs"]
mod writes;

#[tokio::test]
async fn openapi_document_lists_every_operation() {
    // The document the server publishes at `/openapi.json` (the end-to-end
    // tests fetch it from the running binary).
    let doc = serde_json::to_value(porttrack_cargo::http::openapi()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let mut names: Vec<&str> = paths.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "/v1/containers/{number}",
            "/v1/manifests",
            "/v1/manifests/{id}",
            "/v1/manifests/{id}/items",
            "/v1/manifests/{id}/items/{item_id}",
            "/v1/manifests/{id}/violations",
        ]
    );
    assert!(paths["/v1/manifests"]["post"].is_object());
    assert!(paths["/v1/manifests/{id}"]["patch"].is_object());
    assert!(doc["components"]["schemas"]["ManifestJson"].is_object());
    assert!(doc["components"]["schemas"]["ItemKind"].is_object());
}
