//! Notices: created and scheduled by whoever may send to all their units, followed (their reach),
//! and residents' questions about them answered.

use chrono::{DateTime, Utc};

use crate::domain::access::{Action, Actor, Denied, authorize};
use crate::domain::notice::NoticeStatus;
use crate::domain::unit_directory::UnitDirectory;
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
