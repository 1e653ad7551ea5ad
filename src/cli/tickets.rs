//! `danvan tickets …`: the staff queue and the moves on a ticket from the command line, through
//! the same use cases as chat and the dashboard; and the holidays that deadlines skip.

use anyhow::{Context, bail};
use chrono::{NaiveDate, Utc};
use clap::{Subcommand, ValueEnum};

use crate::app::tickets::{self, By};
use crate::domain::ids::{TicketId, UnitId};
use crate::domain::ticket::{self, Move, Status, Ticket};
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::vn_time;
use crate::i18n::Localizer;
use crate::message::{Lang, Msg};
use crate::store::tickets::{Filter, Which};
use crate::store::{DatabaseSource, Store, Tx};

#[derive(Subcommand)]
pub enum TicketsCommand {
    /// Tickets by due date, the overdue first.
    List {
        /// Only this unit (code) and below.
        #[arg(long)]
        unit: Option<String>,
        /// open (default), all, or one status: received, accepted, needs_info, answered,
        /// closed, rejected.
        #[arg(long, default_value = "open")]
        status: String,
        /// Words in the text, or a code.
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// One ticket with its history: by id, or by code with --unit.
    Show {
        ticket: String,
        /// The unit (code) whose province numbers the code.
        #[arg(long)]
        unit: Option<String>,
    },
    /// Accept, ask for more, answer, reject, close or reopen a ticket (by id); the resident is
    /// told in chat.
    Act {
        ticket: i64,
        #[arg(value_enum)]
        action: MoveArg,
        /// The answer, what is missing, or the reason.
        #[arg(default_value = "")]
        text: String,
    },
    /// Answer a ticket (by id).
    Answer { ticket: i64, text: String },
    /// Send a ticket to another unit of the province, with the reason.
    Transfer {
        ticket: i64,
        /// The unit's code.
        #[arg(long)]
        to: String,
        reason: String,
    },
    /// Close a ticket (by id).
    Close { ticket: i64 },
    /// Add a day off that deadlines skip (a lunar holiday, a swapped day): YYYY-MM-DD NAME.
    Holiday { day: NaiveDate, name: String },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MoveArg {
    Accept,
    AskMore,
    Answer,
    Reject,
    Close,
    Reopen,
}

impl From<MoveArg> for Move {
    fn from(m: MoveArg) -> Move {
        match m {
            MoveArg::Accept => Move::Accept,
            MoveArg::AskMore => Move::AskMore,
            MoveArg::Answer => Move::Answer,
            MoveArg::Reject => Move::Reject,
            MoveArg::Close => Move::Close,
            MoveArg::Reopen => Move::Reopen,
        }
    }
}

pub async fn run(command: TicketsCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    let store = Store::open(source, 2).await?;
    let (_, units) = store.unit_directory().await?;
    let mut tx = store.begin().await?;
    let now = Utc::now();
    match command {
        TicketsCommand::List {
            unit,
            status,
            search,
            limit,
        } => {
            let which = match status.as_str() {
                "open" => Which::Open,
                "all" => Which::All,
                code => Which::Only(Status::parse(code).with_context(|| {
                    format!("no status {code:?} (open, all, received, accepted, needs_info, answered, closed, rejected)")
                })?),
            };
            let filter = Filter {
                unit_ids: unit
                    .map(|c| unit_id(&units, &c))
                    .transpose()?
                    .into_iter()
                    .collect(),
                which,
                search,
                ..Filter::default()
            };
            let (list, total, overdue) =
                tickets::queue(&mut tx, By::Operator, filter, &units, (limit, 0), now).await?;
            println!("{total} tickets, {overdue} overdue");
            for t in &list {
                println!("{}", line(t, &units, now));
            }
        }
        TicketsCommand::Show { ticket, unit } => {
            let id = find(&mut tx, &units, &ticket, unit.as_deref()).await?;
            let (t, events) = tickets::show(&mut tx, By::Operator, id, &units)
                .await?
                .context("no such ticket")?;
            println!("{}", line(&t, &units, now));
            println!("{}", t.text);
            if let Some((lat, lon)) = t.location {
                println!("location {lat},{lon}");
            }
            if !t.photos.is_empty() {
                println!(
                    "{} photos (through {})",
                    t.photos.len(),
                    t.photos_channel.as_deref().unwrap_or("?")
                );
            }
            for e in events {
                println!(
                    "{}  {:<22} {:<16} {}",
                    vn_time::format(e.at),
                    e.action,
                    e.actor,
                    e.text.unwrap_or_default()
                );
            }
        }
        TicketsCommand::Act {
            ticket,
            action,
            text,
        } => {
            act(
                &mut tx,
                &units,
                TicketId(ticket),
                action.into(),
                &text,
                None,
            )
            .await?
        }
        TicketsCommand::Answer { ticket, text } => {
            act(&mut tx, &units, TicketId(ticket), Move::Answer, &text, None).await?
        }
        TicketsCommand::Transfer { ticket, to, reason } => {
            let to = unit_id(&units, &to)?;
            act(
                &mut tx,
                &units,
                TicketId(ticket),
                Move::Transfer,
                &reason,
                Some(UnitId(to)),
            )
            .await?
        }
        TicketsCommand::Close { ticket } => {
            act(&mut tx, &units, TicketId(ticket), Move::Close, "", None).await?
        }
        TicketsCommand::Holiday { day, name } => {
            if tx.add_holiday(day, &name).await? {
                println!("{day} is a day off: {name}");
            } else {
                println!("{day} was a day off already");
            }
        }
    }
    tx.commit().await
}

async fn act(
    tx: &mut Tx,
    units: &UnitDirectory,
    id: TicketId,
    done: Move,
    text: &str,
    to: Option<UnitId>,
) -> anyhow::Result<()> {
    match tickets::act(tx, By::Operator, id, done, text, to, units, Utc::now()).await? {
        Ok(t) => {
            println!("{}: {} → {}", t.code, done.code(), t.status.code());
            Ok(())
        }
        // The operator reads English, as the rest of the command line speaks it.
        Err(refused) => {
            let why = Localizer::new().render(&Msg::new(refused.msg_id()), Lang::En);
            bail!("ticket {}: {why}", id.0)
        }
    }
}

fn unit_id(units: &UnitDirectory, code: &str) -> anyhow::Result<i64> {
    Ok(units
        .by_code(code)
        .with_context(|| format!("no unit has the code {code}"))?
        .id)
}

/// A ticket's id from what was typed: an id, or a code within `unit`'s province.
async fn find(
    tx: &mut Tx,
    units: &UnitDirectory,
    typed: &str,
    unit: Option<&str>,
) -> anyhow::Result<i64> {
    let Some(code) = unit else {
        return typed
            .parse()
            .with_context(|| format!("{typed:?} is no ticket id (for a code, add --unit)"));
    };
    let number = ticket::parse_code(typed).with_context(|| format!("{typed:?} is no code"))?;
    let scope_unit = units.by_id(unit_id(units, code)?).expect("just found");
    let province = units.subtree(units.province_of(scope_unit).id);
    tx.unit_ticket_id(&province, number)
        .await?
        .with_context(|| format!("no ticket {typed} in that province"))
}

/// "#12 PA-0012 received  due 2026-01-08 09:00 OVERDUE  Xã Tiên Lữ  question  Text…"
fn line(t: &Ticket, units: &UnitDirectory, now: chrono::DateTime<Utc>) -> String {
    let unit = units.by_id(t.unit_id).map_or("?", |u| u.name.as_str());
    let excerpt: String = t.text.chars().take(60).collect();
    format!(
        "#{:<6} {:<8} {:<10} due {}{}  {}  {}{}  {}",
        t.id,
        t.code,
        t.status.code(),
        vn_time::format(t.answer_due),
        if t.overdue(now) { " OVERDUE" } else { "" },
        unit,
        t.kind.code(),
        t.category
            .as_deref()
            .map(|c| format!("/{c}"))
            .unwrap_or_default(),
        excerpt.replace('\n', " ")
    )
}
