//! Consultations on a draft: the list, a new one from its text (the same Markdown or TOML as
//! `danvan consultation create`), open and close, the results per part and per unit with the
//! comments to read page by page, the meetings' opinions entered on a form and shown apart, the
//! CSV; and the public page with the whole draft that the invitation links to.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum_csrf::CsrfToken;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::auth::Staff;
use super::frame::{self, Frame};
use super::kept::{self, Returned};
use super::reports::{UnitChoice, download, unit_choices};
use super::surveys::scope_unit;
use super::{Dash, WebError, WebResult};
use crate::app::By;
use crate::app::consultations::{self, Results};
use crate::domain::access::Action;
use crate::domain::consultation::{Consultation, ConsultationFile, Meeting, Part, Status, Tally};
use crate::domain::consultation_chat::{AGE_GROUPS, OCCUPATIONS, group_words};
use crate::domain::units::Unit;
use crate::message::Msg;

/// Comments shown on one page.
const COMMENTS_PER_PAGE: i64 = 20;
/// Age groups and occupations with fewer people are not shown: a handful of named neighbours'
/// answers would be as good as named.
const SMALLEST_GROUP: i64 = 5;

fn by(staff: &Staff) -> By<'_> {
    By::Login {
        actor: &staff.actor,
        name: &staff.login.name,
    }
}

#[derive(Template)]
#[template(path = "dashboard/consultations.html")]
struct ListPage<'a> {
    f: Frame<'a>,
    consultations: Vec<Consultation>,
    text: String,
    problem: Option<String>,
}

/// The new draft's form: its name for what it keeps ([`kept`]).
const NEW: &str = "consultation_new";

/// A draft's text that was not taken, and why.
#[derive(Serialize, Deserialize)]
struct Refused {
    text: String,
    problem: Msg,
}

/// The consultations, and the new draft's form: empty, or with the text that was not taken and
/// why.
pub async fn list(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    returned: Returned,
) -> WebResult {
    let refused: Option<Refused> = returned.value(NEW).await?;
    let units = dash.engine.units();
    // Those the login may see: every unit they go to is in its scope.
    let consultations = dash
        .engine
        .store()
        .consultations()
        .await?
        .into_iter()
        .filter(|c| {
            c.unit_ids
                .iter()
                .all(|&unit_id| staff.may(Action::Oversee { unit_id }, &units).is_ok())
        })
        .collect();
    let f = staff.frame(&dash, &token, "consultations")?;
    let (text, problem) = match refused {
        Some(r) => (r.text, Some(f.t.msg(&r.problem))),
        None => (String::new(), None),
    };
    let page = ListPage {
        f,
        consultations,
        text,
        problem,
    };
    frame::page(token, &page)
}

#[derive(Deserialize)]
pub struct NewForm {
    csrf: String,
    text: String,
}

/// A draft's text from the form: created if it reads and the login may send to its units;
/// otherwise back to the form, kept, saying why.
pub async fn create(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    Form(form): Form<NewForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    let problem = match ConsultationFile::parse(&form.text) {
        Ok(file) => {
            let mut tx = dash.engine.store().begin().await?;
            let created =
                consultations::create(&mut tx, by(&staff), &file, &dash.engine.units()).await?;
            tx.commit().await?;
            match created {
                Ok(id) => {
                    return Ok(Redirect::to(&format!("/consultations/{id}")).into_response());
                }
                Err(refused) => refused.msg(),
            }
        }
        Err(problem) => problem.msg(),
    };
    let refused = Refused {
        text: form.text,
        problem,
    };
    kept::redirect(&session, NEW, "/consultations", &refused).await
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    unit: String,
    /// Comments on this part only (0: all).
    #[serde(default)]
    part: i16,
    /// Page of comments, from 1.
    #[serde(default)]
    page: Option<i64>,
    /// What was just done, to say so (after a redirect).
    #[serde(default)]
    done: String,
}

/// One part's line of the results table.
struct PartLine {
    number: i16,
    heading: String,
    tally: Tally,
    opinions: i64,
    meeting: Tally,
}

struct CommentLine {
    part: String,
    unit: String,
    opinion: Msg,
    text: String,
    at: chrono::DateTime<chrono::Utc>,
}

/// One age group's or occupation's line: its words, people, opinions, agreeing.
struct GroupLine {
    label: String,
    people: i64,
    opinions: i64,
    agree: i64,
}

struct MeetingLine {
    unit: String,
    attendance: i64,
    meeting: Meeting,
}

