//! Handling events from the inbox: claim a batch (skipping chats with something earlier in hand),
//! run the engine in the same transaction, queue the rendered replies, mark the events done,
//! commit; then send.

use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use tokio_util::sync::CancellationToken;

use super::{Account, backoff, outbox};
use crate::channels::{Buttons, Event, buttons};
use crate::message::{Inbound, InboundKind};
use crate::store::inbox::{Claimed, Pending, Place};
use crate::store::{ChatRow, Race, Store, Tx};
use crate::telemetry;

/// Attempts at an event before it is parked as failed.
const MAX_ATTEMPTS: i32 = 5;
/// How often an idle worker looks for events that other processes took in.
const IDLE_POLL: Duration = Duration::from_millis(200);
/// How often a process looks again for the oldest pending event of a channel, where its claims
/// start: an event due before that place (only one whose intake took longer than
/// [`FLOOR_SLACK`] to commit) waits at most this long.
const FLOOR_REFRESH: Duration = Duration::from_secs(1);
/// How far before the present a claim's start stays, for intakes still committing.
const FLOOR_SLACK: Duration = Duration::from_secs(1);

/// Where this process's claims on one channel start reading pending events, looked up again
/// every [`FLOOR_REFRESH`] (see `Tx::claim_inbox`).
#[derive(Default)]
pub struct Floor(std::sync::Mutex<FloorState>);

#[derive(Default)]
struct FloorState {
    place: Option<Place>,
    next_lookup: Option<std::time::Instant>,
}

impl Floor {
    /// The place to start from. One worker looks it up when it is due; the others keep the one
    /// they have meanwhile, which starts no later.
    async fn place(&self, store: &Store, channel: &str) -> anyhow::Result<Option<Place>> {
        let now = std::time::Instant::now();
        {
            let mut state = self.0.lock().expect("floor lock");
            if state.next_lookup.is_some_and(|due| due > now) {
                return Ok(state.place);
            }
            state.next_lookup = Some(now + FLOOR_REFRESH);
        }
        let found = store.inbox_floor(channel, FLOOR_SLACK).await;
        let mut state = self.0.lock().expect("floor lock");
        match found {
            Ok(place) => {
                state.place = Some(place);
                Ok(Some(place))
            }
            Err(e) => {
                // The next claim looks again.
                state.next_lookup = None;
                Err(e)
            }
        }
    }
}

