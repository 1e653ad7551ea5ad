//! The overview: residents by unit and channel, the latest notices with their reach, open surveys
//! with their response rates, this quarter's models by sector, residents' tickets per unit and
//! the "1+10" coverage.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::extract::State;
use axum_csrf::CsrfToken;

use super::auth::Staff;
use super::frame::{self, Bars, Frame};
use super::tickets::by;
use super::{Dash, WebError, WebResult};
use crate::app;
use crate::domain::collation;
use crate::domain::household::Coverage;
use crate::domain::report::Quarter;
use crate::domain::ticket::Figures as TicketFigures;
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::vn_time;
use crate::store::overview::{NoticeLine, Residents, SurveyLine};

/// Notices shown on the overview.
const RECENT_NOTICES: i64 = 5;

/// One row of the residents table: a unit directly below the scope (or the scope itself).
pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub by_channel: Vec<i64>,
    pub total: i64,
}

#[derive(Template)]
#[template(path = "dashboard/overview.html")]
struct OverviewPage<'a> {
    f: Frame<'a>,
    channels: Vec<String>,
    rows: Vec<UnitRow>,
    totals: Vec<i64>,
    total: i64,
    notices: Vec<NoticeLine>,
    surveys: Vec<SurveyLine>,
    /// Models by sector this quarter, if the unit has any.
    models: Option<Bars>,
    quarter: String,
    /// "Quý I/2025", as the page names it.
    quarter_name: String,
    unit_code: String,
    /// Residents' tickets of the quarter: a row per unit that received some, then the total.
    tickets: Vec<(String, TicketFigures)>,
    /// All of them (None when there are none).
    tickets_total: Option<TicketFigures>,
    /// "1+10" in the login's units, when it may oversee them.
    households: Option<Coverage>,
    cadres_over_label: String,
}

pub async fn page(staff: Staff, State(dash): State<Dash>, token: CsrfToken) -> WebResult {
    let units = dash.engine.units();
    let store = dash.engine.store();
    let subtree = units.subtree(staff.scope());
    let residents = store.residents_by_channel(&subtree).await?;
    let (channels, rows) = residents_table(&units, staff.scope(), &residents);
    let totals = (0..channels.len())
        .map(|i| rows.iter().map(|r| r.by_channel[i]).sum())
        .collect();
    let total = rows.iter().map(|r| r.total).sum();
    let surveys = store
        .surveys_within(&subtree)
        .await?
        .into_iter()
        .filter(|s| s.status == "open")
        .collect();
    let notices = store.notices_within(&subtree, RECENT_NOTICES).await?;
    let now = dash.engine.now();
    let quarter = Quarter::of(vn_time::local_date(now));
    let (from, to) = quarter.bounds();
    let mut tx = store.begin().await?;
    let by_unit = tx
        .ticket_figures_by_unit(staff.scope(), from, to, now)
        .await?;
    tx.commit().await?;
    let mut tickets: Vec<(String, TicketFigures)> = by_unit
        .iter()
        .filter_map(|(id, figures)| Some((units.by_id(*id)?.name.clone(), figures.clone())))
        .collect();
    collation::sort_by_name(&mut tickets, |(name, _)| name);
    tickets.sort_by_key(|(_, figures)| std::cmp::Reverse(figures.received));
    let tickets_total =
        (!by_unit.is_empty()).then(|| by_unit.iter().map(|(_, figures)| figures.clone()).sum());
    let own = units.by_id(staff.scope()).ok_or(WebError::NotFound)?;
    let mut tx = store.begin().await?;
    let chart = crate::app::reports::models_chart(&mut tx, own, quarter, staff.lang).await?;
    let households = app::households::coverage(&mut tx, by(&staff), own.id, &units, now)
        .await?
        .ok();
    tx.commit().await?;
    let f = staff.frame(&dash, &token, "overview")?;
    // The report's first chart, by sector; a unit without models has none.
    let models = chart.as_ref().and_then(|r| r.chart.as_ref()).map(|c| {
        let png = format!(
            "/reports/chart/1?unit={}&quarter={}",
            own.code,
            quarter.code()
        );
        f.t.bars(c, png)
    });
    let page = OverviewPage {
        models,
        quarter_name: super::reports::quarter_name(&f.t, quarter),
        f,
        channels,
        rows,
        totals,
        total,
        notices,
        surveys,
        quarter: quarter.code(),
        unit_code: units
            .by_id(staff.scope())
            .map(|u| u.code.clone())
            .unwrap_or_default(),
        tickets,
        tickets_total,
        households,
        cadres_over_label: super::households::cadres_over_label(&dash, staff.lang),
    };
    frame::page(token, &page)
}

/// Residents per unit directly below `scope` (people of the scope unit itself on a row of their
/// own), by channel: the most residents first, ties in Vietnamese order.
pub fn residents_table(
    units: &UnitDirectory,
    scope: i64,
    residents: &[Residents],
) -> (Vec<String>, Vec<UnitRow>) {
    let channels: Vec<String> = residents
        .iter()
        .map(|r| r.channel.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // A unit's row: the unit directly below `scope` it lies in, found by walking up from it (a
    // walk per count, not a subtree per row: a province has a hundred communes).
    let row_of = |unit_id: i64| -> Option<i64> {
        let mut at = unit_id;
        loop {
            if at == scope {
                return Some(scope);
            }
            let parent = units.by_id(at)?.parent_id?;
            if parent == scope {
                return Some(at);
            }
            at = parent;
        }
    };
    let mut counts: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in residents {
        let Some(row) = row_of(r.unit_id) else {
            continue;
        };
        let column = channels.iter().position(|c| *c == r.channel).unwrap_or(0);
        counts.entry(row).or_insert_with(|| vec![0; channels.len()])[column] += r.people;
    }
    let mut rows: Vec<UnitRow> = counts
        .into_iter()
        .filter_map(|(id, by_channel)| {
            Some(UnitRow {
                id,
                name: units.by_id(id)?.name.clone(),
                total: by_channel.iter().sum(),
                by_channel,
            })
        })
        .collect();
    collation::sort_by_name(&mut rows, |r| &r.name);
    rows.sort_by_key(|r| std::cmp::Reverse(r.total));
    (channels, rows)
}
