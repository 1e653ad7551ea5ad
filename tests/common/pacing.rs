//! How sends met the platform's limits, from the calls a fake recorded: (when, whether taken).

use std::time::{Duration, Instant};

/// Sends (when the platform answered them, and whether it took them) that started inside the
/// pause the first refused one asked for, `pause` long: how long after the refusal each arrived.
/// A send already on its way when the refusal was answered arrives within a few milliseconds;
/// none may start after it until the pause is over.
pub fn inside_pause(calls: &[(Instant, bool)], pause: Duration) -> Vec<Duration> {
    let refused = calls
        .iter()
        .find(|(_, ok)| !ok)
        .expect("the platform refused a send")
        .0;
    let in_flight = Duration::from_millis(30);
    calls
        .iter()
        .filter(|(at, ok)| *ok && *at > refused)
        .map(|(at, _)| *at - refused)
        .filter(|after| *after > in_flight && *after < pause)
        .collect()
}

/// The most calls the platform answered within any one second.
pub fn busiest_second(calls: &[(Instant, bool)]) -> usize {
    let mut times: Vec<Instant> = calls.iter().map(|(at, _)| *at).collect();
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
