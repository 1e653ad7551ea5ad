//! `danvan zalo …`: the Zalo Official Account's upkeep.

use anyhow::bail;
use clap::Subcommand;

use crate::store::{DatabaseSource, Store};

#[derive(Subcommand)]
pub enum ZaloCommand {
    /// Replace the OA's refresh token (after Zalo revoked it, or it lapsed unused for 3 months).
    RefreshToken {
        /// A new refresh token from the Zalo developer console; without it, read from standard
        /// input (so that it shows in no process list or shell history).
        token: Option<String>,
    },
}

pub async fn run(command: ZaloCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    let ZaloCommand::RefreshToken { token } = command;
    let token = match token {
        Some(token) => token,
        None => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line
        }
    };
    let token = token.trim();
    if token.is_empty() {
        bail!("no refresh token given");
    }
    let store = Store::open(source, 2).await?;
    store
        .replace_refresh_token(crate::channels::zalo_oa::adapt::CHANNEL, token)
        .await?;
    println!("stored the new Zalo OA refresh token; serve uses it at its next refresh");
    Ok(())
}
