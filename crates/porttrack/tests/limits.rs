//! What one client can ask of the suite is bounded, and hitting a bound does
//! not hurt anyone else: an oversized body is refused before it is read, a
//! flooding NMEA feed is slowed while a steady one goes on, sources outside
//! the allow-list are refused, a client holds a bounded number of live
//! streams, and a subscriber that stops reading does not hold up others.

mod common;

use std::{net::SocketAddr, time::Duration};

use common::{BIN, http, metric, metric_sum, wait_ready};
use porttrack_platform::auth::{Scope, dev::DevKey};
use porttrack_testkit::{eventually, process::Service};
use tokio::{io::AsyncWriteExt as _, net::TcpSocket};

const LINE: &str = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n";

/// A TCP connection to `to` from the loopback address `from` (Linux routes
/// all of 127.0.0.0/8 to loopback): several "hosts" on one machine.
async fn connect_from(from: &str, to: SocketAddr) -> tokio::net::TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(format!("{from}:0").parse().unwrap())
        .expect("bind source");
    socket.connect(to).await.expect("connect")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_body_is_refused_and_the_next_request_is_served() {
    let ingest = Service::start(
        BIN,
        &["ingest"],
        &[("PORTTRACK_MAX_BODY", "2048".to_owned())],
    );
    wait_ready(&ingest).await;
    let url = format!("{}/v1/nmea", ingest.http_url());
    let big = LINE.repeat(100);
    let refused = http()
        .post(&url)
        .header("content-type", "text/plain")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 413);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = refused.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("2048"),
        "{problem}"
    );

    let served = http()
        .post(&url)
        .header("content-type", "text/plain")
        .body(LINE)
        .send()
        .await
        .unwrap();
    assert!(served.status().is_success(), "{}", served.status());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flooding_feed_is_slowed_while_a_steady_one_goes_on_and_nothing_is_lost() {
    let ingest = Service::start(
        BIN,
        &["ingest"],
        &[
            (
                "PORTTRACK_NMEA_ALLOW",
                "flood=127.0.0.1,steady=127.0.0.3".to_owned(),
            ),
            ("PORTTRACK_NMEA_RATE", "500".to_owned()),
            ("PORTTRACK_NMEA_BURST", "100".to_owned()),
        ],
    );
    let addr = ingest.addr("nmea");
    const FLOOD: usize = 3000;
    const STEADY: usize = 50;
    let flood = tokio::spawn(async move {
        let mut stream = connect_from("127.0.0.1", addr).await;
        stream
            .write_all(LINE.repeat(FLOOD).as_bytes())
            .await
            .unwrap();
        stream.shutdown().await.unwrap();
    });
    let received = |feed: &'static str| {
        let ingest = &ingest;
        async move {
            metric_sum(
                ingest,
                "porttrack_ingest_inputs_received_total",
                &format!("feed=\"{feed}\""),
            )
            .await as usize
        }
    };
    // The flood is under way before the steady feed starts.
    eventually("the flood throttled", Duration::from_secs(30), || async {
        (metric(
            &ingest,
            "porttrack_ingest_rate_limited_total{transport=\"tcp\"}",
        )
        .await
            > 0.0)
            .then_some(())
    })
    .await;
    let mut steady = connect_from("127.0.0.3", addr).await;
    steady
        .write_all(LINE.repeat(STEADY).as_bytes())
        .await
        .unwrap();
    steady.shutdown().await.unwrap();
    eventually(
        "the steady feed's lines",
        Duration::from_secs(30),
        || async { (received("steady").await == STEADY).then_some(()) },
    )
    .await;
    let flooded = received("flood").await;
    assert!(
        flooded < FLOOD,
        "the steady feed was served while the flood was still being held back ({flooded} of {FLOOD})"
    );
    // TCP is slowed, never dropped: every flooded line arrives in the end.
    eventually("every flooded line", Duration::from_secs(60), || async {
        (received("flood").await == FLOOD).then_some(())
    })
    .await;
    flood.await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn sources_outside_the_allow_list_are_refused() {
    let ingest = Service::start(
        BIN,
        &["ingest"],
        &[("PORTTRACK_NMEA_ALLOW", "north=127.0.0.2".to_owned())],
    );
    let addr = ingest.addr("nmea");
    let mut stranger = connect_from("127.0.0.4", addr).await;
    // The connection is closed at once: writing eventually fails or reading
    // sees the end.
    let mut buf = [0u8; 1];
    let read = tokio::time::timeout(
        Duration::from_secs(10),
        tokio::io::AsyncReadExt::read(&mut stranger, &mut buf),
    )
    .await
    .expect("closed, not left hanging");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    let udp = tokio::net::UdpSocket::bind("127.0.0.4:0").await.unwrap();
    udp.send_to(LINE.as_bytes(), addr).await.unwrap();

    let mut north = connect_from("127.0.0.2", addr).await;
    north.write_all(LINE.as_bytes()).await.unwrap();
    north.shutdown().await.unwrap();
    eventually(
        "refusals and the admitted line counted",
        Duration::from_secs(30),
        || async {
            let tcp = metric(
                &ingest,
                "porttrack_ingest_sources_refused_total{transport=\"tcp\"}",
            )
            .await;
            let udp = metric(
                &ingest,
                "porttrack_ingest_sources_refused_total{transport=\"udp\"}",
            )
            .await;
            let north = metric_sum(
                &ingest,
                "porttrack_ingest_inputs_received_total",
                "feed=\"north\"",
            )
            .await;
            (tcp == 1.0 && udp == 1.0 && north == 1.0).then_some(())
        },
    )
    .await;
    assert_eq!(
        metric_sum(&ingest, "porttrack_ingest_inputs_received_total", "").await,
        1.0,
        "nothing from the stranger was read"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_holds_a_bounded_number_of_streams_and_a_stalled_one_holds_up_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    let suite = Service::start(
        BIN,
        &["up"],
        &[
            ("PORTTRACK_AUTH", "dev".to_owned()),
            ("PORTTRACK_AUTH_DEV_KEYS", keys.display().to_string()),
            ("PORTTRACK_DATA_DIR", dir.path().display().to_string()),
            ("PORTTRACK_MAX_STREAMS_PER_CLIENT", "2".to_owned()),
        ],
    );
    wait_ready(&suite).await;
    let key = DevKey::load_or_create(&keys).unwrap();
    let token = |who: &str, scopes: &[&'static str]| {
        let scopes: Vec<Scope> = scopes.iter().map(|s| Scope(s)).collect();
        key.mint(who, &scopes, Duration::from_secs(300)).unwrap()
    };
    let stream_url = format!("{}/v1/positions/stream", suite.http_url());
    let open = |who: &str| {
        http()
            .get(&stream_url)
            .bearer_auth(token(who, &["ships:read"]))
            .send()
    };

    // The pilot station opens two streams and reads neither: stalled.
    let stalled_a = open("pilot-station").await.unwrap();
    let stalled_b = open("pilot-station").await.unwrap();
    assert_eq!(
        (stalled_a.status().as_u16(), stalled_b.status().as_u16()),
        (200, 200)
    );
    let third = open("pilot-station").await.unwrap();
    assert_eq!(third.status(), 429);
    let problem: serde_json::Value = third.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("at most 2"),
        "{problem}"
    );

    // Another client still gets a stream, and positions keep reaching it
    // however much the stalled streams fall behind.
    let mut watching = open("harbour-master").await.unwrap();
    assert_eq!(watching.status(), 200);
    let writer = token("receiver", &["positions:write"]);
    // Well within the live buffer, so the watcher may not skip any: what is
    // tested is that the stalled streams do not slow it down.
    const SENT: u32 = 400;
    let start_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        - 1_000_000;
    let positions: Vec<serde_json::Value> = (0..SENT)
        .map(|i| {
            // Each report newer than the last of its vessel, or the index
            // (rightly) ignores it.
            let at = start_ms + i64::from(i) * 1000;
            serde_json::json!({
                "mmsi": 257_600_001 + (i % 50), "lat": 59.9 + f64::from(i) * 1e-5, "lon": 10.7,
                "timestamp": porttrack_testkit::rfc3339(at),
            })
        })
        .collect();
    for batch in positions.chunks(100) {
        let r = http()
            .post(format!("{}/v1/positions", suite.http_url()))
            .bearer_auth(&writer)
            .json(&serde_json::json!({ "positions": batch }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }
    // Events are counted in everything read so far, not chunk by chunk:
    // HTTP framing may split an event line across two chunks.
    let mut body = Vec::new();
    let mut seen = 0usize;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while seen < SENT as usize && tokio::time::Instant::now() < deadline {
        match tokio::time::timeout_at(deadline, watching.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                body.extend_from_slice(&chunk);
                seen = String::from_utf8_lossy(&body)
                    .matches("event: position")
                    .count();
            }
            _ => break,
        }
    }
    assert_eq!(
        seen, SENT as usize,
        "the watching client saw every position"
    );

    // Closing a stream frees its slot.
    drop(stalled_a);
    eventually("a slot freed", Duration::from_secs(10), || async {
        open("pilot-station")
            .await
            .ok()
            .filter(|r| r.status() == 200)
            .map(|_| ())
    })
    .await;
    drop(stalled_b);
}

/// A client that connects and sends nothing (or stalls mid-line) is
/// disconnected after the idle timeout, while a live feed is served.
#[tokio::test(flavor = "multi_thread")]
async fn a_silent_nmea_connection_is_closed_and_frees_its_slot() {
    let ingest = Service::start(
        BIN,
        &["ingest"],
        &[
            ("PORTTRACK_NMEA_IDLE_TIMEOUT", "1s".to_owned()),
            ("PORTTRACK_NMEA_MAX_CONNECTIONS", "1".to_owned()),
        ],
    );
    let addr = ingest.addr("nmea");
    let mut stalled = connect_from("127.0.0.1", addr).await;
    stalled.write_all(b"!AIVDM,1,1,,A,15RTgt0P").await.unwrap();
    let mut buf = [0u8; 1];
    let read = tokio::time::timeout(
        Duration::from_secs(20),
        tokio::io::AsyncReadExt::read(&mut stalled, &mut buf),
    )
    .await
    .expect("closed by the server");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    // The only slot is free again: a real feed gets through.
    let mut feed = connect_from("127.0.0.1", addr).await;
    feed.write_all(LINE.as_bytes()).await.unwrap();
    feed.shutdown().await.unwrap();
    eventually("the feed's line", Duration::from_secs(30), || async {
        (metric_sum(
            &ingest,
            "porttrack_ingest_inputs_received_total",
            "transport=\"tcp\"",
        )
        .await
            == 1.0)
            .then_some(())
    })
    .await;
}
