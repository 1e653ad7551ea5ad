//! Notices of new directives: what a committee writes, whom it reaches, when it may go out, and
//! what residents see.

use std::collections::BTreeMap;

use chrono::{DateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::access::{Grant, Role};
use super::payload::Payload;
use super::unit_directory::UnitDirectory;
use super::vn_time;
use crate::message::{Attachment, AttachmentKind, Button, Lang, Msg, Reply};

/// Quiet hours, Vietnam time: bulk sends wait from 21:00 until 07:00 unless the notice is urgent.
pub const QUIET_FROM_HOUR: u32 = 21;
pub const QUIET_UNTIL_HOUR: u32 = 7;
/// Longest title and body a committee may write (Telegram shows 4,096 characters in a message).
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 3000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeText {
    pub title: String,
    pub body: String,
}

/// Who a notice is for, besides where they live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// People without a cadre or admin role.
    Resident,
    Cadre,
    Admin,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Resident => "resident",
            Audience::Cadre => "cadre",
            Audience::Admin => "admin",
        }
    }
}

/// Whether someone living in `unit` with these roles is among those that a survey or a
/// consultation for `unit_ids` (each with everything below it) and `roles` (empty: everyone) asks.
pub fn targets(
    unit_ids: &[i64],
    roles: &[Audience],
    unit: Option<i64>,
    grants: &[Grant],
    units: &UnitDirectory,
) -> bool {
    let lives_in = unit.is_some_and(|u| unit_ids.iter().any(|&t| units.is_within(u, t)));
    let role_fits = roles.is_empty()
        || (grants.is_empty() && roles.contains(&Audience::Resident))
        || grants.iter().any(|g| {
            roles.contains(&match g.role {
                Role::Cadre => Audience::Cadre,
                Role::Admin => Audience::Admin,
            })
        });
    lives_in && role_fits
}

/// What residents receive: the texts by language code, and the directive it announces.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub id: i64,
    pub texts: BTreeMap<String, NoticeText>,
    pub directive: String,
    pub issuer: String,
    pub link: String,
    pub attachment: Option<Attachment>,
    /// The consultation it invites residents to answer: its button comes first.
    pub consultation: Option<i64>,
}

impl Notice {
    /// The text in `lang`, or in Vietnamese when it has none.
    pub fn text(&self, lang: Lang) -> &NoticeText {
        self.texts
            .get(lang.code())
            .or_else(|| self.texts.get(Lang::Vi.code()))
            .expect("a notice always has Vietnamese text")
    }

    /// The message a resident receives, with "Đã đọc" and "Hỏi / góp ý" (and the consultation's
    /// button when it invites to one).
    pub fn reply(&self, lang: Lang) -> Reply {
        let text = self.text(lang);
        let details = [
            ("notice-directive", "directive", &self.directive),
            ("notice-issuer", "issuer", &self.issuer),
            ("notice-link", "link", &self.link),
        ]
        .into_iter()
        .filter(|(_, _, value)| !value.trim().is_empty())
        .map(|(id, name, value)| Msg::new(id).text(name, value.trim()))
        .collect();
        let body = Msg::new("notice")
            .rich("title", format!("**{}**", text.title))
            .rich("body", &text.body)
            .lines("details", details);
        let reply = Reply::new(body).attach(self.attachment.clone());
        let reply = match self.consultation {
            Some(id) => reply.row(vec![super::consultation_chat::invite_button(id)]),
            None => reply,
        };
        reply.row(vec![
            Button::new(Msg::new("notice-read-button"), Payload::Ack(self.id)),
            Button::new(Msg::new("notice-ask-button"), Payload::Ask(self.id)),
        ])
    }
}

/// What was decided of a notice: written, scheduled, let go to its recipients, or stopped. Kept;
/// whether it is still going out is read from its counts ([`Phase`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Draft,
    Scheduled,
    /// Fanned out: its deliveries are in line.
    Released,
    Cancelled,
}

impl Stage {
    /// The stage as the notices table keeps it.
    pub fn from_code(code: &str) -> Option<Stage> {
        Some(match code {
            "draft" => Stage::Draft,
            "scheduled" => Stage::Scheduled,
            "sending" => Stage::Released,
            "cancelled" => Stage::Cancelled,
            _ => return None,
        })
    }
}