#[derive(Template)]
#[template(path = "dashboard/consultation.html")]
struct ResultsPage<'a> {
    f: Frame<'a>,
    id: i64,
    title: String,
    state: &'static str,
    opens_at: Option<chrono::DateTime<chrono::Utc>>,
    closes_at: Option<chrono::DateTime<chrono::Utc>>,
    link: String,
    units: Vec<UnitChoice>,
    unit_code: String,
    sentence: String,
    parts: Vec<PartLine>,
    /// (unit, people, opinions, agreeing).
    per_unit: Vec<(String, i64, i64, i64)>,
    meetings: Vec<MeetingLine>,
    attendance: i64,
    /// By age group, then by occupation, of those who chose to say.
    groups: Vec<GroupLine>,
    comments: Vec<CommentLine>,
    part: i16,
    page: i64,
    more: bool,
    message: Option<String>,
    /// Why the last form on the page did nothing.
    problem: Option<String>,
}

pub(super) async fn results_of(
    staff: &Staff,
    dash: &Dash,
    id: i64,
    unit: &Unit,
) -> Result<Results, WebError> {
    consultations::results(
        dash.engine.store(),
        by(staff),
        id,
        unit.id,
        &dash.engine.units(),
    )
    .await?
    .ok_or(WebError::NotFound)
}

pub async fn results(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
    returned: Returned,
) -> WebResult {
    let refused: Option<Msg> = returned.value(&format!("{ACTED}:{id}")).await?;
    let units = dash.engine.units();
    let unit = scope_unit(&staff, &dash, &query.unit)?;
    let r = results_of(&staff, &dash, id, &unit).await?;
    let f = staff.frame(&dash, &token, "consultations")?;
    let page = query.page.unwrap_or(1).max(1);
    let c = &r.consultation;
    let heading = |p: &Part| match p.title.trim() {
        "" => p.label.clone(),
        title => format!("{}. {title}", p.label),
    };
    let name = |unit: Option<i64>| {
        unit.and_then(|u| units.by_id(u))
            .map_or(String::new(), |u| u.name.clone())
    };
    let scope: Vec<i64> = units.subtree(unit.id);
    let mut comments = dash
        .engine
        .store()
        .consultation_comments(
            id,
            (query.part > 0).then_some(query.part),
            Some(&scope),
            COMMENTS_PER_PAGE + 1,
            (page - 1) * COMMENTS_PER_PAGE,
        )
        .await?;
    let groups = dash
        .engine
        .store()
        .consultation_breakdown(id, &scope)
        .await?
        .into_iter()
        .filter(|(_, _, people, _)| *people >= SMALLEST_GROUP)
        .filter_map(|(dimension, code, people, tally)| {
            let table = if dimension == "age" {
                &AGE_GROUPS[..]
            } else {
                &OCCUPATIONS[..]
            };
            Some(GroupLine {
                label: f.t.msg(&group_words(table, &code)?),
                people,
                opinions: tally.opinions(),
                agree: tally.agree,
            })
        })
        .collect();
    let more = comments.len() as i64 > COMMENTS_PER_PAGE;
    comments.truncate(COMMENTS_PER_PAGE as usize);
    let done = match query.done.as_str() {
        "" => None,
        "opened" => Some("web-consult-opened"),
        "closed" => Some("web-consult-closed"),
        _ => Some("web-consult-meeting-added"),
    };
    let message = done.map(|id| f.t.msg(&Msg::new(id)));
    let page = ResultsPage {
        id,
        title: c.file.title.clone(),
        state: c.status.code(),
        opens_at: (c.status != Status::Draft).then_some(c.opens_at),
        closes_at: (c.status != Status::Draft).then_some(c.closes_at),
        link: r.link.clone(),
        units: unit_choices(&staff, &dash, &unit),
        unit_code: unit.code.clone(),
        sentence: f.t.msg(&r.sentence()),
        parts: c
            .file
            .parts
            .iter()
            .zip(r.parts.iter().zip(&r.meeting_parts))
            .enumerate()
            .map(|(i, (p, (tally, meeting)))| PartLine {
                number: i as i16 + 1,
                heading: heading(p),
                tally: *tally,
                opinions: tally.opinions(),
                meeting: *meeting,
            })
            .collect(),
        per_unit: r
            .units
            .iter()
            .map(|(u, people, t)| (name(Some(*u)), *people, t.opinions(), t.agree))
            .collect(),
        attendance: r.attendance(),
        groups,
        meetings: r
            .meetings
            .iter()
            .map(|m| MeetingLine {
                unit: name(Some(m.unit_id)),
                attendance: m.attendance.into(),
                meeting: m.clone(),
            })
            .collect(),
        comments: comments
            .into_iter()
            .map(|cm| CommentLine {
                part: c.part(cm.part).map_or(String::new(), |p| p.label.clone()),
                unit: name(cm.unit_id),
                opinion: cm.opinion.label(),
                text: cm.text,
                at: cm.at,
            })
            .collect(),
        part: query.part,
        page,
        more,
        message,
        problem: refused.map(|p| f.t.msg(&p)),
        f,
    };
    frame::page(token, &page)
}