pub async fn work(account: Arc<Account>, shutdown: CancellationToken) -> anyhow::Result<()> {
    while !shutdown.is_cancelled() {
        let arrived = account.arrived.notified();
        match handle_next(&account).await {
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

/// Handles a batch of ready events (of different chats) in one transaction; false when none was
/// ready. An event that fails rolls the batch back and is set aside with a backoff, so the others
/// go through on the next claim and only the failing one counts an attempt; a batch that lost a
/// race is retried whole without counting.
pub async fn handle_next(account: &Account) -> anyhow::Result<bool> {
    let store = account.engine.store();
    let channel = account.channel.name();
    let started = std::time::Instant::now();
    let from = account.floor.place(store, channel).await?;
    let mut tx = store.begin_with_kept_plans().await?;
    let mut claimed = tx.claim_inbox(channel, from).await?;
    if claimed.is_empty() {
        return Ok(false);
    }
    let count = claimed.len();
    let counted = |outcome| telemetry::updates_handled(channel, outcome, count, started.elapsed());
    let mut handled = Vec::new();
    for event in &mut claimed {
        // A panic handling one event is that event's failure, counted like any other: left
        // uncaught it would stop every channel, and the same event would panic again on restart.
        let result = AssertUnwindSafe(handle(account, &mut tx, event))
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| Err(anyhow::Error::new(Panicked::from(panic))));
        match result {
            Ok(outcome) => handled.push(outcome),
            // Lost a race with another batch (a deadlock over shared counts, say): nobody's
            // fault, so the batch is simply claimed again.
            Err(e) if Race::of(&e).is_some() => {
                drop(tx);
                counted("retried");
                tracing::debug!(event = event.event_id, error = %format!("{e:#}"), "batch retried");
                return Ok(true);
            }
            Err(e) => {
                drop(tx);
                let error = format!("{e:#}");
                tracing::warn!(channel, event = event.event_id, %error, attempt = event.attempts + 1, "event failed");
                // Retrying cannot make an unreadable event readable.
                let retryable = event.attempts + 1 < MAX_ATTEMPTS && !e.is::<Unreadable>();
                let retry = retryable.then(|| backoff(event.attempts as u32));
                store.inbox_attempt_failed(event.id, &error, retry).await?;
                telemetry::updates_handled(channel, "failed", 1, started.elapsed());
                return Ok(true);
            }
        }
    }
    let events: Vec<i64> = claimed.iter().map(|c| c.id).collect();
    let outgoing: Vec<(&str, &serde_json::Value)> = handled
        .iter()
        .flat_map(|h| h.replies.iter().map(|p| (h.address.as_str(), p)))
        .collect();
    let queued = tx.finish_events(channel, &events, &outgoing).await?;
    tx.commit().await?;
    counted("done");
    // Every chat's replies stay this worker's while it sends them.
    let _lease = outbox::lease(account, queued.iter().map(|p| p.id).collect());
    let mut queued = queued.into_iter();
    let chats: Vec<(&Handled, Vec<Pending>)> = handled
        .iter()
        .map(|h| (h, queued.by_ref().take(h.replies.len()).collect()))
        .collect();
    // The batch's chats go side by side, each its own replies in order: a platform call that
    // fails or hangs for one chat (teloxide alone waits 10 s after a 5xx) must not hold up the
    // answers of the other seven.
    let sent = futures::future::join_all(chats.iter().map(|(h, replies)| async move {
        if let Some((ack, notice)) = &h.ack {
            account.channel.acknowledge(ack, notice.clone()).await;
        }
        outbox::deliver_all(account, replies).await
    }))
    .await
    .concat();
    outbox::delivered(account, &sent).await;
    Ok(true)
}

/// Handling an event panicked, with what the panic said.
#[derive(Debug, thiserror::Error)]
#[error("handling the event panicked: {0}")]
struct Panicked(String);

impl From<Box<dyn std::any::Any + Send>> for Panicked {
    fn from(panic: Box<dyn std::any::Any + Send>) -> Panicked {
        let said = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_owned());
        Panicked(said)
    }
}

/// A stored event its channel cannot read.
#[derive(Debug, thiserror::Error)]
#[error("unreadable event: {0:#}")]
struct Unreadable(anyhow::Error);

/// What one handled event leaves to do: replies to queue and send, and an acknowledgement (with
/// the notice to show when a pressed button had expired).
#[derive(Default)]
struct Handled {
    address: String,
    replies: Vec<serde_json::Value>,
    ack: Option<(String, Option<String>)>,
}

async fn handle(account: &Account, tx: &mut Tx, claimed: &mut Claimed) -> anyhow::Result<Handled> {
    let channel = &account.channel;
    match channel.decode(&claimed.payload).map_err(Unreadable)? {
        Event::Ignore => Ok(Handled::default()),
        Event::Reachability { address, reachable } => {
            tx.set_reachable(channel.name(), &address, reachable)
                .await?;
            Ok(Handled::default())
        }
        Event::Receipt {
            address,
            message_ids,
            read,
        } => {
            tx.record_receipts(channel.name(), &address, &message_ids, read)
                .await?;
            Ok(Handled::default())
        }
        Event::Chat { mut inbound, ack } => {
            // An unknown token stays as pressed: the engine answers that the button has expired.
            if let InboundKind::Button(data) = &inbound.kind
                && buttons::is_token(data)
                && let Some(payload) = tx.button_payload(data).await?
            {
                inbound.kind = InboundKind::Button(payload);
            }
            // The claim locked the chat its row names; an event about another chat (no channel
            // sends one today) locks its own.
            let chat = if inbound.channel == channel.name() && inbound.address == claimed.chat {
                claimed.locked.take()
            } else {
                tx.lock_chat(&inbound.channel, &inbound.address).await?
            };
            let (replies, notice) = converse(account, tx, claimed, &inbound, chat).await?;
            Ok(Handled {
                address: inbound.address,
                replies,
                ack: ack.map(|id| (id, notice)),
            })
        }
    }
}

/// Runs the engine; returns the rendered replies, and the text to show on the pressed button when
/// it had expired.
async fn converse(
    account: &Account,
    tx: &mut Tx,
    claimed: &Claimed,
    inbound: &Inbound,
    chat: Option<ChatRow>,
) -> anyhow::Result<(Vec<serde_json::Value>, Option<String>)> {
    let outbound = account
        .engine
        .converse(tx, inbound, claimed.unit_revision, chat)
        .await?;
    let localizer = account.engine.localizer();
    let notice = outbound
        .replies
        .first()
        .filter(|r| r.body.id == "button-expired")
        .map(|r| localizer.render(&r.body, outbound.lang));
    if let Buttons::Inline { max_payload } = account.channel.capabilities().buttons {
        let long = buttons::long_payloads(&outbound, max_payload);
        if !long.is_empty() {
            tx.remember_buttons(&long).await?;
        }
    }
    Ok((account.channel.render(localizer, &outbound), notice))
}
