//! The `feed` label of `porttrack_ingest_inputs_received_total`: which feed
//! an input came from, as the feed names itself, bounded.
//!
//! - NMEA lines: the NMEA 4.10 tag block's source (`\s:STATION*hh\`), else
//!   the `source` a gRPC `NmeaLine` declares, else [`UNKNOWN`].
//! - Structured reports (gRPC, REST): their `source` field (REST fills in
//!   `http` when a report has none), else [`UNKNOWN`].
//!
//! Never a peer address: those are unbounded and say nothing about which
//! station a line was heard by. The first [`MAX_FEEDS`] distinct names a
//! process sees become label values; later ones, and names that are not
//! short plain identifiers, count as [`OTHER`], so a misbehaving producer
//! cannot grow the series without bound.

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
};

use metrics::SharedString;

/// Distinct feed names a process labels before it answers [`OTHER`].
pub const MAX_FEEDS: usize = 64;
/// The input did not name its feed.
pub const UNKNOWN: &str = "unknown";
/// Past the cap, or a name unfit for a label.
pub const OTHER: &str = "other";
/// Longest feed name kept as a label value.
const MAX_NAME: usize = 64;

static FEEDS: FeedLabels = FeedLabels::new(MAX_FEEDS);

/// The label for an input whose feed declared `name`.
pub fn label(name: Option<&str>) -> SharedString {
    FEEDS.label(name)
}

/// The NMEA 4.10 tag block source (`s:`) of `line`, if it has one.
pub fn tag_block_source(line: &str) -> Option<&str> {
    let block = line.trim_start().strip_prefix('\\')?.split_once('\\')?.0;
    let fields = block.split_once('*').map_or(block, |(fields, _)| fields);
    fields
        .split(',')
        .find_map(|f| f.strip_prefix("s:"))
        .filter(|s| !s.is_empty())
}

/// Feed names seen so far, up to a cap.
#[derive(Debug)]
pub struct FeedLabels {
    max: usize,
    known: Mutex<BTreeSet<Arc<str>>>,
}

impl FeedLabels {
    pub const fn new(max: usize) -> Self {
        Self {
            max,
            known: Mutex::new(BTreeSet::new()),
        }
    }

    pub fn label(&self, name: Option<&str>) -> SharedString {
        let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
            return SharedString::const_str(UNKNOWN);
        };
        if !fit_for_label(name) {
            return SharedString::const_str(OTHER);
        }
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(seen) = known.get(name) {
            return SharedString::from(seen.clone());
        }
        if known.len() >= self.max {
            return SharedString::const_str(OTHER);
        }
        let name: Arc<str> = Arc::from(name);
        known.insert(name.clone());
        SharedString::from(name)
    }
}

/// Short, and only characters station names use, so a label value never
/// needs escaping and never carries free text.
fn fit_for_label(name: &str) -> bool {
    name.len() <= MAX_NAME
        && name != UNKNOWN
        && name != OTHER
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kept_up_to_the_cap_then_other() {
        let feeds = FeedLabels::new(3);
        for name in ["a", "b", "c"] {
            assert_eq!(feeds.label(Some(name)).as_ref(), name);
        }
        assert_eq!(feeds.label(Some("d")).as_ref(), OTHER);
        // Names seen before the cap keep their label.
        assert_eq!(feeds.label(Some("b")).as_ref(), "b");
        assert_eq!(feeds.label(Some("e")).as_ref(), OTHER);
    }

    #[test]
    fn missing_or_unfit_names_never_use_a_slot() {
        let feeds = FeedLabels::new(1);
        assert_eq!(feeds.label(None).as_ref(), UNKNOWN);
        assert_eq!(feeds.label(Some("  ")).as_ref(), UNKNOWN);
        assert_eq!(feeds.label(Some("has space")).as_ref(), OTHER);
        assert_eq!(feeds.label(Some("quote\"")).as_ref(), OTHER);
        assert_eq!(feeds.label(Some(&"x".repeat(65))).as_ref(), OTHER);
        assert_eq!(feeds.label(Some(OTHER)).as_ref(), OTHER);
        assert_eq!(feeds.label(Some("rORBCOMM000")).as_ref(), "rORBCOMM000");
        assert_eq!(feeds.label(Some("another")).as_ref(), OTHER);
    }

    #[test]
    fn tag_block_source_is_read_without_validating_the_line() {
        let line = r"\s:2573155,c:1725000000*5A\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
        assert_eq!(tag_block_source(line), Some("2573155"));
        assert_eq!(
            tag_block_source(r"\c:1725000000,s:ab*00\!AIVDM"),
            Some("ab")
        );
        assert_eq!(tag_block_source(r"\c:1725000000*00\!AIVDM"), None);
        assert_eq!(tag_block_source(r"\s:*00\!AIVDM"), None);
        assert_eq!(tag_block_source("!AIVDM,1,1,,A,15RT,0*4A"), None);
        assert_eq!(tag_block_source(r"\s:unterminated"), None);
    }
}
