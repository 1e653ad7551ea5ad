//! Delivering notices and messages: fan out the notices that are due, then send claimed batches
//! of deliveries at the account's rate, recording outcomes in bulk. Any number of processes can
//! deliver one broadcast together: claims skip rows another process holds.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use serde_json::Value;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::lease::{Lease, until_written};
use super::{Account, backoff};
use crate::channels::{Buttons, Sent, buttons};
use crate::domain::notice::{Notice, is_quiet};
use crate::message::{Lang, Outbound, Reply};
use crate::store::notices::{Claimed, DELIVERY_LEASE, Delivery, Outcome};

/// Deliveries claimed at once without a rate limit; with one, a second's worth, so a cancel stops
/// the rest within about a second.
const MAX_BATCH: i64 = 500;
/// Sends in flight at once.
const IN_FLIGHT: usize = 64;
/// Outcomes are written when this many are waiting, or this long after the first: what a crash
/// can repeat is at most these plus the sends in flight.
const FLUSH_COUNT: usize = 100;
const FLUSH_AFTER: Duration = Duration::from_millis(100);
/// How often an idle sender looks for due notices and work.
const IDLE: Duration = Duration::from_millis(500);
/// How often deliveries of a crashed sender are put back in line.
const STRANDED_EVERY: Duration = Duration::from_secs(10);
/// Attempts at one delivery before it fails for good.
const MAX_ATTEMPTS: i32 = 8;

/// A notice or message as sent: the platform messages, and its choices in order, for chats that
/// answer by typing their numbers.
struct Rendered {
    messages: Vec<Value>,
    payloads: Vec<String>,
    /// (token, payload) of buttons whose payloads travel as tokens, to remember before sending.
    long: Vec<(String, String)>,
}

/// What a sender remembers between rounds.
#[derive(Default)]
pub struct Broadcaster {
    /// Each notice rendered once per language: a million recipients share a few renderings.
    rendered: HashMap<(i64, Lang), Arc<Rendered>>,
    /// When each chat last got a notice from this sender, for at most one a second per chat.
    recent: HashMap<String, Instant>,
}

pub async fn run(account: Arc<Account>, shutdown: CancellationToken) -> anyhow::Result<()> {
    let mut state = Broadcaster::default();
    // A sender that starts looks for stranded deliveries at once: it may be the restart after a crash.
    let mut stranded_at = Instant::now()
        .checked_sub(STRANDED_EVERY)
        .unwrap_or_else(Instant::now);
    while !shutdown.is_cancelled() {
        if stranded_at.elapsed() >= STRANDED_EVERY {
            stranded_at = Instant::now();
            let store = account.engine.store();
            if let Err(e) = store
                .release_stranded_deliveries(account.channel.name())
                .await
            {
                tracing::error!(error = %format!("{e:#}"), "releasing stranded deliveries");
            }
        }
        match round(&account, &mut state).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::error!(error = %format!("{e:#}"), "broadcast"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => {}
            _ = tokio::time::sleep(IDLE) => {}
        }
    }
    Ok(())
}

/// Fans out due notices and sends one batch; false when there was nothing to send.
pub async fn round(account: &Account, state: &mut Broadcaster) -> anyhow::Result<bool> {
    let now = account.engine.now();
    fan_out(account, now).await?;
    let Claimed {
        token,
        deliveries: claimed,
    } = claim(account, now).await?;
    if claimed.is_empty() {
        return Ok(false);
    }
    // Held while this batch is sent, recorded, or waits for the database to record it.
    let lease = {
        let store = account.engine.store().clone();
        Lease::keep(DELIVERY_LEASE, move || {
            let store = store.clone();
            async move { store.renew_deliveries(token).await }
        })
    };
    let messages = render_claimed(account, state, &claimed).await?;
    let sends = sends(account, state, claimed, messages, &lease);
    // Outcomes are written while the next sends go on: a send never waits for the database.
    let (done, outcomes) = tokio::sync::mpsc::unbounded_channel();
    let sending = async move {
        let mut results = futures::stream::iter(sends).buffer_unordered(IN_FLIGHT);
        while let Some(result) = results.next().await {
            let _ = done.send(result);
        }
    };
    tokio::join!(sending, record_as_they_come(account, token, outcomes, now));
    drop(lease);
    Ok(true)
}

