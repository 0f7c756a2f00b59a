//! Tokens that are wrong in one way each, refused by every service.

use porttrack_platform::auth::dev::DevKey;
use reqwest::StatusCode;

use crate::{
    common::http,
    suite::{Suite, call},
    tables::GRPC,
};

/// Tokens that are wrong in one way each, with every scope they could
/// want: refused by every service, over REST and gRPC, as `invalid_token`.
pub async fn bad_tokens_are_refused_by_every_service(suite: &Suite) {
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
