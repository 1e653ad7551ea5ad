//! "Dân vận khéo 1+10": the households a cadre accompanies, what the cadre's phone shows of them
//! (how many read the latest notice, how many answered the open consultation: never what), the
//! polite reminder, and the resident's consent to join.

use super::payload::{HouseholdAction, Payload};
use crate::message::{Button, Msg, Reply};

/// A cadre may accompany more; beyond this the list says so (the model's "1+10").
pub const USUAL_HOUSEHOLDS: usize = 10;
pub const MAX_NAME_CHARS: usize = 120;

/// One household as the cadre's list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdLine {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub members: i64,
    /// The latest notice a member received: (title, members who read it, members who got it).
    pub notice: Option<(i64, String, i64, i64)>,
    /// The newest open consultation for them: (id, title, members who answered any part).
    pub consultation: Option<(i64, String, i64)>,
}

/// What a reminder is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Notice(i64, String),
    Consultation(i64, String),
}

impl Item {
    /// How the once-a-day limit names it.
    pub fn key(&self) -> String {
        match self {
            Item::Notice(id, _) => format!("notice:{id}"),
            Item::Consultation(id, _) => format!("consultation:{id}"),
        }
    }
}

impl HouseholdLine {
    /// What is worth a reminder: the open consultation not all have answered, else the latest
    /// notice not all have read.
    pub fn reminder(&self) -> Option<Item> {
        match (&self.consultation, &self.notice) {
            (Some((id, title, answered)), _) if *answered < self.members => {
                Some(Item::Consultation(*id, title.clone()))
            }
            (_, Some((id, title, read, got))) if read < got => {
                Some(Item::Notice(*id, title.clone()))
            }
            _ => None,
        }
    }
}

/// `/hogiadinh`: the cadre's households, each with what its members read and answered, and
/// buttons to remind and to log a visit.
pub fn list(households: &[HouseholdLine]) -> Reply {
    if households.is_empty() {
        return Reply::new(Msg::new("households-none"));
    }
    let lines = households
        .iter()
        .map(|h| {
            let mut parts = vec![];
            if let Some((_, title, read, got)) = &h.notice {
                parts.push(
                    Msg::new("households-notice")
                        .text("title", title)
                        .number("read", *read)
                        .number("got", *got),
                );
            }
            if let Some((_, title, answered)) = &h.consultation {
                parts.push(
                    Msg::new("households-consultation")
                        .text("title", title)
                        .number("answered", *answered)
                        .number("members", h.members),
                );
            }
            Msg::new("households-line")
                .text("name", &h.name)
                .number("members", h.members)
                .text("code", &h.code)
                .lines("status", parts)
        })
        .collect();
    let body = Msg::new("households")
        .number("count", households.len() as i64)
        .number("usual", USUAL_HOUSEHOLDS as i64)
        .text(
            "over",
            if households.len() > USUAL_HOUSEHOLDS {
                "yes"
            } else {
                "no"
            },
        )
        .lines("lines", lines);
    Reply::new(body).rows(households.iter().flat_map(|h| {
        let remind = h.reminder().map(|_| {
            Button::new(
                Msg::new("households-remind").text("name", &h.name),
                Payload::Household(h.id, HouseholdAction::Remind),
            )
        });
        remind.into_iter().chain([Button::new(
            Msg::new("households-visit").text("name", &h.name),
            Payload::Household(h.id, HouseholdAction::Visit),
        )])
    }))
}

/// The polite reminder a household's members receive.
pub fn reminder(item: &Item) -> Reply {
    match item {
        Item::Notice(id, title) => {
            Reply::new(Msg::new("household-reminder-notice").text("title", title)).row(vec![
                Button::new(Msg::new("household-open-notice"), Payload::Notice(*id)),
            ])
        }
        Item::Consultation(id, title) => {
            Reply::new(Msg::new("household-reminder-consultation").text("title", title))
                .row(vec![super::consultation_chat::invite_button(*id)])
        }
    }
}

/// What a resident who typed a household's code is asked before joining.
pub fn join_question(name: &str, code: &str) -> Reply {
    Reply::new(Msg::new("household-join-ask").text("name", name)).row(vec![
        Button::new(
            Msg::new("household-join-yes"),
            Payload::Household(0, HouseholdAction::Join(code)),
        ),
        Button::new(
            Msg::new("household-join-no"),
            Payload::Household(0, HouseholdAction::Decline),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(members: i64, notice: Option<(i64, i64)>, answered: Option<i64>) -> HouseholdLine {
        HouseholdLine {
            id: 1,
            name: "Hộ bà Lan".into(),
            code: "12345678".into(),
            members,
            notice: notice.map(|(read, got)| (7, "Lịch họp".into(), read, got)),
            consultation: answered.map(|a| (3, "Quy ước".into(), a)),
        }
    }

    #[test]
    fn a_reminder_goes_about_what_someone_has_not_done_yet() {
        assert_eq!(
            line(2, Some((1, 2)), Some(2)).reminder(),
            Some(Item::Notice(7, "Lịch họp".into()))
        );
        assert_eq!(
            line(2, Some((1, 2)), Some(1)).reminder(),
            Some(Item::Consultation(3, "Quy ước".into()))
        );
        assert_eq!(line(2, Some((2, 2)), Some(2)).reminder(), None);
        assert_eq!(line(2, None, None).reminder(), None);
        let buttons = list(&[line(2, Some((2, 2)), None)]).buttons;
        assert_eq!(buttons.len(), 1, "only the visit, nothing to remind of");
    }
}
