//! What a feed producer sees from ingest's gRPC and REST APIs: counts,
//! per-item reasons, clear errors for bad input, and acknowledgement only
//! once the event is stored.

mod common;

use std::time::Duration;

use common::{BIN, http, wait_ready};
use futures::stream;
use porttrack_proto::ingest::v1::{
    NmeaLine, PositionInput, ingest_service_client::IngestServiceClient,
};
use porttrack_testkit::{eventually, process::Service};
use tonic_types::StatusExt;

fn up() -> (Service, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let up = Service::start(
        BIN,
        &["up"],
        &[("PORTTRACK_DATA_DIR", dir.path().display().to_string())],
    );
    (up, dir)
}

fn input(mmsi: u32, lat: f64, lon: f64) -> PositionInput {
    PositionInput {
        mmsi,
        lat,
        lon,
        sog_knots: Some(3.5),
        source: "test".into(),
        ..PositionInput::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn grpc_stream_reports_accepted_and_rejected_items_by_index() {
    let (up, _dir) = up();
    wait_ready(&up).await;
    let mut client = IngestServiceClient::connect(up.grpc_url())
        .await
        .expect("connect");
    let items = vec![
        input(257_000_001, 59.9, 10.7),
        input(0, 59.9, 10.7),
        input(257_000_002, 95.0, 10.7),
        PositionInput {
            heading_deg: Some(400),
            ..input(257_000_003, 59.9, 10.7)
        },
        input(257_000_004, 60.0, 11.0),
    ];
    let summary = client
        .stream_positions(stream::iter(items))
        .await
        .expect("StreamPositions")
        .into_inner();
    assert_eq!((summary.accepted, summary.rejected), (2, 3));
    let got: Vec<(u64, &str, &str)> = summary
        .rejections
        .iter()
        .map(|r| (r.index, r.reason.as_str(), r.field.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "mmsi_out_of_range", "mmsi"),
            (2, "latitude_out_of_range", "lat"),
            (3, "heading_out_of_range", "heading_deg")
        ]
    );
    // Acknowledged means stored: the accepted vessels become visible.
    let url = format!("{}/v1/vessels/257000004", up.http_url());
    let client = http();
    eventually("accepted vessel visible", Duration::from_secs(10), || {
        let req = client.get(&url).send();
        async move {
            req.await
                .ok()
                .filter(|r| r.status().is_success())
                .map(|_| ())
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn grpc_nmea_stream_counts_messages_rejects_and_pending_fragments() {
    let (up, _dir) = up();
    wait_ready(&up).await;
    let mut client = IngestServiceClient::connect(up.grpc_url())
        .await
        .expect("connect");
    let lines = [
        "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
        "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B",
        "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
    ];
    let items: Vec<NmeaLine> = lines
        .iter()
        .map(|l| NmeaLine {
            line: (*l).into(),
            source: "feed-a".into(),
        })
        .collect();
    let summary = client
        .stream_nmea(stream::iter(items))
        .await
        .expect("StreamNmea")
        .into_inner();
    assert_eq!(
        (
            summary.accepted,
            summary.rejected,
            summary.pending_fragments
        ),
        (1, 1, 1)
    );
    assert_eq!(summary.rejections[0].index, 1);
    assert_eq!(summary.rejections[0].reason, "bad_checksum");
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_batch_partly_accepted_lists_refusals() {
    let (up, _dir) = up();
    wait_ready(&up).await;
    let body = serde_json::json!({ "positions": [
        { "mmsi": 257000010, "lat": 59.9, "lon": 10.7, "timestamp": "2026-01-01T00:00:00Z" },
        { "mmsi": 257000011, "lat": 59.9, "lon": 200.0 },
    ]});
    let r = http()
        .post(format!("{}/v1/positions", up.http_url()))
        .json(&body)
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.expect("json");
    assert_eq!(
        (v["accepted"].as_u64(), v["rejected"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(v["rejections"][0]["index"], 1);
    assert_eq!(v["rejections"][0]["reason"], "longitude_out_of_range");
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_bad_input_is_problem_json_naming_the_field() {
    let (up, _dir) = up();
    wait_ready(&up).await;
    let url = format!("{}/v1/positions", up.http_url());
    let cases = [
        (
            serde_json::json!({ "positions": [ { "mmsi": 257000012, "lat": 91.0, "lon": 0.0 } ] }),
            "positions[0].lat",
        ),
        (
            serde_json::json!({ "positions": [ { "mmsi": 257000012, "lat": 1.0, "lon": 0.0, "timestamp": "yesterday" } ] }),
            "positions[0].timestamp",
        ),
        (serde_json::json!({ "positions": [] }), "body"),
        (
            serde_json::json!({ "positions": [ { "mmsi": 257000012, "lat": "north", "lon": 0.0 } ] }),
            "body",
        ),
        (serde_json::json!({ "vessels": [] }), "body"),
    ];
    for (body, field) in cases {
        let r = http().post(&url).json(&body).send().await.expect("POST");
        assert_eq!(r.status(), 400, "{body}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: serde_json::Value = r.json().await.expect("problem");
        assert_eq!(p["status"], 400);
        assert_eq!(p["errors"][0]["field"], field, "{body} → {p}");
    }
    let r = http()
        .post(&url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_nmea_batch_and_grpc_field_details() {
    let (up, _dir) = up();
    wait_ready(&up).await;
    let r = http()
        .post(format!("{}/v1/nmea", up.http_url()))
        .body("!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78\n")
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.expect("json");
    assert_eq!(v["accepted"], 1);

    // gRPC errors carry field details (google.rpc.BadRequest).
    let mut ships = porttrack_proto::ships::v1::ships_service_client::ShipsServiceClient::connect(
        up.grpc_url(),
    )
    .await
    .expect("connect");
    let status = ships
        .nearest_vessels(porttrack_proto::ships::v1::NearestVesselsRequest {
            lat: 100.0,
            lon: 0.0,
            limit: 5,
        })
        .await
        .expect_err("lat 100");
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    let details = status.get_error_details();
    assert_eq!(
        details.bad_request().expect("bad request").field_violations[0].field,
        "lat"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn udp_datagrams_of_several_lines_are_ingested() {
    let (up, _dir) = up();
    wait_ready(&up).await;
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    // One datagram, two sentences: a position and a garbled copy.
    let datagram = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*00\r\n";
    socket
        .send_to(datagram.as_bytes(), up.addr("nmea"))
        .await
        .expect("send");
    let url = format!("{}/v1/vessels/371798000", up.http_url());
    let client = http();
    let v: serde_json::Value = eventually("vessel from UDP", Duration::from_secs(10), || {
        let req = client.get(&url).send();
        async move {
            req.await
                .ok()
                .filter(|r| r.status().is_success())?
                .json()
                .await
                .ok()
        }
    })
    .await;
    assert_eq!(v["position"]["heading_deg"], 215);
    let refused = common::metric_sum(
        &up,
        "porttrack_ingest_inputs_rejected_total",
        "transport=\"udp\"",
    )
    .await;
    assert_eq!(refused, 1.0);
}
