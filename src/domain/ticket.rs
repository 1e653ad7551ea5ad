//! Residents' questions, reports of local problems (phản ánh) and suggestions (kiến nghị), each a
//! ticket the commune must accept and answer on time: what a ticket is, the moves staff and the
//! resident may make on it, its deadlines in office hours, and its short code.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::text::fold;
use super::work_time::{Calendar, DAY_MINUTES};

/// Office hours to accept a ticket, and an urgent one.
pub const ACCEPT_HOURS: i64 = 8;
pub const URGENT_ACCEPT_HOURS: i64 = 4;
/// Office days to answer, unless the category says otherwise.
pub const ANSWER_DAYS: i64 = 3;
/// Open tickets one person may send in a day before the bot asks them to wait.
pub const DAILY_LIMIT: i64 = 5;
/// Photos one ticket keeps.
pub const MAX_PHOTOS: usize = 5;
/// Longest ticket text, and longest answer or added word.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Times a resident may reopen their ticket after its answer.
pub const REOPENS: i32 = 1;

/// Stored as its code (`tickets.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Kind {
    Question,
    Report,
    Suggestion,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Question, Kind::Report, Kind::Suggestion];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Question => "question",
            Kind::Report => "report",
            Kind::Suggestion => "suggestion",
        }
    }

    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The Fluent id of its name.
    pub fn msg_id(self) -> &'static str {
        match self {
            Kind::Question => "ticket-kind-question",
            Kind::Report => "ticket-kind-report",
            Kind::Suggestion => "ticket-kind-suggestion",
        }
    }
}

/// Stored as its code (`tickets.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Status {
    /// Sent, not yet taken up.
    Received,
    Accepted,
    /// Staff asked the resident for more.
    NeedsInfo,
    Answered,
    Closed,
    Rejected,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Received,
        Status::Accepted,
        Status::NeedsInfo,
        Status::Answered,
        Status::Closed,
        Status::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Accepted => "accepted",
            Status::NeedsInfo => "needs_info",
            Status::Answered => "answered",
            Status::Closed => "closed",
            Status::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Still waiting for the commune's answer.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Received | Status::Accepted | Status::NeedsInfo
        )
    }

    /// The Fluent id of its name.
    pub fn msg_id(self) -> &'static str {
        match self {
            Status::Received => "ticket-status-received",
            Status::Accepted => "ticket-status-accepted",
            Status::NeedsInfo => "ticket-status-needs_info",
            Status::Answered => "ticket-status-answered",
            Status::Closed => "ticket-status-closed",
            Status::Rejected => "ticket-status-rejected",
        }
    }
}

/// What a report is about: data (`ticket_categories`).
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub answer_days: i64,
    pub urgent: bool,
}

impl Category {
    pub fn name(&self, lang: crate::message::Lang) -> &str {
        match lang {
            crate::message::Lang::En if !self.name_en.is_empty() => &self.name_en,
            _ => &self.name,
        }
    }
}

/// When a ticket sent at `at` must be accepted and answered.
pub fn deadlines(
    at: DateTime<Utc>,
    category: Option<&Category>,
    calendar: &Calendar,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let urgent = category.is_some_and(|c| c.urgent);
    let accept = if urgent {
        URGENT_ACCEPT_HOURS
    } else {
        ACCEPT_HOURS
    };
    let days = category.map_or(ANSWER_DAYS, |c| c.answer_days);
    (
        calendar.after(at, accept * 60),
        calendar.after(at, days * DAY_MINUTES),
    )
}

/// What staff do with a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    Accept,
    AskMore,
    Answer,
    Transfer,
    Reject,
    Close,
    Reopen,
}

impl Move {
    pub const ALL: [Move; 7] = [
        Move::Accept,
        Move::AskMore,
        Move::Answer,
        Move::Transfer,
        Move::Reject,
        Move::Close,
        Move::Reopen,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Move::Accept => "accept",
            Move::AskMore => "ask_more",
            Move::Answer => "answer",
            Move::Transfer => "transfer",
            Move::Reject => "reject",
            Move::Close => "close",
            Move::Reopen => "reopen",
        }
    }

    pub fn parse(code: &str) -> Option<Move> {
        Move::ALL.into_iter().find(|m| m.code() == code)
    }

    /// Whether staff must write something with it (an answer, a reason, what is missing).
    pub fn needs_text(self) -> bool {
        !matches!(self, Move::Accept | Move::Close)
    }

    /// Whether staff may make this move on a ticket in `status`, and the status it leads to.
    pub fn from(self, status: Status) -> Option<Status> {
        use Status::*;
        match (self, status) {
            (Move::Accept, Received) => Some(Accepted),
            (Move::AskMore, Received | Accepted) => Some(NeedsInfo),
            (Move::Answer, Received | Accepted | NeedsInfo) => Some(Answered),
            (Move::Transfer, Received | Accepted | NeedsInfo) => Some(Received),
            (Move::Reject, Received | Accepted | NeedsInfo) => Some(Rejected),
            (Move::Close, Answered | Received | Accepted | NeedsInfo) => Some(Closed),
            (Move::Reopen, Answered | Closed | Rejected) => Some(Accepted),
            _ => None,
        }
    }

    /// The Fluent id of the move's name (a button, a form, the history).
    pub fn msg_id(self) -> &'static str {
        match self {
            Move::Accept => "ticket-move-accept",
            Move::AskMore => "ticket-move-ask_more",
            Move::Answer => "ticket-move-answer",
            Move::Transfer => "ticket-move-transfer",
            Move::Reject => "ticket-move-reject",
            Move::Close => "ticket-move-close",
            Move::Reopen => "ticket-move-reopen",
        }
    }
}

