//! "1+10" households, each use case once for the chat, the command line and the dashboard: add a
//! household, assign it a cadre (more than ten a cadre is allowed and said), and read a unit's
//! coverage with its households and cadres.

use chrono::{DateTime, Datelike, Months, Utc};

use super::By;
use crate::domain::access::Action;
use crate::domain::household::{Coverage, USUAL_HOUSEHOLDS};
use crate::domain::ids::{HouseholdId, PersonId};
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::vn_time;
use crate::message::Msg;
use crate::store::Tx;
use crate::store::households::{Added, Assigner, AssignmentRow, CadreRow, HouseholdRow};

/// Why a use case was refused; each a Fluent message.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// No such household, or not one they may see (the same answer).
    NotFound,
    NotAllowed,
    /// The person to assign holds no role that the one assigning oversees.
    NotStaff,
}

impl Refused {
    pub fn msg(&self) -> Msg {
        match self {
            Refused::NotFound => Msg::new("household-not-found"),
            Refused::NotAllowed => Msg::new("not-allowed"),
            Refused::NotStaff => Msg::new("household-not-staff"),
        }
    }
}

/// A household to add.
#[derive(Debug, Clone)]
pub struct NewHousehold<'a> {
    pub unit_id: i64,
    pub name: &'a str,
    /// Its village group and address, when known.
    pub place: Option<(&'a str, &'a str)>,
    pub cadre: Option<i64>,
}

/// Adds a household (or finds the one at its place): staff who may assign in its unit, or a
/// cadre adding one they accompany themselves in a unit they log in.
pub async fn add(
    tx: &mut Tx,
    by: By<'_>,
    new: &NewHousehold<'_>,
    units: &UnitDirectory,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Added, Refused>> {
    let unit_id = new.unit_id;
    let own = matches!(by, By::Person { id, .. } if new.cadre == Some(id))
        && by.allows(Action::Log { unit_id }, units);
    if !own && !by.allows(Action::AssignHouseholds { unit_id }, units) {
        return Ok(Err(Refused::NotAllowed));
    }
    if let Some(cadre) = new.cadre
        && !own
        && !assignable(tx, by, cadre, units).await?
    {
        return Ok(Err(Refused::NotStaff));
    }
    Ok(Ok(tx
        .add_household(
            unit_id,
            new.cadre.map(|cadre| (cadre, assigner(by))),
            new.name,
            new.place,
            now,
        )
        .await?))
}

/// How a household's history names who assigned it.
fn assigner<'a>(by: By<'a>) -> Assigner<'a> {
    match by {
        By::Operator => Assigner::Operator,
        By::Login { name, .. } => Assigner::Login(name),
        By::Person { id, .. } => Assigner::Person(id),
    }
}

/// What an assignment did.
#[derive(Debug, Clone)]
pub struct Assigned {
    pub household: HouseholdRow,
    /// How many households the cadre accompanies now (0 when the household was left without).
    pub cadre_households: i64,
}

impl Assigned {
    /// The cadre now accompanies more than the model's ten: allowed, and said.
    pub fn over(&self) -> bool {
        self.cadre_households > USUAL_HOUSEHOLDS as i64
    }

    /// What the one who assigned is told.
    pub fn msg(&self, cadre: Option<i64>) -> Msg {
        match cadre {
            Some(cadre) => Msg::new("household-assigned")
                .text("name", &self.household.name)
                .number("cadre", cadre)
                .number("count", self.cadre_households)
                .number("usual", USUAL_HOUSEHOLDS as i64)
                .text("over", if self.over() { "yes" } else { "no" }),
            None => Msg::new("household-unassigned").text("name", &self.household.name),
        }
    }
}

