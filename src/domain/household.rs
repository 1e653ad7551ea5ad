//! "Dân vận khéo 1+10": the households a cadre accompanies, what the cadre's phone shows of them
//! (how many read the latest notice, how many answered the open consultation: never what), the
//! polite reminder, and the resident's consent to join.

use chrono::NaiveDate;

use super::payload::{Confirm, HouseholdAction, Payload, SurveyAction};
use super::text::fold;
use crate::message::{Button, Msg, Reply};

/// A cadre may accompany more; beyond this the list says so (the model's "1+10").
pub const USUAL_HOUSEHOLDS: usize = 10;
pub const MAX_NAME_CHARS: usize = 120;

/// How many of a household's members did something about one item (read a notice, answered a
/// survey or a draft), out of how many it concerns: counts, never what.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub id: i64,
    pub title: String,
    pub done: i64,
    pub of: i64,
}

impl Tally {
    fn pending(&self) -> bool {
        self.done < self.of
    }
}

/// One household as the cadre's list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdLine {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub members: i64,
    /// The latest notice a member received: members who read it, of those who got it.
    pub notice: Option<Tally>,
    /// The newest open survey that names who answers (never an anonymous or sensitive one):
    /// members who finished it, of those invited.
    pub survey: Option<Tally>,
    /// The newest open consultation for them: members who answered any part, of all members.
    pub consultation: Option<Tally>,
}

/// What a reminder is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Notice(i64, String),
    Survey(i64, String),
    Consultation(i64, String),
}

impl Item {
    /// How the once-a-day limit names it.
    pub fn key(&self) -> String {
        match self {
            Item::Notice(id, _) => format!("notice:{id}"),
            Item::Survey(id, _) => format!("survey:{id}"),
            Item::Consultation(id, _) => format!("consultation:{id}"),
        }
    }
}

