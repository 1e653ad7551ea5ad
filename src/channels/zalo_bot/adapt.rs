//! Zalo Bot API ⇄ danvan: updates become [`Inbound`] events; [`Outbound`] replies become plain
//! texts with numbered choices (the Bot API has no buttons), split at 2,000 characters.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::channels::text::{split, utf16_len};
use crate::channels::{Event, Photos, hex, id_text, plain};
use crate::chart::Plot;
use crate::i18n::Localizer;
use crate::message::{AttachmentKind, ChatTraits, Inbound, InboundKind, Msg, Outbound};

pub const CHANNEL: &str = "zalo_bot";
/// Longest text of one message (and of a photo's caption).
pub const MAX_TEXT: usize = 2000;

/// An update as Zalo sends it. IDs are strings (some senders use numbers: both are read).
#[derive(Debug, Deserialize)]
struct Update {
    event_name: String,
    #[serde(default)]
    message: Option<Message>,
}

#[derive(Debug, Deserialize)]
struct Message {
    #[serde(default)]
    from: Option<From>,
    chat: Chat,
    #[serde(default, deserialize_with = "id")]
    message_id: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    photo: Option<String>,
    #[serde(default)]
    caption: Option<String>,
}

#[derive(Debug, Deserialize)]
struct From {
    #[serde(deserialize_with = "id")]
    id: String,
    #[serde(default)]
    is_bot: bool,
}

#[derive(Debug, Deserialize)]
struct Chat {
    #[serde(deserialize_with = "id")]
    id: String,
    #[serde(default)]
    chat_type: Option<String>,
}

fn id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let value = Value::deserialize(d)?;
    id_text(&value).ok_or_else(|| serde::de::Error::custom(format!("not an id: {value}")))
}

/// The update inside a body, bare or wrapped as `{ok, result}` (both are sent).
pub fn unwrap(body: Value) -> Value {
    match body {
        Value::Object(mut o) if o.contains_key("result") && !o.contains_key("event_name") => {
            o.remove("result").unwrap_or_default()
        }
        body => body,
    }
}

/// (event id, chat) of an update, for the inbox: the same event name and message id is the same
/// event. One we cannot read is kept under a hash of its content, to be set aside, not lost.
pub fn key(update: &Value) -> (String, String) {
    match Update::deserialize(update) {
        Ok(Update {
            event_name,
            message: Some(message),
        }) => (
            event_id(&event_name, &message.message_id, update),
            message.chat.id,
        ),
        _ => (
            format!("unreadable:{}", content_hash(update)),
            String::new(),
        ),
    }
}

/// Event name and message id; without a message id, a hash of the update, so that such updates
/// are not all taken for one.
fn event_id(event_name: &str, message_id: &str, update: &Value) -> String {
    if message_id.is_empty() {
        format!("{event_name}:#{}", content_hash(update))
    } else {
        format!("{event_name}:{message_id}")
    }
}

fn content_hash(update: &Value) -> String {
    hex(&Sha256::digest(update.to_string().as_bytes())[..12])
}

/// What an update asks of us; `bot_id` drops the bot's own messages.
pub fn event(raw: &Value, bot_id: Option<&str>) -> anyhow::Result<Event> {
    let update = Update::deserialize(raw)?;
    let Some(message) = update.message else {
        return Ok(Event::Ignore);
    };
    let own = message
        .from
        .as_ref()
        .is_some_and(|f| f.is_bot || Some(f.id.as_str()) == bot_id);
    let group = message
        .chat
        .chat_type
        .as_deref()
        .is_some_and(|t| !t.eq_ignore_ascii_case("private"));
    if own || group {
        return Ok(Event::Ignore);
    }
    let kind = match update.event_name.as_str() {
        "message.text.received" => InboundKind::typed(message.text.as_deref().unwrap_or_default()),
        "message.image.received" => InboundKind::Photo {
            file_id: message.photo.unwrap_or_default(),
            caption: message.caption,
        },
        // Sent instead of the content when the sender is in a protected group.
        "message.unsupported.received" => InboundKind::Withheld,
        _ => InboundKind::Other,
    };
    Ok(Event::Chat {
        inbound: Inbound {
            channel: CHANNEL.into(),
            address: message.chat.id,
            event_id: event_id(&update.event_name, &message.message_id, raw),
            kind,
            traits: ChatTraits {
                can_push: true,
                numbered: true,
            },
        },
        ack: None,
    })
}

/// One sendMessage or sendPhoto, as queued in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendered {
    /// The text, or the photo's caption (empty: none).
    pub text: String,
    /// A picture by URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// A chart, published at a public URL when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<Plot>,
}

pub fn render(localizer: &Localizer, outbound: &Outbound, photos: Photos) -> Vec<Rendered> {
    let mut messages = Vec::new();
    for reply in plain::render(localizer, outbound) {
        let mut lines = vec![reply.body];
        if !reply.choices.is_empty() {
            lines.push(String::new());
            lines.extend(reply.choices);
            lines.push(localizer.render(&Msg::new("choose-by-number"), outbound.lang));
        }
        // A picture goes by its URL, a file as its link; a Telegram file id means nothing here.
        let mut photo = None;
        if let Some(a) = reply.attachment.filter(|a| a.source.starts_with("http")) {
            match a.kind {
                AttachmentKind::Photo => photo = Some(a.source),
                AttachmentKind::Document => lines.push(format!("📎 {}", a.source)),
            }
        }
        let chart = match (reply.chart, photos) {
            (Some(plot), Photos::ByUrl) => Some(plot),
            (Some(plot), _) => {
                lines.push(plot.text());
                None
            }
            (None, _) => None,
        };
        let text = lines.join("\n");
        if photo.is_some() || chart.is_some() {
            let fits = utf16_len(&text) <= MAX_TEXT;
            messages.push(Rendered {
                text: if fits { text.clone() } else { String::new() },
                photo,
                chart,
            });
            if fits {
                continue;
            }
        }
        messages.extend(split(&text, MAX_TEXT).into_iter().map(|text| Rendered {
            text,
            photo: None,
            chart: None,
        }));
    }
    messages
}
