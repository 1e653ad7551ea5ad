//! The application layer: each use case written once, between the front doors (chat effects in
//! the engine, the command line and the dashboard) and storage. A use case takes the
//! transaction it runs in; scope checks go through `domain::access::authorize`.

pub mod consultations;
pub mod households;
pub mod invites;
pub mod logins;
pub mod notices;
pub mod people;
pub mod reports;
pub mod surveys;
pub mod tickets;

use crate::domain::access::{Action, Actor, authorize};
use crate::domain::unit_directory::UnitDirectory;

/// Who acts as staff: on a ticket, a consultation.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    /// The command line: whoever runs it holds the database already.
    Operator,
    /// A cadre or admin in chat.
    Person { actor: &'a Actor, id: i64 },
    /// Someone signed in to the dashboard.
    Login { actor: &'a Actor, name: &'a str },
}

impl By<'_> {
    /// How a ticket's history (or a record's author) names them.
    pub fn label(&self) -> String {
        match self {
            By::Operator => "cli".to_owned(),
            By::Person { id, .. } => format!("person:{id}"),
            By::Login { name, .. } => format!("login:{name}"),
        }
    }

    /// Whether they may handle the tickets of `unit_id`: cadres and admins of it or above.
    pub fn may(&self, unit_id: i64, units: &UnitDirectory) -> bool {
        self.allows(Action::Answer { unit_id }, units)
    }

    /// Whether they may do `action`; the operator may do anything.
    pub fn allows(&self, action: Action, units: &UnitDirectory) -> bool {
        match self {
            By::Operator => true,
            By::Person { actor, .. } | By::Login { actor, .. } => {
                authorize(actor, action, units).is_ok()
            }
        }
    }

    /// The units whose tickets they handle.
    pub fn scope(&self, units: &UnitDirectory) -> Vec<i64> {
        let grants = match self {
            By::Operator => return units.all().map(|u| u.id).collect(),
            By::Person { actor, .. } | By::Login { actor, .. } => &actor.grants,
        };
        let mut ids: Vec<i64> = grants
            .iter()
            .flat_map(|g| units.subtree(g.unit_id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}
