//! Effects on the person themselves: what is stored about them, and invitations they redeem.

use super::{Engine, Scene};
use crate::app;
use crate::domain::dialogue::{signup, staff};
use crate::store::Tx;

impl Engine {
    pub(super) async fn show_my_data(&self, tx: &mut Tx, at: &mut Scene<'_>) -> anyhow::Result<()> {
        let data = app::people::export(tx, at.person_id()?).await?;
        at.replies.push(signup::my_data(at.units, &data));
        Ok(())
    }

    pub(super) async fn redeem_invite(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        code: &str,
    ) -> anyhow::Result<()> {
        let result = tx.redeem_invite(at.person_id()?, code, at.now).await?;
        at.replies.push(staff::joined(at.units, result));
        Ok(())
    }
}
