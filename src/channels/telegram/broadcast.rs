//! Delivering notices: fan out those that are due, then send claimed batches of deliveries at the
//! bot's rate, recording outcomes in bulk. Any number of processes can deliver one broadcast
//! together: claims skip rows another process holds.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::Telegram;
use super::adapt::{self, CHANNEL};
use crate::domain::notice::{Notice, is_quiet};
use crate::message::{Lang, Outbound, Reply};
use crate::store::notices::{Delivery, Outcome};

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

/// What a sender remembers between rounds.
#[derive(Default)]
pub struct Broadcaster {
    notices: HashMap<i64, Arc<Notice>>,
    /// When each chat last got a notice from this sender, for at most one a second per chat.
    recent: HashMap<String, Instant>,
}

pub async fn run(telegram: Arc<Telegram>, shutdown: CancellationToken) -> anyhow::Result<()> {
    let mut state = Broadcaster::default();
    // A sender that starts looks for stranded deliveries at once: it may be the restart after a crash.
    let mut stranded_at = Instant::now()
        .checked_sub(STRANDED_EVERY)
        .unwrap_or_else(Instant::now);
    while !shutdown.is_cancelled() {
        if stranded_at.elapsed() >= STRANDED_EVERY {
            stranded_at = Instant::now();
            if let Err(e) = telegram.engine.store().release_stranded_deliveries().await {
                tracing::error!(error = %format!("{e:#}"), "releasing stranded deliveries");
            }
        }
        match round(&telegram, &mut state).await {
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
pub async fn round(telegram: &Telegram, state: &mut Broadcaster) -> anyhow::Result<bool> {
    let store = telegram.engine.store();
    let now = telegram.engine.now();
    for (notice, recipients) in store.fan_out_due(now).await? {
        tracing::info!(notice, recipients, "notice fanned out");
    }
    let batch = telegram
        .sender
        .rate()
        .map_or(MAX_BATCH, |r| (r.ceil() as i64).clamp(1, MAX_BATCH));
    let claimed = store
        .claim_deliveries(CHANNEL, batch, is_quiet(now))
        .await?;
    if claimed.is_empty() {
        return Ok(false);
    }
    for id in claimed.iter().filter_map(|d| d.notice_id) {
        if !state.notices.contains_key(&id)
            && let Some(notice) = store.notice(id).await?
        {
            state.notices.insert(id, Arc::new(notice));
        }
    }
    state
        .recent
        .retain(|_, at| at.elapsed() < Duration::from_secs(1));
    let sends = claimed.into_iter().map(|d| {
        let notice = d.notice_id.and_then(|id| state.notices.get(&id).cloned());
        // A chat gets at most one notice a second; the next waits its turn.
        let free = state
            .recent
            .insert(d.address.clone(), Instant::now())
            .is_none();
        async move {
            let lang = Lang::from_code(&d.language).unwrap_or_default();
            let reply = match (&d.message, notice) {
                (Some(message), _) => Some(message.clone()),
                (None, Some(notice)) => Some(notice.reply(lang)),
                (None, None) => None,
            };
            let outcome = match reply {
                _ if !free => Outcome::Requeue,
                Some(reply) => send(telegram, reply, lang, &d).await,
                None => Outcome::Failed("the notice is gone".into()),
            };
            (d.id, outcome)
        }
    });
    let mut results = futures::stream::iter(sends).buffer_unordered(IN_FLIGHT);
    let mut outcomes = Vec::new();
    let mut first = Instant::now();
    while let Some(result) = results.next().await {
        if outcomes.is_empty() {
            first = Instant::now();
        }
        outcomes.push(result);
        if outcomes.len() >= FLUSH_COUNT || first.elapsed() >= FLUSH_AFTER {
            store
                .record_deliveries(&std::mem::take(&mut outcomes))
                .await?;
        }
    }
    if !outcomes.is_empty() {
        store.record_deliveries(&outcomes).await?;
    }
    Ok(true)
}

async fn send(telegram: &Telegram, reply: Reply, lang: Lang, delivery: &Delivery) -> Outcome {
    let outbound = Outbound {
        lang,
        replies: vec![reply],
    };
    let mut outcome = Outcome::Failed("nothing to send".into());
    for message in adapt::render(telegram.engine.localizer(), &outbound) {
        outcome = telegram
            .sender
            .send_bulk(&delivery.address, &message, delivery.attempts)
            .await;
        if !matches!(outcome, Outcome::Sent { .. }) {
            break;
        }
    }
    outcome
}
