//! What cadres and admins do beyond logging: `/invite` and `/join`, `/status` of a notice,
//! `/results` of a survey.

use chrono::{DateTime, Utc};

use super::{Effect, Turn, role_name};
use crate::domain::access::{Action, Grant, Role};
use crate::domain::collation;
use crate::domain::listing::{self, Length};
use crate::domain::notice::{NoticeStatus, Reach};
use crate::domain::payload::Command;
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::unit_label::unit_label_by_id;
use crate::message::{Msg, Reply};

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
}

/// `/status ID` at `now`: reach in all and for each unit (the largest first, a screenful, then the
/// rest in one line).
pub fn status(units: &UnitDirectory, id: i64, status: &NoticeStatus, now: DateTime<Utc>) -> Reply {
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
            .text("state", status.phase(now).code())
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
    use super::super::State;
    use super::super::testing::{resident, run, said, staff};
    use super::*;
    use crate::domain::notice::Stage;
    use crate::message::{InboundKind, Lang};

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
            stage: Stage::Released,
            may_wait: false,
            send_at: Some(chrono::DateTime::UNIX_EPOCH),
            totals,
            units,
            failures: vec![],
        };
        let reply = status(
            &super::super::testing::units(),
            5,
            &notice,
            chrono::DateTime::UNIX_EPOCH,
        );
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
