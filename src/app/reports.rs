//! The quarterly report of models and activities for a unit and everything below it.

use chrono::{DateTime, Utc};

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
    let data = tx.report(unit, quarter, now).await?;
    let sectors = tx.sectors().await?;
    let mut replies = vec![report::report_reply(&data, &sectors, lang, length)];
    replies.extend(report::report_charts(&data, &sectors, lang));
    Ok(replies)
}
