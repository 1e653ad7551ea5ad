//! Zalo OA ⇄ danvan: webhook events become [`Event`]s; [`Outbound`] replies become v3 messages
//! with at most five buttons, or numbered choices when there are more or their labels are long.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::channels::buttons::{self, payload_data};
use crate::channels::text::{split, utf16_len};
use crate::channels::{Event, id_text};
use crate::chart::Plot;
use crate::i18n::Localizer;
use crate::message::{AttachmentKind, ChatTraits, Inbound, InboundKind, Msg, Outbound};

pub const CHANNEL: &str = "zalo_oa";
pub const MAX_TEXT: usize = 2000;
/// Buttons under one message.
pub const MAX_BUTTONS: usize = 5;
/// Longest button title: reported as 20 and as 100 characters; the smaller is safe.
pub const MAX_TITLE: usize = 20;
/// Longest payload we put on a button (longer ones travel as tokens).
pub const MAX_PAYLOAD: usize = 64;
/// Marks a button's payload, which comes back as the text of a `user_send_text`.
pub const BUTTON_PREFIX: &str = "#dv:";

/// (event id, chat) of an event for the inbox: a message by its `msg_id` (Zalo's retries repeat
/// it), anything else by its name, person and time.
pub fn key(event: &Value) -> (String, String) {
    let name = event["event_name"].as_str().unwrap_or_default();
    let person = person(event).unwrap_or_default();
    let id = match name {
        "user_seen_message" => {
            let ids: Vec<String> = event["message"]["msg_ids"]
                .as_array()
                .map(|ids| ids.iter().filter_map(id_text).collect())
                .unwrap_or_default();
            format!("seen:{}", ids.join(","))
        }
        _ => match id_text(&event["message"]["msg_id"]) {
            Some(msg) => format!("{name}:{msg}"),
            None => format!(
                "{name}:{person}:{}",
                id_text(&event["timestamp"]).unwrap_or_default()
            ),
        },
    };
    (id, person)
}

/// The follower an event is about: the sender, or for our own sends and their receipts, the
/// recipient.
fn person(event: &Value) -> Option<String> {
    let name = event["event_name"].as_str().unwrap_or_default();
    if name == "follow" || name == "unfollow" {
        return id_text(&event["follower"]["id"]);
    }
    if name.starts_with("oa_send")
        || name.starts_with("user_received")
        || name.starts_with("user_seen")
    {
        return id_text(&event["recipient"]["id"]);
    }
    id_text(&event["sender"]["id"])
}

pub fn event(event: &Value) -> anyhow::Result<Event> {
    let name = event["event_name"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("a Zalo OA event without event_name"))?;
    let Some(address) = person(event) else {
        return Ok(Event::Ignore);
    };
    let message = &event["message"];
    let attachment = &message["attachments"][0]["payload"];
    let kind = match name {
        "user_send_text" => {
            let said = message["text"].as_str().unwrap_or_default();
            match said.strip_prefix(BUTTON_PREFIX) {
                Some(payload) => InboundKind::Button(payload.to_owned()),
                None => InboundKind::typed(said),
            }
        }
        "user_send_image" => InboundKind::Photo {
            file_id: attachment["url"].as_str().unwrap_or_default().to_owned(),
            caption: message["text"].as_str().map(str::to_owned),
        },
        "user_send_location" => {
            let coordinate = |c: &str| {
                id_text(&attachment["coordinates"][c]).and_then(|v| v.parse::<f64>().ok())
            };
            match (coordinate("latitude"), coordinate("longitude")) {
                (Some(latitude), Some(longitude)) => InboundKind::Location {
                    latitude,
                    longitude,
                },
                _ => InboundKind::Other,
            }
        }
        // Following the OA is how a resident starts: sign-up begins with a welcome.
        "follow" => InboundKind::Command {
            name: "start".into(),
            args: String::new(),
        },
        "unfollow" => {
            return Ok(Event::Reachability {
                address,
                reachable: false,
            });
        }
        "user_received_message" | "user_seen_message" => {
            let message_ids = match message["msg_ids"].as_array() {
                Some(ids) => ids.iter().filter_map(id_text).collect(),
                None => id_text(&message["msg_id"]).into_iter().collect(),
            };
            return Ok(Event::Receipt {
                address,
                message_ids,
                read: name == "user_seen_message",
            });
        }
        name if name.starts_with("user_send_") => InboundKind::Other,
        // Our own sends echoed back, and events we do not read.
        _ => return Ok(Event::Ignore),
    };
    Ok(Event::Chat {
        inbound: Inbound {
            channel: CHANNEL.into(),
            address,
            event_id: key(event).0,
            kind,
            traits: ChatTraits {
                can_push: true,
                numbered: true,
            },
        },
        ack: None,
    })
}

/// One v3 message, as queued in the outbox (the recipient is added when sent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendered {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// (title, payload) of `oa.query.hide` buttons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<(String, String)>,
    /// A chart, drawn, uploaded and sent as an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<Plot>,
}

impl Rendered {
    /// The `message` object of the v3 API; a chart's needs the id of its uploaded image.
    pub fn message(&self, attachment_id: Option<&str>) -> Value {
        if let Some(id) = attachment_id {
            return json!({"attachment": {"type": "template", "payload": {
                "template_type": "media",
                "elements": [{"media_type": "image", "attachment_id": id}],
            }}});
        }
        let mut message = json!({ "text": self.text });
        if !self.buttons.is_empty() {
            let buttons: Vec<Value> = self
                .buttons
                .iter()
                .map(|(title, payload)| {
                    json!({"title": title, "type": "oa.query.hide", "payload": payload})
                })
                .collect();
            message["attachment"] = json!({"type": "template", "payload": {"buttons": buttons}});
        }
        message
    }
}

