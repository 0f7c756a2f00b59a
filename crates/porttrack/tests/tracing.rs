//! One AIS report, one trace: an NMEA line goes into ingest over TCP, through
//! the real broker into ships and its PostgreSQL store, and every span on the
//! way reaches an OTLP collector in this test under the same trace id. A
//! query carries its caller's trace to the database, over REST and gRPC; log
//! lines inside spans name their trace.

mod common;

use std::time::Duration;

use common::{BIN, http, send_tcp, wait_ready};
use porttrack_proto::ships::v1::{GetVesselRequest, ships_service_client::ShipsServiceClient};
use porttrack_testkit::{
    eventually,
    otlp::{CollectedSpan, Collector},
    process::Service,
    servers, unique,
};

const LINE: &str = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n";
const MMSI: u32 = 371_798_000;

const PRODUCER: i32 = 4;
const CONSUMER: i32 = 5;
const SERVER: i32 = 2;
const CLIENT: i32 = 3;

#[tokio::test(flavor = "multi_thread")]
async fn one_report_is_one_trace_across_processes_and_the_broker() {
    let collector = Collector::start().await;
    let prefix = format!("{}.", unique("trace"));
    let env = [
        ("PORTTRACK_KAFKA_BROKERS", servers::kafka_brokers()),
        ("PORTTRACK_KAFKA_TOPIC_PREFIX", prefix.clone()),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("OTEL_BSP_SCHEDULE_DELAY", "100".to_owned()),
        (
            "OTEL_RESOURCE_ATTRIBUTES",
            "deployment.environment.name=test".to_owned(),
        ),
        // sqlx logs each statement at debug, inside the database span.
        ("RUST_LOG", "info,sqlx::query=debug".to_owned()),
    ];
    let database = servers::fresh_postgres().await;
    let ships = Service::start(
        BIN,
        &["ships"],
        &[&env[..], &[("PORTTRACK_DATABASE_URL", database)]].concat(),
    );
    let ingest = Service::start(BIN, &["ingest"], &env);
    wait_ready(&ships).await;
    send_tcp(&ingest, LINE).await;

    let positions = format!("{prefix}porttrack.ais.positions.v1");
    let spans = eventually("the report's spans", Duration::from_secs(60), || {
        let spans = collector.spans();
        let positions = positions.clone();
        async move {
            let stored = spans
                .iter()
                .any(|s| s.service == "porttrack-ships" && s.name == "INSERT positions");
            let sent = spans.iter().any(|s| s.name == format!("send {positions}"));
            let indexed = spans
                .iter()
                .any(|s| s.kind == CONSUMER && s.attr("messaging.consumer.group.name").is_none());
            (stored && sent && indexed).then_some(spans)
        }
    })
    .await;

    let receive = only(&spans, "porttrack-ingest", "receive nmea");
    assert_eq!(
        receive.parent_span_id, "",
        "a line from a feed starts its trace"
    );
    assert_eq!(receive.attr("porttrack.transport"), Some("tcp"));
    let trace = receive.trace_id.clone();
    let resource_checked = spans.iter().all(|s| !s.service.is_empty());
    assert!(resource_checked, "every span names its service");

    let decode = only(&spans, "porttrack-ingest", "decode ais");
    assert_child(decode, receive);
    assert_eq!(decode.attr("ais.message_type"), Some("1"));

    let send = only(&spans, "porttrack-ingest", &format!("send {positions}"));
    assert_child(send, receive);
    assert_eq!(send.kind, PRODUCER);
    assert_eq!(send.attr("messaging.system"), Some("kafka"));
    assert_eq!(
        send.attr("messaging.destination.name"),
        Some(positions.as_str())
    );
    assert_eq!(send.attr("messaging.kafka.message.key"), Some("371798000"));
    assert!(
        send.attr("messaging.kafka.offset").is_some(),
        "offset recorded on ack"
    );

    let process = spans
        .iter()
        .find(|s| {
            s.service == "porttrack-ships"
                && s.kind == CONSUMER
                && s.trace_id == trace
                && s.attr("messaging.consumer.group.name").is_some()
        })
        .unwrap_or_else(|| panic!("no store CONSUMER span in trace {trace}: {spans:#?}"));
    assert_child(process, send);
    assert_eq!(process.name, format!("process {positions}"));
    assert_eq!(process.attr("messaging.system"), Some("kafka"));
    assert_eq!(
        process.attr("messaging.consumer.group.name"),
        Some(format!("{prefix}porttrack-ships").as_str())
    );

    let store = only(&spans, "porttrack-ships", "INSERT positions");
    assert_child(store, process);
    assert_eq!(store.kind, CLIENT);
    assert_eq!(store.attr("db.system.name"), Some("postgresql"));

    // The index loop, reading every partition, joins the same trace too.
    assert!(
        spans.iter().any(|s| s.service == "porttrack-ships"
            && s.kind == CONSUMER
            && s.trace_id == trace
            && s.attr("messaging.consumer.group.name").is_none()),
        "index CONSUMER span in the trace"
    );

    queries_carry_the_callers_trace(&collector, &ships).await;
    logs_name_their_trace(&ships, &trace);
}

