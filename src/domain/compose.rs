//! An admin writing a notice in chat, one question at a time: title, body, directive, unit, send
//! time, then a preview exactly as residents will see it, and confirm. Pure: the dialogue keeps the
//! draft in the chat's state; the engine checks scope again when it creates the notice.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::access::{Grant, Role};
use super::notice::{MAX_BODY_CHARS, MAX_TITLE_CHARS, Notice, NoticeText};
use super::payload::{DraftButton, Payload};
use super::unit_directory::{Found, UnitDirectory};
use super::unit_label::unit_label;
use crate::message::{Button, InboundKind, Msg, Reply};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Draft {
    pub step: Step,
    pub title: String,
    pub body: String,
    pub directive: String,
    /// Code of the unit it goes to (with everything below it).
    pub unit: Option<String>,
    /// None: as soon as it is confirmed.
    pub send_at: Option<DateTime<Utc>>,
}

impl Draft {
    /// The unit the draft is addressed to, as the directory knows it now.
    pub fn unit<'u>(&self, units: &'u UnitDirectory) -> Option<&'u super::units::Unit> {
        self.unit.as_deref().and_then(|code| units.by_code(code))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    #[default]
    Title,
    Body,
    Directive,
    Unit,
    SendAt,
    Confirm,
}

/// The question for the draft's current step (the confirm step's comes from the engine, which
/// counts recipients).
pub fn prompt(draft: &Draft, units: &UnitDirectory, grants: &[Grant]) -> Reply {
    let cancel = Button::new(
        Msg::new("cancel-button"),
        Payload::Draft(DraftButton::Cancel),
    );
    match draft.step {
        Step::Title => Reply::new(Msg::new("compose-title")).row(vec![cancel]),
        Step::Body => Reply::new(Msg::new("compose-body")).row(vec![cancel]),
        Step::Directive => Reply::new(Msg::new("compose-directive")).row(vec![
            Button::new(
                Msg::new("compose-skip-button"),
                Payload::Draft(DraftButton::Skip),
            ),
            cancel,
        ]),
        Step::Unit => Reply::new(Msg::new("compose-unit"))
            .rows(admin_units(grants).into_iter().filter_map(|id| {
                let unit = units.by_id(id)?;
                Some(Button::new(
                    unit_label(units, unit),
                    Payload::Draft(DraftButton::Unit(&unit.code)),
                ))
            }))
            .row(vec![cancel]),
        Step::SendAt => Reply::new(Msg::new("compose-send-at")).row(vec![
            Button::new(
                Msg::new("compose-now-button"),
                Payload::Draft(DraftButton::Now),
            ),
            cancel,
        ]),
        Step::Confirm => Reply::new(Msg::new("compose-confirm-short")).row(confirm_buttons()),
    }
}

pub fn confirm_buttons() -> Vec<Button> {
    vec![
        Button::new(
            Msg::new("compose-send-button"),
            Payload::Draft(DraftButton::Send),
        ),
        Button::new(
            Msg::new("cancel-button"),
            Payload::Draft(DraftButton::Cancel),
        ),
    ]
}

/// Takes the answer to the current step (typed in `input`, or the draft button `pressed`): the
/// next draft, or what was wrong with it.
pub fn answer(
    draft: &Draft,
    input: &InboundKind,
    pressed: Option<DraftButton>,
    units: &UnitDirectory,
    grants: &[Grant],
) -> Result<Draft, Msg> {
    let mut next = draft.clone();
    let text = match input {
        InboundKind::Text(t) => Some(t.trim()),
        _ => None,
    };
    match (draft.step, text, pressed) {
        (Step::Title, Some(t), _) => {
            next.title = bounded(t, MAX_TITLE_CHARS)?;
            next.step = Step::Body;
        }
        (Step::Body, Some(t), _) => {
            next.body = bounded(t, MAX_BODY_CHARS)?;
            next.step = Step::Directive;
        }
        (Step::Directive, Some(t), _) => {
            next.directive = bounded(t, MAX_TITLE_CHARS)?;
            next.step = Step::Unit;
        }
        (Step::Directive, _, Some(DraftButton::Skip)) => next.step = Step::Unit,
        (Step::Unit, _, Some(DraftButton::Unit(code))) => {
            next.unit = Some(in_scope(units, grants, code)?);
            next.step = Step::SendAt;
        }
        (Step::Unit, Some(t), _) => {
            let code = match units.find(t) {
                Found::One(hit) => hit.unit.code.clone(),
                _ => units
                    .by_code(t)
                    .map(|u| u.code.clone())
                    .ok_or_else(|| Msg::new("compose-unit-unknown").text("query", t))?,
            };
            next.unit = Some(in_scope(units, grants, &code)?);
            next.step = Step::SendAt;
        }
        (Step::SendAt, _, Some(DraftButton::Now)) => {
            next.send_at = None;
            next.step = Step::Confirm;
        }
        (Step::SendAt, Some(t), _) => {
            next.send_at = Some(parse_when(t).ok_or_else(|| Msg::new("compose-send-at-invalid"))?);
            next.step = Step::Confirm;
        }
        _ => return Err(Msg::new("use-buttons")),
    }
    Ok(next)
}

