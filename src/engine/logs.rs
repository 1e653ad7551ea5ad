//! Effects about activities and models: saved, listed, edited, deleted, and the quarterly report.

use super::{Engine, Scene, models_of};
use crate::app;
use crate::domain::access::{Action, authorize};
use crate::domain::activity::{self, ModelStatus, NewLog, QuickEntry};
use crate::domain::dialogue::{self, logging};
use crate::domain::ids::{ActivityId, ModelId, PersonId, UnitId};
use crate::domain::listing::Length;
use crate::domain::report::{self, Quarter};
use crate::domain::unit_label::unit_label_by_id;
use crate::message::{Lang, Msg, Reply};
use crate::store::Tx;

impl Engine {
    /// Stores an activity or model in the person's unit if their roles allow, and reads it back.
    pub(super) async fn save_log(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        log: &NewLog,
    ) -> anyhow::Result<()> {
        let me = at.me()?;
        let unit = activity::log_unit(me.unit_id, &me.grants, at.units)
            .filter(|&unit_id| authorize(&at.actor, Action::Log { unit_id }, at.units).is_ok());
        let Some(unit) = unit else {
            at.replies.push(dialogue::not_allowed());
            return Ok(());
        };
        if let Some(model) = log.model_id
            && tx.model_unit(model).await? != Some(unit)
        {
            at.replies.push(Reply::new(Msg::new("logflow-model-gone")));
            return Ok(());
        }
        if log.model {
            tx.register_model(PersonId(me.id), UnitId(unit), &log.entry)
                .await?;
        } else {
            tx.log_activity(PersonId(me.id), UnitId(unit), log, at.channel)
                .await?;
        }
        let sector = self
            .sectors
            .iter()
            .find(|s| s.code == log.entry.sector)
            .map(|s| match at.lang {
                Lang::Vi => s.name.clone(),
                Lang::En => s.name_en.clone(),
            })
            .unwrap_or_default();
        let unit = unit_label_by_id(at.units, unit);
        at.replies
            .push(logging::logged(&log.entry, log.model, &sector, unit));
        Ok(())
    }

    /// The quarterly report (as typed, empty: this quarter) for the person's scope.
    pub(super) async fn report(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        quarter: &str,
    ) -> anyhow::Result<()> {
        let quarter = match quarter.trim() {
            "" => Some(Quarter::of(at.today)),
            typed => Quarter::parse(typed),
        };
        let unit =
            report::report_unit(&at.actor.grants, at.units).and_then(|id| at.units.by_id(id));
        match (quarter, unit) {
            (None, _) => at.replies.push(Reply::new(Msg::new("report-usage"))),
            (_, None) => at.replies.push(dialogue::not_allowed()),
            (Some(quarter), Some(unit)) => {
                let report =
                    app::reports::quarterly(tx, unit, quarter, at.lang, Length::Chat, at.now)
                        .await?;
                at.replies.extend(report);
            }
        }
        Ok(())
    }

    pub(super) async fn my_logs(&self, tx: &mut Tx, at: &mut Scene<'_>) -> anyhow::Result<()> {
        let logs = tx
            .my_activities(PersonId(at.person_id()?), logging::RECENT_LOGS)
            .await?;
        at.replies.push(logging::my_logs(&logs));
        Ok(())
    }

    pub(super) async fn models(&self, tx: &mut Tx, at: &mut Scene<'_>) -> anyhow::Result<()> {
        let models = models_of(tx, at.me()?, at.units).await?;
        at.replies.push(logging::model_list(&models));
        Ok(())
    }

    /// Changes a model's status, if it lies in the person's scope.
    pub(super) async fn set_model_status(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        id: i64,
        status: ModelStatus,
    ) -> anyhow::Result<()> {
        let me = at.me()?;
        let allowed = match tx.model_unit(id).await? {
            Some(unit_id) => authorize(&at.actor, Action::Log { unit_id }, at.units).is_ok(),
            None => false,
        };
        let found = allowed
            && tx
                .set_model_status(PersonId(me.id), ModelId(id), status, at.today)
                .await?;
        at.replies
            .push(dialogue::done_or_expired(found, "model-status-changed"));
        Ok(())
    }

    pub(super) async fn edit_log(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        activity: i64,
        entry: &QuickEntry,
    ) -> anyhow::Result<()> {
        let found = tx
            .edit_activity(PersonId(at.person_id()?), ActivityId(activity), entry)
            .await?;
        at.replies
            .push(dialogue::done_or_expired(found, "log-edited"));
        Ok(())
    }

    pub(super) async fn delete_log(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        id: i64,
    ) -> anyhow::Result<()> {
        let found = tx
            .delete_activity(PersonId(at.person_id()?), ActivityId(id))
            .await?;
        at.replies
            .push(dialogue::done_or_expired(found, "log-deleted"));
        Ok(())
    }
}