/// Turns the notices that are due into deliveries, one per recipient.
async fn fan_out(account: &Account, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
    for (notice, recipients) in account.engine.store().fan_out_due(now).await? {
        tracing::info!(notice, recipients, "notice fanned out");
    }
    Ok(())
}

/// Claims the next batch of this account's deliveries: a second's worth at its rate.
async fn claim(account: &Account, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<Claimed> {
    let batch = account
        .rate()
        .map_or(MAX_BATCH, |r| (r.ceil() as i64).clamp(1, MAX_BATCH));
    account
        .engine
        .store()
        .claim_deliveries(account.channel.name(), batch, is_quiet(now))
        .await
}

/// Renders what the claimed deliveries carry: each notice once per language (kept in `state`),
/// each message of its own; the long button payloads remembered before anything is sent. The
/// messages of their own, by delivery (None for a notice's).
async fn render_claimed(
    account: &Account,
    state: &mut Broadcaster,
    claimed: &[Delivery],
) -> anyhow::Result<Vec<Option<Arc<Rendered>>>> {
    let store = account.engine.store();
    let mut notices: HashMap<i64, Option<Notice>> = HashMap::new();
    let mut long = Vec::new();
    for d in claimed {
        let Some(id) = d.notice_id else { continue };
        let lang = d.language;
        if state.rendered.contains_key(&(id, lang)) {
            continue;
        }
        let notice = match notices.entry(id) {
            std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
            std::collections::hash_map::Entry::Vacant(new) => new.insert(store.notice(id).await?),
        };
        if let Some(notice) = notice {
            let rendered = render(account, notice.reply(lang), lang);
            long.extend(rendered.long.iter().cloned());
            state.rendered.insert((id, lang), Arc::new(rendered));
        }
    }
    let messages: Vec<Option<Arc<Rendered>>> = claimed
        .iter()
        .map(|d| {
            let lang = d.language;
            let rendered = render(account, d.message.clone()?, lang);
            long.extend(rendered.long.iter().cloned());
            Some(Arc::new(rendered))
        })
        .collect();
    if !long.is_empty() {
        let mut tx = store.begin().await?;
        tx.remember_buttons(&long).await?;
        tx.commit().await?;
    }
    Ok(messages)
}

/// One send per claimed delivery, taken lazily as sends free up: a chat sent a notice less than a
/// second ago waits its turn (requeued), and what went out is numbered where typed numbers choose.
fn sends<'a>(
    account: &'a Account,
    state: &'a mut Broadcaster,
    claimed: Vec<Delivery>,
    messages: Vec<Option<Arc<Rendered>>>,
    lease: &'a Lease,
) -> impl Iterator<Item = impl std::future::Future<Output = Sending> + 'a> + 'a {
    state
        .recent
        .retain(|_, at| at.elapsed() < Duration::from_secs(1));
    let typed_numbers = account.channel.capabilities().typed_numbers;
    claimed.into_iter().zip(messages).map(move |(d, message)| {
        let lang = d.language;
        let rendered = match (message, d.notice_id) {
            (Some(message), _) => Some(message),
            (None, Some(id)) => state.rendered.get(&(id, lang)).cloned(),
            (None, None) => None,
        };
        // A chat gets at most one notice a second; the next waits its turn.
        let free = state
            .recent
            .insert(d.address.clone(), Instant::now())
            .is_none();
        async move {
            let outcome = match &rendered {
                _ if !free => Outcome::Requeue {
                    parts_sent: d.parts_sent,
                },
                Some(rendered) => send(account, &rendered.messages, &d, lease).await,
                None => Outcome::Failed("the notice is gone".into()),
            };
            // Its choices are now the chat's latest, as typed numbers see them.
            let numbered = match (&outcome, rendered) {
                (Outcome::Sent { .. }, Some(r)) if typed_numbers && !r.payloads.is_empty() => {
                    Some((d.address.clone(), r.payloads.clone()))
                }
                _ => None,
            };
            (d.id, outcome, numbered)
        }
    })
}

