//! Handling updates from the inbox: claim one (skipping chats with something earlier in hand), run
//! the engine in the same transaction, queue the replies, mark it done, commit; then send.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::Telegram;
use super::adapt::{self, CHANNEL, Event};
use super::send::backoff;
use crate::store::inbox::{Claimed, Pending};

/// Attempts at an update before it is parked as failed.
const MAX_ATTEMPTS: i32 = 5;
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

/// Handles one update if one is ready; false when there was none.
pub async fn handle_next(telegram: &Telegram) -> anyhow::Result<bool> {
    let store = telegram.engine.store();
    let mut tx = store.begin().await?;
    let Some(claimed) = tx.claim_inbox(CHANNEL).await? else {
        return Ok(false);
    };
    let update = match adapt::parse_update(&claimed.payload) {
        Ok(update) => update,
        Err(e) => {
            drop(tx);
            store
                .inbox_attempt_failed(claimed.id, &format!("not a Telegram update: {e}"), None)
                .await?;
            return Ok(true);
        }
    };
    match adapt::event(&update) {
        Event::Ignore => {
            tx.inbox_done(claimed.id).await?;
            tx.commit().await?;
        }
        Event::Reachability { address, reachable } => {
            tx.set_reachable(CHANNEL, &address, reachable).await?;
            tx.inbox_done(claimed.id).await?;
            tx.commit().await?;
        }
        Event::Chat { inbound, callback } => {
            match converse(telegram, &mut tx, &claimed, &inbound).await {
                Ok((replies, notice)) => {
                    tx.commit().await?;
                    if let Some(id) = callback {
                        telegram.sender.answer_callback(&id, notice).await;
                    }
                    telegram.sender.deliver_all(&replies).await?;
                }
                Err(e) => {
                    drop(tx);
                    let error = format!("{e:#}");
                    tracing::warn!(update = claimed.event_id, %error, attempt = claimed.attempts + 1, "update failed");
                    let retry = (claimed.attempts + 1 < MAX_ATTEMPTS)
                        .then(|| backoff(claimed.attempts as u32));
                    store
                        .inbox_attempt_failed(claimed.id, &error, retry)
                        .await?;
                }
            }
        }
    }
    Ok(true)
}

/// Runs the engine and queues its replies; returns them, and the text to show on the pressed
/// button when it had expired.
async fn converse(
    telegram: &Telegram,
    tx: &mut crate::store::Tx,
    claimed: &Claimed,
    inbound: &crate::message::Inbound,
) -> anyhow::Result<(Vec<Pending>, Option<String>)> {
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
    let payloads = adapt::render(localizer, &outbound)
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()?;
    let replies = tx
        .finish_event(claimed.id, CHANNEL, &inbound.address, &payloads)
        .await?;
    Ok((replies, notice))
}

/// Sends replies whose sender crashed or deferred them, one per chat at a time so order holds.
pub async fn sweep(telegram: Arc<Telegram>, shutdown: CancellationToken) -> anyhow::Result<()> {
    while !shutdown.is_cancelled() {
        match telegram
            .engine
            .store()
            .lease_stranded_replies(CHANNEL, 50)
            .await
        {
            Ok(replies) if !replies.is_empty() => {
                for reply in replies {
                    if let Err(e) = telegram
                        .sender
                        .deliver_all(std::slice::from_ref(&reply))
                        .await
                    {
                        tracing::error!(error = %e, "outbox sweeper");
                    }
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "outbox sweeper"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
    Ok(())
}
