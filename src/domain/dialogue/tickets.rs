//! Residents write to the commune: words that are no command, answer or button become a ticket
//! (a question, a report of a local problem, a suggestion) once the resident says which and
//! confirms, with photos and a location if they like. Then `/phananh` and a ticket's buttons: add
//! information, rate the answer, reopen; and for staff, accept, ask for more, answer, reject.

use serde::{Deserialize, Serialize};

use super::{Effect, State, Turn};
use crate::domain::payload::{Command, Payload, TicketAction, TicketButton};
use crate::domain::ticket::{
    self, Category, DraftStep, Kind, MAX_PHOTOS, MAX_TEXT_CHARS, Move, Smalltalk, Status, Ticket,
    TicketDraft,
};
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::unit_label::unit_label_by_id;
use crate::domain::vn_time;
use crate::message::{Button, InboundKind, Lang, Msg, Reply};

/// What a resident or staff member is writing about a ticket sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// The resident adds information.
    Info,
    /// The resident's word with their rating (optional).
    Comment,
    /// Why the resident reopens it.
    Reopen,
    /// Staff: the answer, what is missing, or why it is rejected.
    Staff(Move),
}

/// What the engine does about tickets.
#[derive(Debug, Clone, PartialEq)]
pub enum TicketEffect {
    Submit {
        draft: TicketDraft,
        anonymous: bool,
    },
    /// `/phananh`: the person's tickets, and for staff their units' open ones.
    List,
    Show(i64),
    /// `/phananh PA-0123`: a ticket by its code, among the person's own or their units'.
    ShowCode(i32),
    Rate {
        ticket: i64,
        satisfied: bool,
    },
    Note {
        ticket: i64,
        note: Note,
        text: String,
    },
    /// Staff accept it (a move with no words).
    Accept(i64),
}

/// Free text (or a photo or location) sent when the chat waits for nothing: a greeting gets a
/// greeting, anything else starts a ticket. False when the person has not signed up.
pub(super) fn idle(turn: &mut Turn, input: &InboundKind) -> bool {
    if turn.chat.person.is_none() {
        return false;
    }
    let mut draft = TicketDraft::default();
    match input {
        InboundKind::Text(text) => match ticket::smalltalk(text) {
            Some(Smalltalk::Greeting) => {
                turn.menu(Msg::new("greeting"));
                return true;
            }
            Some(Smalltalk::Thanks) => {
                turn.menu(Msg::new("thanks-reply"));
                return true;
            }
            // A number or a sign alone is a mistaken answer, not a message to the commune.
            None if !text.chars().any(char::is_alphabetic) => return false,
            None => {
                if !draft.add_text(text) {
                    turn.say(Msg::new("text-too-long").number("max", MAX_TEXT_CHARS as i64));
                    return true;
                }
            }
        },
        InboundKind::Photo { file_id, caption } => {
            draft.photos.push(file_id.clone());
            if let Some(caption) = caption {
                draft.add_text(caption);
            }
        }
        InboundKind::Location {
            latitude,
            longitude,
        } => draft.location = Some((*latitude, *longitude)),
        _ => return false,
    }
    turn.out.state = State::WriteTicket { draft };
    turn.prompt();
    true
}

