//! Surveys: the list, a new one from the same TOML file as `danvan survey create` (uploaded) or
//! from a form (`survey_form`),
//! open / close / remind, results with a chart per question, a line per unit and the written
//! answers page by page, the CSV.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum_csrf::CsrfToken;
use serde::Deserialize;
use tower_sessions::Session;

use super::auth::Staff;
use super::frame::{self, Bars, Frame};
use super::kept::{self, Returned};
use super::reports::{Paged, UnitChoice, download, page_of, png, unit_choices};
use super::{Dash, WebError, WebResult};
use crate::app;
use crate::chart::Plot;
use crate::domain::access::Action;
use crate::domain::listing::Length;
use crate::domain::report::scope_of;
use crate::domain::survey::{ANONYMOUS_BATCH, ANONYMOUS_PATIENCE, Kind, SurveyFile};
use crate::domain::survey_chat::{Survey, Whom};
use crate::domain::survey_results::{Results, results_replies};
use crate::domain::units::Unit;
use crate::message::{Msg, Reply};
use crate::store::overview::SurveyLine;

/// Free-text answers shown on a page of a question's.
const COMMENTS_PER_PAGE: usize = 20;

/// Largest survey file taken (a survey of a hundred questions is far smaller).
const MAX_FILE_BYTES: usize = 256 * 1024;

#[derive(Template)]
#[template(path = "dashboard/surveys.html")]
struct ListPage<'a> {
    f: Frame<'a>,
    surveys: Vec<SurveyLine>,
    problem: Option<String>,
}

/// The upload form's name for what it keeps ([`kept`]): why a file was not taken.
const UPLOAD: &str = "survey_upload";

/// The surveys, and why a file just uploaded was not taken.
pub async fn list(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    returned: Returned,
) -> WebResult {
    let problem: Option<Msg> = returned.value(UPLOAD).await?;
    let subtree = dash.engine.units().subtree(staff.scope());
    let surveys = dash.engine.store().surveys_within(&subtree).await?;
    let f = staff.frame(&dash, &token, "surveys")?;
    let page = ListPage {
        surveys,
        problem: problem.map(|p| f.t.msg(&p)),
        f,
    };
    frame::page(token, &page)
}

/// A survey file uploaded: created as a draft if it reads and targets only units in scope;
/// otherwise back to the list, which says why.
pub async fn upload(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    mut form: Multipart,
) -> WebResult {
    let (mut csrf, mut file) = (String::new(), None);
    while let Some(field) = form.next_field().await.map_err(|_| WebError::BadToken)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                let bytes = field.bytes().await.map_err(|_| WebError::BadToken)?;
                file = Some(bytes);
            }
            _ => {}
        }
    }
    frame::verify(&token, &csrf)?;
    let text = match file {
        Some(bytes) if bytes.len() <= MAX_FILE_BYTES => String::from_utf8(bytes.to_vec()).ok(),
        _ => None,
    };
    let problem = match text.as_deref().map(SurveyFile::parse) {
        None => Msg::new("web-survey-file-unreadable"),
        Some(Err(e)) => Msg::new("web-survey-file-wrong").msg("error", e.msg()),
        Some(Ok(survey)) => match create_draft(&staff, &dash, &survey).await? {
            Ok(created) => return Ok(created),
            Err(problem) => problem,
        },
    };
    kept::redirect(&session, UPLOAD, "/surveys", &problem).await
}

/// Creates `survey` as a draft if every unit it goes to is in the login's scope, and goes to it;
/// otherwise the problem. Uploads and the form both end here.
pub async fn create_draft(
    staff: &Staff,
    dash: &Dash,
    survey: &SurveyFile,
) -> Result<Result<axum::response::Response, Msg>, WebError> {
    let units = dash.engine.units();
    let mut unit_ids = Vec::new();
    for code in &survey.target.units {
        let allowed = units
            .by_code(code)
            .filter(|u| staff.may(Action::Oversee { unit_id: u.id }, &units).is_ok());
        match allowed {
            Some(unit) => unit_ids.push(unit.id),
            None => {
                return Ok(Err(
                    Msg::new("web-survey-unit-out-of-scope").text("code", code)
                ));
            }
        }
    }
    let mut tx = dash.engine.store().begin().await?;
    let id = app::surveys::create(&mut tx, survey, &unit_ids, None, dash.engine.now()).await?;
    tx.commit().await?;
    Ok(Ok(Redirect::to(&format!("/surveys/{id}")).into_response()))
}

/// The survey, if the login may oversee every unit it goes to.
pub(super) async fn visible(staff: &Staff, dash: &Dash, id: i64) -> Result<Survey, WebError> {
    let mut tx = dash.engine.store().begin().await?;
    let survey = tx.survey(id).await?.ok_or(WebError::NotFound)?;
    tx.commit().await?;
    let units = dash.engine.units();
    for &unit_id in &survey.unit_ids {
        staff.may(Action::Oversee { unit_id }, &units)?;
    }
    Ok(survey)
}

