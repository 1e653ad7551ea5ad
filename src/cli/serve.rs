//! `danvan serve`'s settings: which channels run, and how each is reached. A channel runs when
//! its settings are present.

use std::sync::Arc;

use anyhow::{Context, bail};
use clap::ValueEnum;
use secrecy::{ExposeSecret, SecretString};

use crate::channels::public_images::PublicImages;
use crate::channels::telegram::{Telegram, TelegramConfig};
use crate::channels::web::{WebChat, WebChatConfig};
use crate::channels::zalo_bot::{self, ZaloBot, ZaloBotConfig};
use crate::channels::zalo_oa::{self, ZaloOa, ZaloOaConfig};
use crate::channels::{Channel, Intake};
use crate::engine::Engine;
use crate::store::{DatabaseSource, Store};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address for the HTTP endpoints (/health, the webhooks, /images).
    #[arg(long, env = "DANVAN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Public base URL of this server, where channels that take pictures by URL fetch charts.
    #[arg(long, env = "DANVAN_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// Bearer token that /metrics asks for; without it, no /metrics.
    #[arg(long, env = "DANVAN_METRICS_TOKEN", hide_env_values = true, value_parser = super::secret)]
    pub metrics_token: Option<SecretString>,
    /// Cookies without `Secure`, for a browser reaching this machine over plain http by a network
    /// address (never in production; http://127.0.0.1 needs no such thing).
    #[arg(long, env = "DANVAN_PLAIN_HTTP", value_parser = clap::builder::FalseyValueParser::new())]
    pub plain_http: bool,
    /// Updates handled at once, per channel.
    #[arg(long, env = "DANVAN_WORKERS", default_value_t = 8)]
    pub workers: usize,
    /// Unit code (e.g. 33 for Hưng Yên) whose places come first when a typed name is ambiguous.
    #[arg(long, env = "DANVAN_HOME_UNIT")]
    pub home_unit: Option<String>,

    /// Telegram bot token; without it, no Telegram channel.
    #[arg(long, env = "TELOXIDE_TOKEN", hide_env_values = true)]
    pub telegram_token: Option<String>,
    /// Telegram Bot API base URL (a local Bot API server, or a fake one in tests).
    #[arg(long, env = "TELOXIDE_API_URL")]
    pub telegram_api_url: Option<url::Url>,
    /// How updates arrive: long polling, a webhook, or not here (another process takes them in).
    #[arg(long, env = "TELEGRAM_INTAKE", value_enum, default_value = "polling")]
    pub telegram_intake: IntakeArg,
    /// Public HTTPS URL of this server's /telegram/webhook (webhook intake).
    #[arg(long, env = "TELEGRAM_WEBHOOK_URL")]
    pub telegram_webhook_url: Option<url::Url>,
    /// Secret Telegram sends with every webhook call: 1–256 of A-Z a-z 0-9 _ -.
    #[arg(long, env = "TELEGRAM_WEBHOOK_SECRET", hide_env_values = true)]
    pub telegram_webhook_secret: Option<String>,
    /// Messages per second for the whole bot, replies and notices together (0: no limit).
    #[arg(long, env = "TELEGRAM_RATE", default_value_t = crate::channels::telegram::DEFAULT_RATE)]
    pub telegram_rate: f64,

    /// Zalo Bot API token (Zalo Bot Creator); without it, no Zalo bot.
    #[arg(long, env = "ZALO_BOT_TOKEN", hide_env_values = true)]
    pub zalo_bot_token: Option<String>,
    #[arg(long, env = "ZALO_BOT_API_URL", default_value = zalo_bot::DEFAULT_API_URL)]
    pub zalo_bot_api_url: url::Url,
    #[arg(long, env = "ZALO_BOT_INTAKE", value_enum, default_value = "polling")]
    pub zalo_bot_intake: IntakeArg,
    /// Public HTTPS URL of this server's /zalo/bot/webhook (webhook intake).
    #[arg(long, env = "ZALO_BOT_WEBHOOK_URL")]
    pub zalo_bot_webhook_url: Option<url::Url>,
    /// Secret Zalo sends in X-Bot-Api-Secret-Token: 8–256 characters.
    #[arg(long, env = "ZALO_BOT_WEBHOOK_SECRET", hide_env_values = true)]
    pub zalo_bot_webhook_secret: Option<String>,
    /// Messages per second for the whole Zalo bot (0: no limit).
    #[arg(long, env = "ZALO_BOT_RATE", default_value_t = zalo_bot::DEFAULT_RATE)]
    pub zalo_bot_rate: f64,

    /// Zalo app id of the Official Account's app; without it, no Zalo OA.
    #[arg(long, env = "ZALO_OA_APP_ID")]
    pub zalo_oa_app_id: Option<String>,
    /// The OA secret key, which signs webhook events.
    #[arg(long, env = "ZALO_OA_SECRET_KEY", hide_env_values = true)]
    pub zalo_oa_secret_key: Option<String>,
    /// The app secret, for OAuth token refreshes.
    #[arg(long, env = "ZALO_OA_APP_SECRET", hide_env_values = true)]
    pub zalo_oa_app_secret: Option<String>,
    /// The first refresh token; afterwards the current one lives in the database.
    #[arg(long, env = "ZALO_OA_REFRESH_TOKEN", hide_env_values = true)]
    pub zalo_oa_refresh_token: Option<String>,
    #[arg(long, env = "ZALO_OA_API_URL", default_value = zalo_oa::DEFAULT_API_URL)]
    pub zalo_oa_api_url: url::Url,
    #[arg(long, env = "ZALO_OAUTH_URL", default_value = zalo_oa::DEFAULT_OAUTH_URL)]
    pub zalo_oauth_url: url::Url,

    /// The web chat at /chat (and /chat/embed.js for other sites): on unless off.
    #[arg(long, env = "DANVAN_WEB_CHAT", value_enum, default_value = "on")]
    pub web_chat: OnOff,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum IntakeArg {
    Polling,
    Webhook,
    None,
}

