//! Consultations on a draft in chat: the `gy:` buttons, and text typed while at a part (an
//! opinion in words, or a comment). What each does is [`consultation_chat`]'s; here the chat
//! follows along.

use super::{Effect, State, Turn};
use crate::domain::consultation::Consultation;
use crate::domain::consultation_chat::{self, At};
use crate::domain::payload::{Command, ConsultAction, Payload};
use crate::message::{Button, InboundKind, Msg, Reply};

/// A consultation button (`gy:ID:ACTION`); false for other buttons.
pub(super) fn pressed(turn: &mut Turn, pressed: &Payload) -> bool {
    let Payload::Consult(id, action) = pressed else {
        return false;
    };
    if turn.signed_up() {
        turn.consult(*id, *action);
    }
    true
}

/// Text typed while at a part of consultation `id`.
pub(super) fn step(turn: &mut Turn, id: i64, at: At, input: &InboundKind) {
    match input {
        InboundKind::Text(text) => turn.consult(id, consultation_chat::typed(at, text)),
        _ => turn.unexpected(input),
    }
}

/// `/gopy`; false for any other command.
pub(super) fn command(turn: &mut Turn, command: Command) -> bool {
    if command != Command::Consultations {
        return false;
    }
    turn.done(Effect::ListConsultations);
    true
}

/// `/gopy`: the drafts open for the person's comment, each a button to its intro.
pub fn consultation_list(open: &[Consultation]) -> Reply {
    if open.is_empty() {
        return Reply::new(Msg::new("consult-none"));
    }
    Reply::new(Msg::new("consult-list")).rows(open.iter().map(|c| {
        Button::new(
            Msg::new("survey-option").text("label", &c.file.title),
            Payload::Consult(c.id, ConsultAction::Start),
        )
    }))
}

impl Turn<'_> {
    fn consult(&mut self, id: i64, action: ConsultAction) {
        let turn = consultation_chat::respond(self.chat.consultation, id, action);
        self.out.replies.extend(turn.replies);
        self.out
            .effects
            .extend(turn.effects.into_iter().map(Effect::Consult));
        self.out.state = match turn.at {
            Some(at) => State::Consult {
                consultation: id,
                part: at.part,
                comment: at.comment,
            },
            None => State::Idle,
        };
    }

    /// The part the chat is at, again; the menu when the consultation is gone or closed.
    pub(super) fn ask_consultation_part(&mut self, id: i64, part: i16) {
        match self.chat.consultation {
            Some(ctx) if ctx.consultation.id == id && ctx.open => {
                let replies = consultation_chat::part(&ctx.consultation, part, ctx.mine.get(&part));
                self.out.replies.extend(replies);
            }
            _ => self.menu(Msg::new("menu")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{press, resident, run, said};
    use super::*;

    /// Without a consultation in view (the engine found none for the button, or it does not
    /// target the person), every button has expired and nothing is written.
    #[test]
    fn consultation_buttons_need_a_person_and_a_consultation_in_view() {
        let me = resident();
        let at = State::Consult {
            consultation: 4,
            part: 2,
            comment: false,
        };
        #[rustfmt::skip]
        let cases = vec![
            (State::Idle, None, press("gy:4:start"), State::Idle, vec!["need-signup", "menu"]),
            (State::Idle, Some(&me), press("gy:4:2:a"), State::Idle, vec!["button-expired"]),
            (at.clone(), Some(&me), InboundKind::Text("tan thanh".into()), State::Idle, vec!["button-expired"]),
            (at.clone(), Some(&me), InboundKind::Other, at.clone(), vec!["attachment-not-expected", "menu"]),
        ];
        for (state, person, input, then, replies) in cases {
            let out = run(state.clone(), person, &input);
            assert_eq!(
                (&out.state, said(&out)),
                (&then, replies),
                "{state:?} {input:?}"
            );
            assert!(out.effects.is_empty());
        }
    }
}
