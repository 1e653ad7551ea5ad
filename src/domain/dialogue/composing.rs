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
