//! The quarterly report (the official paragraph and its charts), the models and activities behind
//! it with filters, and their CSV downloads: for the login's unit or any unit below it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum_csrf::CsrfToken;
use serde::Deserialize;

use super::auth::Staff;
use super::frame::{self, Frame};
use super::{Dash, WebError, WebResult};
use crate::chart::Plot;
use crate::domain::access::Action;
use crate::domain::collation;
use crate::domain::listing::Length;
use crate::domain::report::{self, Quarter};
use crate::domain::units::Unit;
use crate::domain::vn_time;
use crate::message::{Msg, Reply};

#[derive(Deserialize, Default)]
pub struct Scope {
    /// Unit code; the login's own unit when absent.
    #[serde(default)]
    unit: String,
    /// "2025-Q1"; this quarter when absent.
    #[serde(default)]
    quarter: String,
    /// Activities page: a sector code, or all.
    #[serde(default)]
    sector: String,
}

/// A unit the login may oversee, as a choice in a page's unit filter.
pub struct UnitChoice {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// The unit and quarter asked for, if the login may see that unit.
fn resolve(staff: &Staff, dash: &Dash, scope: &Scope) -> Result<(Unit, Quarter), WebError> {
    let units = dash.engine.units();
    let unit = match scope.unit.as_str() {
        "" => units.by_id(staff.scope()),
        code => units.by_code(code),
    }
    .ok_or(WebError::NotFound)?
    .clone();
    staff.may(Action::Oversee { unit_id: unit.id }, &units)?;
    let quarter = Quarter::parse(&scope.quarter)
        .unwrap_or_else(|| Quarter::of(vn_time::local_date(dash.engine.now())));
    Ok((unit, quarter))
}

/// The login's unit and those directly below it, in Vietnamese order, `chosen` selected.
pub fn unit_choices(staff: &Staff, dash: &Dash, chosen: &Unit) -> Vec<UnitChoice> {
    let units = dash.engine.units();
    let mut below: Vec<&Unit> = units.children(staff.scope());
    collation::sort_by_name(&mut below, |u| &u.name);
    units
        .by_id(staff.scope())
        .into_iter()
        .chain(below)
        .map(|u| UnitChoice {
            code: u.code.clone(),
            name: u.name.clone(),
            selected: u.id == chosen.id,
        })
        .collect()
}

/// This quarter and the seven before it, newest first, as filter choices.
fn quarter_choices(dash: &Dash, chosen: Quarter) -> Vec<(String, String, bool)> {
    let mut q = Quarter::of(vn_time::local_date(dash.engine.now()));
    let mut out = Vec::new();
    for _ in 0..8 {
        out.push((q.code(), format!("Q{}/{}", q.number, q.year), q == chosen));
        q = q.previous();
    }
    out
}

#[derive(Template)]
#[template(path = "dashboard/report.html")]
struct ReportPage<'a> {
    f: Frame<'a>,
    units: Vec<UnitChoice>,
    quarters: Vec<(String, String, bool)>,
    unit_code: String,
    quarter: String,
    paragraph: String,
    charts: Vec<String>,
}

/// The report and its charts.
async fn replies(
    dash: &Dash,
    unit: &Unit,
    quarter: Quarter,
    staff: &Staff,
) -> anyhow::Result<Vec<Reply>> {
    let mut tx = dash.engine.store().begin().await?;
    let replies = crate::app::reports::quarterly(
        &mut tx,
        unit,
        quarter,
        staff.lang,
        Length::Full,
        dash.engine.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(replies)
}

pub async fn page(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Query(scope): Query<Scope>,
) -> WebResult {
    let (unit, quarter) = resolve(&staff, &dash, &scope)?;
    let replies = replies(&dash, &unit, quarter, &staff).await?;
    let f = staff.frame(&dash, &token, "reports")?;
    let paragraph = f.t.msg(&replies[0].body);
    let charts = replies[1..].iter().map(|r| f.t.msg(&r.body)).collect();
    let page = ReportPage {
        units: unit_choices(&staff, &dash, &unit),
        quarters: quarter_choices(&dash, quarter),
        unit_code: unit.code.clone(),
        quarter: quarter.code(),
        paragraph,
        charts,
        f,
    };
    frame::page(token, &page)
}

/// Chart `n` (from 1) of the report, as PNG.
pub async fn chart(
    staff: Staff,
    State(dash): State<Dash>,
    Path(n): Path<usize>,
    Query(scope): Query<Scope>,
) -> WebResult {
    let (unit, quarter) = resolve(&staff, &dash, &scope)?;
    let replies = replies(&dash, &unit, quarter, &staff).await?;
    let chart = replies
        .get(n)
        .filter(|_| n > 0)
        .and_then(|r| r.chart.as_ref())
        .ok_or(WebError::NotFound)?;
    png(Plot::new(chart, dash.engine.localizer(), staff.lang).png()?)
}

pub fn png(bytes: Vec<u8>) -> WebResult {
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "private, max-age=60"),
        ],
        bytes,
    )
        .into_response())
}

