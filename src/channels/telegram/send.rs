//! Sending queued replies through teloxide, honouring Telegram's error semantics: 429 pauses the
//! whole bot for `retry_after`; a blocked or deactivated user becomes unreachable; 5xx and network
//! errors are retried; other errors fail the message with Telegram's reason.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use teloxide::payloads::{SendDocumentSetters, SendMessageSetters, SendPhotoSetters};
use teloxide::prelude::*;
use teloxide::types::{
    ButtonRequest, FileId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, KeyboardButton,
    KeyboardMarkup, Message, ParseMode, ReplyMarkup,
};
use teloxide::{ApiError, RequestError};
use tokio::time::Instant;

use super::adapt::{CHANNEL, Rendered};
use crate::channels::limiter::RateLimiter;
use crate::message::AttachmentKind;
use crate::store::Store;
use crate::store::inbox::Pending;
use crate::store::notices::Outcome;

/// Tries at one message in a row before leaving it to the outbox sweeper.
const IN_PLACE_TRIES: u32 = 3;
/// Attempts in all before a message fails for good.
const MAX_ATTEMPTS: i32 = 8;

pub struct Sender {
    bot: Bot,
    store: Store,
    /// The bot's message rate, shared by replies and bulk sends.
    limiter: RateLimiter,
    /// Set by a 429: nobody sends before then.
    paused_until: Mutex<Option<Instant>>,
}

/// How one message fared.
#[derive(Debug, PartialEq)]
pub enum Delivery {
    Sent,
    /// The person blocked the bot (or is gone); nothing more goes to them.
    Unreachable,
    /// Telegram refused it for good.
    Rejected(String),
    /// Still failing after retries; the outbox will try again later.
    Deferred(String),
}

impl Sender {
    pub fn new(bot: Bot, store: Store, limiter: RateLimiter) -> Sender {
        Sender {
            bot,
            store,
            limiter,
            paused_until: Mutex::new(None),
        }
    }

    pub fn bot(&self) -> &Bot {
        &self.bot
    }

    /// Messages per second this bot keeps to, if limited.
    pub fn rate(&self) -> Option<f64> {
        self.limiter.rate()
    }

    /// Delivers a chat's replies in order; stops at the first that cannot go now, so order holds.
    /// Returns the ids of those sent, for the caller to drop from the outbox.
    pub async fn deliver_all(&self, replies: &[Pending]) -> anyhow::Result<Vec<i64>> {
        let mut sent = Vec::new();
        for reply in replies {
            let rendered: Rendered = serde_json::from_value(reply.payload.clone())?;
            match self.deliver(reply.id, &reply.address, &rendered).await {
                Delivery::Sent => sent.push(reply.id),
                Delivery::Unreachable => {
                    self.store
                        .set_reachable(CHANNEL, &reply.address, false)
                        .await?;
                    break;
                }
                Delivery::Rejected(reason) => {
                    tracing::warn!(reply = reply.id, %reason, "Telegram refused a reply");
                    self.store.reply_failed(reply.id, &reason, None).await?;
                }
                Delivery::Deferred(reason) => {
                    let retry =
                        (reply.attempts + 1 < MAX_ATTEMPTS).then(|| backoff(reply.attempts as u32));
                    self.store.reply_failed(reply.id, &reason, retry).await?;
                    break;
                }
            }
        }
        Ok(sent)
    }

    /// Sends outbox reply `id`, retrying in place; renews its lease after any wait.
    pub async fn deliver(&self, id: i64, address: &str, message: &Rendered) -> Delivery {
        let Ok(chat) = address.parse::<i64>() else {
            return Delivery::Rejected(format!("not a Telegram chat id: {address}"));
        };
        let mut tries = 0;
        loop {
            if self.wait_for_pause().await
                && let Err(e) = self.store.renew_lease(id).await
            {
                return Delivery::Deferred(format!("cannot renew the lease: {e}"));
            }
            self.limiter.take_now();
            let error = match self.send(chat, message).await {
                Ok(_) => return Delivery::Sent,
                Err(e) => e,
            };
            tries += 1;
            match classify(&error) {
                Failure::RetryAfter(wait) => {
                    self.pause(wait);
                    // A 429 is not the message's fault: it does not count as a try.
                    tries -= 1;
                }
                Failure::Unreachable => return Delivery::Unreachable,
                Failure::Permanent => return Delivery::Rejected(error.to_string()),
                Failure::Transient if tries >= IN_PLACE_TRIES => {
                    return Delivery::Deferred(error.to_string());
                }
                Failure::Transient => {
                    tokio::time::sleep(backoff(tries)).await;
                    if let Err(e) = self.store.renew_lease(id).await {
                        return Delivery::Deferred(format!("cannot renew the lease: {e}"));
                    }
                }
            }
        }
    }

    /// Sends one message of a broadcast, once, in its turn under the rate limit. `attempts`
    /// counts this one.
    pub async fn send_bulk(&self, address: &str, message: &Rendered, attempts: i32) -> Outcome {
        let Ok(chat) = address.parse::<i64>() else {
            return Outcome::Failed(format!("not a Telegram chat id: {address}"));
        };
        self.wait_for_pause().await;
        self.limiter.acquire().await;
        let error = match self.send(chat, message).await {
            Ok(sent) => {
                return Outcome::Sent {
                    message_id: sent.id.0.to_string(),
                };
            }
            Err(e) => e,
        };
        match classify(&error) {
            Failure::RetryAfter(wait) => {
                self.pause(wait);
                Outcome::Requeue
            }
            Failure::Unreachable => Outcome::Blocked,
            Failure::Permanent => Outcome::Failed(error.to_string()),
            Failure::Transient if attempts >= MAX_ATTEMPTS => Outcome::Failed(error.to_string()),
            Failure::Transient => Outcome::Retry {
                error: error.to_string(),
                at: chrono::Utc::now()
                    + chrono::Duration::from_std(backoff(attempts as u32)).unwrap_or_default(),
            },
        }
    }

