//! Token checks as a service makes them: ES256 and RS256 tokens against
//! keys from a file, a URL and OpenID discovery; every way a token can be
//! wrong; key rotation.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::Jwk};
use porttrack_platform::auth::{
    AuthFailure, AuthMode, AuthSettings, Authenticator, Denied, Scope, dev::DevKey,
};
use porttrack_testkit::eventually;

const ISSUER: &str = "https://id.port.example";
const AUDIENCE: &str = "porttrack";
const READ: Scope = Scope("ships:read");
const WRITE: Scope = Scope("ships:write");

/// A signing key with its kid and JWK.
struct Signer {
    kid: String,
    alg: Algorithm,
    key: EncodingKey,
    jwk: serde_json::Value,
}

impl Signer {
    fn es256(dir: &Path, kid: &str) -> Self {
        DevKey::load_or_create(dir).expect("dev key");
        let pem = std::fs::read(dir.join("signing-key.pem")).expect("pem");
        Self::from_pem(
            &EncodingKey::from_ec_pem(&pem).unwrap(),
            Algorithm::ES256,
            kid,
        )
    }

    fn rs256(kid: &str) -> Self {
        let path = format!(
            "{}/../../tests/fixtures/auth/rsa-test-key.pem",
            env!("CARGO_MANIFEST_DIR")
        );
        let pem = std::fs::read(&path).expect("RSA test key");
        Self::from_pem(
            &EncodingKey::from_rsa_pem(&pem).unwrap(),
            Algorithm::RS256,
            kid,
        )
    }

    fn from_pem(key: &EncodingKey, alg: Algorithm, kid: &str) -> Self {
        let mut jwk = Jwk::from_encoding_key(key, alg).expect("jwk");
        jwk.common.key_id = Some(kid.to_owned());
        Self {
            kid: kid.to_owned(),
            alg,
            key: key.clone(),
            jwk: serde_json::to_value(jwk).unwrap(),
        }
    }

    fn token(&self, claims: serde_json::Value) -> String {
        let mut header = Header::new(self.alg);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.key).unwrap()
    }

    /// A token that is right in every way, granting `scope`.
    fn good(&self, scope: &str) -> String {
        self.token(claims(scope, 0))
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Claims valid now, shifted by `shift` seconds.
fn claims(scope: &str, shift: i64) -> serde_json::Value {
    serde_json::json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": "harbour-master",
        "scope": scope, "iat": now() + shift, "nbf": now() + shift - 1, "exp": now() + shift + 600,
    })
}

fn jwks(signers: &[&Signer]) -> String {
    serde_json::json!({ "keys": signers.iter().map(|s| &s.jwk).collect::<Vec<_>>() }).to_string()
}

fn settings() -> AuthSettings {
    AuthSettings {
        mode: Some(AuthMode::Jwt),
        auth_issuer: Some(ISSUER.to_owned()),
        auth_audience: Some(AUDIENCE.to_owned()),
        auth_jwks_file: None,
        auth_jwks_url: None,
        auth_leeway: Duration::from_secs(30),
        auth_dev_keys: PathBuf::from("unused"),
        default_mode: AuthMode::Jwt,
    }
}

async fn from_file(path: &Path) -> Authenticator {
    let mut s = settings();
    s.auth_jwks_file = Some(path.to_owned());
    Authenticator::from_settings(&s)
        .await
        .expect("authenticator")
}

async fn check(auth: &Authenticator, token: &str, scope: Scope) -> Result<(), Denied> {
    auth.check(Some(&format!("Bearer {token}")), scope)
        .await
        .map(|_| ())
}

#[tokio::test]
async fn every_way_a_token_can_be_wrong_is_refused_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let es = Signer::es256(&dir.path().join("a"), "es-1");
    let rs = Signer::rs256("rs-1");
    // Same kid as `es`, other key: a forged signature.
    let forger = Signer::es256(&dir.path().join("b"), "es-1");
    let file = dir.path().join("jwks.json");
    std::fs::write(&file, jwks(&[&es, &rs])).unwrap();
    let auth = from_file(&file).await;

    let unauthenticated = |f| Err(Denied::Unauthenticated(f));
    assert_eq!(check(&auth, &es.good("ships:read"), READ).await, Ok(()));
    assert_eq!(
        check(&auth, &rs.good("ships:read ships:write"), WRITE).await,
        Ok(())
    );
    assert_eq!(
        check(&auth, &es.good("ships:read"), WRITE).await,
        Err(Denied::Forbidden(WRITE))
    );
    let cases: Vec<(&str, String, AuthFailure)> = vec![
        (
            "expired",
            es.token(claims("ships:read", -700)),
            AuthFailure::Expired,
        ),
        (
            "not yet valid",
            es.token(claims("ships:read", 120)),
            AuthFailure::NotYetValid,
        ),
        (
            "wrong issuer",
            es.token(with(claims("ships:read", 0), "iss", "https://evil")),
            AuthFailure::WrongIssuer,
        ),
        (
            "wrong audience",
            es.token(with(claims("ships:read", 0), "aud", "billing")),
            AuthFailure::WrongAudience,
        ),
        (
            "forged",
            forger.good("ships:read"),
            AuthFailure::BadSignature,
        ),
        (
            "unknown key",
            Signer::es256(&dir.path().join("c"), "es-9").good("ships:read"),
            AuthFailure::UnknownKey,
        ),
        ("not a JWT", "not.a.jwt".to_owned(), AuthFailure::Malformed),
        ("HS256", hs256(), AuthFailure::Algorithm),
        (
            "no subject",
            es.token(without(claims("ships:read", 0), "sub")),
            AuthFailure::MissingClaim,
        ),
    ];
    for (what, token, failure) in cases {
        assert_eq!(
            check(&auth, &token, READ).await,
            unauthenticated(failure),
            "{what}"
        );
    }
    assert_eq!(
        auth.check(None, READ).await,
        Err(Denied::Unauthenticated(AuthFailure::Missing))
    );
    assert_eq!(
        auth.check(Some("Basic dXNlcjpwYXNz"), READ).await,
        Err(Denied::Unauthenticated(AuthFailure::Missing))
    );
    // Within the leeway a just-expired token still passes: clocks differ.
    let just_expired = es.token(with(claims("ships:read", 0), "exp", now() - 10));
    assert_eq!(check(&auth, &just_expired, READ).await, Ok(()));
    // Scopes as a list (`scp`) count too.
    let listed = es.token(with(
        without(claims("", 0), "scope"),
        "scp",
        vec!["ships:read"],
    ));
    assert_eq!(check(&auth, &listed, READ).await, Ok(()));
}

