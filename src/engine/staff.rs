//! Effects for staff: a notice's reach, invitations.

use super::{CHAT_INVITE_DAYS, Engine, Scene};
use crate::app;
use crate::domain::access::{Grant, Role};
use crate::domain::dialogue::{self, staff};
use crate::domain::vn_time::local_date;
use crate::store::Tx;

impl Engine {
    /// Reach of a notice, for an admin whose scope holds its units.
    pub(super) async fn show_status(&self, at: &mut Scene<'_>, id: i64) -> anyhow::Result<()> {
        let viewer = app::notices::Viewer::Person(&at.actor);
        let status = app::notices::status(&self.store, id, viewer, at.units).await?;
        at.replies.push(match status {
            Some(status) => staff::status(at.units, id, &status, at.now),
            None => dialogue::not_allowed(),
        });
        Ok(())
    }

    pub(super) async fn create_invite(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        role: Role,
        unit_id: i64,
    ) -> anyhow::Result<()> {
        let grant = Grant { role, unit_id };
        let expires = at.now + chrono::Duration::days(CHAT_INVITE_DAYS);
        let issuer = app::invites::Issuer::Person(at.person_id()?);
        let code = app::invites::create(tx, &grant, 1, expires, issuer).await?;
        at.replies.push(staff::invite_created(
            at.units,
            &code,
            &grant,
            local_date(expires),
        ));
        Ok(())
    }
}
