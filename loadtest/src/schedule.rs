//! Open-loop pacing: every request has an intended send time fixed before
//! the run starts, and latency is measured from it. A server that slows
//! down therefore shows up as latency (the requests queue behind it) and
//! never as a lower offered rate: the correction for coordinated omission.

use std::time::Duration;

use tokio::time::Instant;

/// The run's clock: offsets from its start to instants.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Instant,
}

impl Clock {
    pub fn starting_now() -> Self {
        Self {
            start: Instant::now(),
        }
    }

    pub fn start(&self) -> Instant {
        self.start
    }

    pub fn intended(&self, offset: Duration) -> Instant {
        self.start + offset
    }

    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// Sleeps until `offset` (not at all when already late) and returns the
    /// intended instant, which latency is measured from.
    pub async fn until(&self, offset: Duration) -> Instant {
        let at = self.intended(offset);
        tokio::time::sleep_until(at).await;
        at
    }
}

/// Requests at a fixed rate: the i-th is due at i / rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FixedRate {
    per_second: f64,
}

impl FixedRate {
    pub fn new(per_second: f64) -> Option<Self> {
        (per_second.is_finite() && per_second > 0.0).then_some(Self { per_second })
    }

    pub fn offset(&self, i: u64) -> Duration {
        Duration::from_secs_f64(i as f64 / self.per_second)
    }

    /// Offsets of every request due before `duration`.
    pub fn offsets(self, duration: Duration) -> impl Iterator<Item = Duration> {
        (0..)
            .map(move |i| self.offset(i))
            .take_while(move |o| *o < duration)
    }
}

/// Latency as a user feels it: from when the request should have left,
/// not from when a busy sender finally sent it.
pub fn latency(intended: Instant, done: Instant) -> Duration {
    done.saturating_duration_since(intended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rate_spaces_requests_evenly() {
        let r = FixedRate::new(4.0).unwrap();
        let offsets: Vec<_> = r.offsets(Duration::from_secs(1)).collect();
        assert_eq!(
            offsets,
            [0, 250, 500, 750].map(Duration::from_millis).to_vec()
        );
        assert_eq!(
            FixedRate::new(1000.0)
                .unwrap()
                .offsets(Duration::from_secs(3))
                .count(),
            3000
        );
    }

    #[test]
    fn no_rate_no_schedule() {
        assert!(FixedRate::new(0.0).is_none());
        assert!(FixedRate::new(f64::NAN).is_none());
        assert!(FixedRate::new(-1.0).is_none());
    }

    #[test]
    fn latency_counts_from_the_intended_time_even_when_sent_late() {
        let clock = Clock::starting_now();
        let intended = clock.intended(Duration::from_millis(10));
        // Sent 40 ms late, answered 1 ms after sending: the user waited 41 ms.
        let sent = intended + Duration::from_millis(40);
        let answered = sent + Duration::from_millis(1);
        assert_eq!(latency(intended, answered), Duration::from_millis(41));
        assert_eq!(latency(answered, intended), Duration::ZERO);
    }

    #[tokio::test]
    async fn waiting_for_a_past_offset_returns_at_once_with_its_intended_time() {
        let clock = Clock::starting_now();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let before = Instant::now();
        let at = clock.until(Duration::from_millis(1)).await;
        assert_eq!(at, clock.intended(Duration::from_millis(1)));
        assert!(Instant::now() >= before);
    }
}
