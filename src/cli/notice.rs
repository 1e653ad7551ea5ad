//! `danvan notice …`: notices of new directives, created from a file, sent, cancelled, followed.

use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::unit_ids;
use crate::app;
use crate::domain::notice::{NoticeFile, NoticeStatus, Reach};
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::vn_time;
use crate::store::notices::NewNotice;
use crate::store::{DatabaseSource, Store};

#[derive(Subcommand)]
pub enum NoticeCommand {
    /// Create a draft from a TOML file (see examples/notice.toml); prints its id.
    Create { file: PathBuf },
    /// Send a draft: at its send_at, or now.
    Send { id: i64 },
    /// Stop a notice; what was not sent yet is not sent.
    Cancel { id: i64 },
    /// Targeted, sent, failed, blocked, read and questions, in all and per unit.
    Status { id: i64 },
}

pub async fn run(command: NoticeCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    let store = Store::open(source, 2).await?;
    match command {
        NoticeCommand::Create { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let notice =
                NoticeFile::parse(&text).with_context(|| format!("reading {}", file.display()))?;
            let (_, units) = store.unit_directory().await?;
            let unit_ids = unit_ids(&notice.target.units, &units)?;
            let send_at = notice.send_time()?;
            let id = store
                .create_notice(&NewNotice {
                    texts: notice.texts(),
                    directive: notice.directive.clone(),
                    issuer: notice.issuer.clone(),
                    link: notice.link.clone(),
                    unit_ids,
                    roles: notice.target.roles.clone(),
                    languages: notice.target.languages.clone(),
                    send_at,
                    quiet_hours: notice.quiet_hours,
                    urgent: notice.urgent,
                    created_by: None,
                    attachment: notice.attachment(),
                    consultation: None,
                })
                .await?;
            println!("{id}");
            eprintln!("draft notice {id} created; `danvan notice send {id}` sends it");
        }
        NoticeCommand::Send { id } => match store.schedule_notice(id, Utc::now()).await? {
            Some(at) => println!(
                "notice {id} goes out at {} (Vietnam time) through `danvan serve`",
                vn_time::format(at)
            ),
            None => bail!("notice {id} is not a draft (or does not exist)"),
        },
        NoticeCommand::Cancel { id } => match store.cancel_notice(id).await? {
            Some(stopped) => println!("notice {id} cancelled; {stopped} deliveries stopped"),
            None => bail!("notice {id} does not exist or was cancelled already"),
        },
        NoticeCommand::Status { id } => {
            let (_, units) = store.unit_directory().await?;
            let status = app::notices::status(&store, id, app::notices::Viewer::Operator, &units)
                .await?
                .with_context(|| format!("no notice {id}"))?;
            print!("{}", describe_status(id, &status, &units, Utc::now()));
        }
    }
    Ok(())
}

fn describe_status(
    id: i64,
    status: &NoticeStatus,
    units: &UnitDirectory,
    now: DateTime<Utc>,
) -> String {
    let line = |name: &str, r: &Reach| {
        format!(
            "{name:<40} {:>9} {:>9} {:>9} {:>7} {:>13} {:>8} {:>9} {:>9} {:>6} {:>9}\n",
            r.targeted,
            r.sent,
            r.pending,
            r.failed,
            r.undeliverable,
            r.blocked,
            r.cancelled,
            r.delivered,
            r.read,
            r.questions
        )
    };
    let mut out = format!(
        "notice {id}: {}, send at {}\n",
        status.phase(now).code(),
        status
            .send_at
            .map_or("not scheduled".to_owned(), vn_time::format)
    );
    out.push_str(&format!(
        "{:<40} {:>9} {:>9} {:>9} {:>7} {:>13} {:>8} {:>9} {:>9} {:>6} {:>9}\n",
        "",
        "targeted",
        "sent",
        "pending",
        "failed",
        "undeliverable",
        "blocked",
        "cancelled",
        "delivered",
        "read",
        "questions"
    ));
    out.push_str(&line("total", &status.totals));
    for (unit, reach) in &status.units {
        let name = unit
            .and_then(|id| units.by_id(id))
            .map_or("(no unit)".to_owned(), |u| format!("{} {}", u.code, u.name));
        out.push_str(&line(&name, reach));
    }
    for (reason, count) in &status.failures {
        out.push_str(&format!("failed {count}: {reason}\n"));
    }
    out
}