/// Writes outcomes as claim `token` as they come: when [`FLUSH_COUNT`] wait, or [`FLUSH_AFTER`]
/// after the first of them; the rest once the sends are over.
async fn record_as_they_come(
    account: &Account,
    token: i64,
    mut outcomes: tokio::sync::mpsc::UnboundedReceiver<Sending>,
    now: chrono::DateTime<chrono::Utc>,
) {
    let mut batch = Vec::new();
    let mut first = Instant::now();
    loop {
        let next = if batch.is_empty() {
            outcomes.recv().await
        } else {
            let deadline = first + FLUSH_AFTER;
            match tokio::time::timeout_at(deadline, outcomes.recv()).await {
                Ok(next) => next,
                // Due: write what waits, then wait for more.
                Err(_) => {
                    record(account, token, &mut batch, now).await;
                    continue;
                }
            }
        };
        let Some(outcome) = next else { break };
        if batch.is_empty() {
            first = Instant::now();
        }
        batch.push(outcome);
        if batch.len() >= FLUSH_COUNT {
            record(account, token, &mut batch, now).await;
        }
    }
    if !batch.is_empty() {
        record(account, token, &mut batch, now).await;
    }
}

/// A delivery's outcome, and the numbering of what it sent where typed numbers choose.
type Sending = (i64, Outcome, Option<(String, Vec<String>)>);

/// Writes the waiting outcomes as claim `token` (and the numbering of what went out, unless the
/// person has written since `sent_from`), emptying `batch`; waits for the database if need be.
async fn record(
    account: &Account,
    token: i64,
    batch: &mut Vec<Sending>,
    sent_from: chrono::DateTime<chrono::Utc>,
) {
    let store = account.engine.store();
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut numbered = Vec::new();
    for (id, outcome, numbering) in batch.drain(..) {
        outcomes.push((id, outcome));
        numbered.extend(numbering);
    }
    until_written("deliveries", || store.record_deliveries(token, &outcomes)).await;
    until_written("numbered choices", || {
        store.number_pushed(account.channel.name(), &numbered, sent_from)
    })
    .await;
}

fn render(account: &Account, reply: Reply, lang: Lang) -> Rendered {
    let outbound = Outbound {
        lang,
        replies: vec![reply],
    };
    let long = match account.channel.capabilities().buttons {
        Buttons::Inline { max_payload } => buttons::long_payloads(&outbound, max_payload),
        Buttons::Numbered => Vec::new(),
    };
    Rendered {
        messages: account
            .channel
            .render(account.engine.localizer(), &outbound),
        payloads: outbound.button_payloads(),
        long,
    }
}

/// Sends a delivery's messages in order, each once, in its turn, from the first an earlier try did
/// not send, while `lease` holds; the outcome of the last tried.
async fn send(
    account: &Account,
    messages: &[Value],
    delivery: &Delivery,
    lease: &Lease,
) -> Outcome {
    let mut outcome = Outcome::Failed("nothing to send".into());
    let first = delivery.parts_sent;
    for (parts_sent, message) in (first..).zip(messages.iter().skip(first as usize)) {
        outcome = match account
            .send_in_turn(&delivery.address, message, lease)
            .await
        {
            // The claim may have lapsed while waiting its turn: not sent, back in line.
            None => Outcome::Requeue { parts_sent },
            Some(sent) => match sent {
                Sent::Ok { message_id } => Outcome::Sent { message_id },
                Sent::RetryAfter(_) => Outcome::Requeue { parts_sent },
                Sent::NotBefore(after) => Outcome::Retry {
                    error: "the platform holds this message back for now".into(),
                    after,
                    parts_sent,
                },
                Sent::Unreachable => Outcome::Blocked,
                Sent::NotDeliverableNow(reason) => Outcome::Undeliverable(reason),
                Sent::Rejected(reason) => Outcome::Failed(reason),
                Sent::Transient(error) if delivery.attempts >= MAX_ATTEMPTS => {
                    Outcome::Failed(error)
                }
                Sent::Transient(error) => Outcome::Retry {
                    error,
                    after: backoff(delivery.attempts as u32),
                    parts_sent,
                },
            },
        };
        if !matches!(outcome, Outcome::Sent { .. }) {
            break;
        }
    }
    outcome
}
