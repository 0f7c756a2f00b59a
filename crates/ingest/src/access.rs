//! Who may send NMEA over TCP and UDP, and how fast. Feeds on these
//! transports cannot present tokens, so they are admitted by source network
//! (`PORTTRACK_NMEA_ALLOW`), each network optionally named as a feed, and
//! each source address gets its own rate (a token bucket): a runaway feed
//! is slowed (TCP) or trimmed (UDP) while the others go on as before.

use std::{
    collections::HashMap,
    net::IpAddr,
    str::FromStr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use ipnet::IpNet;

/// Sources whose buckets are kept at once; past it the table starts over,
/// which at worst grants a fresh burst, never an unbounded table.
const MAX_SOURCES: usize = 4096;

/// `name=network,network,...` as `PORTTRACK_NMEA_ALLOW` writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowList(Vec<Rule>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    name: Option<Arc<str>>,
    net: IpNet,
}

/// What the allow-list says about one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    Refused,
    /// Admitted, with the feed name its network was given, if any.
    Admitted(Option<Arc<str>>),
}

impl FromStr for AllowList {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, String> {
        let rules = spec
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                let (name, net) = match entry.split_once('=') {
                    Some((name, net)) => (Some(name.trim()), net.trim()),
                    None => (None, entry),
                };
                if let Some(name) = name
                    && (name.is_empty()
                        || !name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)))
                {
                    return Err(format!("feed name {name:?}: letters, digits, - _ . only"));
                }
                // A bare address is a network of one.
                let net = net
                    .parse::<IpNet>()
                    .or_else(|_| net.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{net:?} is not an address or CIDR network"))?;
                Ok(Rule {
                    name: name.map(Arc::from),
                    net,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        if rules.is_empty() {
            return Err("no network listed".into());
        }
        Ok(Self(rules))
    }
}

impl AllowList {
    /// The most specific network holding `ip` decides (a named /32 inside
    /// an anonymous /8 names that one receiver).
    pub fn admit(&self, ip: IpAddr) -> Admission {
        let ip = canonical(ip);
        self.0
            .iter()
            .filter(|r| r.net.contains(&ip))
            .max_by_key(|r| r.net.prefix_len())
            .map_or(Admission::Refused, |r| Admission::Admitted(r.name.clone()))
    }
}

/// IPv4 peers on a dual-stack socket arrive as `::ffff:a.b.c.d`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Lines per second per source address, with a burst allowance.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    /// `per_second == 0`: no limit.
    pub fn new(per_second: u32, burst: u32) -> Self {
        Self {
            per_second: f64::from(per_second),
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one line's token for `ip`, or says how long until one is due.
    pub fn take(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.per_second <= 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_SOURCES && !buckets.contains_key(&ip) {
            buckets.clear();
        }
        let bucket = buckets.entry(canonical(ip)).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refill).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.per_second,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_admit_and_the_most_specific_names_the_feed() {
        let list: AllowList = "10.0.0.0/8, north=10.1.2.3, partner=203.0.113.0/28"
            .parse()
            .unwrap();
        assert_eq!(list.admit(ip("10.9.9.9")), Admission::Admitted(None));
        assert_eq!(
            list.admit(ip("10.1.2.3")),
            Admission::Admitted(Some("north".into()))
        );
        assert_eq!(
            list.admit(ip("::ffff:203.0.113.5")),
            Admission::Admitted(Some("partner".into()))
        );
        assert_eq!(list.admit(ip("203.0.113.16")), Admission::Refused);
        assert_eq!(list.admit(ip("192.168.0.1")), Admission::Refused);
    }

    #[test]
    fn bad_lists_name_the_bad_entry() {
        assert!("".parse::<AllowList>().unwrap_err().contains("no network"));
        let err = "north=10.0.0.0/33".parse::<AllowList>().unwrap_err();
        assert!(err.contains("10.0.0.0/33"), "{err}");
        let err = "no rth=10.0.0.1".parse::<AllowList>().unwrap_err();
        assert!(err.contains("no rth"), "{err}");
    }

    #[test]
    fn each_source_has_its_own_bucket_that_refills() {
        let limiter = RateLimiter::new(10, 2);
        let t0 = Instant::now();
        let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
        assert_eq!(limiter.take(a, t0), Ok(()));
        assert_eq!(limiter.take(a, t0), Ok(()));
        let wait = limiter.take(a, t0).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        // Another source is not affected by the first one's flood.
        assert_eq!(limiter.take(b, t0), Ok(()));
        // A tenth of a second later, one more line is due for `a`.
        assert_eq!(limiter.take(a, t0 + Duration::from_millis(100)), Ok(()));
        assert!(limiter.take(a, t0 + Duration::from_millis(100)).is_err());
    }

    #[test]
    fn zero_rate_means_no_limit() {
        let limiter = RateLimiter::new(0, 0);
        let now = Instant::now();
        assert!((0..10_000).all(|_| limiter.take(ip("10.0.0.1"), now).is_ok()));
    }
}
