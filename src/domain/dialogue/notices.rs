//! Notices and questions about them, for the people they were sent to: "read", a question or
//! comment, `/notices` to see the latest again, and the answer a cadre sends back.

use super::{Effect, State, Turn};
use crate::domain::notice::{Notice, Question};
use crate::domain::payload::{Command, Payload};
use crate::message::{Button, InboundKind, Lang, Msg, Reply};

/// Notices listed by `/notices`.
pub const RECENT_NOTICES: i64 = 5;
/// Missed notices shown at once to someone who writes again; more come with their next message.
pub const MISSED_SHOWN: i64 = 5;

/// "ack:ID" (read), "ask:ID" (a question about it), "notice:ID" (show it again): for people the
/// notice was sent to, which the engine checks when it carries the effect out. False for other
/// buttons.
pub(super) fn pressed(turn: &mut Turn, pressed: &Payload) -> bool {
    match *pressed {
        Payload::Ack(_) | Payload::Ask(_) | Payload::Notice(_) if !turn.signed_up() => {}
        Payload::Ack(notice) => turn.out.effects.push(Effect::Acknowledge(notice)),
        Payload::Notice(notice) => turn.out.effects.push(Effect::ShowNotice(notice)),
        Payload::Ask(notice) => {
            turn.out.state = State::AskAboutNotice { notice };
            turn.prompt();
        }
        _ => return false,
    }
    true
}

/// The question or comment about `notice`.
pub(super) fn step(turn: &mut Turn, notice: i64, input: &InboundKind, pressed: Option<&Payload>) {
    match (input, pressed) {
        (InboundKind::Text(text), _) => {
            turn.written(text, |text| Effect::AskAboutNotice { notice, text })
        }
        (_, Some(Payload::QuestionCancel)) => turn.cancel_question(),
        _ => turn.unexpected(input),
    }
}

/// `/notices`; false for any other command.
pub(super) fn command(turn: &mut Turn, command: Command) -> bool {
    if command != Command::Notices {
        return false;
    }
    turn.done(Effect::ListNotices);
    true
}

impl Turn<'_> {
    pub(super) fn ask_about_notice(&mut self) {
        let reply = Reply::new(Msg::new("notice-ask-prompt")).row(vec![Button::new(
            Msg::new("cancel-button"),
            Payload::QuestionCancel,
        )]);
        self.out.replies.push(reply);
    }

    /// No question, or no answer, after all.
    pub(super) fn cancel_question(&mut self) {
        self.out.state = State::Idle;
        self.menu(Msg::new("notice-question-cancelled"));
    }
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

/// The answer, for whoever asked.
pub fn answer_for_resident(question: &Question, answer: &str, lang: Lang) -> Reply {
    Reply::new(
        Msg::new("answer-for-resident")
            .text("title", &question.notice.text(lang).title)
            .text("question", &question.text)
            .text("answer", answer),
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, press, resident};
    use super::*;

    #[test]
    fn notice_buttons_and_questions_lead_where_they_say() {
        let me = resident();
        let asking = State::AskAboutNotice { notice: 4 };
        let text = |t: &str| InboundKind::Text(t.into());
        #[rustfmt::skip]
        let cases = vec![
            (State::Idle, Some(&me), press("ack:4"), State::Idle, vec![], vec![Effect::Acknowledge(4)]),
            (State::Idle, Some(&me), press("notice:4"), State::Idle, vec![], vec![Effect::ShowNotice(4)]),
            (State::Idle, Some(&me), press("ask:4"), asking.clone(), vec!["notice-ask-prompt"], vec![]),
            (State::Idle, None, press("ack:4"), State::Idle, vec!["need-signup", "menu"], vec![]),
            // A notice's buttons work in the middle of something else, which goes on.
            (State::AskUnit { search: None }, Some(&me), press("ack:4"), State::AskUnit { search: None }, vec![], vec![Effect::Acknowledge(4)]),
            (asking.clone(), Some(&me), text("  Mấy giờ họp?  "), State::Idle, vec![], vec![Effect::AskAboutNotice { notice: 4, text: "Mấy giờ họp?".into() }]),
            (asking.clone(), Some(&me), text(&"x".repeat(1001)), asking.clone(), vec!["text-too-long", "notice-ask-prompt"], vec![]),
            (asking.clone(), Some(&me), press("question:cancel"), State::Idle, vec!["notice-question-cancelled"], vec![]),
            (asking.clone(), Some(&me), InboundKind::Other, asking.clone(), vec!["attachment-not-expected", "notice-ask-prompt"], vec![]),
            (State::Idle, Some(&me), InboundKind::Command { name: "notices".into(), args: String::new() }, State::Idle, vec![], vec![Effect::ListNotices]),
        ];
        check(cases);
    }
}
