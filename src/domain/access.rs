//! Who may do what: the one place where roles are checked. Every command a person sends is turned
//! into an [`Action`] and passed through [`authorize`] before anything happens.

use serde::{Deserialize, Serialize};

use super::unit_directory::UnitDirectory;

/// A role granted on a unit; it reaches the unit and everything below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Cadre,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cadre => "cadre",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match crate::domain::text::fold(s).as_str() {
            "cadre" | "can bo" => Some(Role::Cadre),
            "admin" | "quan tri" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub unit_id: i64,
}

/// The person behind a message, as far as permissions go.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// Agreed to data processing: a resident.
    pub registered: bool,
    pub grants: Vec<Grant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See or change one's own settings and data (/lang, /unit, /mydata, /forget, /stop, /start).
    ManageSelf,
    /// Redeem an invitation code (/join).
    RedeemInvite,
    /// Create an invitation for a role on a unit (/invite).
    Invite { role: Role, unit_id: i64 },
    /// Answer a resident's question about a notice, asked from this unit.
    Answer { unit_id: i64 },
    /// Write notices and read their reach (/notice, /status): admins of some unit.
    Compose,
    /// Log activities and see one's logs (/log, /mylogs): cadres and admins of some unit.
    Staff,
    /// Log an activity in this unit.
    Log { unit_id: i64 },
    /// Send a notice to this unit (and below), or read the reach of one sent there.
    Notify { unit_id: i64 },
    /// Read this unit's reports, survey results and figures, and run its surveys (the dashboard):
    /// admins of the unit or above.
    Oversee { unit_id: i64 },
    /// Assign cadres to the "1+10" households of this unit, or add households there: admins of
    /// the unit or above. (A cadre adds the households they accompany themselves as `Log`.)
    AssignHouseholds { unit_id: i64 },
    /// Import the official unit list for this unit and below: admins of a province (a unit at the
    /// top of the tree) it is in, since the list is the state's, not a commune's to rewrite.
    ImportUnits { unit_id: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// Only people who have signed up may do this.
    NotRegistered,
    /// The person lacks the role, or holds it outside the unit concerned.
    OutOfScope,
}