/// The next input for a ticket being written.
pub(super) fn step(
    turn: &mut Turn,
    draft: &TicketDraft,
    input: &InboundKind,
    pressed: Option<&Payload>,
) {
    let mut next = draft.clone();
    match (input, pressed) {
        (_, Some(Payload::TicketDraft(button))) => match *button {
            TicketButton::Cancel => {
                turn.out.state = State::Idle;
                return turn.menu(Msg::new("ticket-cancelled"));
            }
            TicketButton::Kind(kind) => {
                next.kind = Some(kind);
                if kind != Kind::Report {
                    next.category = None;
                }
            }
            TicketButton::Category(code) => {
                match turn.chat.categories.iter().find(|c| c.code == code) {
                    Some(c) => next.category = Some(c.code.clone()),
                    None => turn.say(Msg::new("button-expired")),
                }
            }
            TicketButton::Send | TicketButton::SendAnonymously
                if draft.step() == DraftStep::Confirm =>
            {
                let anonymous = *button == TicketButton::SendAnonymously;
                return turn.done(Effect::Tickets(TicketEffect::Submit {
                    draft: next,
                    anonymous,
                }));
            }
            TicketButton::Send
            | TicketButton::SendAnonymously
            | TicketButton::Skip
            | TicketButton::New => {}
        },
        // The keys of Telegram's share-location keyboard come back as their labels.
        (InboundKind::Text(text), None)
            if draft.step() == DraftStep::Confirm && typed_send(text).is_some() =>
        {
            let anonymous = typed_send(text) == Some(true);
            return turn.done(Effect::Tickets(TicketEffect::Submit {
                draft: next,
                anonymous,
            }));
        }
        (InboundKind::Text(text), _) => {
            if !next.add_text(text) {
                turn.say(Msg::new("text-too-long").number("max", MAX_TEXT_CHARS as i64));
            }
        }
        (InboundKind::Photo { file_id, caption }, _) => {
            if next.photos.len() >= MAX_PHOTOS {
                turn.say(Msg::new("ticket-photos-full").number("max", MAX_PHOTOS as i64));
            } else {
                next.photos.push(file_id.clone());
                if let Some(caption) = caption {
                    next.add_text(caption);
                }
            }
        }
        (
            InboundKind::Location {
                latitude,
                longitude,
            },
            _,
        ) => next.location = Some((*latitude, *longitude)),
        _ => return turn.unexpected(input),
    }
    turn.out.state = State::WriteTicket { draft: next };
    turn.prompt();
}

