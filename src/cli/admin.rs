//! `danvan admin …`: dashboard logins for committee staff.

use anyhow::bail;
use chrono::Utc;
use clap::Subcommand;

use super::unit_by_code;
use crate::app;
use crate::store::{DatabaseSource, Store};

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create a dashboard login for an admin of a unit (and everything below it); prints its
    /// one-time password, to be changed at the first sign-in.
    CreateLogin {
        /// The name to sign in with.
        name: String,
        /// Unit code, e.g. 33 for Hưng Yên.
        #[arg(long)]
        unit: String,
    },
    /// Disable a login: it can no longer sign in, and its open sessions end at their next request.
    Disable { name: String },
    /// Give a login a new one-time password (enabling it again if it was disabled); prints it.
    Reset { name: String },
}

pub async fn run(command: AdminCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateLogin { name, unit } => create_login(&name, &unit, source).await,
        AdminCommand::Disable { name } => {
            let store = Store::open(source, 2).await?;
            if !store.disable_login(&name).await? {
                bail!("no login named {name:?}");
            }
            println!("login {name:?} disabled; its sessions end at their next request");
            Ok(())
        }
        AdminCommand::Reset { name } => {
            let store = Store::open(source, 2).await?;
            let password = app::logins::reset(&store, &name, Utc::now()).await?;
            println!("{password}");
            eprintln!(
                "login {name:?} has the one-time password above; it works for {} days and must be changed at the first sign-in",
                app::logins::ONE_TIME_DAYS
            );
            Ok(())
        }
    }
}

async fn create_login(name: &str, unit: &str, source: &DatabaseSource) -> anyhow::Result<()> {
    let name = name.trim();
    if name.is_empty() {
        bail!("give the login a name");
    }
    let store = Store::open(source, 2).await?;
    crate::seed::demo_if_empty(&store).await?;
    let (_, units) = store.unit_directory().await?;
    let target = unit_by_code(&units, unit)?;
    let password = app::logins::create(&store, name, target.id, Utc::now()).await?;
    println!("{password}");
    eprintln!(
        "login {name:?} for {} ({}) created; the password above works for {} days and must be changed at the first sign-in",
        target.name,
        target.code,
        app::logins::ONE_TIME_DAYS
    );
    Ok(())
}
