//! `danvan household …`: "1+10" households from the command line, through the same use cases as
//! the chat and the dashboard: a unit's coverage, cadres and households; adding one; assigning
//! a cadre.

use anyhow::Context;
use chrono::Utc;
use clap::Subcommand;

use crate::app::By;
use crate::app::households::{self, NewHousehold, Refused};
use crate::domain::household::USUAL_HOUSEHOLDS;
use crate::domain::unit_directory::UnitDirectory;
use crate::i18n::Localizer;
use crate::message::Lang;
use crate::store::{DatabaseSource, Store};

#[derive(Subcommand)]
pub enum HouseholdCommand {
    /// A unit's coverage, its cadres (how many households each) and its households, those
    /// without a cadre first.
    List {
        /// Unit code; everything below it counts.
        #[arg(long)]
        unit: String,
    },
    /// Add a household; prints the code its members send (`/ho CODE`).
    Add {
        /// Unit code.
        #[arg(long)]
        unit: String,
        name: String,
        /// Village group (thôn, xóm, tổ dân phố) and address: a household at a place that has
        /// one already is that one.
        #[arg(long, requires = "address")]
        village: Option<String>,
        #[arg(long, requires = "village")]
        address: Option<String>,
        /// The cadre who accompanies it (their number, as `list` shows it).
        #[arg(long)]
        cadre: Option<i64>,
    },
    /// A cadre accompanies the household (by code or id) from now on; more than ten is allowed
    /// and said.
    Assign {
        household: String,
        #[arg(long, required_unless_present = "none")]
        cadre: Option<i64>,
        /// Leave the household without a cadre.
        #[arg(long, conflicts_with = "cadre")]
        none: bool,
    },
}

pub async fn run(command: HouseholdCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    let store = Store::open(source, 2).await?;
    let (_, units) = store.unit_directory().await?;
    let mut tx = store.begin().await?;
    let now = Utc::now();
    match command {
        HouseholdCommand::List { unit } => {
            let unit = unit_id(&units, &unit)?;
            let view = households::overview(&mut tx, By::Operator, unit, &units, now)
                .await?
                .map_err(refusal)?;
            let c = &view.coverage;
            println!(
                "{} households, {} with a cadre; {} residents accompanied; {} cadres, {} with more than {USUAL_HOUSEHOLDS}; {} households no notice reached in 30 days",
                c.households, c.with_cadre, c.accompanied, c.cadres, c.cadres_over, c.unreached
            );
            for (month, visits) in &c.visits {
                println!("visits {}: {visits}", month.format("%Y-%m"));
            }
            for cadre in &view.cadres {
                let over = cadre.households > USUAL_HOUSEHOLDS as i64;
                println!(
                    "cadre {:<6} {:<6} {:<28} {:<14} {:>3} households{}",
                    cadre.id,
                    cadre.role.0.as_str(),
                    unit_name(&units, cadre.unit_id),
                    match (&cadre.channel, &cadre.address_tail) {
                        (Some(channel), Some(tail)) => format!("{channel} …{tail}"),
                        _ => "–".to_owned(),
                    },
                    cadre.households,
                    if over { "  MORE THAN 10" } else { "" }
                );
            }
            for h in &view.households {
                println!(
                    "{}  {:<30} {:<24} {:>2} members  cadre {}",
                    h.code,
                    h.name,
                    [h.village.as_deref(), h.address.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", "),
                    h.members,
                    h.cadre_id.map_or("-".to_owned(), |c| c.to_string())
                );
            }
        }
        HouseholdCommand::Add {
            unit,
            name,
            village,
            address,
            cadre,
        } => {
            let new = NewHousehold {
                unit_id: unit_id(&units, &unit)?,
                name: &name,
                place: village.as_deref().zip(address.as_deref()),
                cadre,
            };
            let added = households::add(&mut tx, By::Operator, &new, &units, now)
                .await?
                .map_err(refusal)?;
            println!("{}: members send /ho {}", added.name, added.code);
        }
        HouseholdCommand::Assign {
            household,
            cadre,
            none: _,
        } => {
            let done = households::assign(&mut tx, By::Operator, &household, cadre, &units, now)
                .await?
                .map_err(refusal)?;
            println!("{}", Localizer::new().render(&done.msg(cadre), Lang::En));
        }
    }
    tx.commit().await
}

/// The operator reads English, as the rest of the command line speaks it.
fn refusal(refused: Refused) -> anyhow::Error {
    anyhow::anyhow!(Localizer::new().render(&refused.msg(), Lang::En))
}

fn unit_id(units: &UnitDirectory, code: &str) -> anyhow::Result<i64> {
    Ok(units
        .by_code(code)
        .with_context(|| format!("no unit has the code {code}"))?
        .id)
}

fn unit_name(units: &UnitDirectory, id: i64) -> &str {
    units.by_id(id).map_or("?", |u| u.name.as_str())
}