#[derive(Deserialize, Default)]
pub struct UnitQuery {
    #[serde(default)]
    pub(super) unit: String,
    /// What was just done (after a form: "opened", "closed", a `Whom`'s code…), with its count.
    #[serde(default)]
    done: String,
    #[serde(default)]
    count: i64,
    /// The free-text question whose answers are paged, and its page (from 1).
    #[serde(default)]
    question: String,
    #[serde(default)]
    page: Option<usize>,
}

/// The unit results are read for: the one whose code is asked for, or the login's own; it must be
/// in scope.
pub(super) fn scope_unit(staff: &Staff, dash: &Dash, code: &str) -> Result<Unit, WebError> {
    let units = dash.engine.units();
    let unit = match code {
        "" => units.by_id(staff.scope()),
        code => units.by_code(code),
    }
    .ok_or(WebError::NotFound)?
    .clone();
    staff.may(Action::Oversee { unit_id: unit.id }, &units)?;
    Ok(unit)
}

/// The results as the page shows them: their sentences and charts (without the units, which
/// are the page's table, or free-text answers, which it pages), the results, and how many
/// anonymous responses wait for their batch.
async fn replies(
    staff: &Staff,
    dash: &Dash,
    survey: &Survey,
    unit: &Unit,
) -> anyhow::Result<(Vec<Reply>, Results, i64)> {
    let mut tx = dash.engine.store().begin().await?;
    let mut results = app::surveys::results(&mut tx, survey, unit.id, &dash.engine.units()).await?;
    tx.commit().await?;
    let waiting = dash.engine.store().survey_waiting(survey.id).await?;
    for question in &mut results.questions {
        question.texts.clear();
    }
    let replies = results_replies(survey, scope_of(unit), &results, staff.lang, Length::Apart);
    Ok((replies, results, waiting))
}

/// A free-text question's answers in the unit, a page at a time.
struct Comments {
    /// The question's id, the anchor of its section.
    question: String,
    text: String,
    /// "240 câu trả lời bằng lời".
    count: String,
    page: Paged<String>,
}

/// Each free-text question's answers in `unit`: page `page` of `asked`'s, the first of the
/// others'.
async fn comments(
    dash: &Dash,
    f: &Frame<'_>,
    survey: &Survey,
    results: &Results,
    unit: &Unit,
    (asked, page): (&str, usize),
) -> anyhow::Result<Vec<Comments>> {
    let subtree = dash.engine.units().subtree(unit.id);
    let mut all = Vec::new();
    let mut tx = dash.engine.store().begin().await?;
    for (q, r) in survey.file.questions.iter().zip(&results.questions) {
        if q.kind != Kind::Text {
            continue;
        }
        let pages = (r.answered as usize).div_ceil(COMMENTS_PER_PAGE).max(1);
        let page = if q.id == asked {
            page.clamp(1, pages)
        } else {
            1
        };
        let offset = ((page - 1) * COMMENTS_PER_PAGE) as i64;
        let texts = tx
            .survey_texts(
                survey.id,
                &[q.id.as_str()],
                &subtree,
                COMMENTS_PER_PAGE as i64,
                offset,
            )
            .await?
            .into_iter()
            .map(|(_, text)| text)
            .collect();
        let link = |n: usize| {
            let mut url = url::form_urlencoded::Serializer::new(format!("/surveys/{}?", survey.id));
            url.append_pair("unit", &unit.code)
                .append_pair("question", &q.id)
                .append_pair("page", &n.to_string());
            format!("{}#comments-{}", url.finish(), q.id)
        };
        all.push(Comments {
            question: q.id.clone(),
            text: survey.file.question_text(q, f.t.lang).to_owned(),
            count: f
                .t
                .msg(&Msg::new("web-survey-comments").number("count", r.answered)),
            page: page_of(texts, page, pages, &f.t, link),
        });
    }
    tx.commit().await?;
    Ok(all)
}

#[derive(Template)]
#[template(path = "dashboard/survey.html")]
struct ResultsPage<'a> {
    f: Frame<'a>,
    id: i64,
    title: String,
    state: &'static str,
    units: Vec<UnitChoice>,
    unit_code: String,
    summary: String,
    charts: Vec<Bars>,
    per_unit: Vec<(String, i64, i64)>,
    /// Free-text answers, per question, paged.
    comments: Vec<Comments>,
    /// What a form just did.
    done: Option<String>,
    /// Why a form did nothing.
    problem: Option<String>,
    /// Anonymous responses not counted yet, and why (None when there are none).
    waiting: Option<String>,
}

/// The form opening, closing or reminding: its name for what it keeps ([`kept`]), after the
/// survey's id: why it did not open.
const ACTION: &str = "survey_action";

