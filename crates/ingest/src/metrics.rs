//! Metric names of the ingest service, in one place. Labels are bounded:
//! transport (`tcp`, `udp`, `grpc`, `rest`), feed (see [`crate::feed`]),
//! reason, kind and AIS message type, never an MMSI or a peer address.

pub const RECEIVED: &str = "porttrack_ingest_inputs_received_total";
pub const DECODED: &str = "porttrack_ingest_messages_decoded_total";
pub const ACCEPTED: &str = "porttrack_ingest_events_accepted_total";
pub const REJECTED: &str = "porttrack_ingest_inputs_rejected_total";
pub const SKIPPED: &str = "porttrack_ingest_messages_skipped_total";
pub const DUPLICATES: &str = "porttrack_ingest_duplicates_suppressed_total";
pub const FRAGMENTS_PENDING: &str = "porttrack_ingest_fragments_pending";
pub const PRODUCE_FAILED: &str = "porttrack_ingest_produce_failures_total";
pub const BACKPRESSURE: &str = "porttrack_ingest_backpressure_total";
pub const QUEUE_DEPTH: &str = "porttrack_ingest_produce_queue_depth";
pub const PRODUCE_SECONDS: &str = "porttrack_ingest_produce_seconds";
pub const CONNECTIONS: &str = "porttrack_ingest_nmea_connections";
pub const SOURCES_REFUSED: &str = "porttrack_ingest_sources_refused_total";
pub const RATE_LIMITED: &str = "porttrack_ingest_rate_limited_total";

/// Every transport, for series that should exist (at 0) from the start.
const TRANSPORTS: [&str; 4] = ["tcp", "udp", "grpc", "rest"];

pub fn describe() {
    use metrics::Unit::Count;
    metrics::describe_counter!(
        RECEIVED,
        Count,
        "Inputs received (NMEA lines, structured reports), by transport and feed."
    );
    metrics::describe_counter!(
        DECODED,
        Count,
        "AIS messages decoded (multi-sentence messages once complete), by message type."
    );
    metrics::describe_counter!(ACCEPTED, Count, "Events queued for Kafka, by kind.");
    metrics::describe_counter!(REJECTED, Count, "Inputs refused, by transport and reason.");
    metrics::describe_counter!(
        SKIPPED,
        Count,
        "Valid AIS messages of types PortTrack does not track, by type."
    );
    metrics::describe_counter!(
        DUPLICATES,
        Count,
        "AIS messages dropped as copies of one accepted within the dedup window."
    );
    metrics::describe_gauge!(
        FRAGMENTS_PENDING,
        Count,
        "Multi-sentence AIS messages waiting for their other parts."
    );
    metrics::describe_counter!(PRODUCE_FAILED, Count, "Events Kafka did not take in time.");
    metrics::describe_counter!(
        BACKPRESSURE,
        Count,
        "Inputs refused or dropped because the produce queue was full, by transport."
    );
    metrics::describe_gauge!(
        QUEUE_DEPTH,
        Count,
        "Events queued for Kafka and not yet acknowledged."
    );
    metrics::describe_histogram!(
        PRODUCE_SECONDS,
        metrics::Unit::Seconds,
        "Time from queueing an event to Kafka's acknowledgement."
    );
    metrics::describe_gauge!(CONNECTIONS, Count, "Open NMEA TCP connections.");
    metrics::describe_counter!(
        SOURCES_REFUSED,
        Count,
        "NMEA connections (TCP) and datagrams (UDP) from sources not in PORTTRACK_NMEA_ALLOW."
    );
    metrics::describe_counter!(
        RATE_LIMITED,
        Count,
        "NMEA lines over their source's rate: delayed (TCP) or dropped (UDP)."
    );

    // Series alerts and rates read exist at 0 before the first event.
    metrics::counter!(DUPLICATES).increment(0);
    metrics::counter!(PRODUCE_FAILED).increment(0);
    metrics::gauge!(FRAGMENTS_PENDING).increment(0.0);
    metrics::gauge!(QUEUE_DEPTH).increment(0.0);
    metrics::gauge!(CONNECTIONS).increment(0.0);
    for transport in TRANSPORTS {
        metrics::counter!(BACKPRESSURE, "transport" => transport).increment(0);
    }
    for transport in ["tcp", "udp"] {
        metrics::counter!(SOURCES_REFUSED, "transport" => transport).increment(0);
    }
    for transport in ["tcp", "udp", "grpc"] {
        metrics::counter!(RATE_LIMITED, "transport" => transport).increment(0);
    }
}

/// The `msg_type` label: AIS types are 1 to 27; anything else is `other`.
pub fn msg_type_label(msg_type: u8) -> &'static str {
    const TYPES: [&str; 28] = [
        "other", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
        "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27",
    ];
    TYPES.get(usize::from(msg_type)).copied().unwrap_or("other")
}