pub fn authorize(actor: &Actor, action: Action, units: &UnitDirectory) -> Result<(), Denied> {
    if !actor.registered {
        return Err(Denied::NotRegistered);
    }
    match action {
        Action::ManageSelf | Action::RedeemInvite => Ok(()),
        // Admins hand out cadre and admin roles within their own scope only.
        Action::Invite { unit_id, .. } => actor
            .grants
            .iter()
            .any(|g| g.role == Role::Admin && units.is_within(unit_id, g.unit_id))
            .then_some(())
            .ok_or(Denied::OutOfScope),
        Action::Compose => actor
            .grants
            .iter()
            .any(|g| g.role == Role::Admin)
            .then_some(())
            .ok_or(Denied::OutOfScope),
        Action::Notify { unit_id }
        | Action::Oversee { unit_id }
        | Action::AssignHouseholds { unit_id } => actor
            .grants
            .iter()
            .any(|g| g.role == Role::Admin && units.is_within(unit_id, g.unit_id))
            .then_some(())
            .ok_or(Denied::OutOfScope),
        Action::ImportUnits { unit_id } => actor
            .grants
            .iter()
            .any(|g| {
                g.role == Role::Admin
                    && units
                        .by_id(g.unit_id)
                        .is_some_and(|u| u.parent_id.is_none())
                    && units.is_within(unit_id, g.unit_id)
            })
            .then_some(())
            .ok_or(Denied::OutOfScope),
        Action::Staff => (!actor.grants.is_empty())
            .then_some(())
            .ok_or(Denied::OutOfScope),
        // Cadres and admins answer the residents of their own scope, and log activities there.
        Action::Answer { unit_id } | Action::Log { unit_id } => actor
            .grants
            .iter()
            .any(|g| units.is_within(unit_id, g.unit_id))
            .then_some(())
            .ok_or(Denied::OutOfScope),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::units::Unit;

    fn units() -> UnitDirectory {
        let unit = |id, parent| Unit {
            id,
            code: id.to_string(),
            name: format!("Unit {id}"),
            name_en: String::new(),
            division_type: String::new(),
            parent_id: parent,
            retired: false,
        };
        UnitDirectory::new(vec![
            unit(1, None),
            unit(2, Some(1)),
            unit(3, Some(1)),
            unit(9, None),
        ])
    }

    #[test]
    fn every_action_for_every_role() {
        let units = units();
        let actor = |grants: Vec<Grant>| Actor {
            registered: true,
            grants,
        };
        let resident = actor(vec![]);
        let cadre = actor(vec![Grant {
            role: Role::Cadre,
            unit_id: 1,
        }]);
        let commune_admin = actor(vec![Grant {
            role: Role::Admin,
            unit_id: 2,
        }]);
        let province_admin = actor(vec![Grant {
            role: Role::Admin,
            unit_id: 1,
        }]);
        let stranger = Actor::default();
        let invite = |unit_id| Action::Invite {
            role: Role::Cadre,
            unit_id,
        };
        let answer = |unit_id| Action::Answer { unit_id };
        let notify = |unit_id| Action::Notify { unit_id };
        let import = |unit_id| Action::ImportUnits { unit_id };
        let assign = |unit_id| Action::AssignHouseholds { unit_id };
        use Denied::*;
        let table: Vec<(&Actor, Action, Result<(), Denied>)> = vec![
            (&stranger, Action::ManageSelf, Err(NotRegistered)),
            (&stranger, Action::RedeemInvite, Err(NotRegistered)),
            (&stranger, invite(2), Err(NotRegistered)),
            (&resident, Action::ManageSelf, Ok(())),
            (&resident, Action::RedeemInvite, Ok(())),
            (&resident, invite(2), Err(OutOfScope)),
            (&cadre, Action::ManageSelf, Ok(())),
            (&cadre, invite(2), Err(OutOfScope)),
            (&commune_admin, invite(2), Ok(())),
            (&commune_admin, invite(3), Err(OutOfScope)),
            (&commune_admin, invite(1), Err(OutOfScope)),
            (&province_admin, invite(1), Ok(())),
            (&province_admin, invite(3), Ok(())),
            (&province_admin, invite(9), Err(OutOfScope)),
            (&resident, answer(2), Err(OutOfScope)),
            (&cadre, answer(2), Ok(())),
            (&cadre, answer(9), Err(OutOfScope)),
            (&commune_admin, answer(2), Ok(())),
            (&commune_admin, answer(3), Err(OutOfScope)),
            (&cadre, Action::Compose, Err(OutOfScope)),
            (&commune_admin, Action::Compose, Ok(())),
            (&commune_admin, notify(2), Ok(())),
            (&commune_admin, notify(3), Err(OutOfScope)),
            (&commune_admin, notify(1), Err(OutOfScope)),
            (&province_admin, notify(3), Ok(())),
            (&cadre, notify(2), Err(OutOfScope)),
            (&commune_admin, Action::Oversee { unit_id: 2 }, Ok(())),
            (
                &commune_admin,
                Action::Oversee { unit_id: 3 },
                Err(OutOfScope),
            ),
            (&province_admin, Action::Oversee { unit_id: 2 }, Ok(())),
            (&cadre, Action::Oversee { unit_id: 2 }, Err(OutOfScope)),
            (
                &stranger,
                Action::Oversee { unit_id: 2 },
                Err(NotRegistered),
            ),
            (&resident, Action::Staff, Err(OutOfScope)),
            (&cadre, Action::Staff, Ok(())),
            (&cadre, Action::Log { unit_id: 3 }, Ok(())),
            (&commune_admin, Action::Log { unit_id: 3 }, Err(OutOfScope)),
            (&province_admin, import(1), Ok(())),
            (&province_admin, import(2), Ok(())),
            (&province_admin, import(9), Err(OutOfScope)),
            (&commune_admin, import(2), Err(OutOfScope)),
            (&cadre, import(1), Err(OutOfScope)),
            (&commune_admin, assign(2), Ok(())),
            (&commune_admin, assign(3), Err(OutOfScope)),
            (&province_admin, assign(3), Ok(())),
            (&cadre, assign(1), Err(OutOfScope)),
            (&stranger, assign(2), Err(NotRegistered)),
        ];
        for (who, action, expected) in table {
            assert_eq!(
                authorize(who, action, &units),
                expected,
                "{who:?} {action:?}"
            );
        }
    }
}