pub async fn results(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Path(id): Path<i64>,
    Query(query): Query<UnitQuery>,
    returned: Returned,
) -> WebResult {
    const DONE: [&str; 4] = ["opened", "closed", "unfinished", "not_started"];
    let done = DONE.contains(&query.done.as_str()).then(|| {
        Msg::new("web-survey-done")
            .text("done", &query.done)
            .number("count", query.count)
    });
    let problem: Option<Msg> = returned.value(&format!("{ACTION}:{id}")).await?;
    let survey = visible(&staff, &dash, id).await?;
    let unit = scope_unit(&staff, &dash, &query.unit)?;
    let (replies, results, waiting) = replies(&staff, &dash, &survey, &unit).await?;
    let mut per_unit = results.units.clone();
    crate::domain::collation::sort_by_name(&mut per_unit, |u| &u.0);
    let f = staff.frame(&dash, &token, "surveys")?;
    let asked = (query.question.as_str(), query.page.unwrap_or(1));
    let comments = comments(&dash, &f, &survey, &results, &unit, asked).await?;
    let query = format!("unit={}", unit.code);
    let page = ResultsPage {
        id,
        title: survey.file.title(staff.lang).to_owned(),
        state: survey.status.code(),
        units: unit_choices(&staff, &dash, &unit),
        unit_code: unit.code.clone(),
        summary: f.t.msg(&replies[0].body),
        charts: replies
            .iter()
            .filter_map(|r| r.chart.as_ref())
            .enumerate()
            .map(|(n, c)| {
                f.t.bars(c, format!("/surveys/{id}/chart/{}?{query}", n + 1))
            })
            .collect(),
        per_unit,
        comments,
        done: done.map(|m| f.t.msg(&m)),
        problem: problem.map(|m| f.t.msg(&m)),
        waiting: (waiting > 0).then(|| {
            f.t.msg(
                &Msg::new("web-survey-waiting")
                    .number("count", waiting)
                    .number("batch", ANONYMOUS_BATCH)
                    .number("minutes", (ANONYMOUS_PATIENCE.as_secs() / 60) as i64),
            )
        }),
        f,
    };
    frame::page(token, &page)
}

/// Question chart `n` (from 1), as PNG.
pub async fn chart(
    staff: Staff,
    State(dash): State<Dash>,
    Path((id, n)): Path<(i64, usize)>,
    Query(query): Query<UnitQuery>,
) -> WebResult {
    let survey = visible(&staff, &dash, id).await?;
    let unit = scope_unit(&staff, &dash, &query.unit)?;
    let (replies, _, _) = replies(&staff, &dash, &survey, &unit).await?;
    let chart = replies
        .iter()
        .filter_map(|r| r.chart.as_ref())
        .nth(n.checked_sub(1).ok_or(WebError::NotFound)?)
        .ok_or(WebError::NotFound)?;
    png(Plot::new(chart, dash.engine.localizer(), staff.lang).png()?)
}

pub async fn export(staff: Staff, State(dash): State<Dash>, Path(id): Path<i64>) -> WebResult {
    let survey = visible(&staff, &dash, id).await?;
    let mut tx = dash.engine.store().begin().await?;
    let rows = tx.survey_export(id).await?;
    tx.commit().await?;
    let body = app::surveys::export_csv(&survey, &rows)?;
    download(&format!("survey-{id}.csv"), body)
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf: String,
    action: SurveyAction,
    /// Whom a reminder goes to: a `Whom`'s code.
    #[serde(default)]
    whom: String,
}

/// What the survey's page asks for.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum SurveyAction {
    Open,
    Close,
    Remind,
}

/// Opens, closes or reminds, then goes back to the survey's page saying what was done, or why a
/// survey would not open (a reload shows the page again, never the form's address).
pub async fn act(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    visible(&staff, &dash, id).await?;
    let now = dash.engine.now();
    let mut tx = dash.engine.store().begin().await?;
    let done = match form.action {
        SurveyAction::Open => app::surveys::open(&mut tx, id, now)
            .await?
            .map(|invited| ("opened", invited as i64)),
        SurveyAction::Close => app::surveys::close(&mut tx, id)
            .await?
            .map(|()| ("closed", 0)),
        SurveyAction::Remind => {
            let whom = Whom::parse(&form.whom).ok_or(WebError::NotFound)?;
            app::surveys::remind(&mut tx, id, whom, now)
                .await?
                .map(|reminded| (whom.code(), reminded as i64))
        }
    };
    tx.commit().await?;
    match done {
        Ok((done, count)) => {
            Ok(Redirect::to(&format!("/surveys/{id}?done={done}&count={count}")).into_response())
        }
        Err(refusal) => {
            let page = format!("/surveys/{id}");
            kept::redirect(&session, &format!("{ACTION}:{id}"), &page, &refusal.msg()).await
        }
    }
}