/// Tickets a unit received in a period and how they were handled: for the quarterly report and
/// the dashboard's overview.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub received: i64,
    pub accepted_on_time: i64,
    pub answered: i64,
    pub answered_on_time: i64,
    pub overdue: i64,
    pub rated: i64,
    pub satisfied: i64,
}

impl std::iter::Sum for Figures {
    fn sum<I: Iterator<Item = Figures>>(all: I) -> Figures {
        all.fold(Figures::default(), |a, b| Figures {
            received: a.received + b.received,
            accepted_on_time: a.accepted_on_time + b.accepted_on_time,
            answered: a.answered + b.answered,
            answered_on_time: a.answered_on_time + b.answered_on_time,
            overdue: a.overdue + b.overdue,
            rated: a.rated + b.rated,
            satisfied: a.satisfied + b.satisfied,
        })
    }
}

/// A ticket as staff and the resident see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: i64,
    pub code: String,
    pub unit_id: i64,
    /// None for staff when the resident asked not to be shown, and once the resident erased
    /// their data.
    pub person_id: Option<i64>,
    pub anonymous: bool,
    pub kind: Kind,
    pub category: Option<String>,
    pub notice_id: Option<i64>,
    /// The notice's Vietnamese title, for staff to read the question in its context.
    pub notice_title: Option<String>,
    pub text: String,
    pub photos: Vec<String>,
    pub photos_channel: Option<String>,
    pub location: Option<(f64, f64)>,
    pub status: Status,
    pub urgent: bool,
    pub created_at: DateTime<Utc>,
    pub accept_due: DateTime<Utc>,
    pub answer_due: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answer: Option<String>,
    pub satisfied: Option<bool>,
    pub reopened: i32,
}

impl Ticket {
    /// Past its deadline: not accepted in time, or still unanswered after the answer was due.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        (self.status == Status::Received && now > self.accept_due)
            || (self.status.is_open() && now > self.answer_due)
    }

    /// Whether the resident may still reopen it.
    pub fn reopenable(&self) -> bool {
        matches!(self.status, Status::Answered | Status::Closed) && self.reopened < REOPENS
    }

    /// Whether the resident may rate the answer now.
    pub fn rateable(&self) -> bool {
        self.status == Status::Answered && self.satisfied.is_none()
    }
}

/// "PA-0123": the code residents and staff quote.
pub fn code(number: i32) -> String {
    format!("PA-{number:04}")
}

/// The number in a code as typed: "PA-0123", "pa 123", "#123", "123".
pub fn parse_code(text: &str) -> Option<i32> {
    let folded = fold(text).replace(['-', ' ', '#'], "");
    folded.strip_prefix("pa").unwrap_or(&folded).parse().ok()
}

/// What a resident's words are, before they become a ticket: a greeting or thanks get a polite
/// word and the menu, not a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Smalltalk {
    Greeting,
    Thanks,
}

/// Greetings and thanks as people type them, with or without diacritics, with "ạ", "ad", "bot"…
pub fn smalltalk(text: &str) -> Option<Smalltalk> {
    const POLITE: [&str; 9] = ["a", "ad", "admin", "ban", "bot", "em", "anh", "chi", "xa"];
    let folded = fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let rest = |skip: usize| words[skip..].iter().all(|w| POLITE.contains(w));
    match words.as_slice() {
        ["xin", "chao", ..] if rest(2) => Some(Smalltalk::Greeting),
        ["chao" | "hello" | "hi" | "alo" | "helo", ..] if rest(1) => Some(Smalltalk::Greeting),
        ["cam", "on", ..] if rest(2) => Some(Smalltalk::Thanks),
        ["thanks" | "thank" | "tks" | "camon", ..] if words.len() <= 3 => Some(Smalltalk::Thanks),
        ["ok" | "oke" | "vang" | "da"] => Some(Smalltalk::Thanks),
        _ => None,
    }
}

