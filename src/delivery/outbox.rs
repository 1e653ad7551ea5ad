//! The outbox: rendered replies, sent in order per chat right after the transaction that queued
//! them commits; the sweeper sends those whose sender crashed or deferred them.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::lease::{Lease, until_written};
use super::{Account, backoff};
use crate::channels::Sent;
use crate::store::inbox::{Pending, REPLY_LEASE};

/// Tries at one message in a row before leaving it to the sweeper.
const IN_PLACE_TRIES: u32 = 3;
/// Attempts in all before a message fails for good.
const MAX_ATTEMPTS: i32 = 8;
/// Chats the sweeper sends to at once.
const SWEEP_AT_ONCE: usize = 8;

/// How one reply fared.
#[derive(Debug, PartialEq)]
enum Delivery {
    Sent,
    /// The person blocked the bot (or is gone); nothing more goes to them.
    Unreachable,
    /// Refused for good (or not allowed now), with the reason.
    Rejected(String),
    /// Still failing after retries; the sweeper will try again later.
    Deferred(String),
    /// Not allowed yet; the sweeper sends it after this long.
    Held(String, Duration),
}

/// Holds the lease of `ids` (replies about to be sent) until dropped.
pub fn lease(account: &Account, ids: Vec<i64>) -> Lease {
    let store = account.engine.store().clone();
    Lease::keep(REPLY_LEASE, move || {
        let (store, ids) = (store.clone(), ids.clone());
        async move { store.renew_replies(&ids).await }
    })
}

/// Drops replies that went out from the outbox, waiting for the database if need be: kept, they
/// would go out again.
pub async fn delivered(account: &Account, ids: &[i64]) {
    let store = account.engine.store();
    until_written("replies sent", || store.replies_sent(ids)).await;
}

/// Delivers a chat's replies in order, under a lease the caller holds; stops at the first that
/// cannot go now, so order holds. Returns the ids of those sent, for [`delivered`].
pub async fn deliver_all(account: &Account, replies: &[Pending]) -> Vec<i64> {
    let store = account.engine.store();
    let channel = account.channel.name();
    let mut sent = Vec::new();
    for reply in replies {
        match deliver(account, reply).await {
            Delivery::Sent => sent.push(reply.id),
            Delivery::Unreachable => {
                until_written("an unreachable chat", || {
                    store.set_reachable(channel, &reply.address, false)
                })
                .await;
                break;
            }
            Delivery::Rejected(reason) => {
                tracing::warn!(reply = reply.id, %reason, "the platform refused a reply");
                until_written("a refused reply", || {
                    store.reply_failed(reply.id, &reason, None)
                })
                .await;
            }
            Delivery::Held(reason, wait) => {
                until_written("a held reply", || {
                    store.reply_failed(reply.id, &reason, Some(wait))
                })
                .await;
                break;
            }
            Delivery::Deferred(reason) => {
                let retry =
                    (reply.attempts + 1 < MAX_ATTEMPTS).then(|| backoff(reply.attempts as u32));
                until_written("a deferred reply", || {
                    store.reply_failed(reply.id, &reason, retry)
                })
                .await;
                break;
            }
        }
    }
    sent
}

/// Sends one reply, retrying in place.
async fn deliver(account: &Account, reply: &Pending) -> Delivery {
    let mut tries = 0;
    loop {
        let error = match account.send_now(&reply.address, &reply.payload).await {
            Sent::Ok { .. } => return Delivery::Sent,
            // Not the message's fault: it does not count as a try.
            Sent::RetryAfter(_) => continue,
            Sent::NotBefore(wait) => {
                return Delivery::Held("the platform holds this message back for now".into(), wait);
            }
            Sent::Unreachable => return Delivery::Unreachable,
            Sent::Rejected(reason) | Sent::NotDeliverableNow(reason) => {
                return Delivery::Rejected(reason);
            }
            Sent::Transient(error) => error,
        };
        tries += 1;
        if tries >= IN_PLACE_TRIES {
            return Delivery::Deferred(error);
        }
        tokio::time::sleep(backoff(tries)).await;
    }
}

/// Sends replies whose sender crashed or deferred them, one per chat at a time so order holds.
pub async fn sweep(account: Arc<Account>, shutdown: CancellationToken) -> anyhow::Result<()> {
    while !shutdown.is_cancelled() {
        match sweep_once(&account).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::error!(error = %format!("{e:#}"), "outbox sweeper"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
    Ok(())
}

/// Sends one round of stranded replies; false when there were none.
async fn sweep_once(account: &Account) -> anyhow::Result<bool> {
    let store = account.engine.store();
    let replies = store
        .lease_stranded_replies(account.channel.name(), 50)
        .await?;
    let _lease = lease(account, replies.iter().map(|r| r.id).collect());
    // One reply per chat, so they may go side by side: a chat whose sends fail slowly does not
    // hold up the rest of the round.
    let sends = replies
        .into_iter()
        .map(|reply| async move { deliver_all(account, &[reply]).await });
    let sent: Vec<Vec<i64>> = futures::stream::iter(sends)
        .buffer_unordered(SWEEP_AT_ONCE)
        .collect()
        .await;
    delivered(account, &sent.concat()).await;
    Ok(!sent.is_empty())
}
