//! Where the end-to-end time went, from the suite's own `/metrics` scraped
//! before and after the run: the part spent between ingest publishing a
//! position and ships applying it (the broker hop and the consumer), and
//! so, by difference, what the rest of the path (feed, ingest, the live
//! stream) added. Without this split a slow broker and a slow PortTrack
//! look the same from the client.

use serde::Serialize;

use crate::prom::{Sample, Scrape, quantile};

const PUBLISH_TO_APPLY: &str = "porttrack_ships_publish_to_apply_seconds";
const PRODUCE: &str = "porttrack_ingest_produce_seconds";
const LIVE_SKIPPED: &str = "porttrack_ships_live_skipped_total";

/// The suite's side of the run, from two scrapes of its `/metrics`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stages {
    /// Positions ships applied to its live index during the run.
    pub applied: u64,
    /// From ingest publishing a position (the record's timestamp) to ships
    /// applying it: the broker hop (Kafka or the embedded log) and the
    /// consumer. The mean is exact; quantiles are bucket estimates.
    pub publish_to_apply_mean_ms: f64,
    pub publish_to_apply_p50_ms: Option<f64>,
    pub publish_to_apply_p99_ms: Option<f64>,
    /// Ingest's produce call to its acknowledgement (by Kafka, or by the
    /// embedded log's append); absent when ingest is not at this address.
    pub produce_ack_mean_ms: Option<f64>,
    /// Positions the suite's live feeds skipped because a subscriber fell a
    /// whole buffer behind: what a live reconciliation misses, if anything,
    /// should be these.
    pub live_skipped: u64,
}

impl Stages {
    /// `None` when the suite applied nothing it could time (no ships in
    /// `after`, or no traffic).
    pub fn between(before: &Scrape, after: &Scrape) -> Option<Self> {
        let d: Vec<Sample> = after.since(before).collect();
        let total = |name: &str| -> f64 {
            d.iter()
                .filter(|s| s.name == name)
                .map(|s| s.value)
                .sum::<f64>()
        };
        let mean_ms = |histogram: &str| -> Option<f64> {
            let count = total(&format!("{histogram}_count"));
            (count > 0.0).then(|| total(&format!("{histogram}_sum")) / count * 1000.0)
        };
        let bucket = format!("{PUBLISH_TO_APPLY}_bucket");
        let at = |q: f64| quantile(q, d.iter().filter(|s| s.name == bucket)).map(|s| s * 1000.0);
        Some(Self {
            applied: total(&format!("{PUBLISH_TO_APPLY}_count")) as u64,
            publish_to_apply_mean_ms: mean_ms(PUBLISH_TO_APPLY)?,
            publish_to_apply_p50_ms: at(0.5),
            publish_to_apply_p99_ms: at(0.99),
            produce_ack_mean_ms: mean_ms(PRODUCE),
            live_skipped: total(LIVE_SKIPPED) as u64,
        })
    }

    /// What the rest of the path added on average: the live end-to-end mean
    /// less the publish-to-apply mean.
    pub fn rest_mean_ms(&self, end_to_end_mean_ms: f64) -> f64 {
        end_to_end_mean_ms - self.publish_to_apply_mean_ms
    }
}

/// The suite's `/metrics` now, or `None` if it does not answer (the run
/// goes on without the split).
pub async fn scrape(http: &reqwest::Client, base: &str) -> Option<Scrape> {
    let text = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .ok()?
        .error_for_status()
        .ok()?
        .text()
        .await
        .ok()?;
    Some(Scrape::of(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exposition(count: u64, sum: f64, le_10ms: u64, produce: Option<(u64, f64)>) -> String {
        let mut s = format!("porttrack_ships_live_skipped_total {}\n", count / 10);
        s += &format!(
            "porttrack_ships_publish_to_apply_seconds_bucket{{le=\"0.01\"}} {le_10ms}\n\
             porttrack_ships_publish_to_apply_seconds_bucket{{le=\"0.1\"}} {count}\n\
             porttrack_ships_publish_to_apply_seconds_bucket{{le=\"+Inf\"}} {count}\n\
             porttrack_ships_publish_to_apply_seconds_sum {sum}\n\
             porttrack_ships_publish_to_apply_seconds_count {count}\n"
        );
        if let Some((n, sum)) = produce {
            s += &format!(
                "porttrack_ingest_produce_seconds_sum {sum}\nporttrack_ingest_produce_seconds_count {n}\n"
            );
        }
        s
    }

    #[test]
    fn only_the_run_counts_not_what_came_before() {
        // 10 positions before the run (0.5 s in all), 100 more in it (2 s).
        let before = Scrape::of(&exposition(10, 0.5, 0, Some((10, 1.0))));
        let after = Scrape::of(&exposition(110, 2.5, 50, Some((110, 3.0))));
        let s = Stages::between(&before, &after).expect("stages");
        assert_eq!(s.applied, 100);
        assert!((s.publish_to_apply_mean_ms - 20.0).abs() < 1e-9, "{s:?}");
        // Rank 50 of 100 is the last of the 50 under 10 ms.
        assert!((s.publish_to_apply_p50_ms.unwrap() - 10.0).abs() < 1e-9);
        assert!((s.produce_ack_mean_ms.unwrap() - 20.0).abs() < 1e-9);
        assert!((s.rest_mean_ms(21.5) - 1.5).abs() < 1e-9);
        assert_eq!(s.live_skipped, 10);
    }

    #[test]
    fn no_positions_applied_gives_no_split() {
        let before = Scrape::of(&exposition(10, 0.5, 0, None));
        assert_eq!(Stages::between(&before, &before), None);
        assert_eq!(
            Stages::between(&Scrape::default(), &Scrape::default()),
            None
        );
    }

    #[test]
    fn ships_alone_gives_the_split_without_produce_timings() {
        let after = Scrape::of(&exposition(4, 0.004, 4, None));
        let s = Stages::between(&Scrape::default(), &after).expect("stages");
        assert_eq!(s.produce_ack_mean_ms, None);
        assert!((s.publish_to_apply_mean_ms - 1.0).abs() < 1e-9);
    }
}