/// A REST and a gRPC query with a `traceparent` from the caller: the server
/// span and the database span below it belong to the caller's trace.
async fn queries_carry_the_callers_trace(collector: &Collector, ships: &Service) {
    let rest_trace = "0af7651916cd43dd8448eb211c80319c";
    let caller = "b7ad6b7169203331";
    let url = format!("{}/v1/vessels/{MMSI}/track", ships.http_url());
    let response = http()
        .get(&url)
        .header("traceparent", format!("00-{rest_trace}-{caller}-01"))
        .send()
        .await
        .expect("track");
    assert!(response.status().is_success(), "{}", response.status());

    let grpc_trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let mut client = ShipsServiceClient::connect(ships.grpc_url())
        .await
        .expect("connect");
    let mut request = tonic::Request::new(GetVesselRequest { mmsi: MMSI });
    request.metadata_mut().insert(
        "traceparent",
        format!("00-{grpc_trace}-{caller}-01").parse().unwrap(),
    );
    client.get_vessel(request).await.expect("GetVessel");

    let spans = eventually("query spans", Duration::from_secs(30), || {
        let spans = collector.spans();
        async move {
            let done = [rest_trace, grpc_trace].iter().all(|t| {
                [SERVER, CLIENT]
                    .iter()
                    .all(|k| spans.iter().any(|s| s.trace_id == *t && s.kind == *k))
            });
            done.then_some(spans)
        }
    })
    .await;

    let server = in_trace(&spans, rest_trace, SERVER);
    assert_eq!(server.name, "GET /v1/vessels/{mmsi}/track");
    assert_eq!(server.parent_span_id, caller);
    assert_eq!(server.attr("http.route"), Some("/v1/vessels/{mmsi}/track"));
    assert_eq!(server.attr("http.response.status_code"), Some("200"));
    let db = in_trace(&spans, rest_trace, CLIENT);
    assert_eq!(db.name, "SELECT track_points");
    assert_child(db, server);

    let server = in_trace(&spans, grpc_trace, SERVER);
    assert_eq!(server.name, "porttrack.ships.v1.ShipsService/GetVessel");
    assert_eq!(server.parent_span_id, caller);
    assert_eq!(server.attr("rpc.system"), Some("grpc"));
    assert_eq!(server.attr("rpc.grpc.status_code"), Some("0"));
    let db = in_trace(&spans, grpc_trace, CLIENT);
    assert_eq!(db.name, "SELECT vessels");
    assert_child(db, server);
}

