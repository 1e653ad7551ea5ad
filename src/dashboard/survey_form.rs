//! A new survey written on a form, question by question, for staff who have no TOML file: the
//! form becomes the same `SurveyFile` an upload gives, checked the same way, and is created as a
//! draft by the same code (`surveys::create_draft`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum_csrf::CsrfToken;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::auth::Staff;
use super::frame::{self, Frame};
use super::kept::{self, Returned};
use super::reports::{UnitChoice, unit_choices};
use super::{Dash, WebError, WebResult};
use crate::domain::notice::{Audience, TargetFile};
use crate::domain::survey::{FormQuestion, Kind, SurveyFile};
use crate::message::Msg;

/// Question blocks on the form; blank ones are left out.
const BLOCKS: usize = 8;
/// The kinds a form offers, as the TOML names them, with their label ids.
const KINDS: [(&str, Kind, &str); 6] = [
    ("single", Kind::Single, "web-survey-kind-single"),
    ("multiple", Kind::Multiple, "web-survey-kind-multiple"),
    ("yes_no", Kind::YesNo, "web-survey-kind-yes-no"),
    ("rating", Kind::Rating, "web-survey-kind-rating"),
    ("number", Kind::Number, "web-survey-kind-number"),
    ("text", Kind::Text, "web-survey-kind-text"),
];

/// One question block as shown (and shown again with what was typed).
pub struct Block {
    pub n: usize,
    pub text: String,
    pub kind: String,
    pub options: String,
    pub optional: bool,
}

#[derive(Template)]
#[template(path = "dashboard/survey_new.html")]
struct FormPage<'a> {
    f: Frame<'a>,
    problem: Option<String>,
    units: Vec<UnitChoice>,
    kinds: Vec<(&'static str, String)>,
    blocks: Vec<Block>,
    title: String,
    intro: String,
    anonymous: bool,
    sensitive: bool,
    open_days: String,
    to_residents: bool,
    to_cadres: bool,
    to_admins: bool,
}

/// The form's name for what it keeps ([`kept`]).
const FORM: &str = "survey_form";

/// A form that did not check, kept to be shown again with what was typed.
#[derive(Serialize, Deserialize)]
struct Refused {
    fields: HashMap<String, String>,
    units: Vec<String>,
    problem: Msg,
}

/// The form: empty (anonymous, open 30 days, to residents of the login's unit), or as it was sent
/// with why it was not taken.
pub async fn form(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    returned: Returned,
) -> WebResult {
    let page = match returned.value::<Refused>(FORM).await? {
        Some(refused) => page(
            &staff,
            &dash,
            &token,
            &refused.fields,
            &refused.units,
            Some(refused.problem),
        )?,
        None => {
            let fields = HashMap::from([
                ("anonymous".to_owned(), "on".to_owned()),
                ("open_days".to_owned(), "30".to_owned()),
                ("to_residents".to_owned(), "on".to_owned()),
            ]);
            let own = dash
                .engine
                .units()
                .by_id(staff.scope())
                .ok_or(WebError::NotFound)?
                .code
                .clone();
            page(&staff, &dash, &token, &fields, &[own], None)?
        }
    };
    frame::page(token, &page)
}

/// Reads the form; a survey that checks goes on as an uploaded one would, one that does not goes
/// back to the form, kept.
pub async fn create(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    axum_extra::extract::Form(pairs): axum_extra::extract::Form<Vec<(String, String)>>,
) -> WebResult {
    let units: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "unit")
        .map(|(_, v)| v.clone())
        .collect();
    let mut fields: HashMap<String, String> =
        pairs.into_iter().filter(|(k, _)| k != "unit").collect();
    let csrf = fields.remove("csrf").unwrap_or_default();
    frame::verify(&token, &csrf)?;
    let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or_default();
    let on = |name: &str| fields.contains_key(name);
    let questions: Vec<FormQuestion> = (1..=BLOCKS)
        .filter(|n| !field(&format!("q{n}_text")).trim().is_empty())
        .map(|n| FormQuestion {
            text: field(&format!("q{n}_text")).to_owned(),
            kind: KINDS
                .iter()
                .find(|(name, _, _)| *name == field(&format!("q{n}_kind")))
                .map_or(Kind::Text, |(_, kind, _)| *kind),
            options: field(&format!("q{n}_options"))
                .lines()
                .map(str::to_owned)
                .collect(),
            optional: on(&format!("q{n}_optional")),
        })
        .collect();
    let target = TargetFile {
        units: units.clone(),
        roles: [
            ("to_residents", Audience::Resident),
            ("to_cadres", Audience::Cadre),
            ("to_admins", Audience::Admin),
        ]
        .into_iter()
        .filter(|(name, _)| on(name))
        .map(|(_, role)| role)
        .collect(),
        languages: vec![],
    };
    let checked = match field("open_days").trim().parse::<u32>() {
        Ok(days) => SurveyFile::from_form(
            field("title"),
            field("intro"),
            (on("anonymous"), on("sensitive")),
            days,
            target,
            &questions,
        )
        .map_err(|e| Msg::new("web-survey-file-wrong").msg("error", e.msg())),
        Err(_) => Err(Msg::new("web-survey-days")),
    };
    let problem = match checked {
        Ok(survey) => match super::surveys::create_draft(&staff, &dash, &survey).await? {
            Ok(created) => return Ok(created),
            Err(problem) => problem,
        },
        Err(problem) => problem,
    };
    let refused = Refused {
        fields,
        units,
        problem,
    };
    kept::redirect(&session, FORM, "/surveys/new", &refused).await
}

fn page<'a>(
    staff: &'a Staff,
    dash: &'a Dash,
    token: &CsrfToken,
    fields: &HashMap<String, String>,
    chosen: &[String],
    problem: Option<Msg>,
) -> Result<FormPage<'a>, WebError> {
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let f = staff.frame(dash, token, "surveys")?;
    let own = dash
        .engine
        .units()
        .by_id(staff.scope())
        .ok_or(WebError::NotFound)?
        .clone();
    let mut units = unit_choices(staff, dash, &own);
    for u in &mut units {
        u.selected = chosen.contains(&u.code);
    }
    let kinds = KINDS
        .iter()
        .map(|(name, _, label)| (*name, f.t.t(label)))
        .collect();
    let blocks = (1..=BLOCKS)
        .map(|n| Block {
            n,
            text: field(&format!("q{n}_text")),
            kind: field(&format!("q{n}_kind")),
            options: field(&format!("q{n}_options")),
            optional: fields.contains_key(&format!("q{n}_optional")),
        })
        .collect();
    Ok(FormPage {
        problem: problem.map(|p| f.t.msg(&p)),
        units,
        kinds,
        blocks,
        title: field("title"),
        intro: field("intro"),
        anonymous: fields.contains_key("anonymous"),
        sensitive: fields.contains_key("sensitive"),
        open_days: field("open_days"),
        to_residents: fields.contains_key("to_residents"),
        to_cadres: fields.contains_key("to_cadres"),
        to_admins: fields.contains_key("to_admins"),
        f,
    })
}
