//! Telegram ⇄ danvan: updates become [`Inbound`] events; [`Outbound`] replies become sendMessage
//! payloads (HTML-escaped, split at Telegram's limits, buttons as inline keyboards).

use serde::{Deserialize, Serialize};
use teloxide::types::{ChatMemberKind, MediaKind, MessageKind, Update, UpdateKind};

use crate::channels::buttons;
use crate::channels::text::utf16_len;
use crate::channels::{Event, html};
use crate::chart::Plot;
use crate::i18n::Localizer;
use crate::message::{Attachment, ChatTraits, Inbound, InboundKind, Outbound};

pub const CHANNEL: &str = "telegram";
/// Longest message text, in UTF-16 code units after entity parsing.
pub const MAX_TEXT: usize = 4096;
/// Longest caption of a photo or document, in UTF-16 code units after entity parsing.
pub const MAX_CAPTION: usize = 1024;
/// Longest callback_data, in bytes.
pub const MAX_CALLBACK_DATA: usize = 64;

/// Reads a stored update. teloxide's `UpdateKind` only deserializes from borrowed text (its visitor
/// asks for `&str` keys, which an owned `serde_json::Value` cannot lend), so go through the text.
pub fn parse_update(payload: &serde_json::Value) -> serde_json::Result<Update> {
    serde_json::from_str(&payload.to_string())
}

/// The chat an update belongs to, for handling one chat's updates in order.
pub fn chat_key(update: &Update) -> String {
    update
        .chat()
        .map(|c| c.id.0.to_string())
        .or_else(|| update.from().map(|u| u.id.0.to_string()))
        .unwrap_or_default()
}

pub fn event(update: &Update) -> Event {
    let event_id = update.id.0.to_string();
    let inbound = |address: String, kind| Inbound {
        channel: CHANNEL.into(),
        address,
        event_id: event_id.clone(),
        kind,
        traits: ChatTraits {
            can_push: true,
            numbered: false,
        },
    };
    match &update.kind {
        UpdateKind::Message(message) if message.chat.is_private() => {
            let kind = match &message.kind {
                MessageKind::Common(common) => match &common.media_kind {
                    MediaKind::Text(text) => InboundKind::typed(&text.text),
                    MediaKind::Photo(photo) => InboundKind::Photo {
                        // Telegram lists sizes smallest first; keep the largest (by area in
                        // u64: a forged size's width × height overflows a u32, found by fuzzing).
                        file_id: photo
                            .photo
                            .iter()
                            .max_by_key(|p| u64::from(p.width) * u64::from(p.height))
                            .map(|p| p.file.id.to_string())
                            .unwrap_or_default(),
                        caption: photo.caption.clone(),
                    },
                    MediaKind::Location(location) => InboundKind::Location {
                        latitude: location.location.latitude,
                        longitude: location.location.longitude,
                    },
                    _ => InboundKind::Other,
                },
                _ => return Event::Ignore,
            };
            Event::Chat {
                inbound: inbound(message.chat.id.0.to_string(), kind),
                ack: None,
            }
        }
        UpdateKind::CallbackQuery(query) => {
            let in_private = query.message.as_ref().is_none_or(|m| m.chat().is_private());
            if !in_private {
                return Event::Ignore;
            }
            Event::Chat {
                inbound: inbound(
                    query.from.id.0.to_string(),
                    InboundKind::Button(query.data.clone().unwrap_or_default()),
                ),
                ack: Some(query.id.to_string()),
            }
        }
        UpdateKind::MyChatMember(change) if change.chat.is_private() => Event::Reachability {
            address: change.chat.id.0.to_string(),
            reachable: !matches!(change.new_chat_member.kind, ChatMemberKind::Banned(_)),
        },
        _ => Event::Ignore,
    }
}

