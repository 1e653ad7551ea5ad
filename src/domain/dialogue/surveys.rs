//! Surveys in chat: `/surveys`, the survey buttons, and answers typed while answering one. What
//! each answer does is [`crate::domain::survey_chat`]'s; here the chat follows along.

use super::{Effect, State, Turn};
use crate::domain::payload::{Command, Payload, SurveyAction};
use crate::domain::survey::Input;
use crate::domain::survey_chat;
use crate::message::{Button, InboundKind, Lang, Msg, Reply};

/// A survey button (`sv:ID:ACTION`); false for other buttons.
pub(super) fn pressed(turn: &mut Turn, pressed: &Payload) -> bool {
    let Payload::Survey(id, action) = pressed else {
        return false;
    };
    if turn.signed_up() {
        turn.respond(*id, action.clone());
    }
    true
}

/// Text typed while answering `survey` answers its current question.
pub(super) fn step(turn: &mut Turn, survey: i64, input: &InboundKind) {
    match input {
        InboundKind::Text(text) => turn.respond(survey, SurveyAction::Answer(Input::Typed(text))),
        _ => turn.unexpected(input),
    }
}

/// `/surveys`; false for any other command.
pub(super) fn command(turn: &mut Turn, command: Command) -> bool {
    if command != Command::Surveys {
        return false;
    }
    turn.done(Effect::ListSurveys);
    true
}

impl Turn<'_> {
    /// A survey button, or text typed while answering one.
    fn respond(&mut self, id: i64, action: SurveyAction) {
        let answering = self.chat.state == State::AnswerSurvey { survey: id };
        let turn = survey_chat::respond(self.chat.survey, id, action, answering, self.chat.lang);
        self.out.replies.extend(turn.replies);
        self.out.effects.extend(turn.effect.map(Effect::Survey));
        self.out.state = match turn.answering {
            Some(survey) => State::AnswerSurvey { survey },
            None => State::Idle,
        };
    }

    /// The question the person is at, while the survey is open; else the menu.
    pub(super) fn ask_survey_question(&mut self, survey: i64) {
        match self.chat.survey {
            Some(ctx) if ctx.survey.id == survey && ctx.open => {
                let draft = ctx.draft.clone().unwrap_or_default();
                let reply = survey_chat::question(&ctx.survey, &draft, self.chat.lang);
                self.out.replies.push(reply);
            }
            _ => self.menu(Msg::new("menu")),
        }
    }
}

/// `/surveys`: open surveys for the person, those not yet answered as buttons.
pub fn survey_list(open: &[(survey_chat::Survey, bool)], lang: Lang) -> Reply {
    if open.is_empty() {
        return Reply::new(Msg::new("surveys-none"));
    }
    let lines = open
        .iter()
        .map(|(s, answered)| {
            Msg::new("surveys-item")
                .text("title", s.file.title(lang))
                .text("answered", if *answered { "yes" } else { "no" })
        })
        .collect();
    Reply::new(Msg::new("surveys").lines("surveys", lines)).rows(
        open.iter().filter(|(_, answered)| !answered).map(|(s, _)| {
            Button::new(
                Msg::new("survey-option").text("label", s.file.title(lang)),
                Payload::Survey(s.id, SurveyAction::Start),
            )
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{press, resident, run, said};
    use super::*;
    use crate::domain::survey_chat::SurveyEffect;

    /// With no survey in view (the engine found none for the button), every survey button has
    /// expired; the flow's own answers are [`survey_chat`]'s, tested there.
    #[test]
    fn survey_buttons_need_a_person_and_a_survey_in_view() {
        let me = resident();
        let answering = State::AnswerSurvey { survey: 9 };
        #[rustfmt::skip]
        let cases = vec![
            (State::Idle, None, press("sv:9:start"), State::Idle, vec!["need-signup", "menu"]),
            (State::Idle, Some(&me), press("sv:9:start"), State::Idle, vec!["button-expired"]),
            (answering.clone(), Some(&me), InboundKind::Text("5".into()), State::Idle, vec!["button-expired"]),
            (answering.clone(), Some(&me), InboundKind::Other, answering.clone(), vec!["attachment-not-expected", "menu"]),
            (State::Idle, Some(&me), InboundKind::Command { name: "surveys".into(), args: String::new() }, State::Idle, vec![]),
        ];
        for (state, person, input, then, replies) in cases {
            let out = run(state.clone(), person, &input);
            assert_eq!(
                (&out.state, said(&out)),
                (&then, replies),
                "{state:?} {input:?}"
            );
            assert!(
                !out.effects
                    .iter()
                    .any(|e| matches!(e, Effect::Survey(SurveyEffect::Submit(_))))
            );
        }
    }
}
