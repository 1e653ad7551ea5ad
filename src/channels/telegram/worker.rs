//! Handling updates from the inbox: claim one (skipping chats with something earlier in hand), run
//! the engine in the same transaction, queue the replies, mark it done, commit; then send.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::Telegram;
use super::adapt::{self, CHANNEL, Event};
use super::send::backoff;
use crate::message::InboundKind;
use crate::store::inbox::{Claimed, Pending};
use crate::store::is_deadlock;

/// Attempts at an update before it is parked as failed.
const MAX_ATTEMPTS: i32 = 5;
/// Updates (of different chats) handled in one transaction.
pub const BATCH: i64 = 8;
/// How often an idle worker looks for updates that other processes took in.
const IDLE_POLL: Duration = Duration::from_millis(200);

pub async fn work(telegram: Arc<Telegram>, shutdown: CancellationToken) -> anyhow::Result<()> {
    while !shutdown.is_cancelled() {
        let arrived = telegram.arrived.notified();
        match handle_next(&telegram).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::error!(error = %format!("{e:#}"), "inbox worker"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => {}
            _ = arrived => {}
            _ = tokio::time::sleep(IDLE_POLL) => {}
        }
    }
    Ok(())
}

/// Handles a batch of ready updates (of different chats) in one transaction; false when none was
/// ready. An update that fails rolls the batch back and is set aside with a backoff, so the others
/// go through on the next claim and only the failing one counts an attempt; a batch that lost a race
/// is retried whole without counting.
pub async fn handle_next(telegram: &Telegram) -> anyhow::Result<bool> {
    let store = telegram.engine.store();
    let mut tx = store.begin().await?;
    let claimed = tx.claim_inbox(CHANNEL, BATCH).await?;
    if claimed.is_empty() {
        return Ok(false);
    }
    let mut handled = Vec::new();
    for event in &claimed {
        match handle(telegram, &mut tx, event).await {
            Ok(outcome) => handled.push(outcome),
            // Lost a race with another batch (a deadlock over shared counts, say): nobody's
            // fault, so the batch is simply claimed again.
            Err(e) if is_deadlock(&e) => {
                drop(tx);
                tracing::debug!(update = event.event_id, error = %format!("{e:#}"), "batch retried");
                return Ok(true);
            }
            Err(e) => {
                drop(tx);
                let error = format!("{e:#}");
                tracing::warn!(update = event.event_id, %error, attempt = event.attempts + 1, "update failed");
                // Retrying cannot make an unreadable update readable.
                let retryable = event.attempts + 1 < MAX_ATTEMPTS && !e.is::<NotAnUpdate>();
                let retry = retryable.then(|| backoff(event.attempts as u32));
                store.inbox_attempt_failed(event.id, &error, retry).await?;
                return Ok(true);
            }
        }
    }
    let events: Vec<i64> = claimed.iter().map(|c| c.id).collect();
    let outgoing: Vec<(&str, &serde_json::Value)> = handled
        .iter()
        .flat_map(|h| h.replies.iter().map(|p| (h.address.as_str(), p)))
        .collect();
    let mut queued = tx
        .finish_events(CHANNEL, &events, &outgoing)
        .await?
        .into_iter();
    tx.commit().await?;
    let mut sent = Vec::new();
    for h in &handled {
        let replies: Vec<Pending> = queued.by_ref().take(h.replies.len()).collect();
        if let Some((id, notice)) = &h.callback {
            telegram.sender.answer_callback(id, notice.clone()).await;
        }
        sent.extend(telegram.sender.deliver_all(&replies).await?);
    }
    store.replies_sent(&sent).await?;
    Ok(true)
}

#[derive(Debug, thiserror::Error)]
#[error("not a Telegram update: {0}")]
struct NotAnUpdate(serde_json::Error);

/// What one handled update leaves to do: replies to queue and send, and a button press to answer
/// (with the notice to show when the button had expired).
#[derive(Default)]
struct Handled {
    address: String,
    replies: Vec<serde_json::Value>,
    callback: Option<(String, Option<String>)>,
}

async fn handle(
    telegram: &Telegram,
    tx: &mut crate::store::Tx,
    claimed: &Claimed,
) -> anyhow::Result<Handled> {
    let update = adapt::parse_update(&claimed.payload).map_err(NotAnUpdate)?;
    match adapt::event(&update) {
        Event::Ignore => Ok(Handled::default()),
        Event::Reachability { address, reachable } => {
            tx.set_reachable(CHANNEL, &address, reachable).await?;
            Ok(Handled::default())
        }
        Event::Chat {
            mut inbound,
            callback,
        } => {
            // An unknown token stays as pressed: the engine answers that the button has expired.
            if let InboundKind::Button(data) = &inbound.kind
                && adapt::is_token(data)
                && let Some(payload) = tx.button_payload(data).await?
            {
                inbound.kind = InboundKind::Button(payload);
            }
            let (replies, notice) = converse(telegram, tx, claimed, &inbound).await?;
            Ok(Handled {
                address: inbound.address,
                replies,
                callback: callback.map(|id| (id, notice)),
            })
        }
    }
}

/// Runs the engine; returns the rendered replies, and the text to show on the pressed button when
/// it had expired.
async fn converse(
    telegram: &Telegram,
    tx: &mut crate::store::Tx,
    claimed: &Claimed,
    inbound: &crate::message::Inbound,
) -> anyhow::Result<(Vec<serde_json::Value>, Option<String>)> {
    let outbound = telegram
        .engine
        .converse(tx, inbound, claimed.unit_revision)
        .await?;
    let localizer = telegram.engine.localizer();
    let notice = outbound
        .replies
        .first()
        .filter(|r| r.body.id == "button-expired")
        .map(|r| localizer.render(&r.body, outbound.lang));
    let long = adapt::long_payloads(&outbound);
    if !long.is_empty() {
        tx.remember_buttons(&long).await?;
    }
    let replies = adapt::render(localizer, &outbound)
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((replies, notice))
}

/// Sends replies whose sender crashed or deferred them, one per chat at a time so order holds.
pub async fn sweep(telegram: Arc<Telegram>, shutdown: CancellationToken) -> anyhow::Result<()> {
    while !shutdown.is_cancelled() {
        match sweep_once(&telegram).await {
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
async fn sweep_once(telegram: &Telegram) -> anyhow::Result<bool> {
    let store = telegram.engine.store();
    let replies = store.lease_stranded_replies(CHANNEL, 50).await?;
    let mut sent = Vec::new();
    for reply in &replies {
        sent.extend(
            telegram
                .sender
                .deliver_all(std::slice::from_ref(reply))
                .await?,
        );
    }
    store.replies_sent(&sent).await?;
    Ok(!replies.is_empty())
}
