//! Prometheus text exposition, as much as the load tool reads of it: scrapes
//! of one or several instances' `/metrics`, what changed between two of
//! them, and quantiles from histogram buckets as `histogram_quantile`
//! computes them.

use std::collections::BTreeMap;

/// One sample: metric name, labels, value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// Counters of several instances at one moment, summed per series.
#[derive(Debug, Clone, Default)]
pub struct Scrape {
    series: BTreeMap<(String, Vec<(String, String)>), f64>,
}

impl Scrape {
    /// A scrape of one instance's `/metrics` text.
    pub fn of(text: &str) -> Self {
        let mut s = Self::default();
        s.add(text);
        s
    }

    /// Adds one instance's `/metrics` text.
    pub fn add(&mut self, text: &str) {
        for s in text.lines().filter_map(parse_line) {
            *self
                .series
                .entry((s.name, s.labels.into_iter().collect()))
                .or_default() += s.value;
        }
    }

    /// What happened between `earlier` and `self`, series by series.
    pub fn since<'a>(&'a self, earlier: &'a Scrape) -> impl Iterator<Item = Sample> + 'a {
        self.series.iter().map(move |((name, labels), v)| Sample {
            name: name.clone(),
            labels: labels.iter().cloned().collect(),
            value: v - earlier
                .series
                .get(&(name.clone(), labels.clone()))
                .copied()
                .unwrap_or(0.0),
        })
    }
}

fn parse_line(line: &str) -> Option<Sample> {
    if line.starts_with('#') || line.trim().is_empty() {
        return None;
    }
    let (series, value) = line.rsplit_once(' ')?;
    let value: f64 = value.parse().ok()?;
    let (name, labels) = match series.split_once('{') {
        Some((name, rest)) => (name, rest.strip_suffix('}')?),
        None => (series, ""),
    };
    let labels = labels
        .split("\",")
        .filter(|kv| !kv.is_empty())
        .filter_map(|kv| {
            let (k, v) = kv.split_once("=\"")?;
            Some((k.to_owned(), v.trim_end_matches('"').to_owned()))
        })
        .collect();
    Some(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// `histogram_quantile(q, sum by (le) (...))` over bucket samples: linear
/// within the bucket the rank falls in; the highest finite bound when it
/// falls in `+Inf`. `None` without observations.
pub fn quantile<'a>(q: f64, buckets: impl Iterator<Item = &'a Sample>) -> Option<f64> {
    let mut by_le: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
    for s in buckets {
        let le = s.labels.get("le")?;
        let bound = if le == "+Inf" {
            f64::INFINITY
        } else {
            le.parse().ok()?
        };
        by_le.entry(bound.to_bits()).or_insert((bound, 0.0)).1 += s.value;
    }
    let mut sorted: Vec<(f64, f64)> = by_le.into_values().collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total = sorted.last()?.1;
    if total <= 0.0 {
        return None;
    }
    let rank = q * total;
    let (mut lower, mut below) = (0.0, 0.0);
    for (bound, count) in sorted {
        if count >= rank {
            if bound.is_infinite() {
                return Some(lower);
            }
            let share = if count > below {
                (rank - below) / (count - below)
            } else {
                1.0
            };
            return Some(lower + (bound - lower) * share);
        }
        (lower, below) = (bound, count);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"# TYPE h histogram
h_bucket{le="0.01"} 10
h_bucket{le="0.1"} 90
h_bucket{le="+Inf"} 100
h_sum 3.5
h_count 100
c_total{a="x",b="y"} 7
"#;

    fn buckets(s: &Scrape, earlier: &Scrape) -> Vec<Sample> {
        s.since(earlier).filter(|s| s.name == "h_bucket").collect()
    }

    #[test]
    fn labels_and_values_are_read() {
        let s = Scrape::of(TEXT);
        let c: Vec<Sample> = s
            .since(&Scrape::default())
            .filter(|s| s.name == "c_total")
            .collect();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].value, 7.0);
        assert_eq!(c[0].labels["a"], "x");
        assert_eq!(c[0].labels["b"], "y");
    }

    #[test]
    fn quantiles_interpolate_within_the_bucket() {
        let s = Scrape::of(TEXT);
        let b = buckets(&s, &Scrape::default());
        // Rank 50 of 100: 40 of the 80 in (0.01, 0.1].
        let p50 = quantile(0.5, b.iter()).unwrap();
        assert!((p50 - 0.055).abs() < 1e-9, "{p50}");
        // Rank 5: half of the first bucket, from 0.
        let p05 = quantile(0.05, b.iter()).unwrap();
        assert!((p05 - 0.005).abs() < 1e-9, "{p05}");
        // Rank 99 is in +Inf: the highest finite bound.
        assert_eq!(quantile(0.99, b.iter()), Some(0.1));
    }

    #[test]
    fn a_difference_without_observations_has_no_quantile() {
        let s = Scrape::of(TEXT);
        assert_eq!(quantile(0.5, buckets(&s, &s).iter()), None);
    }
}