/// "Gửi" typed (false) or "Gửi, không hiện tên" (true), as the send keys read, with or without
/// diacritics, in either language.
fn typed_send(text: &str) -> Option<bool> {
    let words: String = crate::domain::text::fold(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    match words.as_str() {
        "gui" | "send" => Some(false),
        "guikhonghienten" | "sendwithoutmyname" => Some(true),
        _ => None,
    }
}

/// Words about a ticket sent (information, a comment, why it is reopened, a staff answer).
pub(super) fn note_step(
    turn: &mut Turn,
    ticket: i64,
    note: Note,
    input: &InboundKind,
    pressed: Option<&Payload>,
) {
    match (input, pressed) {
        (InboundKind::Text(text), _) => {
            let text = text.trim();
            if text.chars().count() > MAX_TEXT_CHARS {
                turn.say(Msg::new("text-too-long").number("max", MAX_TEXT_CHARS as i64));
                return turn.prompt();
            }
            turn.done(Effect::Tickets(TicketEffect::Note {
                ticket,
                note,
                text: text.to_owned(),
            }));
        }
        (_, Some(Payload::TicketDraft(TicketButton::Cancel | TicketButton::Skip))) => {
            turn.out.state = State::Idle;
            turn.menu(Msg::new(match note {
                Note::Comment => "ticket-rating-thanks",
                _ => "ticket-note-cancelled",
            }));
        }
        _ => turn.unexpected(input),
    }
}

/// A ticket's buttons, wherever the chat stands; false for other buttons.
pub(super) fn pressed(turn: &mut Turn, pressed: &Payload) -> bool {
    let (ticket, action) = match *pressed {
        Payload::Ticket(ticket, action) => (ticket, action),
        Payload::TicketDraft(TicketButton::New) => {
            if turn.signed_up() {
                turn.out.state = State::WriteTicket {
                    draft: TicketDraft::default(),
                };
                turn.prompt();
            }
            return true;
        }
        _ => return false,
    };
    if !turn.signed_up() {
        return true;
    }
    // Whether the ticket is theirs, or in their units, is checked when the effect is carried out.
    let effect = match action {
        TicketAction::Show => TicketEffect::Show(ticket),
        TicketAction::Rate(satisfied) => TicketEffect::Rate { ticket, satisfied },
        TicketAction::Staff(Move::Accept) => TicketEffect::Accept(ticket),
        TicketAction::Info => return write_note(turn, ticket, Note::Info),
        TicketAction::Reopen => return write_note(turn, ticket, Note::Reopen),
        TicketAction::Staff(m) => return write_note(turn, ticket, Note::Staff(m)),
    };
    turn.done(Effect::Tickets(effect));
    true
}

fn write_note(turn: &mut Turn, ticket: i64, note: Note) -> bool {
    turn.out.state = State::TicketNote { ticket, note };
    turn.prompt();
    true
}

/// `/phananh [CODE]`; false for other commands.
pub(super) fn command(turn: &mut Turn, command: Command) -> bool {
    let Command::Tickets(args) = command else {
        return false;
    };
    let effect = match args.trim() {
        "" => TicketEffect::List,
        typed => match ticket::parse_code(typed) {
            Some(number) => TicketEffect::ShowCode(number),
            None => {
                turn.say(Msg::new("ticket-code-unknown").text("code", typed));
                return true;
            }
        },
    };
    turn.done(Effect::Tickets(effect));
    true
}

impl Turn<'_> {
    pub(super) fn ask_for_ticket(&mut self, draft: &TicketDraft) {
        let cancel = || {
            Button::new(
                Msg::new("cancel-button"),
                Payload::TicketDraft(TicketButton::Cancel),
            )
        };
        let reply = match draft.step() {
            DraftStep::Text if draft.notice.is_some() => {
                Reply::new(Msg::new("notice-ask-prompt")).row(vec![cancel()])
            }
            DraftStep::Text => Reply::new(Msg::new("ticket-ask-text")).row(vec![cancel()]),
            DraftStep::Kind => Reply::new(Msg::new("ticket-ask-kind").text("text", &draft.text))
                .rows(Kind::ALL.into_iter().map(|k| {
                    Button::new(
                        Msg::new(k.msg_id()),
                        Payload::TicketDraft(TicketButton::Kind(k)),
                    )
                }))
                .row(vec![cancel()]),
            DraftStep::Category => Reply::new(Msg::new("ticket-ask-category"))
                .rows(self.chat.categories.iter().map(|c| {
                    Button::new(
                        Msg::new("ticket-category").text("name", c.name(self.chat.lang)),
                        Payload::TicketDraft(TicketButton::Category(&c.code)),
                    )
                }))
                .row(vec![cancel()]),
            DraftStep::Confirm => {
                let category = draft
                    .category
                    .as_deref()
                    .and_then(|code| self.chat.categories.iter().find(|c| c.code == code));
                let kind = draft.kind.unwrap_or(Kind::Question);
                Reply::new(
                    Msg::new("ticket-confirm")
                        .text("text", &draft.text)
                        .msg("kind", Msg::new(kind.msg_id()))
                        .lines("category", category_suffix(category, self.chat.lang))
                        .number("photos", draft.photos.len() as i64)
                        .text(
                            "located",
                            if draft.location.is_some() {
                                "yes"
                            } else {
                                "no"
                            },
                        ),
                )
                .ask_location(Msg::new("unit-share-location-button"))
                .row(vec![
                    Button::new(
                        Msg::new("ticket-send-button"),
                        Payload::TicketDraft(TicketButton::Send),
                    ),
                    Button::new(
                        Msg::new("ticket-send-anonymous-button"),
                        Payload::TicketDraft(TicketButton::SendAnonymously),
                    ),
                ])
                .row(vec![cancel()])
            }
        };
        self.out.replies.push(reply);
    }

    pub(super) fn ask_for_note(&mut self, note: Note) {
        let (id, button) = match note {
            Note::Info => ("ticket-ask-info", "cancel-button"),
            Note::Comment => ("ticket-ask-comment", "ticket-skip-button"),
            Note::Reopen => ("ticket-ask-reopen", "cancel-button"),
            Note::Staff(Move::AskMore) => ("ticket-ask-what-missing", "cancel-button"),
            Note::Staff(Move::Reject) => ("ticket-ask-reject-reason", "cancel-button"),
            Note::Staff(_) => ("answer-prompt", "cancel-button"),
        };
        let skip = match note {
            Note::Comment => TicketButton::Skip,
            _ => TicketButton::Cancel,
        };
        self.out
            .replies
            .push(Reply::new(Msg::new(id)).row(vec![Button::new(
                Msg::new(button),
                Payload::TicketDraft(skip),
            )]));
    }
}

/// "PA-0123 · Đã tiếp nhận" as a button that shows the ticket.
fn ticket_button(t: &Ticket) -> Button {
    Button::new(
        Msg::new("ticket-item")
            .text("code", &t.code)
            .msg("status", Msg::new(t.status.msg_id()))
            .text("text", ticket_excerpt(&t.text)),
        Payload::Ticket(t.id, TicketAction::Show),
    )
}

/// The start of a ticket's text, for a button.
fn ticket_excerpt(text: &str) -> String {
    const SHOWN: usize = 40;
    let mut excerpt: String = text.chars().take(SHOWN).collect();
    if text.chars().count() > SHOWN {
        excerpt.push('…');
    }
    excerpt
}

