//! Messages kept for visitors, and the page's long poll for them. A message sent in this process
//! wakes the visitor's poll at once; one sent by another process sharing the database is found
//! when the poll times out and reads again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::store::Store;

/// Messages one fetch returns at most; the page asks again after the last.
const PAGE: i64 = 100;

#[derive(Clone)]
pub struct Mailbox {
    store: Store,
    /// A bell per visitor whose page is waiting now; gone when nobody waits.
    waiting: Arc<Mutex<HashMap<String, Arc<Notify>>>>,
}

impl Mailbox {
    pub fn new(store: Store) -> Mailbox {
        Mailbox {
            store,
            waiting: Arc::default(),
        }
    }

    /// Keeps `message` for the visitor at `address` and wakes their page; its id.
    pub async fn keep(&self, address: &str, message: &Value) -> anyhow::Result<i64> {
        let id = self.store.keep_web_message(address, message).await?;
        let bell = self.lock().get(address).cloned();
        if let Some(bell) = bell {
            bell.notify_waiters();
        }
        Ok(id)
    }

    /// The visitor's messages after `after`, oldest first; when there are none yet, waits up to
    /// `wait` for one (or for `shutdown`), then reads again.
    pub async fn fetch(
        &self,
        address: &str,
        after: i64,
        wait: Duration,
        shutdown: &CancellationToken,
    ) -> anyhow::Result<Vec<(i64, Value)>> {
        let bell = Waiting::new(self, address);
        let rung = bell.notify.notified();
        tokio::pin!(rung);
        // Listening before reading: a message kept between the read and the wait still rings.
        rung.as_mut().enable();
        let messages = self.store.web_messages(address, after, PAGE).await?;
        if !messages.is_empty() {
            return Ok(messages);
        }
        tokio::select! {
            _ = rung => {}
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.cancelled() => return Ok(Vec::new()),
        }
        self.store.web_messages(address, after, PAGE).await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Notify>>> {
        self.waiting.lock().expect("mailbox lock poisoned")
    }
}

/// A page waiting on a visitor's bell; the last one to stop waiting takes the bell down.
struct Waiting<'a> {
    mailbox: &'a Mailbox,
    address: &'a str,
    notify: Arc<Notify>,
}

impl<'a> Waiting<'a> {
    fn new(mailbox: &'a Mailbox, address: &'a str) -> Waiting<'a> {
        let notify = mailbox
            .lock()
            .entry(address.to_owned())
            .or_default()
            .clone();
        Waiting {
            mailbox,
            address,
            notify,
        }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut waiting = self.mailbox.lock();
        // The map's and ours: nobody else waits.
        if Arc::strong_count(&self.notify) == 2 {
            waiting.remove(self.address);
        }
    }
}
