//! The Zalo Bot API channel (Zalo Bot Platform): a Telegram-like bot with a static token, updates
//! by long polling or a webhook, and no buttons, so every choice is numbered in the text and
//! answered by typing its number. Pictures go by URL only.

pub mod adapt;
pub mod client;
pub mod intake;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::bail;
use axum::Router;
use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::public_images::PublicImages;
use super::{Buttons, Capabilities, Channel, Event, Intake, Markup, Photos, Sent};
use crate::delivery::Arrivals;
use crate::i18n::Localizer;
use crate::message::Outbound;
use crate::message::Picture;
use crate::store::Store;
use adapt::Rendered;
use client::{CallError, Client};

pub const DEFAULT_API_URL: &str = "https://bot-api.zaloplatforms.com";
/// Zalo publishes no rate for bots; this keeps well below what Telegram allows.
pub const DEFAULT_RATE: f64 = 20.0;
/// How long one send may take.
const SEND_WAIT: Duration = Duration::from_secs(15);
/// How long to hold all sends after a 429, which says nothing of when to return.
const QUOTA_PAUSE: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct ZaloBotConfig {
    pub token: SecretString,
    pub api_url: url::Url,
    pub intake: Intake,
    /// Where charts are published for Zalo to fetch; without it, charts go as text.
    pub public_images: Option<PublicImages>,
    /// Messages per second for the whole bot (None: no limit).
    pub rate: Option<f64>,
    /// How long one long poll waits for an update; also the longest a shutdown waits for it.
    pub poll_wait: Duration,
}

/// A long poll's wait in production.
pub const POLL_WAIT: Duration = Duration::from_secs(10);

/// A Zalo bot as a [`Channel`].
pub struct ZaloBot {
    config: ZaloBotConfig,
    client: Client,
    store: Store,
    capabilities: Capabilities,
    /// Learnt at registration, to drop the bot's own messages.
    bot_id: OnceLock<String>,
}

impl ZaloBot {
    /// `store` holds the polling lock and published charts.
    pub fn new(config: ZaloBotConfig, store: Store) -> Arc<ZaloBot> {
        let capabilities = Capabilities {
            buttons: Buttons::Numbered,
            typed_numbers: true,
            max_text: adapt::MAX_TEXT,
            markup: Markup::Plain,
            photos: if config.public_images.is_some() {
                Photos::ByUrl
            } else {
                Photos::None
            },
            location: false,
            receipts: false,
            can_push: true,
            rate: config.rate,
        };
        Arc::new(ZaloBot {
            client: Client::new(config.api_url.clone(), config.token.clone()),
            config,
            store,
            capabilities,
            bot_id: OnceLock::new(),
        })
    }

    async fn send_rendered(&self, chat: &str, message: &Rendered) -> Result<Value, CallError> {
        let photo = match (&message.chart, &message.photo) {
            (Some(plot), _) => {
                let Some(images) = &self.config.public_images else {
                    return Err(CallError::Api {
                        code: 400,
                        description: "a chart needs DANVAN_PUBLIC_URL".into(),
                    });
                };
                let url = images
                    .url(plot)
                    .await
                    .map_err(|e| CallError::Network(format!("cannot keep the chart: {e:#}")))?;
                Some(url.to_string())
            }
            (None, photo) => photo.clone(),
        };
        match photo {
            Some(photo) => {
                let mut params = json!({ "chat_id": chat, "photo": photo });
                if !message.text.is_empty() {
                    params["caption"] = json!(message.text);
                }
                self.client.call("sendPhoto", &params, SEND_WAIT).await
            }
            None => {
                let params = json!({ "chat_id": chat, "text": message.text });
                self.client.call("sendMessage", &params, SEND_WAIT).await
            }
        }
    }
}

/// Zalo's answers as delivery outcomes.
fn classify(error: CallError) -> Sent {
    match error {
        CallError::Api { code: 429, .. } => Sent::RetryAfter(QUOTA_PAUSE),
        CallError::Api { code: 401, .. } => {
            tracing::error!("Zalo rejects ZALO_BOT_TOKEN (401): set the bot's current token");
            Sent::Transient("Zalo rejects the bot token (401 Unauthorized)".into())
        }
        // The person has not written to the bot, or no longer may be written to.
        CallError::Api { code: 403, .. } => Sent::Unreachable,
        CallError::Api {
            code: 408,
            description,
        } => Sent::Transient(format!("408 {description}")),
        CallError::Api { code, description } if code >= 500 => {
            Sent::Transient(format!("{code} {description}"))
        }
        CallError::Api { code, description } => Sent::Rejected(format!("{code} {description}")),
        CallError::Network(e) => Sent::Transient(e),
    }
}

impl Channel for ZaloBot {
    fn name(&self) -> &'static str {
        adapt::CHANNEL
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn decode(&self, payload: &Value) -> anyhow::Result<Event> {
        adapt::event(payload, self.bot_id.get().map(String::as_str))
    }

    fn render(&self, localizer: &Localizer, outbound: &Outbound) -> Vec<Value> {
        super::stored(adapt::render(localizer, outbound, self.capabilities.photos))
    }

    // A photo's id is the URL its event carried.
    fn photo<'a>(&'a self, file_id: &'a str) -> BoxFuture<'a, anyhow::Result<Option<Picture>>> {
        Box::pin(super::pictures::fetch(self.client.http(), file_id))
    }

    fn send<'a>(&'a self, address: &'a str, message: &'a Value) -> BoxFuture<'a, Sent> {
        Box::pin(async move {
            let message: Rendered = match super::restored(message, "Zalo bot") {
                Ok(message) => message,
                Err(refused) => return refused,
            };
            match self.send_rendered(address, &message).await {
                Ok(sent) => Sent::Ok {
                    message_id: super::id_text(&sent["message_id"]).unwrap_or_default(),
                },
                Err(error) => classify(error),
            }
        })
    }

    fn register(&self) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async move {
            let me = match self.client.call("getMe", &json!({}), SEND_WAIT).await {
                Ok(me) => me,
                Err(CallError::Api { code: 401, .. }) => bail!(
                    "Zalo rejects ZALO_BOT_TOKEN (401 Unauthorized): copy the token again from \
                     Zalo Bot Creator"
                ),
                Err(e) => return Err(e.into()),
            };
            if let Some(id) = super::id_text(&me["id"]) {
                let _ = self.bot_id.set(id);
            }
            match &self.config.intake {
                Intake::Webhook { url, secret } => {
                    let params =
                        json!({ "url": url.as_str(), "secret_token": secret.expose_secret() });
                    self.client.call("setWebhook", &params, SEND_WAIT).await?;
                }
                // Polling and a webhook exclude each other.
                Intake::LongPolling => {
                    self.client
                        .call("deleteWebhook", &json!({}), SEND_WAIT)
                        .await?;
                }
                Intake::None => {}
            }
            Ok(())
        })
    }

    fn poll(
        self: Arc<Self>,
        arrivals: Arrivals,
        shutdown: CancellationToken,
    ) -> Option<BoxFuture<'static, anyhow::Result<()>>> {
        matches!(self.config.intake, Intake::LongPolling).then(|| {
            Box::pin(intake::poll(
                self.client.clone(),
                self.store.clone(),
                arrivals,
                self.config.poll_wait,
                shutdown,
            )) as _
        })
    }

    fn routes(self: Arc<Self>, arrivals: Arrivals, _: CancellationToken) -> Option<Router> {
        match &self.config.intake {
            Intake::Webhook { secret, .. } => Some(intake::router(secret.clone(), arrivals)),
            _ => None,
        }
    }
}
