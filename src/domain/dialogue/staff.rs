//! What cadres and admins do beyond logging: `/invite` and `/join`, `/status` of a notice,
//! `/results` of a survey, and answering residents' questions.

use super::{Effect, State, Turn, role_name};
use crate::domain::access::{Action, Denied, Grant, Role};
use crate::domain::collation;
use crate::domain::listing::{self, Length};
use crate::domain::notice::{NoticeStatus, Question, Reach};
use crate::domain::payload::{Command, Payload};
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::unit_label::unit_label_by_id;
use crate::message::{Button, InboundKind, Lang, Msg, Reply};

/// `/status`, `/results`, `/join`, `/invite` (with the grant `action` was authorized for);
/// false for any other command.
pub(super) fn command(turn: &mut Turn, command: Command, action: Action) -> bool {
    match (command, action) {
        (Command::Status(Some(id)), _) => turn.done(Effect::ShowStatus(id)),
        (Command::Results(Some(id)), _) => turn.done(Effect::SurveyResults(id)),
        (Command::Join(""), _) => turn.say(Msg::new("join-usage")),
        (Command::Join(code), _) => turn.out.effects.push(Effect::RedeemInvite(code.to_owned())),
        (Command::Invite(_), Action::Invite { role, unit_id }) => turn
            .out
            .effects
            .push(Effect::CreateInvite { role, unit_id }),
        _ => return false,
    }
    true
}

/// "answer:ID" for a cadre answering question ID; false for other buttons.
pub(super) fn pressed(turn: &mut Turn, pressed: &Payload) -> bool {
    let Payload::Answer(question) = *pressed else {
        return false;
    };
    // Whether they may answer is checked with the question's unit when the answer comes.
    if turn.signed_up() {
        turn.out.state = State::AnswerQuestion { question };
        turn.prompt();
    }
    true
}

/// The answer to `question`.
pub(super) fn step(turn: &mut Turn, question: i64, input: &InboundKind, pressed: Option<&Payload>) {
    match (input, pressed) {
        (InboundKind::Text(text), _) => {
            turn.written(text, |text| Effect::AnswerQuestion { question, text })
        }
        (_, Some(Payload::QuestionCancel)) => turn.cancel_question(),
        _ => turn.unexpected(input),
    }
}

impl Turn<'_> {
    /// `/invite ROLE [UNIT CODE]`; without a code, the admin's own unit when they have just one.
    pub(super) fn invite_target(&self, args: &str) -> Option<(Role, i64)> {
        let words: Vec<&str> = args.split_whitespace().collect();
        // Roles may be typed in Vietnamese, as two words ("cán bộ").
        let (role, rest) = match words.as_slice() {
            [a, b, rest @ ..] if Role::parse(&format!("{a} {b}")).is_some() => {
                (Role::parse(&format!("{a} {b}"))?, rest)
            }
            [a, rest @ ..] => (Role::parse(a)?, rest),
            [] => return None,
        };
        let unit_id = match rest.first() {
            Some(code) => self.units.by_code(code)?.id,
            None => {
                let grants = &self.chat.person?.grants;
                let mut admin_units = grants
                    .iter()
                    .filter(|g| g.role == Role::Admin)
                    .map(|g| g.unit_id);
                match (admin_units.next(), admin_units.next()) {
                    (Some(unit), None) => unit,
                    _ => return None,
                }
            }
        };
        Some((role, unit_id))
    }

    pub(super) fn ask_for_answer(&mut self) {
        let reply = Reply::new(Msg::new("answer-prompt")).row(vec![Button::new(
            Msg::new("cancel-button"),
            Payload::QuestionCancel,
        )]);
        self.out.replies.push(reply);
    }
}

/// A resident's question, for the cadres and admins of their unit, with a button to answer.
pub fn question_for_staff(units: &UnitDirectory, question: &Question, lang: Lang) -> Reply {
    let unit = question
        .unit_id
        .map_or(Msg::new("mydata-no-unit"), |id| unit_label_by_id(units, id));
    Reply::new(
        Msg::new("question-for-staff")
            .msg("unit", unit)
            .text("title", &question.notice.text(lang).title)
            .text("text", &question.text),
    )
    .row(vec![Button::new(
        Msg::new("answer-button"),
        Payload::Answer(question.id),
    )])
}

/// How answering went, for the cadre who answered.
pub fn answered(result: Result<bool, Denied>) -> Reply {
    Reply::new(Msg::new(match result {
        Ok(true) => "answer-sent",
        Ok(false) => "question-already-answered",
        Err(_) => "not-allowed",
    }))
}

/// `/status ID`: reach in all and for each unit (the largest first, a screenful, then the rest in
/// one line).
pub fn status(units: &UnitDirectory, id: i64, status: &NoticeStatus) -> Reply {
    let line = |unit: Msg, r: &Reach| {
        Msg::new("status-line")
            .msg("unit", unit)
            .number("targeted", r.targeted)
            .number("sent", r.sent)
            .number("pending", r.pending)
            .number("failed", r.failed)
            .number("blocked", r.blocked)
            .number("read", r.read)
            .number("questions", r.questions)
    };
    let mut by_size: Vec<&(Option<i64>, Reach)> = status.units.iter().collect();
    let name = |unit: &Option<i64>| unit.and_then(|id| units.by_id(id)).map_or("", |u| &u.name);
    by_size.sort_by(|(a, ra), (b, rb)| {
        rb.targeted
            .cmp(&ra.targeted)
            .then_with(|| collation::compare(name(a), name(b)))
    });
    let (shown, others) = listing::split(&by_size, Length::Chat);
    let mut lines: Vec<Msg> = std::iter::once(line(Msg::new("status-total"), &status.totals))
        .chain(shown.iter().map(|(unit, r)| {
            let name = unit.map_or(Msg::new("mydata-no-unit"), |id| unit_label_by_id(units, id));
            line(name, r)
        }))
        .collect();
    if !others.is_empty() {
        let rest: Reach = others.iter().map(|(_, r)| r).sum();
        lines.push(line(
            Msg::new("status-others").number("units", others.len() as i64),
            &rest,
        ));
    }
    Reply::new(
        Msg::new("notice-status")
            .number("id", id)
            .text("state", &status.status)
            .lines("lines", lines),
    )
}

