//! Keeps a channel account under its platform's message rate, by construction: a send starts only
//! while fewer than N sends started in the trailing window (N per second, the window a little
//! over a second so jitter on the way cannot squeeze one too many into a second at the platform).
//! The start times are the record, not a schedule, so a task that wakes late cannot crowd the next
//! second. Replies to people in conversation go before waiting bulk sends.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The window is this much longer than a second (or than N/rate, for rates under one a second).
const SLACK: f64 = 1.03;
/// Shortest nap while waiting for a slot, so waiters do not spin.
const MIN_NAP: Duration = Duration::from_millis(1);

pub struct RateLimiter {
    /// At most `.0` sends start within any `.1`; None: no limit.
    limit: Option<(usize, Duration)>,
    state: Mutex<Window>,
}

#[derive(Default)]
struct Window {
    /// When the sends of the trailing window started, oldest first.
    starts: VecDeque<Instant>,
    /// Replies waiting for a slot: bulk sends leave the slots to them.
    replies_waiting: usize,
}

impl RateLimiter {
    /// `per_second`: None (or not positive) for no limit (local fakes, benchmarks).
    pub fn new(per_second: Option<f64>) -> RateLimiter {
        let limit = per_second.filter(|r| *r > 0.0).map(|rate| {
            let n = (rate.floor() as usize).max(1);
            let window = (n as f64 / rate).max(1.0) * SLACK;
            (n, Duration::from_secs_f64(window))
        });
        RateLimiter {
            limit,
            state: Mutex::new(Window::default()),
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
        let Some((n, window)) = self.limit else {
            return;
        };
        let mut counted = false;
        loop {
            let nap = {
                let mut w = self.state.lock().expect("limiter lock poisoned");
                let now = Instant::now();
                while w
                    .starts
                    .front()
                    .is_some_and(|&t| now.duration_since(t) >= window)
                {
                    w.starts.pop_front();
                }
                let turn = reply || w.replies_waiting == 0;
                if w.starts.len() < n && turn {
                    w.starts.push_back(now);
                    if counted {
                        w.replies_waiting -= 1;
                    }
                    return;
                }
                if reply && !counted {
                    w.replies_waiting += 1;
                    counted = true;
                }
                match w.starts.len().checked_sub(n) {
                    // The slot frees when the send n places back leaves the window.
                    Some(i) => (w.starts[i] + window).saturating_duration_since(now),
                    None => MIN_NAP,
                }
            };
            tokio::time::sleep(nap.max(MIN_NAP)).await;
        }
    }

    /// Sends this limiter lets through per second, if it limits.
    pub fn rate(&self) -> Option<f64> {
        self.limit
            .map(|(n, window)| n as f64 / window.as_secs_f64())
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
        assert_eq!(busiest_second(&times), 30);
        let last = times.iter().max().unwrap();
        assert!(
            *last < Duration::from_secs_f64(9.0 * SLACK + 0.1),
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
        assert_eq!(limiter.limit.map(|l| l.0), Some(1));
        assert!((limiter.rate().unwrap() - 0.5 / SLACK).abs() < 1e-9);
        assert_eq!(RateLimiter::new(None).rate(), None);
    }
}