/// One sendMessage, as queued in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendered {
    /// HTML, escaped.
    pub text: String,
    /// Rows of (label, callback_data).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keyboard: Vec<Vec<(String, String)>>,
    /// Label of a reply-keyboard button that shares the location (inline buttons cannot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_button: Option<String>,
    /// Sent as sendPhoto/sendDocument, with `text` as its caption (empty: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    /// Drawn and sent as a photo, with `text` as its caption (empty: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<Plot>,
}

pub fn render(localizer: &Localizer, outbound: &Outbound) -> Vec<Rendered> {
    let mut messages = Vec::new();
    for reply in &outbound.replies {
        let text = localizer.render(&reply.body, outbound.lang);
        let keyboard = buttons::inline(localizer, reply, outbound.lang, MAX_CALLBACK_DATA);
        let location_button = reply
            .location
            .as_ref()
            .map(|label| localizer.render(label, outbound.lang));
        let chunks = html::pieces(localizer, &reply.body, outbound.lang, MAX_TEXT);
        // A caption holds 1,024 characters: a longer text follows the attachment on its own.
        let chart = reply
            .chart
            .as_ref()
            .map(|c| Plot::new(c, localizer, outbound.lang));
        if reply.attachment.is_some() || chart.is_some() {
            let fits = utf16_len(&text) <= MAX_CAPTION;
            messages.push(Rendered {
                text: if fits {
                    chunks[0].clone()
                } else {
                    String::new()
                },
                keyboard: if fits { keyboard.clone() } else { Vec::new() },
                location_button: None,
                attachment: reply.attachment.clone(),
                chart,
            });
            if fits {
                continue;
            }
        }
        let last = chunks.len() - 1;
        for (i, chunk) in chunks.into_iter().enumerate() {
            let (keyboard, location_button) = if i == last {
                (keyboard.clone(), location_button.clone())
            } else {
                (Vec::new(), None)
            };
            messages.push(Rendered {
                text: chunk,
                keyboard,
                location_button,
                attachment: None,
                chart: None,
            });
        }
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_over_64_bytes_goes_as_its_token_in_the_keyboard() {
        use crate::channels::buttons::{is_token, payload_data};
        use crate::message::{Button, Lang, Msg, Reply};
        let long = "x".repeat(MAX_CALLBACK_DATA + 1);
        let reply = Reply::new(Msg::new("menu")).rows([Button::new(Msg::new("yes-button"), &long)]);
        let outbound = Outbound {
            lang: Lang::Vi,
            replies: vec![reply],
        };
        let data = &render(&Localizer::new(), &outbound)[0].keyboard[0][0].1;
        assert!(is_token(data) && data.len() <= MAX_CALLBACK_DATA);
        assert_eq!(*data, payload_data(&long, MAX_CALLBACK_DATA));
    }

    #[test]
    fn an_attachment_takes_the_text_as_caption_only_when_it_fits() {
        use crate::message::{Attachment, AttachmentKind, Button, Lang, Msg, Reply};
        let outbound = |text: String| Outbound {
            lang: Lang::Vi,
            replies: vec![
                Reply::new(Msg::new("unit-name").text("name", text))
                    .attach(Some(Attachment {
                        kind: AttachmentKind::Photo,
                        source: "AgAD".into(),
                    }))
                    .row(vec![Button::new(Msg::new("yes-button"), "ack:1")]),
            ],
        };
        let l = Localizer::new();
        let short = render(&l, &outbound("Ảnh".into()));
        assert_eq!(short.len(), 1);
        assert_eq!(
            (short[0].text.as_str(), short[0].keyboard.len()),
            ("Ảnh", 1)
        );
        let long = render(&l, &outbound("ả".repeat(MAX_CAPTION + 1)));
        assert_eq!(long.len(), 2);
        assert!(
            long[0].attachment.is_some() && long[0].text.is_empty() && long[0].keyboard.is_empty()
        );
        assert!(long[1].attachment.is_none() && long[1].keyboard.len() == 1);
    }
}
