//! `/mydata`: everything danvan keeps about the person, in one message.

use super::*;

/// What the person stored, for `/mydata`.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonData {
    pub lang: Lang,
    pub unit_id: Option<i64>,
    pub consent_version: String,
    pub consented_at: chrono::NaiveDate,
    pub subscribed: bool,
    pub created_at: chrono::NaiveDate,
    pub grants: Vec<Grant>,
    /// (channel, address) pairs the person is reached through.
    pub channels: Vec<(String, String)>,
    pub notices_received: i64,
    /// What they asked or commented about notices, oldest first.
    pub questions: Vec<String>,
    /// Named survey responses, consents to sensitive surveys, surveys answered halfway.
    pub surveys: (i64, i64, i64),
    /// Opinions on drafts, those with a comment, consents to give age group and occupation.
    pub consultations: (i64, i64, i64),
    /// The "1+10" household they joined, and when they consented.
    pub household: Option<(String, chrono::NaiveDate)>,
    /// Households they accompany as a cadre.
    pub accompanies: i64,
    /// Records of households given to them as a cadre, and of assignments they made in chat
    /// (the history a household's page shows).
    pub assignments: (i64, i64),
}

pub fn my_data(units: &UnitDirectory, data: &PersonData) -> Reply {
    let unit = match data.unit_id {
        Some(id) => unit_label_by_id(units, id),
        None => Msg::new("mydata-no-unit"),
    };
    let roles: Vec<Msg> = data
        .grants
        .iter()
        .filter_map(|g| {
            units.by_id(g.unit_id).map(|u| {
                Msg::new("role-in-unit")
                    .msg("role", role_name(g.role))
                    .msg("unit", unit_label(units, u))
            })
        })
        .collect();
    // The platform by its name and the chat's number there; a web chat's visitor id means
    // nothing to its visitor, so it is not shown.
    let channels: Vec<Msg> = data
        .channels
        .iter()
        .map(|(channel, address)| {
            Msg::new("mydata-channel")
                .text("channel", channel)
                .text("address", address)
        })
        .collect();
    Reply::new(
        Msg::new("mydata")
            .msg("language", Msg::new(language_name(data.lang)))
            .msg("unit", unit)
            .date("consented", data.consented_at)
            .text("consent_version", &data.consent_version)
            .text("subscribed", if data.subscribed { "yes" } else { "no" })
            .date("created", data.created_at)
            .list(
                "roles",
                if roles.is_empty() {
                    vec![Msg::new("mydata-no-roles")]
                } else {
                    roles
                },
            )
            .list("channels", channels)
            .number("notices", data.notices_received)
            .number("responses", data.surveys.0)
            .number("consents", data.surveys.1)
            .number("unfinished", data.surveys.2)
            .number("opinions", data.consultations.0)
            .number("comments", data.consultations.1)
            .number("profiles", data.consultations.2)
            .msg(
                "household",
                match &data.household {
                    Some((name, joined)) => Msg::new("mydata-household")
                        .text("name", name)
                        .date("joined", *joined),
                    None => Msg::new("mydata-no-household"),
                },
            )
            .number("accompanies", data.accompanies)
            .number("assigned_to", data.assignments.0)
            .number("assigned_by", data.assignments.1)
            .list(
                "questions",
                if data.questions.is_empty() {
                    vec![Msg::new("mydata-no-questions")]
                } else {
                    data.questions
                        .iter()
                        .map(|q| Msg::new("quoted").text("text", q))
                        .collect()
                },
            ),
    )
}
