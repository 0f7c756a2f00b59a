//! Scenarios: one TOML file says how big the port is, how fast it reports,
//! which transports carry it, and who reads at the same time.

use std::{path::Path, time::Duration};

use serde::Deserialize;

use crate::sim::{Pace, SimConfig, Simulator};

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("reading {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Parse(#[from] toml::de::Error),
    #[error("scenario key `{key}`: {problem}")]
    Invalid { key: &'static str, problem: String },
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    /// Seconds of traffic.
    pub duration_s: f64,
    #[serde(default = "one")]
    pub seed: u64,
    pub vessels: u32,
    /// Positions per second for the whole port; absent: AIS's real intervals.
    pub rate: Option<f64>,
    #[serde(default = "yes")]
    pub static_data: bool,
    #[serde(default)]
    pub malformed_share: f64,
    #[serde(default)]
    pub duplicate_share: f64,
    /// Seconds to wait after the traffic for the last positions to land.
    #[serde(default = "ten")]
    pub settle_s: f64,
    #[serde(default)]
    pub transports: Transports,
    #[serde(default)]
    pub readers: Readers,
    #[serde(default)]
    pub subscribers: Subscribers,
    /// Environment for a suite the run starts itself (`--target spawn`),
    /// such as a limit the scenario must lift; a suite already running is
    /// taken as it is. `--spawn-env` adds to it and wins.
    #[serde(default)]
    pub spawn_env: std::collections::BTreeMap<String, String>,
}

/// Share of the vessels each transport carries (integer weights). A vessel
/// always uses one transport, so its reports stay in order.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Transports {
    pub tcp: u32,
    pub udp: u32,
    pub grpc_nmea: u32,
    pub grpc_positions: u32,
    pub rest: u32,
    /// TCP feeds opened (vessels are spread over them).
    pub tcp_connections: u32,
    /// Items per gRPC stream or REST request at most.
    pub batch: usize,
    /// Requests in flight per transport at most; beyond it requests wait
    /// (and the wait counts as latency).
    pub in_flight: usize,
}

impl Default for Transports {
    fn default() -> Self {
        Self {
            tcp: 1,
            udp: 0,
            grpc_nmea: 0,
            grpc_positions: 0,
            rest: 0,
            tcp_connections: 4,
            batch: 100,
            in_flight: 64,
        }
    }
}

/// Requests per second of each port-authority query (gRPC).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Readers {
    pub get_vessel: f64,
    pub bbox: f64,
    pub nearest: f64,
    pub track: f64,
    /// Sent positions per second followed until a query returns them.
    pub visibility_probes: f64,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Subscribers {
    pub grpc: u32,
    pub sse: u32,
}

fn one() -> u64 {
    1
}
fn yes() -> bool {
    true
}
fn ten() -> f64 {
    10.0
}

impl Scenario {
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Self, ScenarioError> {
        let s: Scenario = toml::from_str(text)?;
        s.validate()?;
        Ok(s)
    }

    pub fn validate(&self) -> Result<(), ScenarioError> {
        let bad = |key, problem: &str| {
            Err(ScenarioError::Invalid {
                key,
                problem: problem.to_owned(),
            })
        };
        if self.duration_s.is_nan() || self.duration_s <= 0.0 {
            return bad("duration_s", "must be positive");
        }
        if self.vessels == 0 {
            return bad("vessels", "at least one vessel");
        }
        if let Some(rate) = self.rate {
            if rate.is_nan() || rate <= 0.0 {
                return bad("rate", "must be positive");
            }
            if Simulator::aggregate_interval(self.vessels, rate) < crate::sim::MIN_INTERVAL {
                return bad(
                    "rate",
                    "more than one report per vessel per second: add vessels (NMEA times have one-second resolution)",
                );
            }
        }
        for (key, share) in [
            ("malformed_share", self.malformed_share),
            ("duplicate_share", self.duplicate_share),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return bad(key, "a share between 0 and 1");
            }
        }
        let t = &self.transports;
        if t.tcp + t.udp + t.grpc_nmea + t.grpc_positions + t.rest == 0 {
            return bad("transports", "give at least one transport a weight");
        }
        if t.tcp_connections == 0 || t.batch == 0 || t.in_flight == 0 {
            return bad(
                "transports",
                "tcp_connections, batch and in_flight must be positive",
            );
        }
        Ok(())
    }

    pub fn duration(&self) -> Duration {
        Duration::from_secs_f64(self.duration_s)
    }

    pub fn settle(&self) -> Duration {
        Duration::from_secs_f64(self.settle_s.max(0.0))
    }

    pub fn sim_config(&self, epoch_ms: i64) -> SimConfig {
        SimConfig {
            vessels: self.vessels,
            seed: self.seed,
            epoch_ms,
            pace: self.rate.map_or(Pace::Realistic, Pace::Aggregate),
            static_data: self.static_data,
            malformed_share: self.malformed_share,
            duplicate_share: self.duplicate_share,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_scenario_parses() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            Scenario::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            n += 1;
        }
        assert!(n >= 2);
    }

    #[test]
    fn defaults_and_bad_values_name_their_key() {
        let s = Scenario::parse("name = \"x\"\nduration_s = 1\nvessels = 3\n").unwrap();
        assert_eq!(s.transports.tcp, 1);
        assert!(s.static_data);
        assert_eq!(s.rate, None);
        let err = Scenario::parse("name = \"x\"\nduration_s = 1\nvessels = 3\nrate = 10\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`rate`"), "{err}");
        let err =
            Scenario::parse("name = \"x\"\nduration_s = 1\nvessels = 3\nmalformed_share = 2\n")
                .unwrap_err()
                .to_string();
        assert!(err.contains("malformed_share"), "{err}");
        assert!(Scenario::parse("name = \"x\"\nduration_s = 1\nvessels = 3\nspeed = 2\n").is_err());
    }
}