pub async fn export(
    staff: Staff,
    State(dash): State<Dash>,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> WebResult {
    let unit = scope_unit(&staff, &dash, &query.unit)?;
    let r = results_of(&staff, &dash, id, &unit).await?;
    let counts = dash.engine.store().consultation_counts(id).await?;
    let body = consultations::results_csv(&r, &counts, &dash.engine.units())?;
    download(&format!("consultation-{id}.csv"), body)
}

/// The forms on a consultation's page (open, close, a meeting): their name for what they keep
/// ([`kept`]), after the consultation's id: why one did nothing.
const ACTED: &str = "consultation_acted";

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Act {
    Open,
    Close,
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf: String,
    action: Act,
}

/// Open (its invitation goes to its units) or close; then back to the page, saying so, or why
/// not.
pub async fn act(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    let units = dash.engine.units();
    let page = dash
        .public_url
        .as_ref()
        .and_then(|u| u.join(&format!("du-thao/{id}")).ok());
    let mut tx = dash.engine.store().begin().await?;
    let (done, outcome) = match form.action {
        Act::Open => (
            "opened",
            consultations::open(
                &mut tx,
                by(&staff),
                id,
                page.as_ref().map(|u| u.as_str()),
                &units,
                dash.engine.now(),
            )
            .await?
            .map(|_| ()),
        ),
        Act::Close => (
            "closed",
            consultations::close(&mut tx, by(&staff), id, &units).await?,
        ),
    };
    tx.commit().await?;
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/consultations/{id}?done={done}")).into_response()),
        Err(consultations::Refused::NotFound) => Err(WebError::NotFound),
        Err(refused) => {
            let page = format!("/consultations/{id}");
            kept::redirect(&session, &format!("{ACTED}:{id}"), &page, &refused.msg()).await
        }
    }
}

#[derive(Deserialize)]
pub struct MeetingForm {
    csrf: String,
    unit: String,
    held_on: chrono::NaiveDate,
    place: String,
    attendance: i32,
    part: i16,
    #[serde(default)]
    agree: i64,
    #[serde(default)]
    disagree: i64,
    #[serde(default)]
    other: i64,
    #[serde(default)]
    summary: String,
}

/// A meeting's opinions on one part, from the form; kept beside the chat's. Back to the page,
/// saying so, or why not.
pub async fn add_meeting(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<MeetingForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    let units = dash.engine.units();
    let unit = units.by_code(&form.unit).ok_or(WebError::NotFound)?;
    let meeting = Meeting {
        unit_id: unit.id,
        held_on: form.held_on,
        place: form.place.trim().to_owned(),
        attendance: form.attendance,
        parts: vec![(
            form.part,
            Tally {
                agree: form.agree,
                disagree: form.disagree,
                other: form.other,
                comments: 0,
            },
            form.summary.trim().to_owned(),
        )],
    };
    let mut tx = dash.engine.store().begin().await?;
    let added = consultations::add_meeting(&mut tx, by(&staff), id, &meeting, &units).await?;
    tx.commit().await?;
    match added {
        Ok(_) => Ok(Redirect::to(&format!("/consultations/{id}?done=meeting")).into_response()),
        Err(consultations::Refused::NotFound) => Err(WebError::NotFound),
        Err(refused) => {
            let page = format!("/consultations/{id}");
            kept::redirect(&session, &format!("{ACTED}:{id}"), &page, &refused.msg()).await
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard/draft_public.html")]
struct DraftPage {
    how: String,
    title: String,
    summary: String,
    issuer: String,
    /// Each part and the text in force it replaces, in words.
    parts: Vec<(Part, Option<String>)>,
}

/// The whole draft, for anyone: the page the invitation links to. A draft not yet opened is not
/// shown.
pub async fn public_draft(State(dash): State<Dash>, Path(id): Path<i64>) -> WebResult {
    let (c, _) = dash
        .engine
        .store()
        .consultation(id)
        .await?
        .filter(|(c, _)| c.status != Status::Draft)
        .ok_or(WebError::NotFound)?;
    let closes = crate::domain::vn_time::format_for_people(c.closes_at);
    let texts = frame::Texts::new(dash.engine.localizer(), crate::message::Lang::Vi);
    let page = DraftPage {
        how: texts.msg(&Msg::new("web-draft-how").text("closes", closes)),
        title: c.file.title.clone(),
        summary: c.file.summary.clone(),
        issuer: c.file.issuer.clone(),
        parts: c
            .file
            .parts
            .iter()
            .map(|p| {
                let current = p.current.as_ref().map(|current| {
                    let msg = Msg::new("consult-part-current").text("current", current);
                    texts.msg(&msg)
                });
                (p.clone(), current)
            })
            .collect(),
    };
    Ok(axum::response::Html(page.render()?).into_response())
}
