//! Access control on every operation of every service, over REST and gRPC,
//! against the real binary: no token → 401 / UNAUTHENTICATED with a Bearer
//! challenge; a token with every scope but the one needed → 403 /
//! PERMISSION_DENIED; the needed scope alone → the call goes through.
//! Health, readiness, metrics, OpenAPI, gRPC health and reflection stay
//! open. The tables below are the specification: an operation added to a
//! service without a row here fails the completeness checks.

mod common;

use std::{collections::BTreeSet, time::Duration};

use common::{BIN, http, wait_ready};
use porttrack_platform::auth::{Scope, dev::DevKey};
use porttrack_testkit::process::Service;
use prost::Message as _;
use reqwest::{Method, StatusCode};

/// (method, path, scope). Ids need not exist: access is decided first.
const REST: &[(&str, &str, &str)] = &[
    ("POST", "/v1/positions", "positions:write"),
    ("POST", "/v1/nmea", "positions:write"),
    ("GET", "/v1/vessels", "ships:read"),
    ("GET", "/v1/vessels/nearest", "ships:read"),
    ("GET", "/v1/vessels/{mmsi}", "ships:read"),
    ("GET", "/v1/vessels/{mmsi}/track", "ships:read"),
    ("PUT", "/v1/vessels/{mmsi}/registry", "ships:write"),
    ("GET", "/v1/positions/stream", "ships:read"),
    ("GET", "/v1/manifests", "cargo:read"),
    ("POST", "/v1/manifests", "cargo:write"),
    ("GET", "/v1/manifests/{id}", "cargo:read"),
    ("PATCH", "/v1/manifests/{id}", "cargo:write"),
    ("POST", "/v1/manifests/{id}/items", "cargo:write"),
    ("PUT", "/v1/manifests/{id}/items/{item_id}", "cargo:write"),
    ("GET", "/v1/manifests/{id}/violations", "cargo:read"),
    ("GET", "/v1/containers/{number}", "cargo:read"),
    ("GET", "/v1/zones", "routes:read"),
    ("POST", "/v1/zones", "routes:admin"),
    ("GET", "/v1/port-calls", "routes:read"),
    ("POST", "/v1/port-calls", "routes:write"),
    ("GET", "/v1/port-calls/{id}", "routes:read"),
    ("PATCH", "/v1/port-calls/{id}", "routes:write"),
    ("GET", "/v1/traffic", "routes:read"),
    ("GET", "/v1/people", "staff:read"),
    ("POST", "/v1/people", "staff:admin"),
    ("GET", "/v1/people/{id}", "staff:read"),
    ("PATCH", "/v1/people/{id}", "staff:admin"),
    ("DELETE", "/v1/people/{id}", "staff:admin"),
    ("POST", "/v1/people/{id}/certifications", "staff:admin"),
    ("GET", "/v1/people/{id}/shifts", "staff:read"),
    ("POST", "/v1/people/{id}/shifts", "staff:write"),
    ("GET", "/v1/tasks", "staff:read"),
    ("POST", "/v1/tasks/{id}/assignment", "staff:write"),
    ("GET", "/v1/assignments", "staff:read"),
];

/// (service, method, scope).
const GRPC: &[(&str, &str, &str)] = &[
    (
        "porttrack.ingest.v1.IngestService",
        "StreamPositions",
        "positions:write",
    ),
    (
        "porttrack.ingest.v1.IngestService",
        "StreamNmea",
        "positions:write",
    ),
    ("porttrack.ships.v1.ShipsService", "GetVessel", "ships:read"),
    (
        "porttrack.ships.v1.ShipsService",
        "ListVessels",
        "ships:read",
    ),
    (
        "porttrack.ships.v1.ShipsService",
        "VesselsInBox",
        "ships:read",
    ),
    (
        "porttrack.ships.v1.ShipsService",
        "NearestVessels",
        "ships:read",
    ),
    ("porttrack.ships.v1.ShipsService", "GetTrack", "ships:read"),
    (
        "porttrack.ships.v1.ShipsService",
        "StreamPositions",
        "ships:read",
    ),
    (
        "porttrack.ships.v1.ShipsService",
        "PutRegistry",
        "ships:write",
    ),
    (
        "porttrack.cargo.v1.CargoService",
        "CreateManifest",
        "cargo:write",
    ),
    (
        "porttrack.cargo.v1.CargoService",
        "GetManifest",
        "cargo:read",
    ),
    (
        "porttrack.cargo.v1.CargoService",
        "UpdateManifest",
        "cargo:write",
    ),
    (
        "porttrack.cargo.v1.CargoService",
        "ListManifests",
        "cargo:read",
    ),
    ("porttrack.cargo.v1.CargoService", "AddItem", "cargo:write"),
    (
        "porttrack.cargo.v1.CargoService",
        "UpdateItem",
        "cargo:write",
    ),
    (
        "porttrack.cargo.v1.CargoService",
        "FindContainer",
        "cargo:read",
    ),
    (
        "porttrack.cargo.v1.CargoService",
        "ListViolations",
        "cargo:read",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "CreateZone",
        "routes:admin",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "ListZones",
        "routes:read",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "CreatePortCall",
        "routes:write",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "GetPortCall",
        "routes:read",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "UpdatePortCall",
        "routes:write",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "ListPortCalls",
        "routes:read",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "GetTrafficBoard",
        "routes:read",
    ),
    (
        "porttrack.staff.v1.StaffService",
        "CreatePerson",
        "staff:admin",
    ),
    ("porttrack.staff.v1.StaffService", "GetPerson", "staff:read"),
    (
        "porttrack.staff.v1.StaffService",
        "UpdatePerson",
        "staff:admin",
    ),
    (
        "porttrack.staff.v1.StaffService",
        "DeletePerson",
        "staff:admin",
    ),
    (
        "porttrack.staff.v1.StaffService",
        "ListPeople",
        "staff:read",
    ),
    (
        "porttrack.staff.v1.StaffService",
        "SetCertification",
        "staff:admin",
    ),
    ("porttrack.staff.v1.StaffService", "AddShift", "staff:write"),
    (
        "porttrack.staff.v1.StaffService",
        "ListShifts",
        "staff:read",
    ),
    ("porttrack.staff.v1.StaffService", "ListTasks", "staff:read"),
    (
        "porttrack.staff.v1.StaffService",
        "AssignTask",
        "staff:write",
    ),
    (
        "porttrack.staff.v1.StaffService",
        "ListAssignments",
        "staff:read",
    ),
];

