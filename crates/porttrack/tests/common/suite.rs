//! A deployment for metrics tests: every service in its own process on the
//! test broker and PostgreSQL, and traffic that exercises what the
//! dashboards show.

use porttrack_testkit::{process::Service, rfc3339, servers, unique};

use crate::common::{BIN, http, sample_sentences, send_tcp, wait_ready};

/// The services of a deployment, each in its own process, on the test
/// broker and PostgreSQL.
pub struct Suite {
    pub prefix: String,
    pub ingest: Service,
    pub ships: Service,
    pub routes: Service,
    pub staff: Service,
    pub cargo: Service,
}

impl Suite {
    pub async fn start() -> Self {
        let prefix = format!("{}.", unique("metrics"));
        let bus = [
            ("PORTTRACK_KAFKA_BROKERS", servers::kafka_brokers()),
            ("PORTTRACK_KAFKA_TOPIC_PREFIX", prefix.clone()),
            // Copies are recognised however slow the machine is.
            ("PORTTRACK_DEDUP_WINDOW", "10m".to_owned()),
        ];
        let with_db = |url: String| [&bus[..], &[("PORTTRACK_DATABASE_URL", url)]].concat();
        let suite = Self {
            ingest: Service::start(BIN, &["ingest"], &bus),
            ships: Service::start(BIN, &["ships"], &with_db(servers::fresh_postgres().await)),
            routes: Service::start(BIN, &["routes"], &with_db(servers::fresh_postgres().await)),
            staff: Service::start(BIN, &["staff"], &with_db(servers::fresh_postgres().await)),
            cargo: Service::start(BIN, &["cargo"], &with_db(servers::fresh_postgres().await)),
            prefix,
        };
        for (_, service) in suite.all() {
            wait_ready(service).await;
        }
        suite
    }

    pub fn all(&self) -> [(&'static str, &Service); 5] {
        [
            ("ingest", &self.ingest),
            ("ships", &self.ships),
            ("routes", &self.routes),
            ("staff", &self.staff),
            ("cargo", &self.cargo),
        ]
    }

    pub fn group(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    pub fn topic(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }
}

pub const MMSI: u32 = 257_800_001;
/// The feed of the structured reports [`traffic`] posts.
pub const RADAR_FEED: &str = "harbour-radar";
/// The station of the tag-blocked copy [`traffic`] sends.
pub const STATION: &str = "station-b";
/// A sentence of gpsd's sample (vessel 371798000).
pub const SAMPLE_LINE: &str = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
/// The first of two parts of a type 5 message in the sample.
pub const FIRST_FRAGMENT: &str =
    "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C";

pub fn ring(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> serde_json::Value {
    serde_json::json!([
        { "lon": min_lon, "lat": min_lat }, { "lon": max_lon, "lat": min_lat },
        { "lon": max_lon, "lat": max_lat }, { "lon": min_lon, "lat": max_lat },
    ])
}

pub async fn post(url: String, body: serde_json::Value) -> serde_json::Value {
    let r = http().post(&url).json(&body).send().await.expect("POST");
    let status = r.status();
    let v: serde_json::Value = r.json().await.expect("json");
    assert!(status.is_success(), "POST {url}: {status} {v}");
    v
}

/// `line` with an NMEA 4.10 tag block naming `station` as its source.
pub fn tagged(line: &str, station: &str) -> String {
    let tag = format!("s:{station}");
    let sum = tag.bytes().fold(0u8, |acc, b| acc ^ b);
    format!("\\{tag}*{sum:02X}\\{line}\r\n")
}

/// gpsd's sample over TCP, a copy of one of its sentences as another
/// station heard it, and a vessel that enters the port approach, berths
/// and leaves its berth (REST, from a named feed).
pub async fn traffic(suite: &Suite) {
    let routes = suite.routes.http_url();
    post(
        format!("{routes}/v1/zones"),
        serde_json::json!({ "name": "Oslo approach", "kind": "port_approach", "ring": ring(10.5, 59.7, 10.8, 59.92) }),
    )
    .await;
    let berth = post(
        format!("{routes}/v1/zones"),
        serde_json::json!({ "name": "Sjursøya 1", "kind": "berth", "ring": ring(10.755, 59.885, 10.765, 59.895) }),
    )
    .await;
    let now = porttrack_platform::time::now_ms();
    post(
        format!("{routes}/v1/port-calls"),
        serde_json::json!({ "mmsi": MMSI, "destination": "NOOSL", "berth_id": berth["id"], "eta_ms": now + 3_600_000 }),
    )
    .await;

    send_tcp(&suite.ingest, &sample_sentences()).await;
    send_tcp(&suite.ingest, &tagged(SAMPLE_LINE, STATION)).await;

    // Outside, into the approach, into the berth (slow), out of the berth.
    let track = [
        (59.5, 10.6, 10.0, 120),
        (59.75, 10.65, 10.0, 90),
        (59.89, 10.76, 0.1, 60),
        (59.8, 10.7, 6.0, 30),
    ];
    let positions: Vec<serde_json::Value> = track
        .iter()
        .map(|(lat, lon, sog, age_s)| {
            serde_json::json!({
                "mmsi": MMSI, "lat": lat, "lon": lon, "sog_knots": sog,
                "timestamp": rfc3339(now - age_s * 1000), "source": RADAR_FEED,
            })
        })
        .collect();
    post(
        format!("{}/v1/positions", suite.ingest.http_url()),
        serde_json::json!({ "positions": positions }),
    )
    .await;
}