pub fn render(localizer: &Localizer, outbound: &Outbound) -> Vec<Rendered> {
    let lang = outbound.lang;
    let mut messages = Vec::new();
    let mut numbered = 0;
    for reply in &outbound.replies {
        let first = numbered + 1;
        let (choices, payloads) = buttons::numbered(localizer, reply, lang, first);
        numbered += payloads.len();
        let labels: Vec<String> = reply
            .buttons
            .iter()
            .flatten()
            .map(|b| localizer.render(&b.label, lang))
            .collect();
        let fit =
            labels.len() <= MAX_BUTTONS && labels.iter().all(|l| l.chars().count() <= MAX_TITLE);
        let mut lines = vec![localizer.render(&reply.body, lang)];
        // Buttons that cannot carry their labels carry the choices' numbers; the rest are typed.
        let titles: Vec<String> = if fit {
            labels
        } else {
            lines.push(String::new());
            lines.extend(choices);
            lines.push(localizer.render(&Msg::new("choose-by-number"), lang));
            (first..first + payloads.len())
                .map(|n| n.to_string())
                .collect()
        };
        let buttons: Vec<(String, String)> = titles
            .into_iter()
            .zip(&payloads)
            .take(MAX_BUTTONS)
            .map(|(title, payload)| {
                (
                    title,
                    format!("{BUTTON_PREFIX}{}", payload_data(payload, MAX_PAYLOAD)),
                )
            })
            .collect();
        if let Some(a) = reply
            .attachment
            .as_ref()
            .filter(|a| a.source.starts_with("http"))
        {
            let mark = match a.kind {
                AttachmentKind::Photo => "🖼",
                AttachmentKind::Document => "📎",
            };
            lines.push(format!("{mark} {}", a.source));
        }
        if let Some(chart) = &reply.chart {
            messages.push(Rendered {
                text: String::new(),
                buttons: Vec::new(),
                chart: Some(Plot::new(chart, localizer, lang)),
            });
        }
        let text = lines.join("\n");
        let chunks = if utf16_len(&text) <= MAX_TEXT {
            vec![text]
        } else {
            split(&text, MAX_TEXT)
        };
        let last = chunks.len() - 1;
        for (i, text) in chunks.into_iter().enumerate() {
            messages.push(Rendered {
                text,
                buttons: if i == last {
                    buttons.clone()
                } else {
                    Vec::new()
                },
                chart: None,
            });
        }
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Button, Lang, Reply};

    fn outbound(labels: &[&str]) -> Outbound {
        let buttons = labels
            .iter()
            .enumerate()
            .map(|(i, l)| Button::new(Msg::new("unit-name").text("name", *l), format!("p:{i}")))
            .collect::<Vec<_>>();
        Outbound {
            lang: Lang::Vi,
            replies: vec![Reply::new(Msg::new("menu")).rows(buttons)],
        }
    }

    #[test]
    fn up_to_five_short_labels_are_buttons_that_carry_their_payloads() {
        let rendered = render(&Localizer::new(), &outbound(&["Có", "Không"]));
        assert_eq!(rendered.len(), 1);
        assert_eq!(
            rendered[0].buttons,
            [
                ("Có".into(), "#dv:p:0".into()),
                ("Không".into(), "#dv:p:1".into())
            ]
        );
        assert!(!rendered[0].text.contains("[1]"));
    }

    #[test]
    fn more_choices_or_long_labels_are_numbered_with_number_buttons() {
        let l = Localizer::new();
        let six = render(&l, &outbound(&["a", "b", "c", "d", "e", "f"]));
        assert!(six[0].text.contains("[6] f"));
        let titles: Vec<&str> = six[0].buttons.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(titles, ["1", "2", "3", "4", "5"]);
        assert_eq!(six[0].buttons[4].1, "#dv:p:4");
        let long = render(
            &l,
            &outbound(&["Phường Hồng Châu (Hưng Yên)", "Xã Tiên Lữ"]),
        );
        assert!(long[0].text.contains("[1] Phường Hồng Châu (Hưng Yên)"));
        assert_eq!(long[0].buttons[0].0, "1");
    }

    #[test]
    fn a_tapped_button_is_a_press_and_typed_text_is_text() {
        let tap = json!({"event_name": "user_send_text", "sender": {"id": "1"},
            "message": {"text": "#dv:lang:vi", "msg_id": "a"}, "timestamp": "1"});
        let typed = json!({"event_name": "user_send_text", "sender": {"id": "1"},
            "message": {"text": "Tien Lu", "msg_id": "b"}, "timestamp": "1"});
        let kind = |e: &Value| match event(e).unwrap() {
            Event::Chat { inbound, .. } => inbound.kind,
            other => panic!("{other:?}"),
        };
        assert_eq!(kind(&tap), InboundKind::Button("lang:vi".into()));
        assert_eq!(kind(&typed), InboundKind::Text("Tien Lu".into()));
        let seen = json!({"event_name": "user_seen_message", "sender": {"id": "oa"},
            "recipient": {"id": "1"}, "message": {"msg_ids": ["m1", "m2"]}, "timestamp": "1"});
        assert_eq!(
            event(&seen).unwrap(),
            Event::Receipt {
                address: "1".into(),
                message_ids: vec!["m1".into(), "m2".into()],
                read: true
            }
        );
    }
}
