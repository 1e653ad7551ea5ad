//! The quarterly report (the official paragraph and its charts), the models and activities behind
//! it with filters, and their CSV downloads: for the login's unit or any unit below it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum_csrf::CsrfToken;
use serde::Deserialize;

use super::auth::Staff;
use super::frame::{self, Bars, Frame, Texts};
use super::{Dash, WebError, WebResult};
use crate::app::reports::Filed;
use crate::chart::Plot;
use crate::domain::access::Action;
use crate::domain::collation;
use crate::domain::report::{self, Quarter};
use crate::domain::text::fold;
use crate::domain::units::Unit;
use crate::domain::vn_time;
use crate::message::Msg;

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
    /// Activities page: words a unit's name or a title holds (marks optional).
    #[serde(default)]
    q: String,
    /// Activities page: "unit", "participants", else the newest first.
    #[serde(default)]
    sort: String,
    /// Activities page: the page of activities, and of models, from 1.
    #[serde(default)]
    page: Option<usize>,
    #[serde(default)]
    models_page: Option<usize>,
}

/// Rows on a page of the activities page's tables.
const PER_PAGE: usize = 50;

/// One page of a long table: its rows, "Trang 2/16", and the links either side.
pub(super) struct Paged<T> {
    pub rows: Vec<T>,
    pub label: Option<String>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// Page `page` (from 1) of `rows`; `link(n)` is page n's address.
fn paged<T>(rows: Vec<T>, page: usize, t: &Texts, link: impl Fn(usize) -> String) -> Paged<T> {
    let pages = rows.len().div_ceil(PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let rows = rows
        .into_iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .collect();
    page_of(rows, page, pages, t, link)
}

/// `rows`, read as page `page` of `pages` (from 1), with its label and the links either side;
/// `link(n)` is page n's address.
pub(super) fn page_of<T>(
    rows: Vec<T>,
    page: usize,
    pages: usize,
    t: &Texts,
    link: impl Fn(usize) -> String,
) -> Paged<T> {
    let label = (pages > 1).then(|| {
        t.msg(
            &Msg::new("web-page")
                .number("page", page as i64)
                .number("pages", pages as i64),
        )
    });
    Paged {
        rows,
        label,
        previous: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    }
}

/// A unit the login may oversee, as a choice in a page's unit filter.
pub struct UnitChoice {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// The unit and quarter asked for, if the login may see that unit.
pub(super) fn resolve(
    staff: &Staff,
    dash: &Dash,
    scope: &Scope,
) -> Result<(Unit, Quarter), WebError> {
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
    // In Vietnamese order already.
    let below: Vec<&Unit> = units.children(staff.scope());
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

/// This quarter and the seven before it, newest first, as filter choices ("Quý I/2025").
fn quarter_choices(dash: &Dash, t: &Texts, chosen: Quarter) -> Vec<(String, String, bool)> {
    let mut q = Quarter::of(vn_time::local_date(dash.engine.now()));
    let mut out = Vec::new();
    for _ in 0..8 {
        out.push((q.code(), quarter_name(t, q), q == chosen));
        q = q.previous();
    }
    out
}

/// "Quý I/2025": the one way a page names a quarter on its own.
pub fn quarter_name(t: &Texts, quarter: Quarter) -> String {
    t.msg(
        &Msg::new("web-quarter-name")
            .number("number", quarter.number as i64)
            .text("year", quarter.year.to_string()),
    )
}

#[derive(Template)]
#[template(path = "dashboard/report.html")]
struct ReportPage<'a> {
    f: Frame<'a>,
    units: Vec<UnitChoice>,
    quarters: Vec<(String, String, bool)>,
    unit_code: String,
    quarter: String,
    /// "Báo cáo quý I/2025 · Xã Tiên Lữ": the page's title, and the printed page's.
    heading: String,
    paragraph: String,
    /// Each unit below: (name, models, activities), ranked as the Word document's table.
    per_unit: Vec<(String, i64, i64)>,
    charts: Vec<Bars>,
}

/// The report as filed: its sentences, a row per unit below, its charts (as the Word document
/// has them).
async fn filed(dash: &Dash, unit: &Unit, quarter: Quarter, staff: &Staff) -> anyhow::Result<Filed> {
    let mut tx = dash.engine.store().begin().await?;
    let filed =
        crate::app::reports::filed(&mut tx, unit, quarter, staff.lang, dash.engine.now()).await?;
    tx.commit().await?;
    Ok(filed)
}

pub async fn page(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Query(scope): Query<Scope>,
) -> WebResult {
    let (unit, quarter) = resolve(&staff, &dash, &scope)?;
    let filed = filed(&dash, &unit, quarter, &staff).await?;
    let f = staff.frame(&dash, &token, "reports")?;
    let paragraph = f.t.msg(&filed.text.body);
    let query = format!("unit={}&quarter={}", unit.code, quarter.code());
    let charts = filed
        .charts
        .iter()
        .filter_map(|r| r.chart.as_ref())
        .enumerate()
        .map(|(n, c)| f.t.bars(c, format!("/reports/chart/{}?{query}", n + 1)))
        .collect();
    let heading = f.t.msg(
        &Msg::new("web-report-heading")
            .msg("quarter", report::quarter_words(quarter))
            .text("unit", &unit.name),
    );
    let page = ReportPage {
        units: unit_choices(&staff, &dash, &unit),
        quarters: quarter_choices(&dash, &f.t, quarter),
        unit_code: unit.code.clone(),
        quarter: quarter.code(),
        heading,
        paragraph,
        per_unit: filed.units,
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
    let filed = filed(&dash, &unit, quarter, &staff).await?;
    let chart = n
        .checked_sub(1)
        .and_then(|n| filed.charts.get(n))
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
    q: String,
    sort: String,
    /// This page's address, for the language switch.
    here: String,
    /// How many of each the filters found, on every page.
    models_found: usize,
    activities_found: usize,
    models: Paged<Vec<String>>,
    activities: Paged<ActivityRow>,
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

/// An export row's date (column 5, "2025-04-12") as pages write dates ("12/4/2025").
fn people_date(mut row: Vec<String>) -> Vec<String> {
    if let Ok(day) = chrono::NaiveDate::parse_from_str(&row[5], "%Y-%m-%d") {
        row[5] = vn_time::date_for_people(day);
    }
    row
}

/// Models and activities of a unit (and below) in a quarter, filtered by sector and words,
/// sorted as asked, a page at a time.
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
    let wanted = fold(scope.q.trim());
    // Export rows name the unit (column 2), the sector in Vietnamese (3) and the title (4).
    let keep = |r: &Vec<String>| {
        chosen.is_none_or(|sector| r[3] == sector.name)
            && (wanted.is_empty() || fold(&format!("{} {}", r[2], r[4])).contains(&wanted))
    };
    models.retain(keep);
    activities.retain(keep);
    sort_rows(&mut models);
    // Dates are ISO in the export: they sort as text.
    match scope.sort.as_str() {
        "unit" => sort_rows(&mut activities),
        "participants" => {
            activities.sort_by_key(|r| std::cmp::Reverse(r[6].parse::<i64>().unwrap_or(0)))
        }
        _ => activities.sort_by(|a, b| b[5].cmp(&a[5])),
    }
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
    let address = |page: usize, models_page: usize| {
        let mut url = url::form_urlencoded::Serializer::new(String::from("/activities?"));
        url.append_pair("unit", &unit.code)
            .append_pair("quarter", &quarter.code())
            .append_pair("sector", &scope.sector)
            .append_pair("q", &scope.q)
            .append_pair("sort", &scope.sort)
            .append_pair("page", &page.to_string())
            .append_pair("models_page", &models_page.to_string());
        url.finish()
    };
    let (page, models_page) = (scope.page.unwrap_or(1), scope.models_page.unwrap_or(1));
    let page = ActivitiesPage {
        units: unit_choices(&staff, &dash, &unit),
        quarters: quarter_choices(&dash, &f.t, quarter),
        sectors,
        unit_code: unit.code.clone(),
        quarter: quarter.code(),
        here: address(page, models_page),
        models_found: models.len(),
        activities_found: activities.len(),
        models: paged(
            models.into_iter().map(people_date).collect(),
            models_page,
            &f.t,
            |n| address(page, n),
        ),
        activities: paged(
            activities
                .into_iter()
                .map(people_date)
                .map(ActivityRow::of)
                .collect(),
            page,
            &f.t,
            |n| address(n, models_page),
        ),
        q: scope.q.clone(),
        sort: scope.sort.clone(),
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