/// `/phananh`: the person's own tickets.
pub fn my_tickets(tickets: &[Ticket]) -> Reply {
    if tickets.is_empty() {
        return Reply::new(Msg::new("tickets-none"));
    }
    Reply::new(Msg::new("tickets-mine")).rows(tickets.iter().map(ticket_button))
}

/// `/phananh` for staff: their units' open tickets, overdue first.
pub fn open_tickets(tickets: &[Ticket], total: i64, overdue: i64) -> Reply {
    Reply::new(
        Msg::new("tickets-open")
            .number("count", total)
            .number("overdue", overdue),
    )
    .rows(tickets.iter().map(ticket_button))
}

/// Sent: its code, and when the commune will answer.
pub fn submitted(t: &Ticket, units: &UnitDirectory) -> Reply {
    Reply::new(
        Msg::new("ticket-created")
            .text("code", &t.code)
            .msg("unit", unit_label_by_id(units, t.unit_id))
            .text("due", vn_time::format_for_people(t.answer_due)),
    )
}

/// A ticket shown to the resident who sent it, with what they may do next.
pub fn for_resident(t: &Ticket, units: &UnitDirectory) -> Reply {
    let mut reply = Reply::new(details(t, units));
    if t.status.is_open() {
        reply = reply.row(vec![Button::new(
            Msg::new("ticket-info-button"),
            Payload::Ticket(t.id, TicketAction::Info),
        )]);
    }
    if t.rateable() {
        reply = reply.row(rating_buttons(t.id));
    }
    if t.reopenable() {
        reply = reply.row(vec![Button::new(
            Msg::new("ticket-reopen-button"),
            Payload::Ticket(t.id, TicketAction::Reopen),
        )]);
    }
    reply
}

fn rating_buttons(ticket: i64) -> Vec<Button> {
    vec![
        Button::new(
            Msg::new("ticket-good-button"),
            Payload::Ticket(ticket, TicketAction::Rate(true)),
        ),
        Button::new(
            Msg::new("ticket-bad-button"),
            Payload::Ticket(ticket, TicketAction::Rate(false)),
        ),
    ]
}

/// A ticket shown to staff, with the moves its status allows.
pub fn for_staff(t: &Ticket, units: &UnitDirectory, now: chrono::DateTime<chrono::Utc>) -> Reply {
    let mut body = details(t, units);
    if t.overdue(now) {
        body = Msg::new("ticket-overdue-line").msg("ticket", body);
    }
    let moves: Vec<Button> = [Move::Accept, Move::Answer, Move::AskMore, Move::Reject]
        .into_iter()
        .filter(|m| m.from(t.status).is_some())
        .map(|m| {
            Button::new(
                Msg::new(m.msg_id()),
                Payload::Ticket(t.id, TicketAction::Staff(m)),
            )
        })
        .collect();
    let mut reply = Reply::new(body);
    for pair in moves.chunks(2) {
        reply = reply.row(pair.to_vec());
    }
    reply
}

/// Code, unit, status, kind, text, due date and answer, a line each.
fn details(t: &Ticket, units: &UnitDirectory) -> Msg {
    let mut lines = vec![
        Msg::new("ticket-head")
            .text("code", &t.code)
            .msg("kind", Msg::new(t.kind.msg_id()))
            .msg("status", Msg::new(t.status.msg_id())),
        Msg::new("ticket-unit-line").msg("unit", unit_label_by_id(units, t.unit_id)),
        Msg::new("ticket-text-line").text("text", &t.text),
        Msg::new("ticket-due-line").text("due", vn_time::format_for_people(t.answer_due)),
    ];
    if let Some(answer) = &t.answer {
        lines.push(Msg::new("ticket-answer-line").text("answer", answer));
    }
    Msg::new("ticket-details").lines("lines", lines)
}

/// " (Môi trường)" after a report's kind, or nothing.
fn category_suffix(category: Option<&Category>, lang: Lang) -> Vec<Msg> {
    category
        .map(|c| Msg::new("ticket-category-suffix").text("name", c.name(lang)))
        .into_iter()
        .collect()
}

/// " about the notice “…”", for a question asked under a notice.
fn notice_suffix(t: &Ticket) -> Vec<Msg> {
    t.notice_title
        .iter()
        .map(|title| Msg::new("ticket-notice-suffix").text("title", title))
        .collect()
}