    async fn send(&self, chat: i64, message: &Rendered) -> Result<Message, RequestError> {
        let markup = markup(message);
        let caption = (!message.text.is_empty()).then_some(message.text.as_str());
        // The two attachment requests are different types with the same setters.
        macro_rules! with_caption_and_markup {
            ($request:expr) => {{
                let mut request = $request;
                if let Some(caption) = caption {
                    request = request.caption(caption).parse_mode(ParseMode::Html);
                }
                if let Some(markup) = markup {
                    request = request.reply_markup(markup);
                }
                request.await
            }};
        }
        if let Some(plot) = message.chart.clone() {
            let png = tokio::task::spawn_blocking(move || plot.png())
                .await
                .map_err(|e| std::io::Error::other(e.to_string()))
                .and_then(|drawn| drawn.map_err(|e| std::io::Error::other(e.to_string())))
                .map_err(|e| RequestError::Io(Arc::new(e)))?;
            let file = InputFile::memory(png).file_name("chart.png");
            return with_caption_and_markup!(self.bot.send_photo(ChatId(chat), file));
        }
        let Some(attachment) = &message.attachment else {
            let mut request = self
                .bot
                .send_message(ChatId(chat), &message.text)
                .parse_mode(ParseMode::Html);
            if let Some(markup) = markup {
                request = request.reply_markup(markup);
            }
            return request.await;
        };
        let file = match attachment.source.parse::<url::Url>() {
            Ok(url) => InputFile::url(url),
            Err(_) => InputFile::file_id(FileId(attachment.source.clone())),
        };
        match attachment.kind {
            AttachmentKind::Photo => {
                with_caption_and_markup!(self.bot.send_photo(ChatId(chat), file))
            }
            AttachmentKind::Document => {
                with_caption_and_markup!(self.bot.send_document(ChatId(chat), file))
            }
        }
    }

    /// Answers a button press so the client stops its spinner; `text` shows as a short notice.
    pub async fn answer_callback(&self, id: &str, text: Option<String>) {
        self.wait_for_pause().await;
        let mut request = self
            .bot
            .answer_callback_query(teloxide::types::CallbackQueryId(id.to_owned()));
        if let Some(text) = text {
            request = request.text(text.chars().take(200).collect::<String>());
        }
        if let Err(e) = request.await {
            // Old queries cannot be answered; the chat reply still tells the person what happened.
            tracing::debug!(error = %e, "answerCallbackQuery failed");
        }
    }

    /// Telegram asked us to slow down: nobody sends for `wait`.
    fn pause(&self, wait: Duration) {
        tracing::warn!(
            seconds = wait.as_secs(),
            "Telegram asked us to slow down; pausing all sends"
        );
        let until = Instant::now() + wait;
        let mut paused = self.paused_until.lock().expect("pause lock poisoned");
        if paused.is_none_or(|p| p < until) {
            *paused = Some(until);
        }
    }

    /// Waits out a 429 pause; true when there was one to wait for.
    async fn wait_for_pause(&self) -> bool {
        let until = *self.paused_until.lock().expect("pause lock poisoned");
        match until {
            Some(until) if until > Instant::now() => {
                tokio::time::sleep_until(until).await;
                true
            }
            _ => false,
        }
    }
}

/// Inline buttons, or the one-time keyboard with a share-location button (a message has one or the
/// other: the engine never asks for a location and offers buttons in the same reply).
fn markup(message: &Rendered) -> Option<ReplyMarkup> {
    if let Some(label) = &message.location_button {
        let button = KeyboardButton::new(label).request(ButtonRequest::Location);
        return Some(ReplyMarkup::Keyboard(
            KeyboardMarkup::new([[button]])
                .one_time_keyboard()
                .resize_keyboard(),
        ));
    }
    (!message.keyboard.is_empty()).then(|| {
        ReplyMarkup::InlineKeyboard(InlineKeyboardMarkup::new(message.keyboard.iter().map(
            |row| {
                row.iter()
                    .map(|(label, data)| InlineKeyboardButton::callback(label, data))
            },
        )))
    })
}

enum Failure {
    RetryAfter(Duration),
    Unreachable,
    Transient,
    Permanent,
}

fn classify(error: &RequestError) -> Failure {
    match error {
        RequestError::RetryAfter(wait) => Failure::RetryAfter(wait.duration()),
        RequestError::Api(
            ApiError::BotBlocked | ApiError::UserDeactivated | ApiError::CantInitiateConversation,
        ) => Failure::Unreachable,
        // Telegram's 5xx answers carry no code teloxide keeps; their descriptions say what they are.
        RequestError::Api(ApiError::Unknown(description))
            if [
                "Internal Server Error",
                "Bad Gateway",
                "Service Unavailable",
                "Gateway Timeout",
            ]
            .iter()
            .any(|s| description.contains(s)) =>
        {
            Failure::Transient
        }
        RequestError::Api(_) | RequestError::MigrateToChatId(_) => Failure::Permanent,
        RequestError::Network(_) | RequestError::InvalidJson { .. } | RequestError::Io(_) => {
            Failure::Transient
        }
    }
}

/// 1 s, 2 s, 4 s … capped at a minute.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.min(6)).min(Duration::from_secs(60))
}
