//! The Telegram channel, through teloxide's client. Intake (long polling or webhook) commits raw
//! updates to the inbox before Telegram is told they arrived; workers handle them from there, once
//! each, in order within a chat; replies go through the outbox.

pub mod adapt;
pub mod broadcast;
pub mod intake;
pub mod send;
pub mod worker;

use std::sync::Arc;

use teloxide::Bot;
use teloxide::types::AllowedUpdate;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::channels::limiter::RateLimiter;
use crate::engine::Engine;

/// The updates we ask Telegram for, always said explicitly: omitting them keeps an old setting.
pub fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![
        AllowedUpdate::Message,
        AllowedUpdate::CallbackQuery,
        AllowedUpdate::MyChatMember,
    ]
}

#[derive(Debug, Clone)]
pub enum Intake {
    LongPolling,
    /// Telegram posts to `url`, with `secret` in X-Telegram-Bot-Api-Secret-Token.
    Webhook {
        url: url::Url,
        secret: String,
    },
    /// No intake here: only handle what other processes took in.
    None,
}

#[derive(Clone)]
pub struct TelegramConfig {
    pub token: String,
    pub api_url: Option<url::Url>,
    pub intake: Intake,
    /// Updates handled at once.
    pub workers: usize,
    /// Messages per second for the whole bot (Telegram allows about 30; paid broadcasts up to
    /// 1,000); None: no limit, for local fakes and benchmarks.
    pub rate: Option<f64>,
}

/// Telegram's default broadcast rate: about 30 messages per second.
pub const DEFAULT_RATE: f64 = 30.0;

impl std::fmt::Debug for TelegramConfig {
    // The token is a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramConfig")
            .field("api_url", &self.api_url)
            .field("intake", &self.intake)
            .field("workers", &self.workers)
            .field("rate", &self.rate)
            .finish_non_exhaustive()
    }
}

/// A running Telegram channel's parts, shared by its tasks.
pub struct Telegram {
    pub config: TelegramConfig,
    pub engine: Arc<Engine>,
    pub sender: send::Sender,
    /// Rung when intake commits something, so idle workers look at once.
    pub arrived: Notify,
}

impl Telegram {
    pub fn new(engine: Arc<Engine>, config: TelegramConfig) -> Arc<Telegram> {
        let mut bot = Bot::new(&config.token);
        if let Some(url) = &config.api_url {
            bot = bot.set_api_url(url.clone());
        }
        let sender = send::Sender::new(bot, engine.store().clone(), RateLimiter::new(config.rate));
        Arc::new(Telegram {
            config,
            engine,
            sender,
            arrived: Notify::new(),
        })
    }

    /// Wakes enough idle workers for `count` new updates (each takes a batch), not all of them.
    pub fn wake_workers(&self, count: usize) {
        for _ in 0..count
            .div_ceil(worker::BATCH as usize)
            .min(self.config.workers.max(1))
        {
            self.arrived.notify_one();
        }
    }

    pub fn bot(&self) -> &Bot {
        self.sender.bot()
    }

    /// Runs intake, workers and the outbox sweeper until `shutdown`; returns when they have finished
    /// what they had in hand. Call [`intake::register`] first.
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) -> anyhow::Result<()> {
        let mut tasks = tokio::task::JoinSet::new();
        if matches!(self.config.intake, Intake::LongPolling) {
            tasks.spawn(intake::poll(self.clone(), shutdown.clone()));
        }
        for _ in 0..self.config.workers.max(1) {
            tasks.spawn(worker::work(self.clone(), shutdown.clone()));
        }
        tasks.spawn(worker::sweep(self.clone(), shutdown.clone()));
        tasks.spawn(broadcast::run(self.clone(), shutdown.clone()));
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        Ok(())
    }
}
