//! `danvan inbox …`: platform updates that could not be handled.

use anyhow::bail;
use clap::Subcommand;

use crate::store::{DatabaseSource, Store};

#[derive(Subcommand)]
pub enum InboxCommand {
    /// List updates parked after failing every attempt, with their errors.
    Failed,
    /// Put parked updates back in line (the given ids, or all).
    Retry {
        ids: Vec<i64>,
        #[arg(long, conflicts_with = "ids")]
        all: bool,
    },
}

pub async fn run(command: InboxCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    let store = Store::open(source, 2).await?;
    match command {
        InboxCommand::Failed => {
            let failed = store.failed_events().await?;
            for f in &failed {
                println!(
                    "{}\t{} {}\t{} attempts\t{}\t{}",
                    f.id,
                    f.channel,
                    f.event_id,
                    f.attempts,
                    f.received_at.format("%Y-%m-%d %H:%M:%S"),
                    f.last_error
                );
            }
            eprintln!(
                "{} failed; `danvan inbox retry ID` or `--all` puts them back in line",
                failed.len()
            );
        }
        InboxCommand::Retry { ids, all } => {
            if ids.is_empty() && !all {
                bail!("give the ids to retry, or --all");
            }
            let n = store.retry_failed((!all).then_some(ids.as_slice())).await?;
            println!("{n} update(s) back in line");
        }
    }
    Ok(())
}
