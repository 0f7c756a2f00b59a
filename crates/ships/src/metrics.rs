//! Metric names of the ships service. No MMSI is ever a label.

use porttrack_proto::events::v1::topics;

pub const STORED: &str = "porttrack_ships_changes_stored_total";
pub const APPLIED: &str = "porttrack_ships_positions_applied_total";
pub const TRACKED: &str = "porttrack_ships_vessels_tracked";
pub const UNREADABLE: &str = "porttrack_ships_unreadable_records_total";
pub const STORE_ERRORS: &str = "porttrack_ships_store_errors_total";
pub const COMMIT_ERRORS: &str = "porttrack_ships_commit_errors_total";
pub const SUBSCRIBERS: &str = "porttrack_ships_live_subscribers";
pub const EVENT_TIME_LAG: &str = "porttrack_ships_event_time_lag_seconds";
pub const PUBLISH_TO_APPLY: &str = "porttrack_ships_publish_to_apply_seconds";
pub const LIVE_SKIPPED: &str = "porttrack_ships_live_skipped_total";

pub fn describe() {
    use metrics::Unit::Count;
    metrics::describe_counter!(
        STORED,
        Count,
        "Position and static changes written to the database."
    );
    metrics::describe_counter!(
        APPLIED,
        Count,
        "Positions that moved a vessel in the in-memory index."
    );
    metrics::describe_gauge!(TRACKED, Count, "Vessels in the in-memory index.");
    metrics::describe_counter!(
        UNREADABLE,
        Count,
        "Kafka records skipped because they could not be decoded."
    );
    metrics::describe_counter!(
        STORE_ERRORS,
        Count,
        "Database writes that failed and were retried."
    );
    metrics::describe_counter!(COMMIT_ERRORS, Count, "Kafka offset commits that failed.");
    metrics::describe_gauge!(
        SUBSCRIBERS,
        Count,
        "Open live position streams (gRPC and SSE)."
    );
    metrics::describe_histogram!(
        EVENT_TIME_LAG,
        metrics::Unit::Seconds,
        "Time from a position's AIS timestamp to its application in the live index."
    );
    metrics::describe_histogram!(
        PUBLISH_TO_APPLY,
        metrics::Unit::Seconds,
        "Time from ingest publishing a position (the record's timestamp) to its application in the live index: the broker hop and the consumer, without the vessel's clock."
    );
    metrics::describe_counter!(
        LIVE_SKIPPED,
        Count,
        "Positions live subscribers skipped because they fell too far behind."
    );
    // Present (at 0) before the first position, for rates and alerts.
    metrics::counter!(APPLIED).increment(0);
    metrics::gauge!(TRACKED).increment(0.0);
    metrics::counter!(STORED).increment(0);
    metrics::counter!(STORE_ERRORS).increment(0);
    metrics::counter!(COMMIT_ERRORS).increment(0);
    metrics::gauge!(SUBSCRIBERS).increment(0.0);
    metrics::counter!(LIVE_SKIPPED).increment(0);
    for topic in [topics::POSITIONS, topics::STATIC] {
        metrics::counter!(UNREADABLE, "topic" => topic).increment(0);
    }
}