/// A CSV download (made by `report::csv_with_bom`: UTF-8 with a byte-order mark, so spreadsheets
/// read Vietnamese right).
pub fn download(file_name: &str, body: String) -> WebResult {
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// `models` or `activities` of the unit (and the quarter, for activities), as CSV.
pub async fn export(
    staff: Staff,
    State(dash): State<Dash>,
    Path(kind): Path<String>,
    Query(scope): Query<Scope>,
) -> WebResult {
    let (unit, quarter) = resolve(&staff, &dash, &scope)?;
    let mut tx = dash.engine.store().begin().await?;
    let (header, mut rows) = match kind.as_str() {
        "models.csv" => tx.export_models(unit.id).await?,
        "activities.csv" => tx.export_activities(unit.id, quarter).await?,
        _ => return Err(WebError::NotFound),
    };
    tx.commit().await?;
    sort_rows(&mut rows);
    download(
        &format!("{}-{}-{}", unit.code, quarter.code(), kind),
        report::csv_with_bom(&header, &rows)?,
    )
}

/// Export rows (id, unit code, unit name, …) by unit name in Vietnamese order, then as they came.
fn sort_rows(rows: &mut [Vec<String>]) {
    rows.sort_by(|a, b| collation::compare(&a[2], &b[2]));
}

#[derive(Template)]
#[template(path = "dashboard/activities.html")]
struct ActivitiesPage<'a> {
    f: Frame<'a>,
    units: Vec<UnitChoice>,
    quarters: Vec<(String, String, bool)>,
    sectors: Vec<(String, String, bool)>,
    unit_code: String,
    quarter: String,
    models: Vec<Vec<String>>,
    activities: Vec<ActivityRow>,
}

/// An activity as the page lists it: the export's cells, and where its photos are shown from.
struct ActivityRow {
    cells: Vec<String>,
    photos: Vec<String>,
}

impl ActivityRow {
    /// An export row (its id first, its photo count last).
    fn of(cells: Vec<String>) -> ActivityRow {
        let count: usize = cells.last().and_then(|n| n.parse().ok()).unwrap_or(0);
        let photos = (0..count)
            .map(|n| format!("/activities/{}/photos/{n}", cells[0]))
            .collect();
        ActivityRow { cells, photos }
    }
}

/// Models and activities of a unit (and below) in a quarter, filtered by sector.
pub async fn activities(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Query(scope): Query<Scope>,
) -> WebResult {
    let (unit, quarter) = resolve(&staff, &dash, &scope)?;
    let mut tx = dash.engine.store().begin().await?;
    let sectors = tx.sectors().await?;
    let (_, mut models) = tx.export_models(unit.id).await?;
    let (_, mut activities) = tx.export_activities(unit.id, quarter).await?;
    tx.commit().await?;
    let lang = staff.lang;
    let chosen = sectors.iter().find(|s| s.code == scope.sector);
    if let Some(sector) = chosen {
        // Export rows name the sector in Vietnamese (column 3).
        models.retain(|r| r[3] == sector.name);
        activities.retain(|r| r[3] == sector.name);
    }
    sort_rows(&mut models);
    sort_rows(&mut activities);
    let f = staff.frame(&dash, &token, "activities")?;
    let sectors = sectors
        .iter()
        .map(|s| {
            let name = match lang {
                crate::message::Lang::Vi => &s.name,
                crate::message::Lang::En => &s.name_en,
            };
            (
                s.code.clone(),
                f.t.msg(&Msg::new("sector-name").text("name", name)),
                chosen.is_some_and(|c| c.code == s.code),
            )
        })
        .collect();
    let page = ActivitiesPage {
        units: unit_choices(&staff, &dash, &unit),
        quarters: quarter_choices(&dash, quarter),
        sectors,
        unit_code: unit.code.clone(),
        quarter: quarter.code(),
        models,
        activities: activities.into_iter().map(ActivityRow::of).collect(),
        f,
    };
    frame::page(token, &page)
}

/// Photo `n` of an activity, fetched now from the platform it was sent through (danvan keeps
/// only its id there), for a login that may see the activity's unit.
pub async fn photo(
    staff: Staff,
    State(dash): State<Dash>,
    Path((id, n)): Path<(i64, usize)>,
) -> WebResult {
    let mut tx = dash.engine.store().begin().await?;
    let found = tx.activity_photo(id, n).await?;
    tx.commit().await?;
    let found = found.ok_or(WebError::NotFound)?;
    staff.may(
        Action::Oversee {
            unit_id: found.unit_id,
        },
        &dash.engine.units(),
    )?;
    platform_photo(&dash, &found.channel, &found.file_id).await
}

/// A photo a person sent, fetched now from the channel it came through; not found when that
/// channel is not served here, the platform has lost it, or it is no image.
pub async fn platform_photo(dash: &Dash, channel: &str, file_id: &str) -> WebResult {
    let channel = dash
        .channels
        .iter()
        .find(|c| c.name() == channel)
        .ok_or(WebError::NotFound)?;
    let picture = channel.photo(file_id).await?.ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, picture.content_type),
            // A photo never changes; it is the admin's to see, not a shared cache's.
            (header::CACHE_CONTROL, "private, max-age=86400"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        picture.bytes,
    )
        .into_response())
}