impl HouseholdLine {
    /// What is worth a reminder: the open consultation not all have answered, else the open
    /// survey not all invited have finished, else the latest notice not all have read.
    pub fn reminder(&self) -> Option<Item> {
        let pending = |t: &Option<Tally>| t.as_ref().filter(|t| t.pending()).cloned();
        if let Some(t) = pending(&self.consultation) {
            return Some(Item::Consultation(t.id, t.title));
        }
        if let Some(t) = pending(&self.survey) {
            return Some(Item::Survey(t.id, t.title));
        }
        pending(&self.notice).map(|t| Item::Notice(t.id, t.title))
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
            let items = [
                ("households-notice", &h.notice),
                ("households-survey", &h.survey),
                ("households-consultation", &h.consultation),
            ];
            let parts = items
                .into_iter()
                .filter_map(|(id, tally)| {
                    let t = tally.as_ref()?;
                    Some(
                        Msg::new(id)
                            .text("title", &t.title)
                            .number("done", t.done)
                            .number("of", t.of),
                    )
                })
                .collect();
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
        Item::Survey(id, title) => {
            Reply::new(Msg::new("household-reminder-survey").text("title", title)).row(vec![
                Button::new(
                    Msg::new("household-open-survey"),
                    Payload::Survey(*id, SurveyAction::Start),
                ),
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

/// What a resident who named their household by its place is asked before joining it.
pub fn place_question(village: &str, address: &str) -> Reply {
    Reply::new(
        Msg::new("household-place-ask")
            .text("village", village)
            .text("address", address),
    )
    .row(vec![
        Button::new(
            Msg::new("household-join-yes"),
            Payload::Confirm(Confirm::Place, true),
        ),
        Button::new(
            Msg::new("household-join-no"),
            Payload::Confirm(Confirm::Place, false),
        ),
    ])
}

/// Where a household is, as residents write it: one household per place in a unit, however it
/// was typed ("Xóm 3" and "xom  3" are the same).
pub fn place_key(village: &str, address: &str) -> String {
    format!("{}|{}", fold(village), fold(address))
}

/// "Xóm 3, số 12 ngõ 4" read as a village group and an address: the first part before a comma
/// is the village group. None when either is missing.
pub fn parse_place(text: &str) -> Option<(String, String)> {
    let (village, address) = text.split_once(',')?;
    let (village, address) = (village.trim(), address.trim());
    let fits = |s: &str| !fold(s).is_empty() && s.chars().count() <= MAX_NAME_CHARS;
    (fits(village) && fits(address)).then(|| (village.to_owned(), address.to_owned()))
}

/// A commune's "1+10" coverage: as it stands at one time, with the visits of the months before.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    pub households: i64,
    /// Households a cadre accompanies.
    pub with_cadre: i64,
    /// Residents in a household a cadre accompanies.
    pub accompanied: i64,
    pub cadres: i64,
    /// Cadres with more households than the model's ten: allowed, and flagged.
    pub cadres_over: i64,
    /// Households none of whose members a notice reached in the 30 days before.
    pub unreached: i64,
    /// Visits logged, by month (its first day), oldest first; months without any left out.
    pub visits: Vec<(NaiveDate, i64)>,
}

/// Days after which a household no notice reached is flagged.
pub const UNREACHED_DAYS: i64 = 30;

impl Coverage {
    pub fn total_visits(&self) -> i64 {
        self.visits.iter().map(|(_, n)| n).sum()
    }

    /// The quarterly report's sentence ("Mô hình “Dân vận khéo 1+10”: 12 cán bộ theo dõi 118
    /// hộ …"); nothing where no household is kept.
    pub fn report_sentence(&self) -> Option<Msg> {
        (self.households > 0).then(|| {
            Msg::new("report-households")
                .number("cadres", self.cadres)
                .number("households", self.with_cadre)
                .number("over", self.cadres_over)
                .number("usual", USUAL_HOUSEHOLDS as i64)
                .number("accompanied", self.accompanied)
                .number("visits", self.total_visits())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(id: i64, title: &str, (done, of): (i64, i64)) -> Tally {
        Tally {
            id,
            title: title.into(),
            done,
            of,
        }
    }

    fn line(members: i64, notice: Option<(i64, i64)>, answered: Option<i64>) -> HouseholdLine {
        HouseholdLine {
            id: 1,
            name: "Hộ bà Lan".into(),
            code: "12345678".into(),
            members,
            notice: notice.map(|n| tally(7, "Lịch họp", n)),
            survey: None,
            consultation: answered.map(|a| tally(3, "Quy ước", (a, members))),
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
        let mut surveyed = line(2, Some((1, 2)), Some(2));
        surveyed.survey = Some(tally(5, "Nước sạch", (0, 1)));
        assert_eq!(
            surveyed.reminder(),
            Some(Item::Survey(5, "Nước sạch".into()))
        );
        assert_eq!(line(2, None, None).reminder(), None);
        let buttons = list(&[line(2, Some((2, 2)), None)]).buttons;
        assert_eq!(buttons.len(), 1, "only the visit, nothing to remind of");
    }

    #[test]
    fn a_place_is_a_village_group_and_an_address_however_typed() {
        let (village, address) = parse_place("Xóm 3, số 12 ngõ 4").unwrap();
        assert_eq!(
            (village.as_str(), address.as_str()),
            ("Xóm 3", "số 12 ngõ 4")
        );
        assert_eq!(
            place_key(&village, &address),
            place_key("xom  3", "So 12, ngo 4")
        );
        assert_eq!(parse_place("Xóm 3"), None);
        assert_eq!(parse_place(", số 12"), None);
    }

    #[test]
    fn the_report_says_nothing_of_households_where_none_are_kept() {
        assert_eq!(Coverage::default().report_sentence(), None);
        let coverage = Coverage {
            households: 3,
            with_cadre: 2,
            visits: vec![(NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(), 4)],
            ..Coverage::default()
        };
        let sentence = coverage.report_sentence().unwrap();
        assert_eq!(sentence.id, "report-households");
        assert_eq!(coverage.total_visits(), 4);
    }
}
