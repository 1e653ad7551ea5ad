//! The two types every channel speaks: [`Inbound`] events in, [`Reply`] messages out.
//! Replies carry Fluent message ids and arguments, never final text: the channel renders them in the
//! reader's language with its own markup rules.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Longest text the engine reads; platforms allow 4096 characters, nothing we ask needs more.
pub const MAX_TEXT_CHARS: usize = 4096;

/// A language danvan speaks. Vietnamese is the reference and the fallback. Stored as its
/// [`Lang::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// Something a person did in a chat, stripped of the platform's wrapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    /// Which channel account it came through: "shell", "telegram", …
    pub channel: String,
    /// The chat on that channel (a platform user or chat id, as text).
    pub address: String,
    /// The platform's id for this event; the same id twice is the same event.
    pub event_id: String,
    pub kind: InboundKind,
    /// What the engine must know of the channel it came through.
    pub traits: ChatTraits,
}

/// What the engine must know of a chat's channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChatTraits {
    /// Whether the channel may message the chat unasked (notices, answers to questions); kept
    /// with the chat when it starts.
    pub can_push: bool,
    /// No buttons: choices are numbered in the text, and a typed number presses the button of
    /// the chat's latest message with that number (the numbering is kept with the chat).
    pub numbered: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InboundKind {
    Text(String),
    /// `/name args`; the name is lowercase and without any `@bot` suffix.
    Command {
        name: String,
        args: String,
    },
    /// A button press with the payload the button carried.
    Button(String),
    Photo {
        file_id: String,
        caption: Option<String>,
    },
    Location {
        latitude: f64,
        longitude: f64,
    },
    /// Something the engine does not read: a sticker, a voice note, a file.
    Other,
    /// A message whose content the platform withheld (Zalo does for people in protected groups).
    Withheld,
}

impl InboundKind {
    /// Typed text, recognizing `/commands`.
    pub fn typed(text: &str) -> InboundKind {
        let trimmed = text.trim();
        if let Some(rest) = trimmed.strip_prefix('/') {
            let (head, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let name = head.split('@').next().unwrap_or("").to_lowercase();
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return InboundKind::Command {
                    name,
                    args: args.trim().to_owned(),
                };
            }
        }
        InboundKind::Text(text.to_owned())
    }
}

/// A localizable message: a Fluent id and its arguments. Serializable, so a message for someone
/// else can wait in the database until a channel delivers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Msg {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arg {
    Text(String),
    Number(i64),
    Date(NaiveDate),
    /// Another message, rendered in the same language first (a role's or language's name).
    Msg(Box<Msg>),
    /// Messages rendered and joined with commas.
    List(Vec<Msg>),
    /// Messages rendered one per line.
    Lines(Vec<Msg>),
    /// Messages rendered and joined with semicolons, as official reports list things.
    Series(Vec<Msg>),
    /// Text in danvan's light markup (`domain::richtext`), which each channel renders in its own.
    Rich(String),
}

impl Msg {
    pub fn new(id: &'static str) -> Msg {
        Msg {
            id,
            args: Vec::new(),
        }
    }

    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Msg {
        self.args.push((name, Arg::Text(value.into())));
        self
    }

    pub fn number(mut self, name: &'static str, value: i64) -> Msg {
        self.args.push((name, Arg::Number(value)));
        self
    }

    pub fn date(mut self, name: &'static str, value: NaiveDate) -> Msg {
        self.args.push((name, Arg::Date(value)));
        self
    }

    pub fn msg(mut self, name: &'static str, value: Msg) -> Msg {
        self.args.push((name, Arg::Msg(Box::new(value))));
        self
    }

    pub fn series(mut self, name: &'static str, values: Vec<Msg>) -> Msg {
        self.args.push((name, Arg::Series(values)));
        self
    }

    pub fn lines(mut self, name: &'static str, values: Vec<Msg>) -> Msg {
        self.args.push((name, Arg::Lines(values)));
        self
    }

    pub fn rich(mut self, name: &'static str, value: impl Into<String>) -> Msg {
        self.args.push((name, Arg::Rich(value.into())));
        self
    }

    pub fn list(mut self, name: &'static str, values: Vec<Msg>) -> Msg {
        self.args.push((name, Arg::List(values)));
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Button {
    pub label: Msg,
    /// Comes back as [`InboundKind::Button`] when pressed; at most 64 bytes.
    pub payload: String,
}

impl Button {
    pub fn new(label: Msg, payload: impl Into<String>) -> Button {
        Button {
            label,
            payload: payload.into(),
        }
    }
}

/// One message to send back, with optional buttons laid out in rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub body: Msg,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Vec<Button>>,
    /// Label of a button that shares the person's location, on channels that have one; the
    /// location comes back as [`InboundKind::Location`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Msg>,
    /// A photo or file sent with the text (the text becomes its caption where it fits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    /// A bar chart sent as a picture (the text becomes its caption where it fits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<Chart>,
}

/// A bar chart: the channel draws it in the reader's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub title: Msg,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub label: Msg,
    pub value: i64,
}

