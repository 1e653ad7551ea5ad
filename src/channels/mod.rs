//! Chat channels: each turns its platform's events into [`crate::message::Inbound`] and renders
//! [`crate::message::Outbound`] its own way. Only channels know platform types. A channel is a
//! plug-in: it implements [`Channel`], and [`crate::delivery`] does the rest (inbox, outbox,
//! broadcasts, rate limits) the same way for every channel.

pub mod buttons;
pub mod html;
pub mod pictures;
pub mod plain;
pub mod public_images;
pub mod shell;
pub mod telegram;
pub mod text;
pub mod web;
pub mod webhook;
pub mod zalo_bot;
pub mod zalo_oa;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use futures::future::BoxFuture;
use secrecy::SecretString;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::delivery::Arrivals;
use crate::i18n::Localizer;
use crate::message::{Inbound, Outbound, Picture};

/// What a channel can do, for the code that renders and delivers through it.
#[derive(Debug, Clone, PartialEq)]
pub struct Capabilities {
    /// Buttons under a message, or choices numbered in the text and answered by typing the number.
    pub buttons: Buttons,
    /// A typed number chooses the choice of the chat's latest message with that number (on
    /// channels without buttons, and where buttons cannot always carry every choice).
    pub typed_numbers: bool,
    /// Longest text of one message; longer replies are split on line, then word boundaries.
    pub max_text: usize,
    /// Markup the platform renders (everything else is escaped).
    pub markup: Markup,
    /// How a picture reaches the platform.
    pub photos: Photos,
    /// Whether people can share their location with a button.
    pub location: bool,
    /// Whether the platform tells us a message was delivered or read.
    pub receipts: bool,
    /// Whether it may message a person unasked (notices, answers to their questions); a chat on a
    /// channel that cannot only gets replies.
    pub can_push: bool,
    /// Messages per second for the whole account, replies and bulk sends together (None: no limit).
    pub rate: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buttons {
    /// Inline buttons whose payload comes back when pressed, at most this many bytes (longer
    /// payloads travel as tokens, see [`buttons`]).
    Inline { max_payload: usize },
    /// No buttons: choices are numbered in the text.
    Numbered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Html,
    Plain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Photos {
    /// Uploaded from memory (charts drawn at send time).
    Upload,
    /// Only by a public URL.
    ByUrl,
    /// Not at all: charts go as text.
    None,
}

/// How a channel's events reach us.
#[derive(Debug, Clone)]
pub enum Intake {
    LongPolling,
    /// The platform posts to `url` (this server's webhook path), with `secret` in a header.
    Webhook {
        url: url::Url,
        secret: SecretString,
    },
    /// No intake here: only handle what other processes took in.
    None,
}

/// What a stored platform event asks of us.
#[derive(Debug, PartialEq)]
pub enum Event {
    /// Something for the engine; `ack` is what the channel needs to acknowledge it afterwards (a
    /// button press's query id), given back to [`Channel::acknowledge`].
    Chat {
        inbound: Inbound,
        ack: Option<String>,
    },
    /// The person blocked (false) or unblocked (true) the bot.
    Reachability { address: String, reachable: bool },
    /// The platform reports messages we sent as on the person's phone, or as read.
    Receipt {
        address: String,
        message_ids: Vec<String>,
        read: bool,
    },
    /// Nothing for us (groups, edits, kinds we do not read).
    Ignore,
}

/// How one send went, in terms the delivery engine acts on.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    /// Delivered, with the platform's id for the message.
    Ok { message_id: String },
    /// The platform asked the whole account to wait this long; the message did nothing wrong.
    RetryAfter(Duration),
    /// This message may not go before this long (Zalo holds some back at night); the others may.
    NotBefore(Duration),
    /// The person cannot be reached on this channel any more (blocked the bot, left).
    Unreachable,
    /// The platform's rules forbid this message to this person now (a messaging window), with
    /// the reason; it is not retried.
    NotDeliverableNow(String),
    /// Refused for good, with the platform's reason.
    Rejected(String),
    /// Failed in a way that may pass (network, 5xx); worth retrying later.
    Transient(String),
}

/// A chat channel. The shell, Telegram, the Zalo bot, the Zalo OA and the web chat implement it;
/// a new channel adds a module under `channels/` with an implementation and is started by `serve`
/// next to the others.
pub trait Channel: Send + Sync + 'static {
    /// The channel's name, stored with its chats and events: "telegram", "shell", …
    fn name(&self) -> &'static str;

    fn capabilities(&self) -> &Capabilities;

    /// Reads a raw event as intake stored it. An error means it can never be read (no retry).
    fn decode(&self, payload: &Value) -> anyhow::Result<Event>;