/// What every page, chat reply and command says of a notice, derived from its stage and its
/// counts at the moment asked, never kept: a notice is sent once nothing is left to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Draft,
    Scheduled,
    Sending,
    /// Deliveries wait for the end of quiet hours (07:00).
    Held,
    Sent,
    Cancelled,
}

impl Phase {
    /// `pending`: deliveries left to send; `may_wait`: the notice holds for quiet hours.
    pub fn of(stage: Stage, pending: i64, may_wait: bool, now: DateTime<Utc>) -> Phase {
        match stage {
            Stage::Draft => Phase::Draft,
            Stage::Scheduled => Phase::Scheduled,
            Stage::Cancelled => Phase::Cancelled,
            Stage::Released if pending == 0 => Phase::Sent,
            Stage::Released if may_wait && is_quiet(now) => Phase::Held,
            Stage::Released => Phase::Sending,
        }
    }

    /// The selector of the `web-state` and `notice-status` messages.
    pub fn code(self) -> &'static str {
        match self {
            Phase::Draft => "draft",
            Phase::Scheduled => "scheduled",
            Phase::Sending => "sending",
            Phase::Held => "held",
            Phase::Sent => "sent",
            Phase::Cancelled => "cancelled",
        }
    }

    /// Still changing: its page reloads itself.
    pub fn live(self) -> bool {
        matches!(self, Phase::Scheduled | Phase::Sending | Phase::Held)
    }
}

/// Reach of a notice, overall and per unit.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeStatus {
    pub stage: Stage,
    /// Holds for quiet hours (not urgent).
    pub may_wait: bool,
    /// None for a draft: not scheduled yet.
    pub send_at: Option<DateTime<Utc>>,
    pub totals: Reach,
    /// (unit id, reach) for each unit with recipients.
    pub units: Vec<(Option<i64>, Reach)>,
    /// Failure reasons with their counts.
    pub failures: Vec<(String, i64)>,
}

impl NoticeStatus {
    pub fn phase(&self, now: DateTime<Utc>) -> Phase {
        Phase::of(self.stage, self.totals.pending, self.may_wait, now)
    }
}

/// Reach, each figure as `delivery_kinds` (migration 0040) defines it: a delivery is pending
/// (being sent included), sent, failed, undeliverable, blocked or cancelled; delivered and read
/// count sent deliveries only, so sent ≥ delivered ≥ read; targeted counts each person once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reach {
    pub targeted: i64,
    pub sent: i64,
    pub pending: i64,
    pub failed: i64,
    /// Not allowed on the chat's channel now (a messaging window), not retried.
    pub undeliverable: i64,
    pub blocked: i64,
    pub cancelled: i64,
    /// Reported by the platform as on the person's phone (read ones included).
    pub delivered: i64,
    pub read: i64,
    pub questions: i64,
}

/// Reach in all of several units.
impl<'a> std::iter::Sum<&'a Reach> for Reach {
    fn sum<I: Iterator<Item = &'a Reach>>(reaches: I) -> Reach {
        reaches.fold(Reach::default(), |t, r| Reach {
            targeted: t.targeted + r.targeted,
            sent: t.sent + r.sent,
            pending: t.pending + r.pending,
            failed: t.failed + r.failed,
            undeliverable: t.undeliverable + r.undeliverable,
            blocked: t.blocked + r.blocked,
            cancelled: t.cancelled + r.cancelled,
            delivered: t.delivered + r.delivered,
            read: t.read + r.read,
            questions: t.questions + r.questions,
        })
    }
}