/// A new ticket, for the staff of its unit, with a button to open it.
pub fn announced(t: &Ticket, units: &UnitDirectory, category: Option<&Category>) -> Reply {
    Reply::new(
        Msg::new("ticket-announced")
            .text("code", &t.code)
            .msg("unit", unit_label_by_id(units, t.unit_id))
            .msg("kind", Msg::new(t.kind.msg_id()))
            .lines("category", category_suffix(category, Lang::Vi))
            .lines("notice", notice_suffix(t))
            .text("text", &t.text)
            .text("due", vn_time::format_for_people(t.accept_due)),
    )
    .row(vec![Button::new(
        Msg::new("ticket-open-button"),
        Payload::Ticket(t.id, TicketAction::Show),
    )])
}

/// What the resident is told when staff move their ticket (`words`: the answer, what is
/// missing, the reason), with the buttons that fit.
pub fn update_for_resident(t: &Ticket, units: &UnitDirectory, done: Move, words: &str) -> Reply {
    let id = match done {
        Move::Accept => "ticket-update-accept",
        Move::AskMore => "ticket-update-ask_more",
        Move::Answer => "ticket-update-answer",
        Move::Transfer => "ticket-update-transfer",
        Move::Reject => "ticket-update-reject",
        Move::Close => "ticket-update-close",
        Move::Reopen => "ticket-update-reopen",
    };
    let mut reply = Reply::new(
        Msg::new(id)
            .text("code", &t.code)
            .msg("unit", unit_label_by_id(units, t.unit_id))
            .text("text", words)
            .text("due", vn_time::format_for_people(t.answer_due)),
    );
    match t.status {
        Status::NeedsInfo => {
            reply = reply.row(vec![Button::new(
                Msg::new("ticket-info-button"),
                Payload::Ticket(t.id, TicketAction::Info),
            )])
        }
        Status::Answered if t.rateable() => reply = reply.row(rating_buttons(t.id)),
        _ => {}
    }
    reply
}

