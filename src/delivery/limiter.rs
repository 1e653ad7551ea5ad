//! Keeps a channel account under its platform's message rate. Each send takes the next free slot,
//! a fixed interval after the one before, so no one-second window ever holds more than the rate:
//! bulk sends wait for their slot; replies to people in conversation take one at once and push the
//! bulk sends back, so they go first.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Slots are this much wider than 1/rate, so jitter on the way to the platform cannot squeeze one
/// send too many into a second.
const SLACK: f64 = 1.03;
/// The furthest replies can push bulk sends back.
const MAX_REPLY_DEBT: Duration = Duration::from_secs(1);

pub struct RateLimiter {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl RateLimiter {
    /// `per_second`: None for no limit (local fakes, benchmarks).
    pub fn new(per_second: Option<f64>) -> RateLimiter {
        RateLimiter {
            interval: per_second
                .filter(|r| *r > 0.0)
                .map(|r| Duration::from_secs_f64(SLACK / r)),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for the next free slot.
    pub async fn acquire(&self) {
        let slot = self.take();
        tokio::time::sleep_until(slot).await;
    }

    /// Takes the next free slot without waiting for it. However many replies go out, bulk sends
    /// are pushed back by at most a second: a busy hour of conversation must not starve a notice.
    pub fn take_now(&self) {
        if let Some(interval) = self.interval {
            let mut next = self.next.lock().expect("limiter lock poisoned");
            let now = Instant::now();
            *next = ((*next).max(now) + interval).min(now + MAX_REPLY_DEBT);
        }
    }

    fn take(&self) -> Instant {
        let Some(interval) = self.interval else {
            return Instant::now();
        };
        let mut next = self.next.lock().expect("limiter lock poisoned");
        let slot = (*next).max(Instant::now());
        *next = slot + interval;
        slot
    }

    /// Sends this limiter lets through per second, if it limits.
    pub fn rate(&self) -> Option<f64> {
        self.interval.map(|i| 1.0 / i.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn no_second_holds_more_than_the_rate() {
        let limiter = RateLimiter::new(Some(30.0));
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..95 {
            limiter.acquire().await;
            times.push(start.elapsed());
        }
        for (i, t) in times.iter().enumerate() {
            let in_window = times[i..]
                .iter()
                .take_while(|u| **u < *t + Duration::from_secs(1))
                .count();
            assert!(
                in_window <= 30,
                "{in_window} sends in the second from {t:?}"
            );
        }
        // …and it keeps close to the rate.
        assert!(times[94] < Duration::from_secs_f64(94.0 / 30.0 * 1.05));
    }

    #[tokio::test(start_paused = true)]
    async fn replies_take_slots_ahead_of_bulk_sends_but_never_more_than_a_second() {
        let limiter = RateLimiter::new(Some(10.0));
        limiter.acquire().await;
        let start = Instant::now();
        for _ in 0..5 {
            limiter.take_now();
        }
        limiter.acquire().await;
        assert!(start.elapsed() >= Duration::from_millis(500));
        let start = Instant::now();
        for _ in 0..1000 {
            limiter.take_now();
        }
        limiter.acquire().await;
        assert!(start.elapsed() <= MAX_REPLY_DEBT);
    }
}
