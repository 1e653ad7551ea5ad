//! Effects about consultations: the context a step reads, and the opinions, comments and
//! profile it asks to write.

use anyhow::Context;

use super::{Engine, Scene};
use crate::domain::consultation::Opinion;
use crate::domain::consultation_chat::{ConsultContext, ConsultEffect};
use crate::domain::dialogue::{Person, State, consulting};
use crate::domain::ids::{ConsultationId, PersonId};
use crate::domain::notice::targets;
use crate::domain::payload::Payload;
use crate::domain::unit_directory::UnitDirectory;
use crate::message::InboundKind;
use crate::store::Tx;
use crate::store::consultations::Opining;

impl Engine {
    /// The consultation a `gy:` button or the chat's state is about, with the person's answers;
    /// None when there is none or it is not for them (they live outside its units, or their roles
    /// are not its audience).
    pub(super) async fn consultation_context(
        &self,
        tx: &mut Tx,
        state: &State,
        input: &InboundKind,
        person: Option<&Person>,
        units: &UnitDirectory,
    ) -> anyhow::Result<Option<ConsultContext>> {
        let at = match state {
            State::Consult { consultation, .. } => Some(*consultation),
            _ => None,
        };
        let pressed = |p: Payload| match p {
            Payload::Consult(id, _) => Some(id),
            _ => None,
        };
        let Some(id) = super::about(input, pressed, at) else {
            return Ok(None);
        };
        let Some(me) = person else {
            return Ok(None);
        };
        let Some((consultation, link, mine, profile_consent)) = tx
            .consultation_for(ConsultationId(id), PersonId(me.id))
            .await?
        else {
            return Ok(None);
        };
        let roles = &consultation.file.target.roles;
        if !targets(&consultation.unit_ids, roles, me.unit_id, &me.grants, units) {
            return Ok(None);
        }
        Ok(Some(ConsultContext {
            open: consultation.is_open(self.now()),
            link: Some(link).filter(|l| !l.is_empty()),
            consultation,
            mine,
            profile_consent,
        }))
    }

    /// `/gopy`: the open consultations for the person.
    pub(super) async fn list_consultations(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
    ) -> anyhow::Result<()> {
        let me = at.me()?;
        let open: Vec<_> = tx
            .open_consultations(at.now)
            .await?
            .into_iter()
            .filter(|c| {
                targets(
                    &c.unit_ids,
                    &c.file.target.roles,
                    me.unit_id,
                    &me.grants,
                    at.units,
                )
            })
            .collect();
        at.replies.push(consulting::consultation_list(&open));
        Ok(())
    }

    /// Writes what a consultation step asked, for the consultation it saw.
    pub(super) async fn consultation_effect(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        effect: &ConsultEffect,
    ) -> anyhow::Result<()> {
        let ctx = at
            .consultation
            .context("a consultation effect without its consultation")?;
        let me = at.me()?;
        let id = ctx.consultation.id;
        let who = Opining {
            consultation: id,
            person: me.id,
            unit: me.unit_id,
            channel: at.channel,
            now: at.now,
            // Answers are only ever written with the count of their person.
            counted: !ctx.mine.is_empty(),
        };
        match effect {
            ConsultEffect::Opine { part, opinion } => {
                tx.opine(&who, &[*part], Some(*opinion), None, false)
                    .await?
            }
            ConsultEffect::Comment { part, comment } => {
                tx.opine(&who, &[*part], None, Some(comment), false).await?
            }
            ConsultEffect::AgreeRest => {
                let parts: Vec<i16> = (1..=ctx.consultation.part_count()).collect();
                tx.opine(&who, &parts, Some(Opinion::Agree), None, true)
                    .await?
            }
            ConsultEffect::ProfileConsent(yes) => {
                tx.set_profile_consent(ConsultationId(id), PersonId(me.id), *yes, at.now)
                    .await?
            }
            ConsultEffect::Age(code) => {
                tx.set_profile(ConsultationId(id), PersonId(me.id), Some(code), None)
                    .await?
            }
            ConsultEffect::Occupation(code) => {
                tx.set_profile(ConsultationId(id), PersonId(me.id), None, Some(code))
                    .await?
            }
        }
        Ok(())
    }
}
