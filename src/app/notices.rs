//! Following a notice: its reach, for whoever may see it.

use crate::domain::access::{Action, Actor, authorize};
use crate::domain::notice::NoticeStatus;
use crate::domain::unit_directory::UnitDirectory;
use crate::store::Store;

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