struct Suite {
    service: Service,
    keys: DevKey,
    _dir: tempfile::TempDir,
}

impl Suite {
    /// The whole suite in one process, with development tokens required.
    async fn start() -> Self {
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

    fn token(&self, scopes: &[&'static str]) -> String {
        let scopes: Vec<Scope> = scopes.iter().map(|s| Scope(s)).collect();
        self.keys
            .mint("test", &scopes, Duration::from_secs(300))
            .expect("token")
    }

    /// A token with every scope there is except `scope`.
    fn all_but(&self, scope: &str) -> String {
        let all: BTreeSet<&'static str> = REST
            .iter()
            .map(|r| r.2)
            .chain(GRPC.iter().map(|g| g.2))
            .filter(|s| *s != scope)
            .collect();
        self.token(&all.into_iter().collect::<Vec<_>>())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_needs_its_scope() {
    let suite = Suite::start().await;
    rest_table(&suite).await;
    grpc_table(&suite).await;
    bad_tokens_are_refused_by_every_service(&suite).await;
    open_endpoints_stay_open(&suite).await;
}

/// Tokens that are wrong in one way each, with every scope they could
/// want: refused by every service, over REST and gRPC, as `invalid_token`.
async fn bad_tokens_are_refused_by_every_service(suite: &Suite) {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    let sign = |dir: &std::path::Path, claims: serde_json::Value| {
        let pem = std::fs::read(dir.join("signing-key.pem")).expect("dev key");
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some("porttrack-dev-1".into());
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ec_pem(&pem).unwrap()).unwrap()
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let all: Vec<&str> = GRPC.iter().map(|g| g.2).collect();
    let claims = |iss: &str, aud: &str, exp: i64| {
        serde_json::json!({
            "iss": iss, "aud": aud, "sub": "intruder", "scope": all.join(" "),
            "iat": now - 3600, "nbf": now - 3600, "exp": exp,
        })
    };
    let keys = suite._dir.path().join("keys");
    let forger = tempfile::tempdir().unwrap();
    DevKey::load_or_create(forger.path()).unwrap();
    let bad = [
        (
            "expired",
            sign(&keys, claims("porttrack-dev", "porttrack", now - 600)),
        ),
        (
            "wrong issuer",
            sign(&keys, claims("someone-else", "porttrack", now + 600)),
        ),
        (
            "wrong audience",
            sign(&keys, claims("porttrack-dev", "billing", now + 600)),
        ),
        (
            "badly signed",
            sign(
                forger.path(),
                claims("porttrack-dev", "porttrack", now + 600),
            ),
        ),
    ];
    // One operation of each service.
    let rest = ["/v1/vessels", "/v1/manifests", "/v1/zones", "/v1/people"];
    let grpc = [
        ("porttrack.ingest.v1.IngestService", "StreamNmea"),
        ("porttrack.ships.v1.ShipsService", "ListVessels"),
        ("porttrack.cargo.v1.CargoService", "ListManifests"),
        ("porttrack.routes.v1.RoutesService", "ListZones"),
        ("porttrack.staff.v1.StaffService", "ListPeople"),
    ];
    for (what, token) in &bad {
        for path in rest {
            let r = http()
                .get(format!("{}{path}", suite.service.http_url()))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::UNAUTHORIZED,
                "{what} token on {path}"
            );
            let challenge = r.headers()["www-authenticate"].to_str().unwrap().to_owned();
            assert!(
                challenge.contains(r#"error="invalid_token""#),
                "{what}: {challenge}"
            );
        }
        let posted = http()
            .post(format!("{}/v1/nmea", suite.service.http_url()))
            .bearer_auth(token)
            .body("")
            .send()
            .await
            .unwrap();
        assert_eq!(
            posted.status(),
            StatusCode::UNAUTHORIZED,
            "{what} token on ingest"
        );
        for (service, method) in grpc {
            assert_eq!(
                call(suite, service, method, Some(token.clone())).await,
                tonic::Code::Unauthenticated,
                "{what} token on {service}/{method}"
            );
        }
    }
}

async fn rest_table(suite: &Suite) {
    let base = suite.service.http_url();
    for &(method, template, scope) in REST {
        let path = template
            .replace("{mmsi}", "257600001")
            .replace("{number}", "MSCU1234565")
            .replace(['{', '}'], "");
        let send = |token: Option<String>| {
            let mut request = http()
                .request(
                    Method::from_bytes(method.as_bytes()).unwrap(),
                    format!("{base}{path}"),
                )
                .header("content-type", "application/json")
                .body("{}");
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send()
        };
        let what = format!("{method} {template}");

        let none = send(None).await.expect(&what);
        assert_eq!(
            none.status(),
            StatusCode::UNAUTHORIZED,
            "{what} without a token"
        );
        assert_eq!(
            none.headers()["www-authenticate"],
            r#"Bearer realm="porttrack""#,
            "{what}"
        );
        let problem: serde_json::Value = none.json().await.expect("problem+json");
        assert_eq!(problem["status"], 401, "{what}");

        let wrong = send(Some(suite.all_but(scope))).await.expect(&what);
        assert_eq!(
            wrong.status(),
            StatusCode::FORBIDDEN,
            "{what} without {scope}"
        );
        let challenge = wrong.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            challenge.contains(r#"error="insufficient_scope""#) && challenge.contains(scope),
            "{what}: {challenge}"
        );

        let right = send(Some(suite.token(&[scope]))).await.expect(&what);
        assert!(
            ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&right.status()),
            "{what} with {scope}: {}",
            right.status()
        );
    }
    // A bad token is 401 with `invalid_token`, whatever the route.
    let bad = http()
        .get(format!("{base}/v1/vessels"))
        .bearer_auth("not.a.token")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert!(
        bad.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains(r#"error="invalid_token""#)
    );

    // Every operation the API describes has a row above.
    let doc: serde_json::Value = http()
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let described: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let tabled: BTreeSet<(String, String)> = REST
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let missing: Vec<_> = described.difference(&tabled).collect();
    assert!(missing.is_empty(), "operations without a row: {missing:?}");
}

/// Any message decodes as this (unknown fields are skipped), and it
/// encodes as the empty message every request type accepts.
#[derive(Clone, PartialEq, prost::Message)]
struct Anything {}

async fn call(suite: &Suite, service: &str, method: &str, token: Option<String>) -> tonic::Code {
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

async fn grpc_table(suite: &Suite) {
    for &(service, method, scope) in GRPC {
        let what = format!("{service}/{method}");
        assert_eq!(
            call(suite, service, method, None).await,
            tonic::Code::Unauthenticated,
            "{what} without a token"
        );
        assert_eq!(
            call(suite, service, method, Some(suite.all_but(scope))).await,
            tonic::Code::PermissionDenied,
            "{what} without {scope}"
        );
        let right = call(suite, service, method, Some(suite.token(&[scope]))).await;
        assert!(
            ![tonic::Code::Unauthenticated, tonic::Code::PermissionDenied].contains(&right),
            "{what} with {scope}: {right:?}"
        );
    }
    // Every method of every PortTrack service has a row above.
    let set = prost_types::FileDescriptorSet::decode(porttrack_proto::FILE_DESCRIPTOR_SET)
        .expect("descriptor set");
    let declared: BTreeSet<String> = set
        .file
        .iter()
        .flat_map(|f| {
            f.service.iter().flat_map(move |s| {
                s.method
                    .iter()
                    .map(move |m| format!("{}.{}/{}", f.package(), s.name(), m.name()))
            })
        })
        .collect();
    let tabled: BTreeSet<String> = GRPC.iter().map(|(s, m, _)| format!("{s}/{m}")).collect();
    assert_eq!(declared, tabled, "gRPC methods and their rows");
}

async fn open_endpoints_stay_open(suite: &Suite) {
    let base = suite.service.http_url();
    for path in ["/health/live", "/health/ready", "/metrics", "/openapi.json"] {
        let r = http().get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};
    let channel = tonic::transport::Endpoint::from_shared(suite.service.grpc_url())
        .unwrap()
        .connect()
        .await
        .unwrap();
    HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("gRPC health needs no token");
}

/// A service on its own requires tokens unless told otherwise, and says
/// which setting is missing.
#[test]
fn a_service_without_auth_settings_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(BIN)
        .args(["ships"])
        .env_remove("PORTTRACK_AUTH")
        .env("PORTTRACK_HTTP_ADDR", "127.0.0.1:0")
        .env("PORTTRACK_GRPC_ADDR", "127.0.0.1:0")
        .env("PORTTRACK_DATA_DIR", dir.path())
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("PORTTRACK_AUTH_ISSUER is required with PORTTRACK_AUTH=jwt"),
        "{stderr}"
    );
}
