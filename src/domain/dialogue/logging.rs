//! A cadre's activities and models: `/log` (guided, step by step in
//! [`crate::domain::logflow`], or the quick form of [`crate::domain::activity`]), `/model`,
//! `/models`, `/mylogs` with its edit and delete buttons, and `/report`.

use super::{Effect, State, Turn};
use crate::domain::activity::{self, LoggedActivity, ModelChoice, ModelStatus, NewLog, QuickEntry};
use crate::domain::logflow::{self, LogDraft, LogStep};
use crate::domain::payload::{Command, LogButton, Payload};
use crate::message::{Button, InboundKind, Msg, Reply};

/// Activities listed by `/mylogs`.
pub const RECENT_LOGS: i64 = 10;

/// `/log`, `/model`, `/models`, `/mylogs`, `/report`; false for any other command.
pub(super) fn command(turn: &mut Turn, command: Command) -> bool {
    match command {
        Command::Log(args) if args.trim().is_empty() => {
            turn.out.state = State::LogActivity {
                draft: LogDraft::default(),
            };
            turn.prompt();
        }
        Command::Model(args) if args.trim().is_empty() => {
            turn.say(Msg::new("log-usage").text("example", activity::EXAMPLE));
            turn.out.state = State::Idle;
        }
        Command::Log(args) | Command::Model(args) => {
            match activity::parse_quick(args, turn.sectors, turn.chat.today) {
                Ok(entry) => turn.out.effects.push(Effect::Log(NewLog {
                    entry,
                    model: matches!(command, Command::Model(_)),
                    model_id: None,
                    photos: vec![],
                    location: None,
                })),
                Err(problem) => turn.say(problem.message()),
            }
            turn.out.state = State::Idle;
        }
        Command::Report(quarter) => turn.done(Effect::Report(quarter.to_owned())),
        Command::MyLogs => turn.done(Effect::MyLogs),
        Command::Models => turn.done(Effect::Models),
        _ => return false,
    }
    true
}

/// The buttons of `/mylogs` and `/models`; false for other buttons.
pub(super) fn pressed(turn: &mut Turn, pressed: &Payload) -> bool {
    match *pressed {
        Payload::LogEdit(activity) => {
            if turn.chat.person.is_some() {
                turn.out.state = State::EditLog { activity };
            } else {
                turn.say(Msg::new("button-expired"));
            }
            turn.prompt();
        }
        Payload::LogDelete(id) => turn.for_person(Effect::DeleteLog(id)),
        Payload::ModelStatus(id, status) => turn.for_person(Effect::SetModelStatus { id, status }),
        _ => return false,
    }
    true
}

/// An answer in the guided log, or the corrected quick form of an activity.
pub(super) fn step(turn: &mut Turn, state: &State, input: &InboundKind, pressed: Option<&Payload>) {
    let button = match pressed {
        Some(Payload::Log(button)) => Some(*button),
        _ => None,
    };
    match (state, input, button) {
        (_, _, Some(LogButton::Cancel)) => {
            turn.out.state = State::Idle;
            turn.menu(Msg::new("logflow-cancelled"));
        }
        (State::EditLog { activity }, InboundKind::Text(text), _) => {
            match activity::parse_quick(text, turn.sectors, turn.chat.today) {
                Ok(entry) => turn.done(Effect::EditLog {
                    activity: *activity,
                    entry,
                }),
                Err(problem) => {
                    turn.say(problem.message());
                    turn.prompt();
                }
            }
        }
        (State::LogActivity { draft }, _, Some(LogButton::Save))
            if draft.step == LogStep::Confirm =>
        {
            match draft.log() {
                Some(log) => turn.out.effects.push(Effect::Log(log)),
                None => turn.say(Msg::new("button-expired")),
            }
            turn.out.state = State::Idle;
        }
        (State::LogActivity { draft }, _, _) => {
            let (sectors, models, today) = (turn.sectors, turn.chat.models, turn.chat.today);
            let next = logflow::answer(draft, input, button, sectors, models, today);
            turn.advance(next.map(|draft| State::LogActivity { draft }));
        }
        _ => turn.unexpected(input),
    }
}

impl Turn<'_> {
    /// A button only a registered person has: carried out as `effect`, or expired.
    fn for_person(&mut self, effect: Effect) {
        if self.chat.person.is_some() {
            self.out.effects.push(effect);
        } else {
            self.say(Msg::new("button-expired"));
            self.prompt();
        }
    }

    pub(super) fn ask_for_log(&mut self, draft: &LogDraft) {
        let reply = logflow::prompt(draft, self.sectors, self.chat.models);
        self.out.replies.push(reply);
    }

    pub(super) fn ask_for_edit(&mut self) {
        let reply =
            Reply::new(Msg::new("logedit-prompt").text("example", activity::EXAMPLE)).row(vec![
                Button::new(Msg::new("cancel-button"), Payload::Log(LogButton::Cancel)),
            ]);
        self.out.replies.push(reply);
    }
}

