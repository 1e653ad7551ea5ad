//! A claim kept while its work goes on. Rows claimed for sending carry a lease in the database;
//! another process takes them over only once it has lapsed (and a grace period after, see the
//! stores' stranded queries). A `Lease` renews it in the background at a third of its length, for
//! as long as the work holds it; the work asks [`Lease::held`] before each step that must not
//! happen twice (a send), so that once renewals fail — the database is away — nothing more
//! starts, and what was sent is recorded when the database is back.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

pub struct Lease {
    /// Until when the claim surely holds: the last renewal's start plus the lease's length.
    held_until: Arc<Mutex<Instant>>,
    renewing: JoinHandle<()>,
}

impl Lease {
    /// Keeps a claim of `length`, just taken, by calling `renew` every third of it.
    pub fn keep<F, Fut>(length: Duration, renew: F) -> Lease
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send,
    {
        let held_until = Arc::new(Mutex::new(Instant::now() + length));
        let until = held_until.clone();
        let renewing = tokio::spawn(async move {
            loop {
                tokio::time::sleep(length / 3).await;
                let started = Instant::now();
                match renew().await {
                    Ok(()) => *until.lock().expect("lease poisoned") = started + length,
                    Err(e) => tracing::warn!(error = %format!("{e:#}"), "renewing a lease failed"),
                }
            }
        });
        Lease {
            held_until,
            renewing,
        }
    }

    /// Whether the claim still holds, so that a send may start.
    pub fn held(&self) -> bool {
        Instant::now() < *self.held_until.lock().expect("lease poisoned")
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.renewing.abort();
    }
}

/// Runs `write` until it succeeds: an outcome whose write fails (the database is away) must not
/// be dropped, or its rows would be sent again once their lease lapses.
pub async fn until_written<F, Fut>(what: &str, write: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let mut wait = Duration::from_millis(100);
    loop {
        match write().await {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), what, "writing an outcome failed; trying again");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(2));
            }
        }
    }
}
