//! Notices, for the people they were sent to: "read", a question about one (a ticket that names
//! the notice), and `/notices` to see the latest again.

use super::{Effect, State, Turn};
use crate::domain::notice::Notice;
use crate::domain::payload::{Command, Payload};
use crate::domain::ticket::{Kind, TicketDraft};
use crate::message::{Button, Lang, Msg, Reply};

/// Notices listed by `/notices`.
pub const RECENT_NOTICES: i64 = 5;
/// Missed notices shown at once to someone who writes again; more come with their next message.
pub const MISSED_SHOWN: i64 = 5;

/// "ack:ID" (read), "ask:ID" (a question about it), "notice:ID" (show it again): for people the
/// notice was sent to, which the engine checks when it carries the effect out (for a question,
/// when the ticket is sent). False for other buttons.
pub(super) fn pressed(turn: &mut Turn, pressed: &Payload) -> bool {
    match *pressed {
        Payload::Ack(_) | Payload::Ask(_) | Payload::Notice(_) if !turn.signed_up() => {}
        Payload::Ack(notice) => turn.out.effects.push(Effect::Acknowledge(notice)),
        Payload::Notice(notice) => turn.out.effects.push(Effect::ShowNotice(notice)),
        Payload::Ask(notice) => {
            let draft = TicketDraft {
                notice: Some(notice),
                kind: Some(Kind::Question),
                ..TicketDraft::default()
            };
            turn.out.state = State::WriteTicket { draft };
            turn.prompt();
        }
        _ => return false,
    }
    true
}

/// `/notices`; false for any other command.
pub(super) fn command(turn: &mut Turn, command: Command) -> bool {
    if command != Command::Notices {
        return false;
    }
    turn.done(Effect::ListNotices);
    true
}

/// `/notices`: the latest notices as buttons that show each again.
pub fn notice_list(notices: &[Notice], lang: Lang) -> Reply {
    if notices.is_empty() {
        return Reply::new(Msg::new("notices-none"));
    }
    Reply::new(Msg::new("notices-list")).rows(notices.iter().map(|n| {
        Button::new(
            Msg::new("notice-item").text("title", &n.text(lang).title),
            Payload::Notice(n.id),
        )
    }))
}

/// "You have 2 new notices", then each as it was broadcast.
pub fn missed_notices(notices: &[Notice], lang: Lang) -> Vec<Reply> {
    let count = Msg::new("missed-notices").number("count", notices.len() as i64);
    std::iter::once(Reply::new(count))
        .chain(notices.iter().map(|n| n.reply(lang)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, press, resident};
    use super::*;
    use crate::message::InboundKind;

    #[test]
    fn notice_buttons_and_questions_lead_where_they_say() {
        let me = resident();
        let draft = |text: &str| TicketDraft {
            text: text.into(),
            notice: Some(4),
            kind: Some(Kind::Question),
            ..TicketDraft::default()
        };
        let asking = State::WriteTicket { draft: draft("") };
        let text = |t: &str| InboundKind::Text(t.into());
        #[rustfmt::skip]
        let cases = vec![
            (State::Idle, Some(&me), press("ack:4"), State::Idle, vec![], vec![Effect::Acknowledge(4)]),
            (State::Idle, Some(&me), press("notice:4"), State::Idle, vec![], vec![Effect::ShowNotice(4)]),
            (State::Idle, Some(&me), press("ask:4"), asking.clone(), vec!["notice-ask-prompt"], vec![]),
            (State::Idle, None, press("ack:4"), State::Idle, vec!["need-signup", "menu"], vec![]),
            // A notice's buttons work in the middle of something else, which goes on.
            (State::AskUnit { search: None }, Some(&me), press("ack:4"), State::AskUnit { search: None }, vec![], vec![Effect::Acknowledge(4)]),
            // The question is a ticket about the notice: no need to say what kind it is.
            (asking.clone(), Some(&me), text("  Mấy giờ họp?  "), State::WriteTicket { draft: draft("Mấy giờ họp?") }, vec!["ticket-confirm"], vec![]),
            (asking.clone(), Some(&me), text(&"x".repeat(2001)), asking.clone(), vec!["text-too-long", "notice-ask-prompt"], vec![]),
            (asking.clone(), Some(&me), press("tkd:cancel"), State::Idle, vec!["ticket-cancelled"], vec![]),
            // An old question's buttons, from before questions were tickets, have expired.
            (State::Idle, Some(&me), press("answer:8"), State::Idle, vec!["button-expired", "menu"], vec![]),
            (State::Idle, Some(&me), InboundKind::Command { name: "notices".into(), args: String::new() }, State::Idle, vec![], vec![Effect::ListNotices]),
        ];
        check(cases);
    }
}