/// Why an invitation code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteRefused {
    Unknown,
    Expired,
    UsedUp,
}

pub fn joined(units: &UnitDirectory, result: Result<Grant, InviteRefused>) -> Reply {
    match result {
        Ok(grant) => Reply::new(
            Msg::new("join-ok")
                .msg("role", role_name(grant.role))
                .msg("unit", unit_label_by_id(units, grant.unit_id)),
        ),
        Err(InviteRefused::Unknown) => Reply::new(Msg::new("join-unknown")),
        Err(InviteRefused::Expired) => Reply::new(Msg::new("join-expired")),
        Err(InviteRefused::UsedUp) => Reply::new(Msg::new("join-used-up")),
    }
}

pub fn invite_created(
    units: &UnitDirectory,
    code: &str,
    grant: &Grant,
    expires: chrono::NaiveDate,
) -> Reply {
    let unit = unit_label_by_id(units, grant.unit_id);
    Reply::new(
        Msg::new("invite-created")
            .text("code", code)
            .msg("role", role_name(grant.role))
            .msg("unit", unit)
            .date("expires", expires),
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{press, resident, run, said, staff};
    use super::*;

    #[test]
    fn staff_commands_read_their_arguments_once_and_check_the_role() {
        let admin = staff(Role::Admin);
        let cadre = staff(Role::Cadre);
        let resident = resident();
        let command = |name: &str, args: &str| InboundKind::Command {
            name: name.into(),
            args: args.into(),
        };
        #[rustfmt::skip]
        let cases = vec![
            (&admin, command("status", "#12"), vec![], vec![Effect::ShowStatus(12)]),
            (&admin, command("status", "abc"), vec!["status-usage"], vec![]),
            (&admin, command("results", "3"), vec![], vec![Effect::SurveyResults(3)]),
            (&admin, command("results", ""), vec!["results-usage"], vec![]),
            (&cadre, command("status", "12"), vec!["not-allowed", "menu"], vec![]),
            (&resident, command("join", ""), vec!["join-usage"], vec![]),
            (&resident, command("join", "ABC123"), vec![], vec![Effect::RedeemInvite("ABC123".into())]),
            (&admin, command("invite", "cadre"), vec![], vec![Effect::CreateInvite { role: Role::Cadre, unit_id: 1 }]),
            (&admin, command("invite", "cán bộ 12364"), vec![], vec![Effect::CreateInvite { role: Role::Cadre, unit_id: 11 }]),
            (&admin, command("invite", "mayor"), vec!["invite-usage"], vec![]),
            (&resident, command("invite", "cadre 12364"), vec!["not-allowed", "menu"], vec![]),
        ];
        for (person, input, replies, effects) in cases {
            let out = run(State::Idle, Some(person), &input);
            assert_eq!((said(&out), &out.effects), (replies, &effects), "{input:?}");
        }
    }

    #[test]
    fn a_cadre_answers_a_question_or_thinks_better_of_it() {
        let cadre = staff(Role::Cadre);
        let answering = State::AnswerQuestion { question: 8 };
        #[rustfmt::skip]
        let cases = vec![
            (State::Idle, press("answer:8"), answering.clone(), vec!["answer-prompt"], vec![]),
            (answering.clone(), InboundKind::Text(" 19 giờ ".into()), State::Idle, vec![], vec![Effect::AnswerQuestion { question: 8, text: "19 giờ".into() }]),
            (answering.clone(), press("question:cancel"), State::Idle, vec!["notice-question-cancelled"], vec![]),
            (answering.clone(), press("draft:send"), answering.clone(), vec!["button-expired", "answer-prompt"], vec![]),
        ];
        for (state, input, then, replies, effects) in cases {
            let out = run(state.clone(), Some(&cadre), &input);
            assert_eq!(
                (&out.state, said(&out), &out.effects),
                (&then, replies, &effects),
                "{state:?} {input:?}"
            );
        }
    }

    #[test]
    fn status_lists_the_ten_largest_units_and_adds_up_the_rest() {
        let units: Vec<(Option<i64>, Reach)> = (0..30)
            .map(|i| {
                let reach = Reach {
                    targeted: 100 - i,
                    sent: 1,
                    ..Reach::default()
                };
                (None, reach)
            })
            .collect();
        let totals = units.iter().map(|(_, r)| r).sum();
        let notice = NoticeStatus {
            status: "sent".into(),
            send_at: Some(chrono::DateTime::UNIX_EPOCH),
            totals,
            units,
            failures: vec![],
        };
        let reply = status(&super::super::testing::units(), 5, &notice);
        let text = crate::i18n::Localizer::new().render(&reply.body, Lang::Vi);
        let lines: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(lines.len(), 1 + listing::CHAT_ROWS + 1, "{text}");
        assert!(lines[1].contains("gửi 1/100"), "{text}");
        assert!(
            lines[11].starts_with("20 đơn vị khác: gửi 20/1.610,"),
            "{text}"
        );
    }
}
