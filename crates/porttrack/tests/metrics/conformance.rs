//! Every service's `/metrics` as a whole: nothing for promtool to complain
//! about, and every metric of the contract exposed with its labels.

use std::collections::BTreeSet;

use porttrack_proto::ships::v1::{GetVesselRequest, ships_service_client::ShipsServiceClient};
use porttrack_testkit::process::Service;

use crate::{
    common::{metrics_text, sample_sentences, send_tcp, up_ready},
    exposition::{contract, matching, parse, promtool_check, until},
    pipeline::{ingest_metrics, routes_metrics},
    suite::{MMSI, Suite, traffic},
};

#[tokio::test(flavor = "multi_thread")]
async fn promtool_finds_nothing_to_complain_about_on_any_service() {
    let suite = Suite::start().await;
    traffic(&suite).await;
    // Every series the traffic creates is in place: Kafka reports, lag,
    // the routes' counters.
    ingest_metrics(&suite).await;
    routes_metrics(&suite).await;
    let (up, _dir) = up_ready().await;
    send_tcp(&up, &sample_sentences()).await;
    until(&up, "the embedded log's lag", |s| {
        !matching(s, "porttrack_kafka_consumer_lag_messages", &[]).is_empty()
    })
    .await;

    let mut services: Vec<(&str, &Service)> = suite.all().to_vec();
    services.push(("up", &up));
    let mut complaints = Vec::new();
    for (name, service) in services {
        let text = metrics_text(service).await;
        assert!(text.contains("porttrack_"), "{name} exposes metrics");
        let found = promtool_check(&text);
        if !found.is_empty() {
            complaints.push(format!("{name}:\n{found}"));
        }
    }
    assert!(
        complaints.is_empty(),
        "promtool check metrics:\n{}",
        complaints.join("\n")
    );
}

/// Every metric the contract lists is on some service's `/metrics` after
/// traffic, with the type and exactly the label names it lists.
#[tokio::test(flavor = "multi_thread")]
async fn every_metric_in_the_contract_is_exposed_with_its_labels() {
    let contract = contract();
    let suite = Suite::start().await;
    traffic(&suite).await;
    ingest_metrics(&suite).await;
    routes_metrics(&suite).await;
    let mut ships = ShipsServiceClient::connect(suite.ships.grpc_url())
        .await
        .expect("connect");
    ships
        .get_vessel(GetVesselRequest { mmsi: MMSI })
        .await
        .expect("GetVessel");

    let mut exposed = String::new();
    for (_, service) in suite.all() {
        exposed.push_str(&metrics_text(service).await);
    }
    let all = parse(&exposed);
    let mut problems = Vec::new();
    for c in &contract {
        let declared = exposed
            .lines()
            .find_map(|l| l.strip_prefix(&format!("# TYPE {} ", c.name)));
        if declared != Some(c.kind.as_str()) {
            problems.push(format!(
                "{}: type {declared:?}, contract says {}",
                c.name, c.kind
            ));
        }
        let series_name = if c.kind == "histogram" {
            format!("{}_count", c.name)
        } else {
            c.name.clone()
        };
        let series = matching(&all, &series_name, &[]);
        if series.is_empty() {
            problems.push(format!("{}: no series on any service", c.name));
        }
        for s in series {
            let labels: BTreeSet<String> = s.labels.keys().cloned().collect();
            if labels != c.labels {
                problems.push(format!(
                    "{}: labels {labels:?}, contract says {:?}",
                    c.name, c.labels
                ));
                break;
            }
        }
    }
    assert!(
        problems.is_empty(),
        "metric contract:\n{}",
        problems.join("\n")
    );
}
