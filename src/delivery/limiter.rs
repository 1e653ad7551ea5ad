//! Keeps a channel account under its platform's message rate, by construction: sends start
//! evenly spaced, one every 1/rate seconds (a little more, so jitter on the way cannot squeeze
//! one too many into a second at the platform). Not N at once then a wait: a burst's tail and
//! the next burst's head would meet in one platform second, and every send of a burst would be in
//! flight when the platform answers one of them with a pause. Replies to people in conversation
//! go before waiting bulk sends.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The spacing is this much longer than 1/rate.
const SLACK: f64 = 1.03;
/// Shortest nap while waiting for a slot, so waiters do not spin.
const MIN_NAP: Duration = Duration::from_millis(1);

pub struct RateLimiter {
    /// Time between two starts; None: no limit.
    spacing: Option<Duration>,
    state: Mutex<Schedule>,
}

#[derive(Default)]
struct Schedule {
    /// When the next send may start.
    next: Option<Instant>,
    /// Replies waiting for a slot: bulk sends leave the slots to them.
    replies_waiting: usize,
}

impl RateLimiter {
    /// `per_second`: None (or not positive) for no limit (local fakes, benchmarks).
    pub fn new(per_second: Option<f64>) -> RateLimiter {
        RateLimiter {
            spacing: per_second
                .filter(|r| *r > 0.0)
                .map(|rate| Duration::from_secs_f64(SLACK / rate)),
            state: Mutex::new(Schedule::default()),
        }
    }

    /// Waits for a slot for a bulk send.
    pub async fn acquire(&self) {
        self.wait(false).await
    }

    /// Waits for a slot for a reply, ahead of any bulk send that is waiting.
    pub async fn acquire_reply(&self) {
        self.wait(true).await
    }

    async fn wait(&self, reply: bool) {
        let Some(spacing) = self.spacing else {
            return;
        };
        let mut counted = false;
        loop {
            let nap = {
                let mut s = self.state.lock().expect("limiter lock poisoned");
                let now = Instant::now();
                let free = s.next.is_none_or(|next| next <= now);
                let turn = reply || s.replies_waiting == 0;
                if free && turn {
                    // From when the slot was free, or now if nobody took it then: an idle spell
                    // saves up no burst.
                    let start = s.next.map_or(now, |next| next.max(now));
                    s.next = Some(start + spacing);
                    if counted {
                        s.replies_waiting -= 1;
                    }
                    return;
                }
                if reply && !counted {
                    s.replies_waiting += 1;
                    counted = true;
                }
                s.next
                    .map_or(MIN_NAP, |next| next.saturating_duration_since(now))
            };
            tokio::time::sleep(nap.max(MIN_NAP)).await;
        }
    }

    /// Sends this limiter lets through per second, if it limits.
    pub fn rate(&self) -> Option<f64> {
        self.spacing.map(|spacing| 1.0 / spacing.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// The most starts within any one second.
    fn busiest_second(times: &[Duration]) -> usize {
        let mut times = times.to_vec();
        times.sort();
        (0..times.len())
            .map(|i| {
                times[i..]
                    .iter()
                    .take_while(|t| **t < times[i] + Duration::from_secs(1))
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    /// `n` bulk sends waiting at once (the broadcast keeps 64 in flight); each task's result is
    /// when it got its slot, after `start`.
    fn bulk_sends(
        limiter: &Arc<RateLimiter>,
        n: usize,
        start: Instant,
    ) -> Vec<tokio::task::JoinHandle<Duration>> {
        (0..n)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move {
                    limiter.acquire().await;
                    start.elapsed()
                })
            })
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn no_second_holds_more_than_the_rate_and_it_keeps_close_to_it() {
        let limiter = Arc::new(RateLimiter::new(Some(30.0)));
        let start = Instant::now();
        let tasks = bulk_sends(&limiter, 300, start);
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await.unwrap());
        }
        // Close to the rate: tokio's timer wakes on whole milliseconds, so a slot may start up to
        // one late.
        assert!((29..=30).contains(&busiest_second(&times)));
        // Evenly: no two starts closer than the spacing.
        times.sort();
        let spacing = Duration::from_secs_f64(SLACK / 30.0);
        assert!(times.windows(2).all(|w| w[1] - w[0] >= spacing));
        let last = times.iter().max().unwrap();
        assert!(
            *last < Duration::from_secs_f64(299.0 * (SLACK / 30.0 + 0.001) + 0.1),
            "{last:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn replies_go_before_waiting_bulk_sends_within_the_same_limit() {
        let limiter = Arc::new(RateLimiter::new(Some(10.0)));
        let start = Instant::now();
        let bulk = bulk_sends(&limiter, 40, start);
        // Once the first second's slots are gone, a reply arrives: it takes the next free slot.
        tokio::time::sleep(Duration::from_millis(100)).await;
        limiter.acquire_reply().await;
        let reply = start.elapsed();
        let mut times = vec![reply];
        for task in bulk {
            times.push(task.await.unwrap());
        }
        let bulk_after_first_second = times[1..]
            .iter()
            .filter(|t| **t >= Duration::from_secs(1))
            .min()
            .unwrap();
        assert!(reply <= *bulk_after_first_second, "{reply:?}");
        assert!(reply < Duration::from_secs_f64(SLACK + 0.01), "{reply:?}");
        assert_eq!(busiest_second(&times), 10);
    }

    #[test]
    fn slow_rates_allow_one_send_per_their_interval() {
        let limiter = RateLimiter::new(Some(0.5));
        assert_eq!(limiter.spacing, Some(Duration::from_secs_f64(2.0 * SLACK)));
        assert!((limiter.rate().unwrap() - 0.5 / SLACK).abs() < 1e-9);
        assert_eq!(RateLimiter::new(None).rate(), None);
    }
}
