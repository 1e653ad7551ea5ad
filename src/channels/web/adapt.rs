//! The web chat ⇄ danvan: what the page posts becomes an [`Event`]; [`Outbound`] replies become
//! messages as the page shows them — HTML (everything escaped), buttons, a picture, a request for
//! the visitor's location.

use serde::{Deserialize, Serialize};

use crate::channels::buttons;
use crate::channels::{Event, html};
use crate::chart::Plot;
use crate::i18n::Localizer;
use crate::message::{AttachmentKind, ChatTraits, Inbound, InboundKind, MAX_TEXT_CHARS, Outbound};

pub const CHANNEL: &str = "web";
/// Longest text of one message: a page scrolls, so only a report longer than any reply is split.
pub const MAX_TEXT: usize = 16_000;
/// Longest payload a button carries; longer ones travel as tokens, as on Telegram.
pub const MAX_PAYLOAD: usize = 64;
/// Longest client-made event id: a UUID is 36 characters.
const MAX_EVENT_ID: usize = 64;
/// Message ids one receipt may name: the page reports what it has just shown.
const MAX_RECEIPT_IDS: usize = 200;

/// What the page posts to `/chat/api/events`: its own id for the event (a UUID, the same when it
/// posts it again) and one thing the visitor did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Posted {
    pub id: String,
    #[serde(flatten)]
    pub act: Act,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Act {
    /// Typed text.
    Text(String),
    /// A button pressed: the payload it carried.
    Button(String),
    /// The browser's geolocation, shared when the bot asked.
    Location { latitude: f64, longitude: f64 },
    /// Messages (by id) the page has shown.
    Read(Vec<i64>),
    /// A photo the visitor sent, by the key it is kept under; only `/chat/api/photos` makes one,
    /// after keeping the photo, so an event posted as JSON cannot name a photo.
    Photo(String),
}

/// Why a posted event is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// Not JSON, or not one of the events above.
    Unreadable,
    /// Text longer than the engine reads.
    TooLong,
}

impl Posted {
    /// A photo the page posted with its event id, once kept under `key`.
    pub fn photo(id: &str, key: String) -> Result<Posted, Malformed> {
        if event_id_ok(id) {
            Ok(Posted {
                id: id.to_owned(),
                act: Act::Photo(key),
            })
        } else {
            Err(Malformed::Unreadable)
        }
    }

    /// Reads and checks a posted body.
    pub fn read(body: &[u8]) -> Result<Posted, Malformed> {
        let posted: Posted = serde_json::from_slice(body).map_err(|_| Malformed::Unreadable)?;
        let id_ok = event_id_ok(&posted.id);
        let act_ok = match &posted.act {
            Act::Text(text) if text.chars().count() > MAX_TEXT_CHARS => {
                return Err(Malformed::TooLong);
            }
            Act::Text(text) => !text.trim().is_empty(),
            Act::Button(payload) => !payload.is_empty() && payload.len() <= MAX_PAYLOAD,
            Act::Location {
                latitude,
                longitude,
            } => (-90.0..=90.0).contains(latitude) && (-180.0..=180.0).contains(longitude),
            Act::Read(ids) => !ids.is_empty() && ids.len() <= MAX_RECEIPT_IDS,
            Act::Photo(_) => false,
        };
        if id_ok && act_ok {
            Ok(posted)
        } else {
            Err(Malformed::Unreadable)
        }
    }
}

fn event_id_ok(id: &str) -> bool {
    (1..=MAX_EVENT_ID).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A posted event as the inbox keeps it: the visitor's chat, never their token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Stored {
    pub visitor: String,
    #[serde(flatten)]
    pub posted: Posted,
}

impl Stored {
    /// The inbox's key: the page's id within the visitor's chat, so that one visitor's ids cannot
    /// take another's.
    pub fn event_id(&self) -> String {
        format!("{}:{}", self.visitor, self.posted.id)
    }
}

pub fn event(stored: &Stored) -> Event {
    let address = stored.visitor.clone();
    let kind = match &stored.posted.act {
        Act::Text(text) => InboundKind::typed(text),
        Act::Button(payload) => InboundKind::Button(payload.clone()),
        Act::Photo(key) => InboundKind::Photo {
            file_id: key.clone(),
            caption: None,
        },
        Act::Location {
            latitude,
            longitude,
        } => InboundKind::Location {
            latitude: *latitude,
            longitude: *longitude,
        },
        Act::Read(ids) => {
            return Event::Receipt {
                address,
                message_ids: ids.iter().map(i64::to_string).collect(),
                read: true,
            };
        }
    };
    Event::Chat {
        inbound: Inbound {
            channel: CHANNEL.into(),
            address,
            event_id: stored.event_id(),
            kind,
            traits: ChatTraits {
                can_push: true,
                numbered: false,
            },
        },
        ack: None,
    }
}