/// The household (by join code or id) is accompanied by `cadre` from now on, or by no one; its
/// history keeps who did it and when.
pub async fn assign(
    tx: &mut Tx,
    by: By<'_>,
    household: &str,
    cadre: Option<i64>,
    units: &UnitDirectory,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Assigned, Refused>> {
    let Some(found) = tx.household(household.trim()).await? else {
        return Ok(Err(Refused::NotFound));
    };
    if !by.allows(
        Action::AssignHouseholds {
            unit_id: found.unit_id,
        },
        units,
    ) {
        return Ok(Err(Refused::NotFound));
    }
    if let Some(cadre) = cadre
        && !assignable(tx, by, cadre, units).await?
    {
        return Ok(Err(Refused::NotStaff));
    }
    let cadre_households = tx
        .assign_household(
            HouseholdId(found.id),
            cadre.map(PersonId),
            assigner(by),
            now,
        )
        .await?;
    Ok(Ok(Assigned {
        household: HouseholdRow {
            cadre_id: cadre,
            ..found
        },
        cadre_households,
    }))
}

/// Whether `person` holds a role on a unit where `by` may assign households.
async fn assignable(
    tx: &mut Tx,
    by: By<'_>,
    person: i64,
    units: &UnitDirectory,
) -> anyhow::Result<bool> {
    Ok(tx
        .role_units(person)
        .await?
        .into_iter()
        .any(|unit_id| by.allows(Action::AssignHouseholds { unit_id }, units)))
}

/// Months of visits the commune sees: this one and the five before.
const VISIT_MONTHS: u32 = 6;

/// Most households a page or a listing shows; the coverage counts them all.
pub const LISTED: i64 = 200;

/// A unit's "1+10" as staff see it.
#[derive(Debug, Clone)]
pub struct StaffView {
    pub coverage: Coverage,
    /// Those without a cadre first; at most [`LISTED`].
    pub households: Vec<HouseholdRow>,
    /// Everyone with a role there, those with the most households first.
    pub cadres: Vec<CadreRow>,
    /// Those of them `by` may assign households to: the forms' choices.
    pub assignable: Vec<CadreRow>,
}

/// Coverage in `unit` and below as of `now` (visits over the last six months), with its
/// households and cadres, for staff who oversee it.
pub async fn overview(
    tx: &mut Tx,
    by: By<'_>,
    unit_id: i64,
    units: &UnitDirectory,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<StaffView, Refused>> {
    let coverage = match coverage(tx, by, unit_id, units, now).await? {
        Ok(coverage) => coverage,
        Err(refused) => return Ok(Err(refused)),
    };
    let subtree = units.subtree(unit_id);
    let cadres = tx.cadres_in(&subtree).await?;
    let assignable = cadres
        .iter()
        .filter(|k| by.allows(Action::AssignHouseholds { unit_id: k.unit_id }, units))
        .cloned()
        .collect();
    Ok(Ok(StaffView {
        coverage,
        households: tx.households_in(&subtree, LISTED).await?,
        cadres,
        assignable,
    }))
}

/// Coverage alone in `unit` and below as of `now`, with the visits of this month and the five
/// before, for staff who oversee it: one read over the unit's subtree (the overview's figures).
pub async fn coverage(
    tx: &mut Tx,
    by: By<'_>,
    unit_id: i64,
    units: &UnitDirectory,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Coverage, Refused>> {
    if !by.allows(Action::Oversee { unit_id }, units) {
        return Ok(Err(Refused::NotAllowed));
    }
    let today = vn_time::local_date(now);
    let from = today
        .with_day(1)
        .and_then(|first| first.checked_sub_months(Months::new(VISIT_MONTHS - 1)))
        .expect("a month five months back has a first day");
    Ok(Ok(tx.household_coverage(unit_id, now, from).await?))
}

/// A household as its page shows it: what it is and who gave it to which cadre when.
#[derive(Debug, Clone)]
pub struct HouseholdHistory {
    pub household: HouseholdRow,
    /// Newest first.
    pub assignments: Vec<AssignmentRow>,
}

/// The household (by join code or id) with its assignments, for staff who oversee its unit.
pub async fn history(
    tx: &mut Tx,
    by: By<'_>,
    household: &str,
    units: &UnitDirectory,
) -> anyhow::Result<Result<HouseholdHistory, Refused>> {
    let Some(household) = tx.household(household.trim()).await? else {
        return Ok(Err(Refused::NotFound));
    };
    if !by.allows(
        Action::Oversee {
            unit_id: household.unit_id,
        },
        units,
    ) {
        return Ok(Err(Refused::NotFound));
    }
    let assignments = tx.household_assignments(household.id).await?;
    Ok(Ok(HouseholdHistory {
        household,
        assignments,
    }))
}
