//! Metric names of what the position stream does in routes. Labels are
//! fixed sets (`kind`), never a zone, port call or MMSI.
//!
//! - `porttrack_routes_zone_events_total{kind}`: `entered` or `left`, one
//!   per vessel and zone boundary crossed.
//! - `porttrack_routes_port_calls_total{kind}`: `arrived` (a call became
//!   berthed) or `departed` (it left its berth), moved by positions.
//!
//! Counted once the change is committed, so a retried or replayed position
//! counts nothing twice.

use crate::{domain::PortCallState, store::Applied};

pub const ZONE_EVENTS: &str = "porttrack_routes_zone_events_total";
pub const PORT_CALLS: &str = "porttrack_routes_port_calls_total";

pub fn describe() {
    use metrics::Unit::Count;
    metrics::describe_counter!(
        ZONE_EVENTS,
        Count,
        "Vessels crossing a zone boundary, by kind (entered, left)."
    );
    metrics::describe_counter!(
        PORT_CALLS,
        Count,
        "Port calls moved by positions, by kind (arrived, departed)."
    );
    for kind in ["entered", "left"] {
        metrics::counter!(ZONE_EVENTS, "kind" => kind).increment(0);
    }
    for kind in ["arrived", "departed"] {
        metrics::counter!(PORT_CALLS, "kind" => kind).increment(0);
    }
}

/// Counts what one committed position changed.
pub fn applied(applied: &Applied) {
    if !applied.fresh {
        return;
    }
    let zones = [("entered", &applied.entered), ("left", &applied.exited)];
    for (kind, ids) in zones {
        if !ids.is_empty() {
            metrics::counter!(ZONE_EVENTS, "kind" => kind).increment(ids.len() as u64);
        }
    }
    for (_, _, to) in &applied.transitions {
        let kind = match to {
            PortCallState::Berthed => "arrived",
            PortCallState::Departed => "departed",
            _ => continue,
        };
        metrics::counter!(PORT_CALLS, "kind" => kind).increment(1);
    }
}
