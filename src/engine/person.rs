//! Effects on the person themselves: what is stored about them, invitations they redeem, and
//! their chats linked into one.

use super::{Engine, Scene};
use crate::app;
use crate::domain::dialogue::{State, linking, signup, staff};
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

    pub(super) async fn new_link_code(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        address: &str,
    ) -> anyhow::Result<()> {
        let made = tx
            .create_link_code(at.person_id()?, at.channel, address, at.now)
            .await?;
        at.replies.push(linking::link_code(
            made.as_ref()
                .map(|(code, expires)| (code.as_str(), *expires)),
        ));
        Ok(())
    }

    pub(super) async fn link(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        address: &str,
        code: &str,
    ) -> anyhow::Result<()> {
        let me = at.person.map(|p| p.id);
        let result = app::people::link(tx, at.channel, address, me, code, at.now).await?;
        if let Ok(linked) = &result {
            at.lang = linked.lang;
            at.settled = Some(State::Idle);
        }
        at.replies.push(linking::linked(at.units, &result));
        Ok(())
    }
}
