//! One person, several chats. `/link` in a chat where the person signed up gives a code; the code,
//! sent from their other chat as `/link CODE` (anywhere) or typed alone where no other answer is
//! awaited (before signing up, or with nothing under way), makes that chat theirs too: one
//! sign-up, one survey response, one `/mydata`, and `/forget` erases every chat.

use chrono::{DateTime, Utc};

use super::signup::language_name;
use super::{Effect, State, Turn};
use crate::domain::link::{self, CODE_LIFETIME, CODES_PER_HOUR};
use crate::domain::payload::Command;
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::unit_label::unit_label_by_id;
use crate::domain::vn_time::clock_time;
use crate::message::{Lang, Msg, Reply};

/// What a good code did to the chat that sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    /// The chat had signed up too: two sign-ups became one, the newer's unit and language kept.
    /// Otherwise the chat joined the code's person.
    pub merged: bool,
    /// The person's unit, as kept.
    pub unit_id: Option<i64>,
    pub lang: Lang,
}

/// Why a code linked nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefused {
    Wrong,
    /// Its time is up, or it was used.
    Expired,
    /// Sent from the chat that asked for it.
    SameChat,
    /// The two chats are one person's already.
    Already,
    /// Too many wrong codes from this chat lately.
    TooManyTries,
    /// Too many wrong codes from all chats together lately: someone is guessing.
    Guessing,
}

/// `/link CODE`, which anyone may send (the code names the person), and `/link` from a chat that
/// has not signed up, which is told where codes come from.
pub(super) fn send_code(turn: &mut Turn, args: &str) {
    if args.is_empty() {
        turn.say(Msg::new("link-how"));
        return turn.prompt();
    }
    match link::read_code(args) {
        Some(code) => turn.link(code),
        None => turn.say(Msg::new("link-usage")),
    }
}

/// `/link` from a signed-up person: a code for their other chat; false for any other command.
pub(super) fn command(turn: &mut Turn, command: Command) -> bool {
    if command != Command::Link("") {
        return false;
    }
    turn.done(Effect::NewLinkCode);
    true
}

/// A code typed alone, before sign-up (the greeting, the language, the consent) or with nothing
/// under way; false for other text, or while the chat waits for something that could look like
/// one (a place, a survey's number).
pub(super) fn typed(turn: &mut Turn, text: &str) -> bool {
    // A consultation's part takes typed words too, but nine digits are no opinion on a draft.
    let waiting = matches!(
        turn.chat.state,
        State::New | State::ChooseLanguage | State::Consent | State::Idle | State::Consult { .. }
    );
    match link::read_code(text).filter(|_| waiting) {
        Some(code) => {
            turn.link(code);
            true
        }
        None => false,
    }
}

impl Turn<'_> {
    /// A chat that has signed up is left with nothing under way; one that has not stays where it
    /// was, unless the engine finds the code good (it then belongs to someone).
    fn link(&mut self, code: String) {
        self.out.effects.push(Effect::Link(code));
        if self.chat.person.is_some() {
            self.out.state = State::Idle;
        }
    }
}

/// The code to send from the other chat, with until when it works; None when the person has
/// asked for as many as an hour allows.
pub fn link_code(made: Option<(&str, DateTime<Utc>)>) -> Reply {
    Reply::new(match made {
        Some((code, expires)) => Msg::new("link-code")
            .text("code", link::shown(code))
            .text("until", clock_time(expires))
            .number("minutes", CODE_LIFETIME.num_minutes()),
        None => Msg::new("link-too-many").number("max", CODES_PER_HOUR),
    })
}

/// What a code sent from this chat did; a merge names the commune and language kept.
pub fn linked(units: &UnitDirectory, result: &Result<Linked, LinkRefused>) -> Reply {
    let linked = match result {
        Ok(linked) => linked,
        Err(refused) => {
            return Reply::new(Msg::new(match refused {
                LinkRefused::Wrong => "link-wrong",
                LinkRefused::Expired => "link-expired",
                LinkRefused::SameChat => "link-same-chat",
                LinkRefused::Already => "link-already",
                LinkRefused::TooManyTries => "link-tries",
                LinkRefused::Guessing => "link-guessing",
            }));
        }
    };
    let unit = linked
        .unit_id
        .map_or(Msg::new("mydata-no-unit"), |id| unit_label_by_id(units, id));
    Reply::new(if linked.merged {
        Msg::new("link-merged")
            .msg("unit", unit)
            .msg("language", Msg::new(language_name(linked.lang)))
    } else {
        Msg::new("link-joined").msg("unit", unit)
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, press, resident};
    use super::*;
    use crate::message::InboundKind;

    #[test]
    fn a_code_is_asked_for_where_one_signed_up_and_sent_from_anywhere() {
        let me = resident();
        let text = |t: &str| InboundKind::Text(t.into());
        let link = |args: &str| InboundKind::Command {
            name: "link".into(),
            args: args.into(),
        };
        let code = || Effect::Link("480213795".into());
        #[rustfmt::skip]
        let cases = vec![
            (State::Idle, Some(&me), link(""), State::Idle, vec![], vec![Effect::NewLinkCode]),
            (State::Idle, Some(&me), press("cmd:link"), State::Idle, vec![], vec![Effect::NewLinkCode]),
            (State::New, None, link(""), State::New, vec!["link-how", "start-hint"], vec![]),
            // A code typed alone, where nothing else is awaited.
            (State::New, None, text("480 213 795"), State::New, vec![], vec![code()]),
            (State::Consent, None, text("480213795"), State::Consent, vec![], vec![code()]),
            (State::Idle, Some(&me), text("480-213-795"), State::Idle, vec![], vec![code()]),
            // With /link, anywhere; what was under way ends.
            (State::AskUnit { search: None }, Some(&me), link("480 213 795"), State::Idle, vec![], vec![code()]),
            (State::New, None, link("480213795"), State::New, vec![], vec![code()]),
            (State::Idle, Some(&me), link("48"), State::Idle, vec!["link-usage"], vec![]),
            // A place's name, not a code, while one is asked for.
            (State::AskUnit { search: None }, Some(&me), text("480213795"), State::AskUnit { search: None }, vec!["unit-none"], vec![]),
        ];
        check(cases);
    }
}
