//! An admin writing a notice in chat with `/notice`: the steps of the draft are
//! [`crate::domain::compose`]'s; here the chat starts, cancels and sends it, and the preview and
//! confirmation replies.

use super::{Effect, State, Turn};
use crate::domain::compose::{self, Draft, Step};
use crate::domain::payload::{Command, DraftButton, Payload};
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::unit_label::unit_label;
use crate::message::{InboundKind, Lang, Msg, Reply};

/// The answer to the draft's current step, or one of its buttons.
pub(super) fn step(turn: &mut Turn, draft: &Draft, input: &InboundKind, pressed: Option<&Payload>) {
    let button = match pressed {
        Some(Payload::Draft(button)) => Some(*button),
        _ => None,
    };
    match button {
        Some(DraftButton::Cancel) => {
            turn.out.state = State::Idle;
            turn.menu(Msg::new("compose-cancelled"));
        }
        Some(DraftButton::Send) if draft.step == Step::Confirm => {
            turn.done(Effect::CreateNotice(draft.clone()));
        }
        _ => {
            let grants = turn.grants();
            let next = compose::answer(draft, input, button, turn.units, &grants);
            turn.advance(next.map(|draft| State::ComposeNotice { draft }));
        }
    }
}

/// `/notice`; false for any other command.
pub(super) fn command(turn: &mut Turn, command: Command) -> bool {
    if command != Command::Notice {
        return false;
    }
    turn.out.state = State::ComposeNotice {
        draft: Draft::default(),
    };
    turn.prompt();
    true
}

impl Turn<'_> {
    pub(super) fn ask_for_draft(&mut self, draft: &Draft) {
        // The engine counts who it would reach before asking to confirm.
        if draft.step == Step::Confirm {
            return self.out.effects.push(Effect::PreviewNotice(draft.clone()));
        }
        let reply = compose::prompt(draft, self.units, &self.grants());
        self.out.replies.push(reply);
    }
}

/// The draft as residents will see it (without its buttons, which only work once it is sent),
/// then what it would reach and when, to confirm.
pub fn preview(units: &UnitDirectory, draft: &Draft, recipients: i64, lang: Lang) -> Vec<Reply> {
    let mut notice = compose::preview(draft).reply(lang);
    notice.buttons.clear();
    let unit = draft
        .unit
        .as_deref()
        .and_then(|code| units.by_code(code))
        .map_or(Msg::new("mydata-no-unit"), |u| unit_label(units, u));
    let when = match draft.send_at {
        None => Msg::new("compose-when-now"),
        Some(at) => Msg::new("compose-when-at").text("time", local_time(at)),
    };
    vec![
        Reply::new(Msg::new("compose-preview")),
        notice,
        Reply::new(
            Msg::new("compose-confirm")
                .msg("unit", unit)
                .msg("when", when)
                .number("recipients", recipients),
        )
        .row(compose::confirm_buttons()),
    ]
}

pub fn notice_created(id: i64, at: chrono::DateTime<chrono::Utc>) -> Reply {
    Reply::new(
        Msg::new("compose-created")
            .number("id", id)
            .text("time", local_time(at)),
    )
}

/// "15/12/2026 08:00", Vietnam time.
fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    crate::domain::vn_time::format_for_people(at)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{press, resident, run, said, staff};
    use super::*;
    use crate::domain::access::Role;

    #[test]
    fn an_admin_writes_a_notice_step_by_step_and_sends_it() {
        let admin = staff(Role::Admin);
        let at = |step: Step| Draft {
            step,
            title: "Họp dân".into(),
            body: "Tối nay".into(),
            unit: matches!(step, Step::SendAt | Step::Confirm).then(|| "12364".into()),
            ..Draft::default()
        };
        let composing = |draft: Draft| State::ComposeNotice { draft };
        let text = |t: &str| InboundKind::Text(t.into());
        let title_only = Draft {
            step: Step::Body,
            title: "Họp dân".into(),
            ..Draft::default()
        };
        #[rustfmt::skip]
        let cases = vec![
            (State::Idle, InboundKind::Command { name: "notice".into(), args: String::new() }, composing(Draft::default()), vec!["compose-title"], vec![]),
            (composing(Draft::default()), text("Họp dân"), composing(title_only), vec!["compose-body"], vec![]),
            (composing(at(Step::Directive)), press("draft:skip"), composing(at(Step::Unit)), vec!["compose-unit"], vec![]),
            (composing(at(Step::Unit)), press("draft:unit:12364"), composing(at(Step::SendAt)), vec!["compose-send-at"], vec![]),
            // Outside the admin's province.
            (composing(at(Step::Unit)), press("draft:unit:00175"), composing(at(Step::Unit)), vec!["compose-unit-out-of-scope", "compose-unit"], vec![]),
            (composing(at(Step::SendAt)), press("draft:now"), composing(at(Step::Confirm)), vec![], vec![Effect::PreviewNotice(at(Step::Confirm))]),
            (composing(at(Step::Confirm)), press("draft:send"), State::Idle, vec![], vec![Effect::CreateNotice(at(Step::Confirm))]),
            (composing(at(Step::Title)), press("draft:send"), composing(at(Step::Title)), vec!["use-buttons", "compose-title"], vec![]),
            (composing(at(Step::Body)), press("draft:cancel"), State::Idle, vec!["compose-cancelled"], vec![]),
        ];
        for (state, input, then, replies, effects) in cases {
            let out = run(state.clone(), Some(&admin), &input);
            assert_eq!(
                (&out.state, said(&out), &out.effects),
                (&then, replies, &effects),
                "{state:?} {input:?}"
            );
        }
        let resident = resident();
        let out = run(
            State::Idle,
            Some(&resident),
            &InboundKind::Command {
                name: "notice".into(),
                args: String::new(),
            },
        );
        assert_eq!(said(&out), vec!["not-allowed", "menu"]);
    }
}