/// What the resident added, for the staff of the ticket's unit.
pub fn resident_wrote(t: &Ticket, note: Note, text: &str) -> Reply {
    Reply::new(
        Msg::new(match note {
            Note::Reopen => "ticket-reopened-for-staff",
            _ => "ticket-info-for-staff",
        })
        .text("code", &t.code)
        .text("text", text),
    )
    .row(vec![Button::new(
        Msg::new("ticket-open-button"),
        Payload::Ticket(t.id, TicketAction::Show),
    )])
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, press, resident, staff};
    use super::*;
    use crate::domain::access::Role;

    fn text(t: &str) -> InboundKind {
        InboundKind::Text(t.into())
    }

    fn writing(draft: TicketDraft) -> State {
        State::WriteTicket { draft }
    }

    #[test]
    fn free_words_become_a_ticket_and_greetings_do_not() {
        let me = resident();
        let said = TicketDraft {
            text: "Cho tôi hỏi khi nào xã tiêm phòng dại cho chó ạ?".into(),
            ..TicketDraft::default()
        };
        let question = TicketDraft {
            kind: Some(Kind::Question),
            ..said.clone()
        };
        let report = TicketDraft {
            text: "Đường thôn 3 ngập".into(),
            kind: Some(Kind::Report),
            ..TicketDraft::default()
        };
        let filed = TicketDraft {
            category: Some("ha_tang".into()),
            ..report.clone()
        };
        let located = TicketDraft {
            location: Some((20.6, 106.05)),
            photos: vec!["p1".into()],
            ..filed.clone()
        };
        #[rustfmt::skip]
        let cases = vec![
            (State::Idle, Some(&me), text("Xin chào"), State::Idle, vec!["greeting"], vec![]),
            (State::Idle, Some(&me), text("cam on a"), State::Idle, vec!["thanks-reply"], vec![]),
            (State::Idle, Some(&me), text(&said.text), writing(said.clone()), vec!["ticket-ask-kind"], vec![]),
            (writing(said.clone()), Some(&me), press("tkd:kind:question"), writing(question.clone()), vec!["ticket-confirm"], vec![]),
            (writing(question.clone()), Some(&me), press("tkd:send"), State::Idle, vec![], vec![Effect::Tickets(TicketEffect::Submit { draft: question.clone(), anonymous: false })]),
            (writing(report.clone()), Some(&me), press("tkd:send"), writing(report.clone()), vec!["ticket-ask-category"], vec![]),
            (writing(report.clone()), Some(&me), press("tkd:cat:nope"), writing(report.clone()), vec!["button-expired", "ticket-ask-category"], vec![]),
            (writing(report.clone()), Some(&me), press("tkd:cat:ha_tang"), writing(filed.clone()), vec!["ticket-confirm"], vec![]),
            (writing(filed.clone()), Some(&me), InboundKind::Photo { file_id: "p1".into(), caption: None }, writing(TicketDraft { photos: vec!["p1".into()], ..filed.clone() }), vec!["ticket-confirm"], vec![]),
            (writing(TicketDraft { photos: vec!["p1".into()], ..filed.clone() }), Some(&me), InboundKind::Location { latitude: 20.6, longitude: 106.05 }, writing(located.clone()), vec!["ticket-confirm"], vec![]),
            (writing(located.clone()), Some(&me), press("tkd:anon"), State::Idle, vec![], vec![Effect::Tickets(TicketEffect::Submit { draft: located.clone(), anonymous: true })]),
            (writing(filed.clone()), Some(&me), press("tkd:cancel"), State::Idle, vec!["ticket-cancelled"], vec![]),
            // Telegram's location keyboard sends its keys' labels.
            (writing(filed.clone()), Some(&me), text("Gửi, không hiện tên"), State::Idle, vec![], vec![Effect::Tickets(TicketEffect::Submit { draft: filed.clone(), anonymous: true })]),
            (writing(filed.clone()), Some(&me), text("gui"), State::Idle, vec![], vec![Effect::Tickets(TicketEffect::Submit { draft: filed.clone(), anonymous: false })]),
            (writing(filed.clone()), Some(&me), text(&"x".repeat(MAX_TEXT_CHARS)), writing(filed.clone()), vec!["text-too-long", "ticket-confirm"], vec![]),
            (writing(filed.clone()), Some(&me), InboundKind::Other, writing(filed.clone()), vec!["attachment-not-expected", "ticket-confirm"], vec![]),
            // Before sign-up, words are not a ticket.
            (State::Idle, None, text("đường ngập"), State::Idle, vec!["unknown-text"], vec![]),
        ];
        check(cases);
    }

    #[test]
    fn ticket_buttons_and_notes_reach_the_engine() {
        let me = resident();
        let cadre = staff(Role::Cadre);
        let note = |note| State::TicketNote { ticket: 5, note };
        #[rustfmt::skip]
        let cases = vec![
            (State::Idle, Some(&me), press("tk:5"), State::Idle, vec![], vec![Effect::Tickets(TicketEffect::Show(5))]),
            (State::Idle, Some(&me), press("tk:5:good"), State::Idle, vec![], vec![Effect::Tickets(TicketEffect::Rate { ticket: 5, satisfied: true })]),
            (State::Idle, Some(&me), press("tk:5:info"), note(Note::Info), vec!["ticket-ask-info"], vec![]),
            (note(Note::Info), Some(&me), text(" Ở đầu ngõ 4 "), State::Idle, vec![], vec![Effect::Tickets(TicketEffect::Note { ticket: 5, note: Note::Info, text: "Ở đầu ngõ 4".into() })]),
            (note(Note::Comment), Some(&me), press("tkd:skip"), State::Idle, vec!["ticket-rating-thanks"], vec![]),
            (State::Idle, Some(&cadre), press("tk:5:accept"), State::Idle, vec![], vec![Effect::Tickets(TicketEffect::Accept(5))]),
            (State::Idle, Some(&cadre), press("tk:5:answer"), note(Note::Staff(Move::Answer)), vec!["answer-prompt"], vec![]),
            (State::Idle, None, press("tk:5"), State::Idle, vec!["need-signup", "menu"], vec![]),
            (State::Idle, Some(&me), InboundKind::Command { name: "phananh".into(), args: String::new() }, State::Idle, vec![], vec![Effect::Tickets(TicketEffect::List)]),
            (State::Idle, Some(&me), InboundKind::Command { name: "phananh".into(), args: "pa-12".into() }, State::Idle, vec![], vec![Effect::Tickets(TicketEffect::ShowCode(12))]),
            (State::Idle, Some(&me), InboundKind::Command { name: "phananh".into(), args: "abc".into() }, State::Idle, vec!["ticket-code-unknown"], vec![]),
        ];
        check(cases);
    }
}