/// The draft as residents will see it (in the admin's language), for the preview.
pub fn preview(draft: &Draft) -> Notice {
    Notice {
        id: 0,
        texts: [(
            "vi".to_owned(),
            NoticeText {
                title: draft.title.clone(),
                body: draft.body.clone(),
            },
        )]
        .into(),
        directive: draft.directive.clone(),
        issuer: String::new(),
        link: String::new(),
        attachment: None,
        consultation: None,
    }
}

/// A draft written at once on a form (the dashboard), each field checked as chat checks the answer
/// to its question; every field's problem at once, or the draft ready to confirm with the codes of
/// every unit it goes to (a form may choose several; the draft names the first).
pub fn from_form(
    title: &str,
    body: &str,
    directive: &str,
    unit_codes: &[String],
    send_at: Option<DateTime<Utc>>,
    units: &UnitDirectory,
    grants: &[Grant],
) -> Result<(Draft, Vec<String>), Vec<Msg>> {
    let mut problems = Vec::new();
    let mut field = |text: &str, max: usize, required: bool| {
        let text = text.trim();
        if text.is_empty() && !required {
            return String::new();
        }
        let checked = match text.is_empty() {
            true => Err(Msg::new("compose-required")),
            false => bounded(text, max),
        };
        checked.unwrap_or_else(|problem| {
            problems.push(problem);
            String::new()
        })
    };
    let title = field(title, MAX_TITLE_CHARS, true);
    let body = field(body, MAX_BODY_CHARS, true);
    let directive = field(directive, MAX_TITLE_CHARS, false);
    let mut codes: Vec<String> = Vec::new();
    for code in unit_codes {
        match in_scope(units, grants, code) {
            Ok(code) if !codes.contains(&code) => codes.push(code),
            Ok(_) => {}
            Err(problem) => problems.push(problem),
        }
    }
    if unit_codes.is_empty() {
        problems.push(Msg::new("compose-unit-required"));
    }
    let unit = codes.first().cloned();
    let draft = Draft {
        step: Step::Confirm,
        title,
        body,
        directive,
        unit,
        send_at,
    };
    if problems.is_empty() {
        Ok((draft, codes))
    } else {
        Err(problems)
    }
}

/// Units an admin may send to: the roots of their admin grants.
pub fn admin_units(grants: &[Grant]) -> Vec<i64> {
    grants
        .iter()
        .filter(|g| g.role == Role::Admin)
        .map(|g| g.unit_id)
        .collect()
}

fn in_scope(units: &UnitDirectory, grants: &[Grant], code: &str) -> Result<String, Msg> {
    let unit = units
        .by_code(code)
        .ok_or_else(|| Msg::new("button-expired"))?;
    admin_units(grants)
        .into_iter()
        .any(|scope| units.is_within(unit.id, scope))
        .then(|| unit.code.clone())
        .ok_or_else(|| Msg::new("compose-unit-out-of-scope").msg("unit", unit_label(units, unit)))
}

fn bounded(text: &str, max: usize) -> Result<String, Msg> {
    match text.chars().count() {
        0 => Err(Msg::new("use-buttons")),
        n if n > max => Err(Msg::new("text-too-long").number("max", max as i64)),
        _ => Ok(text.to_owned()),
    }
}

/// "15/12/2025 08:00", "15/12/2025 8h", "15-12-2025 8h30": day, month, year, hour and optional
/// minutes, in Vietnam time.
fn parse_when(text: &str) -> Option<DateTime<Utc>> {
    let numbers: Vec<u32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let (day, month, year, hour, minute) = match numbers.as_slice() {
        [d, m, y, h] => (*d, *m, *y, *h, 0),
        [d, m, y, h, min] => (*d, *m, *y, *h, *min),
        _ => return None,
    };
    let naive =
        chrono::NaiveDate::from_ymd_opt(year as i32, month, day)?.and_hms_opt(hour, minute, 0)?;
    super::vn_time::from_local(naive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_times_read_as_admins_type_them() {
        let expected = crate::domain::vn_time::parse("2025-12-15 08:00");
        for typed in [
            "15/12/2025 08:00",
            "15/12/2025 8:00",
            "15/12/2025 8h",
            "15-12-2025 08h00",
        ] {
            assert_eq!(parse_when(typed), expected, "{typed:?}");
        }
        assert_eq!(parse_when("mai"), None);
        assert_eq!(parse_when("32/12/2025 08:00"), None);
    }
}
