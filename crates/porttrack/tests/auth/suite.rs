//! The suite in one process with development tokens required, tokens
//! with chosen scopes, and a gRPC call to any method by name.

use std::{collections::BTreeSet, time::Duration};

use porttrack_platform::auth::{Scope, dev::DevKey};
use porttrack_testkit::process::Service;

use crate::{
    common::{BIN, wait_ready},
    tables::{GRPC, REST},
};

pub struct Suite {
    pub service: Service,
    keys: DevKey,
    pub _dir: tempfile::TempDir,
}

impl Suite {
    /// The whole suite in one process, with development tokens required.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let keys_dir = dir.path().join("keys");
        let service = Service::start(
            BIN,
            &["up"],
            &[
                ("PORTTRACK_AUTH", "dev".to_owned()),
                ("PORTTRACK_AUTH_DEV_KEYS", keys_dir.display().to_string()),
                ("PORTTRACK_DATA_DIR", dir.path().display().to_string()),
            ],
        );
        wait_ready(&service).await;
        let keys = DevKey::load_or_create(&keys_dir).expect("the suite's dev key");
        Self {
            service,
            keys,
            _dir: dir,
        }
    }

    pub fn token(&self, scopes: &[&'static str]) -> String {
        let scopes: Vec<Scope> = scopes.iter().map(|s| Scope(s)).collect();
        self.keys
            .mint("test", &scopes, Duration::from_secs(300))
            .expect("token")
    }

    /// A token with every scope there is except `scope`.
    pub fn all_but(&self, scope: &str) -> String {
        let all: BTreeSet<&'static str> = REST
            .iter()
            .map(|r| r.2)
            .chain(GRPC.iter().map(|g| g.2))
            .filter(|s| *s != scope)
            .collect();
        self.token(&all.into_iter().collect::<Vec<_>>())
    }
}

/// Any message decodes as this (unknown fields are skipped), and it
/// encodes as the empty message every request type accepts.
#[derive(Clone, PartialEq, prost::Message)]
struct Anything {}

pub async fn call(
    suite: &Suite,
    service: &str,
    method: &str,
    token: Option<String>,
) -> tonic::Code {
    let channel = tonic::transport::Endpoint::from_shared(suite.service.grpc_url())
        .unwrap()
        .connect()
        .await
        .expect("connect");
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.expect("ready");
    let mut request = tonic::Request::new(Anything {});
    if let Some(token) = token {
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
    }
    let path = format!("/{service}/{method}").parse().unwrap();
    let codec = tonic_prost::ProstCodec::<Anything, Anything>::default();
    // Streams may never end: what matters is the status at the start.
    match tokio::time::timeout(Duration::from_secs(2), grpc.unary(request, path, codec)).await {
        Ok(Ok(_)) => tonic::Code::Ok,
        Ok(Err(status)) => status.code(),
        Err(_) => tonic::Code::Ok,
    }
}