/// One message as the page shows it. Queued with its chart; kept for the page with the chart
/// drawn, as a picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendered {
    /// HTML, escaped: only the tags of the light markup.
    pub html: String,
    /// Rows of (label, payload).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Vec<(String, String)>>,
    /// Label of a button that shares the browser's location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// A picture by URL (a chart's is relative: the page is served from here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// A chart to draw and keep when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<Plot>,
}

pub fn render(localizer: &Localizer, outbound: &Outbound) -> Vec<Rendered> {
    let lang = outbound.lang;
    let mut messages = Vec::new();
    for reply in &outbound.replies {
        let mut pieces = html::pieces(localizer, &reply.body, lang, MAX_TEXT);
        // A picture goes by its URL, a file as its link; a Telegram file id means nothing here.
        let mut photo = None;
        if let Some(a) = reply.attachment.as_ref().filter(|a| is_web(&a.source)) {
            match a.kind {
                AttachmentKind::Photo => photo = Some(a.source.clone()),
                AttachmentKind::Document => {
                    let link = html::escape(&a.source).replace('"', "&quot;");
                    let last = pieces.last_mut().expect("at least one piece");
                    last.push_str(&format!("\n📎 <a href=\"{link}\">{link}</a>"));
                }
            }
        }
        let last = pieces.len() - 1;
        for (i, html) in pieces.into_iter().enumerate() {
            let first = i == 0;
            let end = i == last;
            messages.push(Rendered {
                html,
                buttons: if end {
                    buttons::inline(localizer, reply, lang, MAX_PAYLOAD)
                } else {
                    Vec::new()
                },
                location: reply
                    .location
                    .as_ref()
                    .filter(|_| end)
                    .map(|label| localizer.render(label, lang)),
                photo: photo.clone().filter(|_| first),
                chart: reply
                    .chart
                    .as_ref()
                    .filter(|_| first)
                    .map(|c| Plot::new(c, localizer, lang)),
            });
        }
    }
    messages
}

fn is_web(source: &str) -> bool {
    source.starts_with("https://") || source.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::buttons::is_token;
    use crate::message::{Attachment, Button, Lang, Msg, Reply};

    #[test]
    fn text_is_escaped_and_long_payloads_go_as_tokens() {
        let long = "x".repeat(MAX_PAYLOAD + 1);
        let outbound = Outbound {
            lang: Lang::Vi,
            replies: vec![
                Reply::new(Msg::new("unit-name").text("name", "<script>alert(1)</script>")).row(
                    vec![
                        Button::new(Msg::new("yes-button"), "unit:yes"),
                        Button::new(Msg::new("yes-button"), &long),
                    ],
                ),
            ],
        };
        let rendered = render(&Localizer::new(), &outbound);
        assert_eq!(rendered.len(), 1);
        assert!(rendered[0].html.contains("&lt;script&gt;"));
        assert!(!rendered[0].html.contains("<script>"));
        let row = &rendered[0].buttons[0];
        assert_eq!(row[0].1, "unit:yes");
        assert!(is_token(&row[1].1) && row[1].1.len() <= MAX_PAYLOAD);
    }

    #[test]
    fn a_picture_goes_by_url_and_a_platform_file_id_is_dropped() {
        let with = |source: &str| Outbound {
            lang: Lang::Vi,
            replies: vec![Reply::new(Msg::new("menu")).attach(Some(Attachment {
                kind: AttachmentKind::Photo,
                source: source.into(),
            }))],
        };
        let l = Localizer::new();
        let url = "https://example.gov.vn/anh.jpg";
        assert_eq!(render(&l, &with(url))[0].photo.as_deref(), Some(url));
        assert_eq!(render(&l, &with("AgADBAAD"))[0].photo, None);
    }

    #[test]
    fn posted_events_are_checked_before_they_are_kept() {
        let ok = r#"{"id": "6f1c2f0e-58a4-4d2b-9a53-2d0b8c1e7a10", "text": "Xin chào"}"#.as_bytes();
        assert_eq!(Posted::read(ok).unwrap().act, Act::Text("Xin chào".into()));
        let read = br#"{"id": "a1", "read": [3, 4]}"#;
        assert_eq!(Posted::read(read).unwrap().act, Act::Read(vec![3, 4]));
        for bad in [
            &b"not json"[..],
            br#"{"id": "a1"}"#,
            br#"{"id": "", "text": "x"}"#,
            br#"{"id": "a b", "text": "x"}"#,
            br#"{"id": "a1", "text": "   "}"#,
            br#"{"id": "a1", "location": {"latitude": 91, "longitude": 0}}"#,
        ] {
            assert_eq!(
                Posted::read(bad),
                Err(Malformed::Unreadable),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let long = format!(
            r#"{{"id": "a1", "text": "{}"}}"#,
            "đ".repeat(MAX_TEXT_CHARS + 1)
        );
        assert_eq!(Posted::read(long.as_bytes()), Err(Malformed::TooLong));
    }
}
