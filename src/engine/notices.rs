//! Effects about notices: read, shown again, listed, previewed and created.

use super::{Engine, Scene};
use crate::app;
use crate::domain::compose::{self, Draft};
use crate::domain::dialogue::{self, composing, notices};
use crate::domain::ids::{NoticeId, PersonId};
use crate::store::Tx;
use crate::store::notices::NewNotice;

impl Engine {
    pub(super) async fn acknowledge(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        notice: i64,
    ) -> anyhow::Result<()> {
        let found = tx
            .acknowledge(PersonId(at.person_id()?), NoticeId(notice))
            .await?;
        at.replies
            .push(dialogue::done_or_expired(found, "notice-read-thanks"));
        Ok(())
    }

    pub(super) async fn show_notice(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        notice: i64,
    ) -> anyhow::Result<()> {
        let reply = match tx
            .notice_for(PersonId(at.person_id()?), NoticeId(notice))
            .await?
        {
            Some(notice) => notice.reply(at.lang),
            None => dialogue::done_or_expired(false, "notice"),
        };
        at.replies.push(reply);
        Ok(())
    }

    /// Before anything else, the notices the person missed because no chat of theirs could take
    /// them; this chat has them now.
    pub(super) async fn missed_notices(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        address: &str,
    ) -> anyhow::Result<()> {
        let Some(me) = at.person else {
            return Ok(());
        };
        let missed = tx
            .take_missed_notices(
                PersonId(me.id),
                at.channel,
                address,
                at.now,
                notices::MISSED_SHOWN,
            )
            .await?;
        if !missed.is_empty() {
            at.replies
                .splice(0..0, notices::missed_notices(&missed, at.lang));
        }
        Ok(())
    }

    pub(super) async fn list_notices(&self, tx: &mut Tx, at: &mut Scene<'_>) -> anyhow::Result<()> {
        let notices = tx
            .recent_notices(PersonId(at.person_id()?), notices::RECENT_NOTICES)
            .await?;
        at.replies.push(notices::notice_list(&notices, at.lang));
        Ok(())
    }

    pub(super) async fn preview_notice(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        draft: &Draft,
    ) -> anyhow::Result<()> {
        let unit = draft.unit(at.units);
        let recipients = tx
            .count_recipients(
                &unit.map(|u| u.id).into_iter().collect::<Vec<_>>(),
                &[],
                &[],
            )
            .await?;
        at.replies
            .extend(composing::preview(at.units, draft, recipients, at.lang));
        Ok(())
    }

    /// Creates and schedules the notice, if the person may send to its unit.
    pub(super) async fn create_notice(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        draft: &Draft,
    ) -> anyhow::Result<()> {
        let notice = NewNotice {
            texts: compose::preview(draft).texts,
            directive: draft.directive.clone(),
            send_at: draft.send_at,
            created_by: Some(at.person_id()?),
            ..NewNotice::to_units(
                "",
                "",
                draft.unit(at.units).map(|u| u.id).into_iter().collect(),
            )
        };
        let reply = match app::notices::create(tx, &at.actor, &notice, at.units, at.now).await? {
            Ok((id, scheduled)) => composing::notice_created(id, scheduled),
            Err(_) => dialogue::not_allowed(),
        };
        at.replies.push(reply);
        Ok(())
    }
}
