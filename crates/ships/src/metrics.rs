//! Metric names of the ships service. No MMSI is ever a label.

pub const STORED: &str = "porttrack_ships_changes_stored_total";
pub const APPLIED: &str = "porttrack_ships_positions_applied_total";
pub const TRACKED: &str = "porttrack_ships_vessels_tracked";
pub const UNREADABLE: &str = "porttrack_ships_unreadable_records_total";
pub const STORE_ERRORS: &str = "porttrack_ships_store_errors_total";
pub const COMMIT_ERRORS: &str = "porttrack_ships_commit_errors_total";
pub const SUBSCRIBERS: &str = "porttrack_ships_live_subscribers";

pub fn describe() {
    metrics::describe_counter!(
        STORED,
        "Position and static changes written to the database."
    );
    metrics::describe_counter!(
        APPLIED,
        "Positions that moved a vessel in the in-memory index."
    );
    metrics::describe_gauge!(TRACKED, "Vessels in the in-memory index.");
    metrics::describe_counter!(
        UNREADABLE,
        "Kafka records skipped because they could not be decoded."
    );
    metrics::describe_counter!(
        STORE_ERRORS,
        "Database writes that failed and were retried."
    );
    metrics::describe_counter!(COMMIT_ERRORS, "Kafka offset commits that failed.");
    metrics::describe_gauge!(SUBSCRIBERS, "Open live position streams (gRPC and SSE).");
}
