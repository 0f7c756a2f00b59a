//! `porttrack ais decode` as a user runs it: gpsd's sample in, one JSON
//! object per message out, in gpsd's order and field names; the malformed
//! line reported on stderr with its line number.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_porttrack");

fn fixture(name: &str) -> String {
    format!(
        "{}/../../tests/fixtures/ais/gpsd/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn decodes_gpsd_sample_in_gpsd_order() {
    let out = Command::new(BIN)
        .args(["ais", "decode", &fixture("sample.aivdm")])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    let gpsd: Vec<serde_json::Value> = std::fs::read_to_string(fixture("sample.aivdm.js.chk"))
        .expect("gpsd output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("gpsd JSON"))
        .collect();
    // Like `gpsdecode -s`, type 24 parts A and B are separate objects; the
    // shipped gpsd output merged them (no -s). Compare the rest in order,
    // then check every merged gpsd type 24 has both parts on our side.
    let key = |v: &serde_json::Value| (v["class"].clone(), v["type"].clone(), v["mmsi"].clone());
    let not_24 = |v: &&serde_json::Value| v["type"] != 24;
    let ours_rest: Vec<_> = ours.iter().filter(not_24).map(key).collect();
    let gpsd_rest: Vec<_> = gpsd.iter().filter(not_24).map(key).collect();
    assert_eq!(
        ours_rest.len(),
        95,
        "gpsd's 97 messages less its 2 merged type 24s"
    );
    assert_eq!(ours_rest, gpsd_rest);
    for g in gpsd.iter().filter(|v| v["type"] == 24) {
        for part in ["A", "B"] {
            assert!(
                ours.iter()
                    .any(|o| o["type"] == 24 && o["mmsi"] == g["mmsi"] && o["part"] == part),
                "type 24 part {part} of {}",
                g["mmsi"]
            );
        }
    }
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    let malformed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("AIVDM,2,2,1,B,00000000000,2*26"))
        .collect();
    assert_eq!(malformed.len(), 1, "stderr: {stderr}");
    assert!(
        malformed[0].starts_with("line "),
        "line number first: {}",
        malformed[0]
    );
}

#[test]
fn reads_stdin_and_fails_clearly_on_a_missing_file() {
    let mut child = Command::new(BIN)
        .args(["ais", "decode"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(
        (v["type"].as_u64(), v["mmsi"].as_u64()),
        (Some(1), Some(371_798_000))
    );
    assert_eq!(v["speed"].as_f64(), Some(12.3));

    let out = Command::new(BIN)
        .args(["ais", "decode", "/no/such/file.nmea"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.nmea"));
}

#[test]
fn bad_configuration_names_the_variable() {
    let out = Command::new(BIN)
        .args(["ships"])
        .env("PORTTRACK_HTTP_ADDR", "not-an-address")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("PORTTRACK_HTTP_ADDR") || stderr.contains("--http-addr"),
        "{stderr}"
    );

    let out = Command::new(BIN)
        .args(["ships"])
        .env("PORTTRACK_DATABASE_URL", "mysql://user:secret@host/db")
        .env("PORTTRACK_HTTP_ADDR", "127.0.0.1:0")
        .env("PORTTRACK_GRPC_ADDR", "127.0.0.1:0")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("PORTTRACK_DATABASE_URL") && !stderr.contains("secret"),
        "{stderr}"
    );
}

#[test]
fn up_refuses_one_database_for_every_service() {
    let out = Command::new(BIN)
        .args(["up"])
        .env("PORTTRACK_DATABASE_URL", "postgres://u@127.0.0.1:1/db")
        .env("PORTTRACK_HTTP_ADDR", "127.0.0.1:0")
        .env("PORTTRACK_GRPC_ADDR", "127.0.0.1:0")
        .env("PORTTRACK_NMEA_ADDR", "127.0.0.1:0")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("PORTTRACK_DATA_DIR"));
}

/// A database password never shows: not in `--help` (which otherwise
/// prints environment values), not in the error of a bad setting.
#[test]
fn the_database_url_is_never_printed() {
    let help = Command::new(BIN)
        .args(["ships", "--help"])
        .env(
            "PORTTRACK_DATABASE_URL",
            "postgres://ships:hunter2@db/ships",
        )
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("PORTTRACK_DATABASE_URL"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");

    let bad = Command::new(BIN)
        .args(["ships"])
        .env("PORTTRACK_AUTH", "off")
        .env("PORTTRACK_HTTP_ADDR", "127.0.0.1:0")
        .env("PORTTRACK_GRPC_ADDR", "127.0.0.1:0")
        .env("PORTTRACK_DATABASE_URL", "mysql://ships:hunter2@db/ships")
        .output()
        .expect("run");
    assert!(!bad.status.success());
    let text = String::from_utf8_lossy(&bad.stderr);
    assert!(text.contains("PORTTRACK_DATABASE_URL"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

/// `porttrack token` works with its defaults and prints one JWT, which the
/// key it created verifies (the auth tests use it against services).
#[test]
fn token_prints_a_jwt_with_its_default_lifetime() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["token", "--scope", "ships:read"])
        .env("PORTTRACK_AUTH_DEV_KEYS", dir.path())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    assert_eq!(token.trim().split('.').count(), 3, "{token}");
    assert!(dir.path().join("jwks.json").exists());
}
