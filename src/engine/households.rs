//! Effects about "1+10" households: the cadre's list, adding one, a resident joining with the
//! code, a reminder, a visit logged as an activity.

use super::{Engine, Scene};
use crate::app::By;
use crate::app::households::{self, NewHousehold};
use crate::domain::access::{Action, authorize};
use crate::domain::activity::{self, Details, NewLog, QuickEntry};
use crate::domain::dialogue::{self, households::HouseholdEffect};
use crate::domain::household::{self, HouseholdLine};
use crate::domain::ids::{HouseholdId, PersonId, UnitId};
use crate::message::{Lang, Msg, Reply};
use crate::store::Tx;

impl Engine {
    pub(super) async fn household_effect(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        effect: &HouseholdEffect,
    ) -> anyhow::Result<()> {
        let me = at.me()?;
        let reply = match effect {
            HouseholdEffect::List => household::list(&tx.cadre_households(me.id, at.now).await?),
            HouseholdEffect::Add(name) => {
                match activity::log_unit(me.unit_id, &me.grants, at.units) {
                    None => dialogue::not_allowed(),
                    Some(unit_id) => {
                        let by = By::Person {
                            actor: &at.actor,
                            id: me.id,
                        };
                        let new = NewHousehold {
                            unit_id,
                            name,
                            place: None,
                            cadre: Some(me.id),
                        };
                        match households::add(tx, by, &new, at.units, at.now).await? {
                            Ok(added) => Reply::new(
                                Msg::new("households-added")
                                    .text("name", added.name)
                                    .text("code", added.code),
                            ),
                            Err(refused) => Reply::new(refused.msg()),
                        }
                    }
                }
            }
            HouseholdEffect::Ask(code) => match tx.household_by_code(code).await? {
                Some((_, name)) => household::join_question(&name, code),
                None => Reply::new(Msg::new("household-code-wrong")),
            },
            HouseholdEffect::Join(code) => match tx.household_by_code(code).await? {
                Some((id, name)) => {
                    tx.join_household(HouseholdId(id), PersonId(me.id), at.now)
                        .await?;
                    Reply::new(Msg::new("household-joined").text("name", name))
                }
                None => Reply::new(Msg::new("button-expired")),
            },
            HouseholdEffect::JoinPlace { village, address } => match me.unit_id {
                None => dialogue::not_allowed(),
                Some(unit) => {
                    // A household made here is named for its place, as data, in the committee's
                    // language; the one already at the place keeps its name.
                    let name = self.localizer.render(
                        &Msg::new("household-place-name")
                            .text("village", village)
                            .text("address", address),
                        Lang::Vi,
                    );
                    let place = Some((village.as_str(), address.as_str()));
                    let household = tx.add_household(unit, None, &name, place, at.now).await?;
                    tx.join_household(HouseholdId(household.id), PersonId(me.id), at.now)
                        .await?;
                    Reply::new(Msg::new("household-joined").text("name", household.name))
                }
            },
            HouseholdEffect::Remind(id) => match self.own_household(tx, at, *id).await? {
                None => Reply::new(Msg::new("button-expired")),
                Some(h) => match h.reminder() {
                    None => {
                        Reply::new(Msg::new("households-nothing-to-remind").text("name", &h.name))
                    }
                    Some(item) => {
                        let message = household::reminder(&item);
                        match tx.remind_household(h.id, &item, at.today, &message).await? {
                            Some(n) => Reply::new(
                                Msg::new("households-reminded")
                                    .text("name", &h.name)
                                    .number("count", n as i64),
                            ),
                            None => Reply::new(
                                Msg::new("households-reminded-today").text("name", &h.name),
                            ),
                        }
                    }
                },
            },
            HouseholdEffect::Visit(id) => match self.own_household(tx, at, *id).await? {
                None => Reply::new(Msg::new("button-expired")),
                Some(h) => self.log_visit(tx, at, &h).await?,
            },
        };
        at.replies.push(reply);
        Ok(())
    }

    /// The household, if the person accompanies it.
    async fn own_household(
        &self,
        tx: &mut Tx,
        at: &Scene<'_>,
        id: i64,
    ) -> anyhow::Result<Option<HouseholdLine>> {
        let me = at.me()?;
        Ok(tx
            .cadre_households(me.id, at.now)
            .await?
            .into_iter()
            .find(|h| h.id == id))
    }

    /// A visit counts as an activity of the model, in the unit the cadre logs in, today.
    async fn log_visit(
        &self,
        tx: &mut Tx,
        at: &Scene<'_>,
        h: &HouseholdLine,
    ) -> anyhow::Result<Reply> {
        let me = at.me()?;
        let unit = activity::log_unit(me.unit_id, &me.grants, at.units)
            .filter(|&unit_id| authorize(&at.actor, Action::Log { unit_id }, at.units).is_ok());
        let Some(unit) = unit else {
            return Ok(dialogue::not_allowed());
        };
        // The activity's title is kept as data, in the committee's language.
        let title = self.localizer.render(
            &Msg::new("household-visit-title").text("name", &h.name),
            Lang::Vi,
        );
        let log = NewLog {
            entry: QuickEntry {
                sector: "vhxh".to_owned(),
                title,
                held_on: at.today,
                participants: None,
                details: Details::default(),
            },
            model: false,
            model_id: None,
            photos: Vec::new(),
            location: None,
        };
        let activity = tx
            .log_activity(PersonId(me.id), UnitId(unit), &log, at.channel)
            .await?;
        tx.mark_visit(activity, HouseholdId(h.id)).await?;
        Ok(Reply::new(
            Msg::new("households-visit-logged").text("name", &h.name),
        ))
    }
}
