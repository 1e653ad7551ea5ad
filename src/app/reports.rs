//! The quarterly report of models and activities for a unit and everything below it.

use chrono::{DateTime, Utc};

use crate::domain::activity::Sector;
use crate::domain::listing::Length;
use crate::domain::report::{self, Quarter};
use crate::domain::units::Unit;
use crate::message::{Lang, Reply};
use crate::store::Tx;

/// The official-style paragraph (listing child units as `length` says; residents' tickets as
/// handled by `now`), then its charts (models by sector; the child units with the most models),
/// in `lang`.
pub async fn quarterly(
    tx: &mut Tx,
    unit: &Unit,
    quarter: Quarter,
    lang: Lang,
    length: Length,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Reply>> {
    let (data, sectors) = read(tx, unit, quarter, now).await?;
    let mut replies = vec![report::report_reply(&data, &sectors, lang, length)];
    replies.extend(report::report_charts(&data, &sectors, lang));
    Ok(replies)
}

/// The report as a committee files it: the text without a line per unit, each child unit's
/// figures (ranked as the text would list them) for a table, and the charts.
pub struct Filed {
    pub text: Reply,
    /// (unit name, models at the end of the quarter, activities in it).
    pub units: Vec<(String, i64, i64)>,
    pub charts: Vec<Reply>,
}

/// [`quarterly`], laid out for a page or a document of its own.
pub async fn filed(
    tx: &mut Tx,
    unit: &Unit,
    quarter: Quarter,
    lang: Lang,
    now: DateTime<Utc>,
) -> anyhow::Result<Filed> {
    let (data, sectors) = read(tx, unit, quarter, now).await?;
    Ok(Filed {
        text: report::report_reply(&data, &sectors, lang, Length::Apart),
        units: report::ranked(&data.children)
            .into_iter()
            .cloned()
            .collect(),
        charts: report::report_charts(&data, &sectors, lang),
    })
}

/// Models by sector at the end of `quarter` in `unit` and below, drawn as the report's first
/// chart is (None for a unit without models), from the kept counts alone: what the overview
/// shows, without reading the rest of the report.
pub async fn models_chart(
    tx: &mut Tx,
    unit: &Unit,
    quarter: Quarter,
    lang: Lang,
) -> anyhow::Result<Option<Reply>> {
    let figures = tx.figures(unit.id, quarter).await?;
    let sectors = tx.sectors().await?;
    Ok(report::sectors_chart(
        quarter,
        &report::scope_of(unit),
        &figures,
        &sectors,
        lang,
    ))
}

async fn read(
    tx: &mut Tx,
    unit: &Unit,
    quarter: Quarter,
    now: DateTime<Utc>,
) -> anyhow::Result<(report::Report, Vec<Sector>)> {
    Ok((tx.report(unit, quarter, now).await?, tx.sectors().await?))
}
