//! Metric names of the ingest service, in one place. Labels are bounded:
//! transport, reason and message type, never an MMSI or a peer address.

pub const RECEIVED: &str = "porttrack_ingest_inputs_received_total";
pub const ACCEPTED: &str = "porttrack_ingest_events_accepted_total";
pub const REJECTED: &str = "porttrack_ingest_inputs_rejected_total";
pub const SKIPPED: &str = "porttrack_ingest_messages_skipped_total";
pub const PRODUCE_FAILED: &str = "porttrack_ingest_produce_failures_total";
pub const BACKPRESSURE: &str = "porttrack_ingest_backpressure_total";
pub const QUEUE_DEPTH: &str = "porttrack_ingest_produce_queue_depth";
pub const PRODUCE_SECONDS: &str = "porttrack_ingest_produce_seconds";
pub const CONNECTIONS: &str = "porttrack_ingest_nmea_connections";

pub fn describe() {
    metrics::describe_counter!(
        RECEIVED,
        "Inputs received (NMEA lines, structured reports), by transport."
    );
    metrics::describe_counter!(ACCEPTED, "Events stored in Kafka, by kind.");
    metrics::describe_counter!(REJECTED, "Inputs refused, by transport and reason.");
    metrics::describe_counter!(
        SKIPPED,
        "Valid AIS messages of types PortTrack does not track, by type."
    );
    metrics::describe_counter!(PRODUCE_FAILED, "Events Kafka did not take in time.");
    metrics::describe_counter!(
        BACKPRESSURE,
        "Requests refused because the produce queue was full."
    );
    metrics::describe_gauge!(
        QUEUE_DEPTH,
        "Events queued for Kafka and not yet acknowledged."
    );
    metrics::describe_histogram!(
        PRODUCE_SECONDS,
        metrics::Unit::Seconds,
        "Time from queueing an event to Kafka's acknowledgement."
    );
    metrics::describe_gauge!(CONNECTIONS, "Open NMEA TCP connections.");
}
