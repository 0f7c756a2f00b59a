//! TLS end to end: ingest and ships as separate processes serving REST and
//! gRPC over TLS from certificates a throw-away CA signed, reaching Kafka
//! (tansu behind a TLS front) and PostgreSQL (TLS only) over TLS too.
//! Clients trusting the CA get through; plaintext clients do not; ingest
//! requires client certificates; a rotated certificate reaches new
//! connections while open ones carry on.

mod common;
#[path = "tls/support.rs"]
mod support;

use std::{path::Path, process::Command, time::Duration};

use porttrack_platform::settings::ClientTlsSettings;
use porttrack_proto::ships::v1::{GetVesselRequest, ships_service_client::ShipsServiceClient};
use porttrack_testkit::{
    eventually,
    postgres::OwnPostgres,
    process::Service,
    tls::{Issued, TestCa, write_atomically},
    unique,
};
use sqlx::Connection;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use common::BIN;
use support::{
    assert_health, connect, get_live, grpc, kafka_behind_tls, leaf, presented, rest, settings,
    tls_env,
};

const NAMES: [&str; 2] = ["localhost", "127.0.0.1"];
const MMSI: u32 = 257_000_071;

#[tokio::test(flavor = "multi_thread")]
async fn spine_over_tls_with_client_certificates_and_rotation() {
    let ca = TestCa::new("PortTrack test CA");
    let ships_files = ca.issue("ships", &NAMES);
    let ingest_files = ca.issue("ingest", &NAMES);
    let client_files = ca.issue("client", &["feed.porttrack.test"]);
    let (_broker, brokers) = kafka_behind_tls(&ca.issue("kafka", &NAMES)).await;
    let bus = [
        ("PORTTRACK_KAFKA_BROKERS", brokers),
        (
            "PORTTRACK_KAFKA_TOPIC_PREFIX",
            format!("{}.", unique("tls")),
        ),
        ("PORTTRACK_KAFKA_SECURITY_PROTOCOL", "ssl".into()),
        ("PORTTRACK_KAFKA_SSL_CA", ca.ca_path().display().to_string()),
    ];
    let postgres = OwnPostgres::start_tls_only(&ca.issue("postgres", &NAMES));
    let verify = format!("sslmode=verify-full&sslrootcert={}", ca.ca_path().display());
    assert!(
        sqlx::AnyConnection::connect(&postgres.url("sslmode=disable"))
            .await
            .is_err(),
        "PostgreSQL refuses plaintext"
    );
    let database = ("PORTTRACK_DATABASE_URL", postgres.url(&verify));
    let client_ca = (
        "PORTTRACK_TLS_CLIENT_CA",
        ca.ca_path().display().to_string(),
    );
    let ships = Service::start(
        BIN,
        &["ships"],
        &[&bus[..], &[database], &tls_env(&ships_files)].concat(),
    );
    let ingest = Service::start(
        BIN,
        &["ingest"],
        &[&bus[..], &[client_ca], &tls_env(&ingest_files)].concat(),
    );
    let anonymous = settings(&ca, None);
    let with_cert = settings(&ca, Some(&client_files));

    // Ingest takes reports only from clients with a certificate the CA signed.
    let report = serde_json::json!({ "positions": [
        { "mmsi": MMSI, "lat": 59.91, "lon": 10.74, "sog_knots": 4.2 } ] });
    let url = format!("https://{}/v1/positions", ingest.addr("http"));
    let refused = rest(&anonymous).post(&url).json(&report).send().await;
    assert!(refused.is_err(), "no client certificate: {refused:?}");
    let r = rest(&with_cert)
        .post(&url)
        .json(&report)
        .send()
        .await
        .expect("POST with a client certificate");
    assert_eq!(r.status(), 200);
    assert_health(&ingest, &with_cert)
        .await
        .expect("gRPC health with a client certificate");
    assert!(
        assert_health(&ingest, &anonymous).await.is_err(),
        "gRPC without a client certificate"
    );

    // Ships answers over REST and gRPC to clients trusting the CA.
    let url = format!("https://{}/v1/vessels/{MMSI}", ships.addr("http"));
    let http = rest(&anonymous);
    eventually("the vessel over HTTPS", Duration::from_secs(30), || {
        let req = http.get(&url).send();
        async move {
            let v: serde_json::Value = req.await.ok()?.json().await.ok()?;
            v["position"].is_object().then_some(())
        }
    })
    .await;
    let channel = grpc(&ships, &anonymous)
        .connect()
        .await
        .expect("gRPC over TLS");
    let vessel = ShipsServiceClient::new(channel)
        .get_vessel(GetVesselRequest { mmsi: MMSI })
        .await
        .expect("GetVessel over TLS")
        .into_inner();
    assert!(vessel.position.is_some(), "{vessel:?}");
    assert_health(&ships, &anonymous)
        .await
        .expect("gRPC health over TLS");

    // Plaintext clients get nothing.
    let plain = common::http()
        .get(format!("{}/health/live", ships.http_url()))
        .send()
        .await;
    assert!(plain.is_err(), "plaintext HTTP: {plain:?}");
    let plain = async {
        let channel = tonic::transport::Endpoint::from_shared(ships.grpc_url())?
            .connect()
            .await?;
        let mut health = HealthClient::new(channel);
        let check = health.check(HealthCheckRequest::default()).await?;
        Ok::<_, Box<dyn std::error::Error>>(check)
    };
    assert!(plain.await.is_err(), "plaintext gRPC");

    rotation(&ca, &ships, &ships_files, &anonymous).await;
}