/// A picture or file: an https URL, or a file id the platform gave us.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub kind: AttachmentKind,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Photo,
    Document,
}

impl Reply {
    pub fn new(body: Msg) -> Reply {
        Reply {
            body,
            buttons: Vec::new(),
            location: None,
            attachment: None,
            chart: None,
        }
    }

    pub fn attach(mut self, attachment: Option<Attachment>) -> Reply {
        self.attachment = attachment;
        self
    }

    pub fn chart(mut self, chart: Chart) -> Reply {
        self.chart = Some(chart);
        self
    }

    pub fn ask_location(mut self, label: Msg) -> Reply {
        self.location = Some(label);
        self
    }

    pub fn row(mut self, buttons: Vec<Button>) -> Reply {
        self.buttons.push(buttons);
        self
    }

    pub fn rows(mut self, rows: impl IntoIterator<Item = Button>) -> Reply {
        self.buttons.extend(rows.into_iter().map(|b| vec![b]));
        self
    }
}

/// Message ids and argument names are few and fixed (they come from the code); a stored message
/// gets back the same `&'static str`, leaked once per distinct name.
fn intern(name: &str) -> &'static str {
    static NAMES: std::sync::Mutex<std::collections::BTreeSet<&'static str>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut names = NAMES.lock().expect("interned names lock");
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

impl<'de> Deserialize<'de> for Msg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Msg, D::Error> {
        #[derive(Deserialize)]
        struct Stored {
            id: String,
            args: Vec<(String, Arg)>,
        }
        let stored = Stored::deserialize(d)?;
        Ok(Msg {
            id: intern(&stored.id),
            args: stored
                .args
                .into_iter()
                .map(|(name, arg)| (intern(&name), arg))
                .collect(),
        })
    }
}

/// Replies in the language they are to be read in.
#[derive(Debug, Clone, PartialEq)]
pub struct Outbound {
    pub lang: Lang,
    pub replies: Vec<Reply>,
}

impl Outbound {
    /// The payloads of every button, in reading order: where buttons are numbered, choice n is
    /// the n-th of these.
    pub fn button_payloads(&self) -> Vec<String> {
        self.replies
            .iter()
            .flat_map(|r| r.buttons.iter().flatten())
            .map(|b| b.payload.clone())
            .collect()
    }
}

/// A photo's bytes and their media type, read from the bytes themselves (never from the platform's
/// header, so that nothing but an image is ever served as one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

impl Picture {
    /// `bytes` as a picture, if they are a JPEG, PNG, WebP or GIF.
    pub fn read(bytes: Vec<u8>) -> Option<Picture> {
        let content_type = image_type(&bytes)?;
        Some(Picture {
            bytes,
            content_type,
        })
    }
}

/// The media type of an image by its leading bytes (its "magic number").
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n', ..] => Some("image/png"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_reply_reads_back_the_same() {
        let reply = Reply::new(
            Msg::new("ticket-announced")
                .text("text", "Khi nào họp?")
                .number("n", 3)
                .msg("unit", Msg::new("unit-name").text("name", "Xã Tiên Lữ")),
        )
        .row(vec![Button::new(Msg::new("ticket-open-button"), "tk:7")]);
        let stored = serde_json::to_value(&reply).unwrap();
        assert_eq!(serde_json::from_value::<Reply>(stored).unwrap(), reply);
    }

    #[test]
    fn typed_commands_lose_their_bot_suffix_and_keep_arguments() {
        assert_eq!(
            InboundKind::typed("/join@danvan_bot  AB12 "),
            InboundKind::Command {
                name: "join".into(),
                args: "AB12".into()
            }
        );
        assert_eq!(
            InboundKind::typed("/Start"),
            InboundKind::Command {
                name: "start".into(),
                args: "".into()
            }
        );
        assert_eq!(InboundKind::typed("/ xã"), InboundKind::Text("/ xã".into()));
        assert_eq!(
            InboundKind::typed("tien lu"),
            InboundKind::Text("tien lu".into())
        );
    }

    #[test]
    fn only_images_are_pictures() {
        assert_eq!(
            image_type(b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
            Some("image/jpeg")
        );
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n\0\0"), Some("image/png"));
        assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(image_type(b"<html><script>"), None);
        assert_eq!(image_type(b""), None);
        assert!(Picture::read(b"<svg onload=alert(1)>".to_vec()).is_none());
    }
}