/// A channel whose settings are present, with the one that names it.
enum Configured<'a> {
    Telegram(&'a str),
    ZaloBot(&'a str),
    ZaloOa(&'a str),
    Web,
}

/// Which settings turn on which channel, for a `serve` that has none.
const CHANNEL_SETTINGS: &str = "no chat channel is configured, so only the HTTP endpoints run; \
set TELOXIDE_TOKEN for Telegram, ZALO_BOT_TOKEN for a Zalo bot, ZALO_OA_APP_ID (with its keys) \
for a Zalo Official Account, or leave DANVAN_WEB_CHAT on (see the README's configuration table)";

impl ServeArgs {
    /// How the dashboard is reached.
    pub fn web(&self) -> crate::dashboard::WebSettings {
        crate::dashboard::WebSettings {
            public_url: self.public_url.clone(),
            plain_http: self.plain_http,
        }
    }

    /// How many channels have their settings present.
    pub fn channel_count(&self) -> usize {
        self.configured().len()
    }

    /// The channels whose settings are present.
    pub fn channels(&self, store: &Store) -> anyhow::Result<Vec<Arc<dyn Channel>>> {
        let mut channels: Vec<Arc<dyn Channel>> = Vec::new();
        for configured in self.configured() {
            channels.push(match configured {
                Configured::Telegram(token) => Telegram::new(self.telegram(token)?),
                Configured::ZaloBot(token) => {
                    ZaloBot::new(self.zalo_bot(token, store)?, store.clone())
                }
                Configured::ZaloOa(app_id) => ZaloOa::new(self.zalo_oa(app_id)?, store.clone()),
                Configured::Web => WebChat::new(WebChatConfig::default(), store.clone()),
            });
        }
        if channels.is_empty() {
            eprintln!("danvan: {CHANNEL_SETTINGS}");
        }
        Ok(channels)
    }

    fn configured(&self) -> Vec<Configured<'_>> {
        let mut configured = Vec::new();
        if let Some(token) = &self.telegram_token {
            configured.push(Configured::Telegram(token));
        }
        if let Some(token) = &self.zalo_bot_token {
            configured.push(Configured::ZaloBot(token));
        }
        if let Some(app_id) = &self.zalo_oa_app_id {
            configured.push(Configured::ZaloOa(app_id));
        }
        if self.web_chat == OnOff::On {
            configured.push(Configured::Web);
        }
        configured
    }

    fn telegram(&self, token: &str) -> anyhow::Result<TelegramConfig> {
        let intake = intake(
            self.telegram_intake,
            "TELEGRAM",
            &self.telegram_webhook_url,
            &self.telegram_webhook_secret,
        )?;
        if let Intake::Webhook { secret, .. } = &intake {
            let secret = secret.expose_secret();
            let valid = (1..=256).contains(&secret.len())
                && secret
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !valid {
                bail!("TELEGRAM_WEBHOOK_SECRET must be 1–256 of A-Z a-z 0-9 _ -");
            }
        }
        Ok(TelegramConfig {
            token: token.into(),
            api_url: self.telegram_api_url.clone(),
            intake,
            rate: rate(self.telegram_rate),
        })
    }

    fn zalo_bot(&self, token: &str, store: &Store) -> anyhow::Result<ZaloBotConfig> {
        let intake = intake(
            self.zalo_bot_intake,
            "ZALO_BOT",
            &self.zalo_bot_webhook_url,
            &self.zalo_bot_webhook_secret,
        )?;
        if let Intake::Webhook { secret, .. } = &intake
            && !(8..=256).contains(&secret.expose_secret().chars().count())
        {
            bail!("ZALO_BOT_WEBHOOK_SECRET must be 8–256 characters");
        }
        Ok(ZaloBotConfig {
            token: token.into(),
            api_url: self.zalo_bot_api_url.clone(),
            intake,
            public_images: self
                .public_url
                .clone()
                .map(|url| PublicImages::new(store.clone(), url)),
            rate: rate(self.zalo_bot_rate),
            poll_wait: zalo_bot::POLL_WAIT,
        })
    }

    fn zalo_oa(&self, app_id: &str) -> anyhow::Result<ZaloOaConfig> {
        let secret_key = self.zalo_oa_secret_key.clone().context(
            "the Zalo OA needs ZALO_OA_SECRET_KEY (the OA secret key that signs webhooks)",
        )?;
        let app_secret = self
            .zalo_oa_app_secret
            .clone()
            .context("the Zalo OA needs ZALO_OA_APP_SECRET (the app secret, for OAuth)")?;
        Ok(ZaloOaConfig {
            app_id: app_id.to_owned(),
            secret_key: secret_key.into(),
            app_secret: app_secret.into(),
            refresh_token: self.zalo_oa_refresh_token.clone().map(SecretString::from),
            api_url: self.zalo_oa_api_url.clone(),
            oauth_url: self.zalo_oauth_url.clone(),
            rate: Some(zalo_oa::RATE),
            clock: crate::clock::system(),
        })
    }
}

fn rate(per_second: f64) -> Option<f64> {
    Some(per_second).filter(|r| *r > 0.0)
}

/// A channel's intake from its `<PREFIX>_INTAKE`, `_WEBHOOK_URL` and `_WEBHOOK_SECRET` settings.
fn intake(
    arg: IntakeArg,
    prefix: &str,
    url: &Option<url::Url>,
    secret: &Option<String>,
) -> anyhow::Result<Intake> {
    Ok(match arg {
        IntakeArg::Polling => Intake::LongPolling,
        IntakeArg::None => Intake::None,
        IntakeArg::Webhook => Intake::Webhook {
            url: url
                .clone()
                .with_context(|| format!("webhook intake needs {prefix}_WEBHOOK_URL"))?,
            secret: secret
                .clone()
                .map(SecretString::from)
                .with_context(|| format!("webhook intake needs {prefix}_WEBHOOK_SECRET"))?,
        },
    })
}

/// `danvan serve`: the channels, the dashboard and the metrics until a signal.
pub async fn run(
    args: ServeArgs,
    source: &DatabaseSource,
    survey_key: Option<SecretString>,
) -> anyhow::Result<()> {
    let pool = crate::serve::pool(args.channel_count(), args.workers);
    let store = Store::open_with(source, pool).await?;
    let channels = args.channels(&store)?;
    if crate::seed::demo_if_empty(&store).await? > 0 {
        eprintln!(
            "danvan: no units yet, loaded the demo province (Hưng Yên); `danvan units import` loads the real list"
        );
    }
    let engine = Engine::new(store)
        .await?
        .with_survey_key(survey_key)
        .with_home_unit(args.home_unit.clone())
        .context("DANVAN_HOME_UNIT")?;
    let engine = Arc::new(engine);
    let pages = crate::dashboard::routes(engine.clone(), &args.web(), &channels)
        .await?
        .merge(crate::telemetry::routes(
            engine.clone(),
            args.metrics_token.clone(),
        ));
    crate::serve::run_until_signal(engine, channels, args.workers, args.listen, pages).await
}