/// A ticket being written in chat.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TicketDraft {
    pub text: String,
    /// The notice it asks about, when it came from a notice's question button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<(f64, f64)>,
}

impl TicketDraft {
    /// What the draft waits for next.
    pub fn step(&self) -> DraftStep {
        match (&self.kind, &self.category) {
            _ if self.text.is_empty() => DraftStep::Text,
            (None, _) => DraftStep::Kind,
            (Some(Kind::Report), None) => DraftStep::Category,
            _ => DraftStep::Confirm,
        }
    }

    /// More words from the resident, within the limit; false when they would not fit.
    pub fn add_text(&mut self, more: &str) -> bool {
        let more = more.trim();
        let joined = match self.text.is_empty() {
            true => more.to_owned(),
            false => format!("{}\n{more}", self.text),
        };
        if joined.chars().count() > MAX_TEXT_CHARS {
            return false;
        }
        self.text = joined;
        true
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftStep {
    Text,
    Kind,
    Category,
    Confirm,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_and_thanks_are_not_tickets_but_questions_are() {
        #[rustfmt::skip]
        let cases = [
            ("Xin chào", Some(Smalltalk::Greeting)),
            ("xin chao ad", Some(Smalltalk::Greeting)),
            ("Chào bạn!", Some(Smalltalk::Greeting)),
            ("alo", Some(Smalltalk::Greeting)),
            ("Cảm ơn ạ", Some(Smalltalk::Thanks)),
            ("cam on ban", Some(Smalltalk::Thanks)),
            ("ok", Some(Smalltalk::Thanks)),
            ("Cho tôi hỏi khi nào xã tiêm phòng dại cho chó ạ?", None),
            ("chao anh, duong thon 3 bi ngap", None),
            ("cam on xa da sua duong nhung den duong van hong", None),
        ];
        for (text, expected) in cases {
            assert_eq!(smalltalk(text), expected, "{text}");
        }
    }

    #[test]
    fn codes_print_and_read_back_as_people_type_them() {
        assert_eq!(code(123), "PA-0123");
        assert_eq!(code(12345), "PA-12345");
        for typed in ["PA-0123", "pa 123", "#123", "123", "Pa-123"] {
            assert_eq!(parse_code(typed), Some(123), "{typed}");
        }
        assert_eq!(parse_code("abc"), None);
    }

    #[test]
    fn staff_moves_follow_the_ticket_life() {
        use Status::*;
        assert_eq!(Move::Accept.from(Received), Some(Accepted));
        assert_eq!(Move::Accept.from(Accepted), None);
        assert_eq!(Move::Answer.from(NeedsInfo), Some(Answered));
        assert_eq!(Move::Answer.from(Answered), None);
        assert_eq!(Move::Transfer.from(Answered), None);
        assert_eq!(Move::Reopen.from(Closed), Some(Accepted));
        assert_eq!(Move::Reject.from(Closed), None);
        for m in Move::ALL {
            assert_eq!(Move::parse(m.code()), Some(m));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
        }
    }

    #[test]
    fn urgent_categories_and_their_own_days_set_the_deadlines() {
        let monday = crate::domain::vn_time::parse("2026-03-16 08:00").unwrap();
        let calendar = Calendar::default();
        let fmt = crate::domain::vn_time::format;
        let (accept, answer) = deadlines(monday, None, &calendar);
        assert_eq!(
            (fmt(accept), fmt(answer)),
            ("2026-03-17 08:30".into(), "2026-03-19 08:00".into())
        );
        let urgent = Category {
            code: "khan_cap".into(),
            name: "Khẩn cấp".into(),
            name_en: "Urgent".into(),
            answer_days: 1,
            urgent: true,
        };
        let (accept, answer) = deadlines(monday, Some(&urgent), &calendar);
        assert_eq!(
            (fmt(accept), fmt(answer)),
            ("2026-03-16 14:00".into(), "2026-03-17 08:00".into())
        );
    }

    #[test]
    fn a_draft_asks_for_what_it_lacks() {
        let mut draft = TicketDraft::default();
        assert_eq!(draft.step(), DraftStep::Text);
        assert!(draft.add_text("Đường thôn 3 ngập"));
        assert_eq!(draft.step(), DraftStep::Kind);
        draft.kind = Some(Kind::Report);
        assert_eq!(draft.step(), DraftStep::Category);
        draft.category = Some("ha_tang".into());
        assert_eq!(draft.step(), DraftStep::Confirm);
        assert!(!draft.add_text(&"x".repeat(MAX_TEXT_CHARS)));
        assert_eq!(draft.text, "Đường thôn 3 ngập");
    }
}