#[tokio::test]
async fn a_rewritten_jwks_file_is_picked_up() {
    let dir = tempfile::tempdir().unwrap();
    let old = Signer::es256(&dir.path().join("a"), "old");
    let new = Signer::es256(&dir.path().join("b"), "new");
    let file = dir.path().join("jwks.json");
    std::fs::write(&file, jwks(&[&old])).unwrap();
    let auth = from_file(&file).await;
    assert_eq!(check(&auth, &old.good("ships:read"), READ).await, Ok(()));

    std::fs::write(&file, jwks(&[&new])).unwrap();
    eventually("the new key accepted", Duration::from_secs(10), || {
        let (auth, token) = (auth.clone(), new.good("ships:read"));
        async move { check(&auth, &token, READ).await.ok() }
    })
    .await;
    assert_eq!(
        check(&auth, &old.good("ships:read"), READ).await,
        Err(Denied::Unauthenticated(AuthFailure::UnknownKey)),
        "a key removed from the set is no longer trusted"
    );
}

#[tokio::test]
async fn keys_come_from_the_issuers_discovery_document_and_rotate() {
    let dir = tempfile::tempdir().unwrap();
    let first = Signer::es256(&dir.path().join("a"), "k1");
    let second = Signer::rs256("k2");
    let served = Arc::new(Mutex::new(jwks(&[&first])));
    let issuer = serve_issuer(served.clone()).await;

    let mut s = settings();
    s.auth_issuer = Some(issuer.clone());
    let auth = Authenticator::from_settings(&s).await.expect("discovered");
    let token =
        |signer: &Signer| signer.token(with(claims("ships:read", 0), "iss", issuer.as_str()));
    assert_eq!(check(&auth, &token(&first), READ).await, Ok(()));

    // The issuer rotates: a token with the new key id makes us fetch again.
    *served.lock().unwrap() = jwks(&[&second]);
    eventually("the rotated key accepted", Duration::from_secs(30), || {
        let (auth, token) = (auth.clone(), token(&second));
        async move { check(&auth, &token, READ).await.ok() }
    })
    .await;
}

#[tokio::test]
async fn jwt_mode_names_what_is_missing_and_an_unreachable_issuer_stops_the_start() {
    let mut s = settings();
    s.auth_issuer = None;
    let err = Authenticator::from_settings(&s).await.unwrap_err();
    assert!(err.to_string().contains("PORTTRACK_AUTH_ISSUER"), "{err}");
    let mut s = settings();
    s.auth_audience = None;
    let err = Authenticator::from_settings(&s).await.unwrap_err();
    assert!(err.to_string().contains("PORTTRACK_AUTH_AUDIENCE"), "{err}");
    let mut s = settings();
    s.auth_jwks_url = Some("http://127.0.0.1:9/jwks".into());
    let err = Authenticator::from_settings(&s).await.unwrap_err();
    assert!(err.to_string().contains("cannot fetch the JWKS"), "{err}");
}

/// An identity provider on loopback: discovery document and JWKS.
async fn serve_issuer(jwks: Arc<Mutex<String>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let jwks_uri = format!("{base}/keys");
    let app = axum::Router::new()
        .route(
            "/.well-known/openid-configuration",
            axum::routing::get(move || {
                let doc = serde_json::json!({ "issuer": "", "jwks_uri": jwks_uri });
                async move { axum::Json(doc) }
            }),
        )
        .route(
            "/keys",
            axum::routing::get(move || {
                let body = jwks.lock().unwrap().clone();
                async move { body }
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

fn with(
    mut claims: serde_json::Value,
    key: &str,
    value: impl serde::Serialize,
) -> serde_json::Value {
    claims[key] = serde_json::to_value(value).unwrap();
    claims
}

fn without(mut claims: serde_json::Value, key: &str) -> serde_json::Value {
    claims.as_object_mut().unwrap().remove(key);
    claims
}

fn hs256() -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims("ships:read", 0),
        &EncodingKey::from_secret(b"shared secret"),
    )
    .unwrap()
}
