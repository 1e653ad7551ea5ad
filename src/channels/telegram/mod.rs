//! The Telegram channel, through teloxide's client: updates in by long polling or a webhook
//! (committed to the inbox before Telegram is told they arrived), messages out as HTML with
//! inline keyboards, charts uploaded as photos.

pub mod adapt;
mod files;
pub mod intake;
pub mod send;

use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use teloxide::Bot;
use teloxide::types::AllowedUpdate;
use tokio_util::sync::CancellationToken;

pub use super::Intake;
use super::{Buttons, Capabilities, Channel, Event, Markup, Photos, Sent};
use crate::delivery::Arrivals;
use crate::i18n::Localizer;
use crate::message::Outbound;
use crate::message::Picture;

/// The updates we ask Telegram for, always said explicitly: omitting them keeps an old setting.
pub fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![
        AllowedUpdate::Message,
        AllowedUpdate::CallbackQuery,
        AllowedUpdate::MyChatMember,
    ]
}

#[derive(Debug, Clone)]
pub struct TelegramConfig {
    pub token: SecretString,
    pub api_url: Option<url::Url>,
    pub intake: Intake,
    /// Messages per second for the whole bot (Telegram allows about 30; paid broadcasts up to
    /// 1,000); None: no limit, for local fakes and benchmarks.
    pub rate: Option<f64>,
}

/// Telegram's default broadcast rate: about 30 messages per second.
pub const DEFAULT_RATE: f64 = 30.0;

/// A Telegram bot as a [`Channel`].
pub struct Telegram {
    config: TelegramConfig,
    bot: Bot,
    capabilities: Capabilities,
}

impl Telegram {
    pub fn new(config: TelegramConfig) -> Arc<Telegram> {
        let mut bot = Bot::new(config.token.expose_secret());
        if let Some(url) = &config.api_url {
            bot = bot.set_api_url(url.clone());
        }
        let capabilities = Capabilities {
            buttons: Buttons::Inline {
                max_payload: adapt::MAX_CALLBACK_DATA,
            },
            typed_numbers: false,
            max_text: adapt::MAX_TEXT,
            markup: Markup::Html,
            photos: Photos::Upload,
            location: true,
            receipts: false,
            can_push: true,
            rate: config.rate,
        };
        Arc::new(Telegram {
            config,
            bot,
            capabilities,
        })
    }

    pub fn bot(&self) -> &Bot {
        &self.bot
    }
}

impl Channel for Telegram {
    fn name(&self) -> &'static str {
        adapt::CHANNEL
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn decode(&self, payload: &Value) -> anyhow::Result<Event> {
        let update = adapt::parse_update(payload).context("not a Telegram update")?;
        Ok(adapt::event(&update))
    }

    fn render(&self, localizer: &Localizer, outbound: &Outbound) -> Vec<Value> {
        super::stored(adapt::render(localizer, outbound))
    }

    fn send<'a>(&'a self, address: &'a str, message: &'a Value) -> BoxFuture<'a, Sent> {
        Box::pin(send::send(&self.bot, address, message))
    }

    fn acknowledge<'a>(&'a self, ack: &'a str, text: Option<String>) -> BoxFuture<'a, ()> {
        Box::pin(send::answer_callback(&self.bot, ack, text))
    }

    fn photo<'a>(&'a self, file_id: &'a str) -> BoxFuture<'a, anyhow::Result<Option<Picture>>> {
        Box::pin(files::photo(&self.bot, file_id))
    }

    fn register(&self) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(intake::register(&self.bot, &self.config.intake))
    }

    fn poll(
        self: Arc<Self>,
        arrivals: Arrivals,
        shutdown: CancellationToken,
    ) -> Option<BoxFuture<'static, anyhow::Result<()>>> {
        matches!(self.config.intake, Intake::LongPolling)
            .then(|| Box::pin(intake::poll(self.bot.clone(), arrivals, shutdown)) as _)
    }

    fn routes(self: Arc<Self>, arrivals: Arrivals, _: CancellationToken) -> Option<Router> {
        match &self.config.intake {
            Intake::Webhook { secret, .. } => Some(intake::router(secret.clone(), arrivals)),
            _ => None,
        }
    }
}