/// What a cadre just logged (an activity, or a model), read back.
pub fn logged(entry: &QuickEntry, model: bool, sector: &str, unit: Msg) -> Reply {
    let mut msg = Msg::new(if model {
        "log-model-saved"
    } else {
        "log-saved"
    })
    .text("title", &entry.title)
    .text("sector", sector)
    .date("date", entry.held_on)
    .msg("unit", unit);
    msg = match entry.participants {
        Some(n) => msg.number("participants", n as i64),
        None => msg.text("participants", "-"),
    };
    Reply::new(msg)
}

/// `/mylogs`: the latest activities, each with a button that deletes it.
pub fn my_logs(activities: &[LoggedActivity]) -> Reply {
    if activities.is_empty() {
        return Reply::new(Msg::new("mylogs-none"));
    }
    activities
        .iter()
        .fold(Reply::new(Msg::new("mylogs")), |reply, a| {
            reply.row(vec![
                Button::new(
                    Msg::new("mylogs-edit-button")
                        .text("title", &a.title)
                        .date("date", a.held_on),
                    Payload::LogEdit(a.id),
                ),
                Button::new(Msg::new("mylogs-delete-button"), Payload::LogDelete(a.id)),
            ])
        })
}

/// `/models`: the unit's models with their status, and buttons to change it.
pub fn model_list(models: &[ModelChoice]) -> Reply {
    if models.is_empty() {
        return Reply::new(Msg::new("models-none"));
    }
    let lines = models
        .iter()
        .map(|m| {
            Msg::new("models-item")
                .text("name", &m.name)
                .text("status", m.status.code())
        })
        .collect();
    models.iter().fold(
        Reply::new(Msg::new("models").lines("models", lines)),
        |reply, m| {
            reply.row(
                ModelStatus::ALL
                    .into_iter()
                    .filter(|&s| s != m.status)
                    .map(|s| {
                        Button::new(
                            Msg::new("models-status-button")
                                .text("name", &m.name)
                                .text("status", s.code()),
                            Payload::ModelStatus(m.id, s),
                        )
                    })
                    .collect(),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, press, resident, run, said, staff};
    use super::*;
    use crate::domain::access::Role;

    #[test]
    fn a_cadre_logs_edits_and_deletes_activities() {
        let cadre = staff(Role::Cadre);
        let resident = resident();
        let command = |name: &str, args: &str| InboundKind::Command {
            name: name.into(),
            args: args.into(),
        };
        let logging = State::LogActivity {
            draft: LogDraft::default(),
        };
        let editing = State::EditLog { activity: 5 };
        #[rustfmt::skip]
        let cases = vec![
            (State::Idle, &cadre, command("log", ""), logging.clone(), vec!["logflow-sector"], vec![]),
            (State::Idle, &cadre, command("model", " "), State::Idle, vec!["log-usage"], vec![]),
            (State::Idle, &cadre, command("mylogs", ""), State::Idle, vec![], vec![Effect::MyLogs]),
            (State::Idle, &cadre, command("models", ""), State::Idle, vec![], vec![Effect::Models]),
            (State::Idle, &cadre, command("report", "Q1/2026"), State::Idle, vec![], vec![Effect::Report("Q1/2026".into())]),
            (State::Idle, &resident, command("log", ""), State::Idle, vec!["not-allowed", "menu"], vec![]),
            (logging.clone(), &cadre, press("logflow:cancel"), State::Idle, vec!["logflow-cancelled"], vec![]),
            (logging.clone(), &cadre, press("logflow:save"), logging.clone(), vec!["use-buttons", "logflow-sector"], vec![]),
            (State::Idle, &cadre, press("logedit:5"), editing.clone(), vec!["logedit-prompt"], vec![]),
            (editing.clone(), &cadre, press("logflow:cancel"), State::Idle, vec!["logflow-cancelled"], vec![]),
            (editing.clone(), &cadre, InboundKind::Other, editing.clone(), vec!["attachment-not-expected", "logedit-prompt"], vec![]),
            (State::Idle, &cadre, press("logdel:5"), State::Idle, vec![], vec![Effect::DeleteLog(5)]),
            (State::Idle, &cadre, press("modelstatus:3:stopped"), State::Idle, vec![], vec![Effect::SetModelStatus { id: 3, status: ModelStatus::Stopped }]),
        ];
        check(
            cases
                .into_iter()
                .map(|(s, p, i, t, r, e)| (s, Some(p), i, t, r, e))
                .collect(),
        );
        let out = run(State::Idle, None, &press("logdel:5"));
        assert_eq!(
            (said(&out), out.effects),
            (vec!["button-expired", "menu"], vec![])
        );
    }
}