/// A notice as a committee writes it (`danvan notice create FILE.toml`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeFile {
    pub title: String,
    pub body: String,
    /// "Nghị quyết số 60-NQ/TW ngày 12/4/2025 của Ban Chấp hành Trung ương".
    #[serde(default)]
    pub directive: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub link: String,
    /// A photo to send with it: an https URL, or a Telegram file id.
    #[serde(default)]
    pub photo: Option<String>,
    /// A file (PDF of the directive, say), the same way; a notice has a photo or a file, not both.
    #[serde(default)]
    pub file: Option<String>,
    /// "YYYY-MM-DD HH:MM", Vietnam time; without it the notice goes out when sent.
    #[serde(default)]
    pub send_at: Option<String>,
    #[serde(default = "yes")]
    pub quiet_hours: bool,
    #[serde(default)]
    pub urgent: bool,
    pub target: TargetFile,
    /// Other languages by code (`[translations.en]`); Vietnamese is the fallback.
    #[serde(default)]
    pub translations: BTreeMap<String, NoticeText>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    /// Unit codes; each includes everything below it.
    pub units: Vec<String>,
    /// Empty: everyone.
    #[serde(default)]
    pub roles: Vec<Audience>,
    /// Language codes; empty: every language.
    #[serde(default)]
    pub languages: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum NoticeError {
    #[error("not a notice file: {0}")]
    Toml(String),
    #[error("`{0}` must not be empty")]
    Empty(&'static str),
    #[error("`{field}` is too long ({chars} > {max} characters)")]
    TooLong {
        field: &'static str,
        chars: usize,
        max: usize,
    },
    #[error("`send_at` must read like \"YYYY-MM-DD HH:MM\" (Vietnam time), not {0:?}")]
    SendAt(String),
    #[error("unknown language {0:?} (known: vi, en)")]
    Language(String),
    #[error("a notice has a photo or a file, not both; each an https URL or a Telegram file id")]
    Attachment,
}

impl NoticeFile {
    pub fn parse(text: &str) -> Result<NoticeFile, NoticeError> {
        let file: NoticeFile =
            toml::from_str(text).map_err(|e| NoticeError::Toml(e.to_string()))?;
        file.check()?;
        Ok(file)
    }

    fn check(&self) -> Result<(), NoticeError> {
        let texts = std::iter::once((Lang::Vi.code(), &self.title, &self.body)).chain(
            self.translations
                .iter()
                .map(|(lang, t)| (lang.as_str(), &t.title, &t.body)),
        );
        for (_, title, body) in texts {
            for (field, value, max) in [
                ("title", title, MAX_TITLE_CHARS),
                ("body", body, MAX_BODY_CHARS),
            ] {
                let chars = value.trim().chars().count();
                if chars == 0 {
                    return Err(NoticeError::Empty(field));
                }
                if chars > max {
                    return Err(NoticeError::TooLong { field, chars, max });
                }
            }
        }
        if self.target.units.is_empty() {
            return Err(NoticeError::Empty("target.units"));
        }
        for lang in self.translations.keys().chain(self.target.languages.iter()) {
            Lang::from_code(lang).ok_or_else(|| NoticeError::Language(lang.clone()))?;
        }
        self.send_time()?;
        if self.photo.is_some() && self.file.is_some() {
            return Err(NoticeError::Attachment);
        }
        let source = self.photo.iter().chain(self.file.iter()).next();
        let valid = |s: &String| {
            let s = s.trim();
            !s.is_empty()
                && !s.contains(char::is_whitespace)
                && (s.starts_with("https://") || !s.contains("://"))
        };
        if source.is_some_and(|s| !valid(s)) {
            return Err(NoticeError::Attachment);
        }
        Ok(())
    }

    pub fn attachment(&self) -> Option<Attachment> {
        let (kind, source) = match (&self.photo, &self.file) {
            (Some(photo), _) => (AttachmentKind::Photo, photo),
            (None, Some(file)) => (AttachmentKind::Document, file),
            (None, None) => return None,
        };
        Some(Attachment {
            kind,
            source: source.trim().to_owned(),
        })
    }

    /// When the notice is due, if the file says.
    pub fn send_time(&self) -> Result<Option<DateTime<Utc>>, NoticeError> {
        self.send_at
            .as_deref()
            .map(|s| vn_time::parse(s).ok_or_else(|| NoticeError::SendAt(s.to_owned())))
            .transpose()
    }

    /// Texts by language code, Vietnamese first.
    pub fn texts(&self) -> BTreeMap<String, NoticeText> {
        let mut texts = self.translations.clone();
        texts.insert(
            Lang::Vi.code().to_owned(),
            NoticeText {
                title: self.title.trim().to_owned(),
                body: self.body.trim().to_owned(),
            },
        );
        texts
    }
}

/// Whether bulk sends should wait at `now` (quiet hours in Vietnam).
pub fn is_quiet(now: DateTime<Utc>) -> bool {
    let hour = vn_time::local(now).hour();
    !(QUIET_UNTIL_HOUR..QUIET_FROM_HOUR).contains(&hour)
}

/// When a notice held for quiet hours at `now` goes out: the coming 7 am in Vietnam; None outside
/// quiet hours.
pub fn quiet_until(now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if !is_quiet(now) {
        return None;
    }
    let local = vn_time::local(now);
    let day = match local.hour() < QUIET_UNTIL_HOUR {
        true => local.date_naive(),
        false => local.date_naive().succ_opt()?,
    };
    vn_time::from_local(day.and_hms_opt(QUIET_UNTIL_HOUR, 0, 0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_is_sent_once_nothing_is_left_and_held_only_at_night_when_it_may_wait() {
        let day = vn_time::parse("2025-12-01 09:00").unwrap();
        let night = vn_time::parse("2025-12-01 23:00").unwrap();
        let cases = [
            (Stage::Draft, 0, true, day, Phase::Draft),
            (Stage::Scheduled, 0, true, night, Phase::Scheduled),
            (Stage::Released, 3, true, day, Phase::Sending),
            (Stage::Released, 3, true, night, Phase::Held),
            (Stage::Released, 3, false, night, Phase::Sending),
            (Stage::Released, 0, true, night, Phase::Sent),
            (Stage::Cancelled, 3, true, day, Phase::Cancelled),
        ];
        for (stage, pending, may_wait, now, phase) in cases {
            assert_eq!(
                Phase::of(stage, pending, may_wait, now),
                phase,
                "{stage:?} {pending}"
            );
        }
    }

    const FILE: &str = r#"
title = "Triển khai Nghị quyết số 60-NQ/TW"
body = "**Nội dung chính** của nghị quyết."
directive = "Nghị quyết số 60-NQ/TW ngày 12/4/2025 của Ban Chấp hành Trung ương"
send_at = "2025-12-01 08:00"

[target]
units = ["33"]
roles = ["resident", "cadre"]

[translations.en]
title = "Implementing Resolution 60-NQ/TW"
body = "The **main points**."
"#;

    #[test]
    fn a_notice_file_reads_with_its_defaults_and_translations() {
        let file = NoticeFile::parse(FILE).unwrap();
        assert_eq!(file.target.roles, [Audience::Resident, Audience::Cadre]);
        assert!(file.quiet_hours && !file.urgent);
        assert_eq!(
            file.send_time().unwrap().unwrap().to_rfc3339(),
            "2025-12-01T01:00:00+00:00"
        );
        assert_eq!(file.texts()["en"].title, "Implementing Resolution 60-NQ/TW");
        assert_eq!(
            file.texts()["vi"].body,
            "**Nội dung chính** của nghị quyết."
        );
    }

    #[test]
    fn the_documented_example_parses() {
        let file = NoticeFile::parse(include_str!("../../examples/notice.toml")).unwrap();
        assert_eq!(file.target.units, ["33"]);
        assert!(file.texts().contains_key("en"));
    }

    #[test]
    fn a_bad_file_is_refused_with_the_reason() {
        let cases = [
            (
                FILE.replace("units = [\"33\"]", "units = []"),
                NoticeError::Empty("target.units"),
            ),
            (
                FILE.replace("2025-12-01 08:00", "mai"),
                NoticeError::SendAt("mai".into()),
            ),
            (
                FILE.replace("[translations.en]", "[translations.fr]"),
                NoticeError::Language("fr".into()),
            ),
            (
                FILE.replace("Triển khai Nghị quyết số 60-NQ/TW", " "),
                NoticeError::Empty("title"),
            ),
            (
                FILE.replace("send_at", "photo = \"http://x.vn/a.jpg\"\nsend_at"),
                NoticeError::Attachment,
            ),
            (
                FILE.replace("send_at", "photo = \"AgAD\"\nfile = \"BQAD\"\nsend_at"),
                NoticeError::Attachment,
            ),
        ];
        for (text, error) in cases {
            assert_eq!(NoticeFile::parse(&text), Err(error));
        }
        assert!(matches!(
            NoticeFile::parse("title = 1"),
            Err(NoticeError::Toml(_))
        ));
    }

    #[test]
    fn quiet_hours_are_nine_at_night_to_seven_in_the_morning_in_vietnam() {
        let at = |s: &str| vn_time::parse(s).unwrap();
        assert!(is_quiet(at("2025-12-01 21:00")));
        assert!(is_quiet(at("2025-12-01 06:59")));
        assert!(!is_quiet(at("2025-12-01 07:00")));
        assert!(!is_quiet(at("2025-12-01 20:59")));
        assert_eq!(
            quiet_until(at("2025-12-01 23:10")),
            Some(at("2025-12-02 07:00"))
        );
        assert_eq!(
            quiet_until(at("2025-12-02 05:00")),
            Some(at("2025-12-02 07:00"))
        );
        assert_eq!(quiet_until(at("2025-12-02 07:00")), None);
    }
}