/// A bad new file is refused and the certificate kept; a good one reaches
/// new connections while one opened before keeps working.
async fn rotation(ca: &TestCa, ships: &Service, files: &Issued, trust: &ClientTlsSettings) {
    let addr = ships.addr("http");
    let first = leaf(&files.cert);
    let mut open = connect(addr, trust).await;
    assert_eq!(presented(&open), first);
    get_live(&mut open).await;

    write_atomically(&files.cert, "not a certificate\n");
    eventually(
        "the bad file is refused",
        Duration::from_secs(30),
        || async {
            ships
                .log()
                .iter()
                .any(|l| l.contains("not usable"))
                .then_some(())
        },
    )
    .await;
    assert_eq!(
        presented(&connect(addr, trust).await),
        first,
        "old certificate kept"
    );

    let rotated = ca.issue("ships", &["localhost", "127.0.0.1", "rotated.ships.test"]);
    let second = leaf(&rotated.cert);
    assert_ne!(first, second);
    eventually(
        "a new connection sees the new certificate",
        Duration::from_secs(30),
        || async { (presented(&connect(addr, trust).await) == second).then_some(()) },
    )
    .await;
    get_live(&mut open).await;
    assert!(
        ships
            .log()
            .iter()
            .any(|l| l.contains("TLS certificate reloaded")),
        "reload logged"
    );
    assert_health(ships, trust)
        .await
        .expect("gRPC after the rotation");
}

#[test]
fn bad_tls_settings_stop_the_start_naming_the_variable() {
    let ca = TestCa::new("PortTrack test CA");
    let good = ca.issue("good", &NAMES);
    let fake_key = ca.path("fake.key");
    write_atomically(
        &fake_key,
        "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n",
    );
    let path = |p: &Path| p.display().to_string();
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            vec![
                ("PORTTRACK_TLS_CERT", "/no/such.crt".into()),
                ("PORTTRACK_TLS_KEY", path(&good.key)),
            ],
            "PORTTRACK_TLS_CERT",
        ),
        (
            vec![
                ("PORTTRACK_TLS_CERT", path(&good.cert)),
                ("PORTTRACK_TLS_KEY", path(&fake_key)),
            ],
            "PORTTRACK_TLS_KEY",
        ),
        (
            vec![
                ("PORTTRACK_TLS_CERT", path(&good.cert)),
                ("PORTTRACK_TLS_KEY", path(&good.key)),
                ("PORTTRACK_TLS_CLIENT_CA", path(&good.key)),
            ],
            "PORTTRACK_TLS_CLIENT_CA",
        ),
        (
            vec![
                ("PORTTRACK_KAFKA_BROKERS", "127.0.0.1:1".into()),
                ("PORTTRACK_KAFKA_SECURITY_PROTOCOL", "ssl".into()),
                ("PORTTRACK_KAFKA_SSL_CA", "/no/such/ca.pem".into()),
            ],
            "PORTTRACK_KAFKA_SSL_CA",
        ),
        (
            vec![
                ("PORTTRACK_KAFKA_BROKERS", "127.0.0.1:1".into()),
                ("PORTTRACK_KAFKA_SSL_CA", path(&ca.ca_path())),
            ],
            "PORTTRACK_KAFKA_SSL_CA",
        ),
        (
            vec![
                ("PORTTRACK_KAFKA_BROKERS", "127.0.0.1:1".into()),
                ("PORTTRACK_KAFKA_SECURITY_PROTOCOL", "sasl_ssl".into()),
            ],
            "PORTTRACK_KAFKA_SASL_MECHANISM",
        ),
    ];
    for (env, key) in cases {
        let out = Command::new(BIN)
            .arg("ingest")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("PORTTRACK_AUTH", "off")
            .env("PORTTRACK_HTTP_ADDR", "127.0.0.1:0")
            .env("PORTTRACK_GRPC_ADDR", "127.0.0.1:0")
            .env("PORTTRACK_NMEA_ADDR", "127.0.0.1:0")
            .output()
            .expect("run porttrack");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{env:?} started");
        assert!(stderr.contains(key), "{env:?}: {stderr}");
        assert!(
            !stderr.contains("c2VjcmV0"),
            "key material printed: {stderr}"
        );
    }
}