/// The statements sqlx logs inside the store span carry its ids.
fn logs_name_their_trace(ships: &Service, trace: &str) {
    let log = ships.log();
    let lines: Vec<serde_json::Value> = log
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let in_trace: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["trace_id"].as_str() == Some(trace))
        .collect();
    assert!(
        !in_trace.is_empty(),
        "no log line carries trace {trace}:\n{}",
        log.join("\n")
    );
    for line in in_trace {
        let span_id = line["span_id"].as_str().unwrap_or_default();
        assert_eq!(span_id.len(), 16, "span id on {line}");
    }
    // Lines outside any span carry no ids (the "serving" line, for one).
    let serving = lines
        .iter()
        .find(|l| l["message"] == "serving")
        .expect("serving line");
    assert!(serving.get("trace_id").is_none(), "{serving}");
}

fn only<'a>(spans: &'a [CollectedSpan], service: &str, name: &str) -> &'a CollectedSpan {
    let found: Vec<&CollectedSpan> = spans
        .iter()
        .filter(|s| s.service == service && s.name == name)
        .collect();
    assert_eq!(found.len(), 1, "{service} {name}: {spans:#?}");
    found[0]
}

fn in_trace<'a>(spans: &'a [CollectedSpan], trace: &str, kind: i32) -> &'a CollectedSpan {
    spans
        .iter()
        .find(|s| s.trace_id == trace && s.kind == kind)
        .unwrap_or_else(|| panic!("no span of kind {kind} in trace {trace}: {spans:#?}"))
}

fn assert_child(child: &CollectedSpan, parent: &CollectedSpan) {
    assert_eq!(
        (child.trace_id.as_str(), child.parent_span_id.as_str()),
        (parent.trace_id.as_str(), parent.span_id.as_str()),
        "{} should be a child of {}",
        child.name,
        parent.name
    );
}

/// An event written to the outbox in a traced request is published later,
/// by the relay, in that request's trace.
#[tokio::test(flavor = "multi_thread")]
async fn an_outbox_event_is_published_in_the_trace_of_its_request() {
    let collector = Collector::start().await;
    let prefix = format!("{}.", unique("trace-outbox"));
    let env = [
        ("PORTTRACK_KAFKA_BROKERS", servers::kafka_brokers()),
        ("PORTTRACK_KAFKA_TOPIC_PREFIX", prefix.clone()),
        ("PORTTRACK_DATABASE_URL", servers::fresh_postgres().await),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("OTEL_BSP_SCHEDULE_DELAY", "100".to_owned()),
    ];
    let cargo = Service::start(BIN, &["cargo"], &env);
    wait_ready(&cargo).await;
    let trace = "5e0c63257de34c92bf9efcd03927272e";
    let response = http()
        .post(format!("{}/v1/manifests", cargo.http_url()))
        .header("traceparent", format!("00-{trace}-00f067aa0ba902b7-01"))
        .json(&serde_json::json!({
            "port_call_id": unique("call"),
            "mmsi": 257_600_001,
            "eta_ms": 1_900_000_000_000i64,
        }))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 201);

    let topic = format!("{prefix}porttrack.cargo.manifests.v1");
    let spans = eventually("the relay's spans", Duration::from_secs(30), || {
        let spans = collector.spans();
        let name = format!("send {topic}");
        async move {
            let sent = spans.iter().any(|s| s.name == name && s.trace_id == trace);
            let served = spans
                .iter()
                .any(|s| s.kind == SERVER && s.trace_id == trace);
            let relayed = spans.iter().any(|s| s.name == "relay outbox");
            (sent && served && relayed).then_some(spans)
        }
    })
    .await;
    let server = in_trace(&spans, trace, SERVER);
    assert_eq!(server.name, "POST /v1/manifests");
    let relay = only(&spans, "porttrack-cargo", "relay outbox");
    assert_child(relay, server);
    let send = only(&spans, "porttrack-cargo", &format!("send {topic}"));
    assert_child(send, relay);
    assert_eq!(send.kind, PRODUCER);
}