    /// The platform messages for `outbound`, in order, as stored in the outbox.
    fn render(&self, localizer: &Localizer, outbound: &Outbound) -> Vec<Value>;

    /// Sends one rendered message to `address`.
    fn send<'a>(&'a self, address: &'a str, message: &'a Value) -> BoxFuture<'a, Sent>;

    /// Acknowledges a handled event (stops a button's spinner), with a short text to show when
    /// the button had expired.
    fn acknowledge<'a>(&'a self, _ack: &'a str, _text: Option<String>) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }

    /// A photo a person sent, by the id its event carried (`InboundKind::Photo::file_id`), fetched
    /// from the platform now; Ok(None) when the platform no longer has it or keeps no photos.
    fn photo<'a>(&'a self, _file_id: &'a str) -> BoxFuture<'a, anyhow::Result<Option<Picture>>> {
        Box::pin(async { Ok(None) })
    }

    /// Tells the platform where events go (sets or deletes a webhook); once, when serve starts.
    fn register(&self) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async { Ok(()) })
    }

    /// Long polling, when the channel takes events that way: commits each batch to `arrivals`
    /// before acknowledging it to the platform, until `shutdown`.
    fn poll(
        self: Arc<Self>,
        _arrivals: Arrivals,
        _shutdown: CancellationToken,
    ) -> Option<BoxFuture<'static, anyhow::Result<()>>> {
        None
    }

    /// HTTP routes (webhooks, the web chat), mounted on serve's one server; they commit to
    /// `arrivals` before answering, and end requests that wait (long polls) on `shutdown`.
    fn routes(
        self: Arc<Self>,
        _arrivals: Arrivals,
        _shutdown: CancellationToken,
    ) -> Option<Router> {
        None
    }
}

/// An HTTP client for platform APIs that follows no redirect: a redirected POST would go on as a
/// GET elsewhere, with its headers, and a bot token in its URL.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client without redirects")
}

/// Lowercase hex of `bytes`, for keys and tokens derived from hashes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An id a platform sends as a string, or sometimes as a number; as text, never parsed (Zalo's
/// are 19 digits).
pub fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Rendered messages as the outbox keeps them.
pub fn stored<T: Serialize>(messages: Vec<T>) -> Vec<Value> {
    messages
        .iter()
        .map(|m| serde_json::to_value(m).expect("a rendered message serializes"))
        .collect()
}

/// A kept message as its channel rendered it; one it cannot read is refused for good.
pub fn restored<T: DeserializeOwned>(message: &Value, channel: &str) -> Result<T, Sent> {
    T::deserialize(message)
        .map_err(|e| Sent::Rejected(format!("not a rendered {channel} message: {e}")))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Intake;
    use super::telegram::TelegramConfig;
    use super::web::Visitor;
    use super::zalo_bot::ZaloBotConfig;
    use super::zalo_oa::ZaloOaConfig;

    #[test]
    fn settings_printed_for_debugging_show_no_token_key_or_secret() {
        let url = |s: &str| url::Url::parse(s).unwrap();
        let webhook = || Intake::Webhook {
            url: url("https://danvan.example/hook"),
            secret: "webhook-secret-words".into(),
        };
        let printed = [
            format!("{:?}", webhook()),
            format!(
                "{:?}",
                TelegramConfig {
                    token: "123:telegram-token-words".into(),
                    api_url: None,
                    intake: webhook(),
                    rate: None,
                }
            ),
            format!(
                "{:?}",
                ZaloBotConfig {
                    token: "8123:zalo-bot-token-words".into(),
                    api_url: url("https://bot.example"),
                    intake: webhook(),
                    public_images: None,
                    rate: None,
                    poll_wait: Duration::from_secs(1),
                }
            ),
            format!(
                "{:?}",
                ZaloOaConfig {
                    app_id: "app-id-shown".into(),
                    secret_key: "oa-secret-key-words".into(),
                    app_secret: "app-secret-words".into(),
                    refresh_token: Some("refresh-token-words".into()),
                    api_url: url("https://oa.example"),
                    oauth_url: url("https://oauth.example"),
                    rate: None,
                    clock: crate::clock::system(),
                }
            ),
            format!(
                "{:?}",
                Visitor {
                    token: "visitor-token-words".into(),
                    address: "address-shown".into(),
                }
            ),
        ];
        for printed in &printed {
            assert!(!printed.contains("-words"), "{printed}");
            assert!(printed.contains("REDACTED"), "{printed}");
        }
        assert!(printed[3].contains("app-id-shown") && printed[4].contains("address-shown"));
    }
}
