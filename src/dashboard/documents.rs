//! The quarterly report, a survey's and a consultation's results as Word documents in the official layout
//! (`document::Official`): what a committee files and edits, beside the page it prints.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;

use super::auth::Staff;
use super::frame::Texts;
use super::reports::{Scope, resolve};
use super::surveys::{UnitQuery, scope_unit, visible};
use super::{Dash, WebResult};
use crate::app;
use crate::chart::Plot;
use crate::document::{Grid, Official};
use crate::domain::listing::Length;
use crate::domain::report::{quarter_words, scope_of};
use crate::domain::survey_results::results_replies;
use crate::domain::units::Unit;
use crate::domain::vn_time;
use crate::message::{Msg, Reply};

/// The quarterly report of a unit: its sentences, a row per unit below it, its charts.
pub async fn report(
    staff: Staff,
    State(dash): State<Dash>,
    Query(scope): Query<Scope>,
) -> WebResult {
    let (unit, quarter) = resolve(&staff, &dash, &scope)?;
    let mut tx = dash.engine.store().begin().await?;
    let filed = app::reports::filed(&mut tx, &unit, quarter, staff.lang, dash.engine.now()).await?;
    tx.commit().await?;
    let t = Texts::new(dash.engine.localizer(), staff.lang);
    let table = (!filed.units.is_empty()).then(|| Grid {
        header: ["web-unit", "web-models", "web-activities"]
            .map(|id| t.t(id))
            .to_vec(),
        rows: filed
            .units
            .iter()
            .map(|(name, models, activities)| vec![name.clone(), t.n(models), t.n(activities)])
            .collect(),
        numbers_from: 1,
    });
    let subject = Msg::new("doc-report-subject").msg("quarter", quarter_words(quarter));
    let document = official(
        &dash,
        &t,
        &unit,
        &subject,
        &filed.text,
        table,
        &filed.charts,
    )?;
    word(
        &format!("bao-cao-{}-{}.docx", unit.code, quarter.code()),
        document,
    )
}

/// A survey's results in a unit: a sentence per question, a row per unit, a chart per question.
pub async fn survey(
    staff: Staff,
    State(dash): State<Dash>,
    Path(id): Path<i64>,
    Query(query): Query<UnitQuery>,
) -> WebResult {
    let survey = visible(&staff, &dash, id).await?;
    let unit = scope_unit(&staff, &dash, &query.unit)?;
    let mut tx = dash.engine.store().begin().await?;
    let results = app::surveys::results(&mut tx, &survey, unit.id, &dash.engine.units()).await?;
    tx.commit().await?;
    let replies = results_replies(
        &survey,
        scope_of(&unit),
        &results,
        staff.lang,
        Length::Apart,
    );
    let t = Texts::new(dash.engine.localizer(), staff.lang);
    let mut units = results.units.clone();
    crate::domain::collation::sort_by_name(&mut units, |u| &u.0);
    let table = (!units.is_empty()).then(|| Grid {
        header: vec![
            t.t("web-unit"),
            t.t("web-survey-invited"),
            t.t("web-survey-responses"),
            "%".to_owned(),
        ],
        rows: units
            .iter()
            .map(|(name, invited, responded)| {
                vec![
                    name.clone(),
                    t.n(invited),
                    t.n(responded),
                    t.percent(responded, invited),
                ]
            })
            .collect(),
        numbers_from: 1,
    });
    let subject = Msg::new("doc-survey-subject").text("title", survey.file.title(staff.lang));
    let charts: Vec<Reply> = replies[1..].to_vec();
    let document = official(&dash, &t, &unit, &subject, &replies[0], table, &charts)?;
    word(&format!("khao-sat-{id}.docx"), document)
}

/// A report of `unit`, dated today at its place, about `subject`: `text` a paragraph per line,
/// then the table and the charts drawn.
fn official(
    dash: &Dash,
    t: &Texts,
    unit: &Unit,
    subject: &Msg,
    text: &Reply,
    table: Option<Grid>,
    charts: &[Reply],
) -> anyhow::Result<Vec<u8>> {
    let today = vn_time::local_date(dash.engine.now());
    let paragraphs = t.msg(&text.body).lines().map(str::to_owned).collect();
    Official {
        table,
        charts: charts
            .iter()
            .filter_map(|r| r.chart.as_ref())
            .map(|c| Plot::new(c, t.localizer, t.lang).png())
            .collect::<anyhow::Result<_>>()?,
        ..Official::report(t.localizer, t.lang, unit, today, subject, paragraphs)
    }
    .docx()
}

/// A consultation's results in a unit: the official sentence, each part and unit, and a table of
/// the parts with the meetings' counts beside the chat's.
pub async fn consultation(
    staff: Staff,
    State(dash): State<Dash>,
    Path(id): Path<i64>,
    Query(query): Query<UnitQuery>,
) -> WebResult {
    let unit = scope_unit(&staff, &dash, &query.unit)?;
    let r = super::consultations::results_of(&staff, &dash, id, &unit).await?;
    let today = vn_time::local_date(dash.engine.now());
    let document = app::consultations::results_document(
        &r,
        &dash.engine.units(),
        dash.engine.localizer(),
        staff.lang,
        today,
    );
    word(&format!("gop-y-du-thao-{id}.docx"), document.docx()?)
}

fn word(file_name: &str, bytes: Vec<u8>) -> WebResult {
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
