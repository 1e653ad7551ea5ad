//! Notices: created and scheduled by whoever may send to all their units, followed (their reach),
//! and residents' questions about them answered.

use chrono::{DateTime, Utc};

use crate::domain::access::{Action, Actor, Denied, authorize};
use crate::domain::dialogue::notices::answer_for_resident;
use crate::domain::notice::NoticeStatus;
use crate::domain::unit_directory::UnitDirectory;
use crate::message::Lang;
use crate::store::notices::NewNotice;
use crate::store::{Store, Tx};

/// Who asks for a notice's reach.
pub enum Viewer<'a> {
    /// The command line: whoever runs it holds the database already.
    Operator,
    /// Someone in chat (or signed in): only notices all of whose units are in their scope.
    Person(&'a Actor),
}

/// The notice's reach in all and per unit; None when there is no such notice or `viewer` may not
/// see it (the same answer, so an id reveals nothing).
pub async fn status(
    store: &Store,
    id: i64,
    viewer: Viewer<'_>,
    units: &UnitDirectory,
) -> anyhow::Result<Option<NoticeStatus>> {
    if let Viewer::Person(actor) = viewer {
        let allowed = store.notice_units(id).await?.is_some_and(|ids| {
            ids.iter()
                .all(|&unit_id| authorize(actor, Action::Notify { unit_id }, units).is_ok())
        });
        if !allowed {
            return Ok(None);
        }
    }
    store.notice_status(id).await
}

/// Creates `notice` and schedules it (at its send time, or `now`), if `actor` may send to every
/// one of its units: the notice's id and when it goes out.
pub async fn create(
    tx: &mut Tx,
    actor: &Actor,
    notice: &NewNotice,
    units: &UnitDirectory,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(i64, DateTime<Utc>), Denied>> {
    if notice.unit_ids.is_empty() {
        return Ok(Err(Denied::OutOfScope));
    }
    for &unit_id in &notice.unit_ids {
        if let Err(denied) = authorize(actor, Action::Notify { unit_id }, units) {
            return Ok(Err(denied));
        }
    }
    let id = tx.create_notice(notice).await?;
    let at = tx.schedule_notice(id, now).await?.unwrap_or(now);
    Ok(Ok((id, at)))
}

/// Records `text` as the answer to question `question` and sends it to whoever asked, if `actor`
/// may answer for the unit it was asked from: true when this answer counts (nobody answered first).
pub async fn answer(
    tx: &mut Tx,
    actor: &Actor,
    answerer: Option<i64>,
    question: i64,
    text: &str,
    units: &UnitDirectory,
) -> anyhow::Result<Result<bool, Denied>> {
    let Some(q) = tx.question(question).await? else {
        return Ok(Err(Denied::OutOfScope));
    };
    let unit_id = q.unit_id.unwrap_or_default();
    if let Err(denied) = authorize(actor, Action::Answer { unit_id }, units) {
        return Ok(Err(denied));
    }
    if q.answered {
        return Ok(Ok(false));
    }
    let first = tx.answer_question(q.id, answerer, text).await?;
    if first && let Some(asker) = q.person_id {
        tx.message_person(asker, &answer_for_resident(&q, text, Lang::Vi))
            .await?;
    }
    Ok(Ok(first))
}
