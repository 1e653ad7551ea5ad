//! `danvan invite create`: a code that grants a role on a unit.

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Subcommand, ValueEnum};

use super::unit_by_code;
use crate::app;
use crate::domain::access::{Grant, Role};
use crate::domain::vn_time;
use crate::store::{DatabaseSource, Store};

#[derive(Subcommand)]
pub enum InviteCommand {
    /// Print a code that grants a role on a unit to whoever sends `/join CODE`.
    Create {
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Official unit code, e.g. 12745.
        #[arg(long)]
        unit: String,
        #[arg(long, default_value_t = 1)]
        uses: u32,
        /// Last day the code works (YYYY-MM-DD, Vietnam time), or a number of days such as 7d.
        #[arg(long, default_value = "7d")]
        expires: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Cadre,
    Admin,
}

pub async fn run(command: InviteCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    let InviteCommand::Create {
        role,
        unit,
        uses,
        expires,
    } = command;
    let store = Store::open(source, 2).await?;
    let (_, units) = store.unit_directory().await?;
    let target = unit_by_code(&units, &unit)?;
    let role = match role {
        RoleArg::Cadre => Role::Cadre,
        RoleArg::Admin => Role::Admin,
    };
    let expires_at = parse_expiry(&expires, Utc::now())?;
    let mut tx = store.begin().await?;
    let grant = Grant {
        role,
        unit_id: target.id,
    };
    let code =
        app::invites::create(&mut tx, &grant, uses, expires_at, app::invites::Issuer::Cli).await?;
    tx.commit().await?;
    println!("{code}");
    eprintln!(
        "{} for {} ({}), {uses} use(s), valid until {} UTC; the recipient sends: /join {code}",
        role.as_str(),
        target.name,
        target.code,
        expires_at.format("%Y-%m-%d %H:%M")
    );
    Ok(())
}

/// "7d" from now, or the end of a day in Vietnam time.
fn parse_expiry(text: &str, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
    if let Some(days) = text.strip_suffix('d') {
        let days: i64 = days
            .parse()
            .with_context(|| format!("not a number of days: {text}"))?;
        return Ok(now + chrono::Duration::days(days));
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .with_context(|| format!("not a date (YYYY-MM-DD) or 7d: {text}"))?;
    let end = date.and_hms_opt(23, 59, 59).expect("valid time");
    let at = vn_time::from_local(end).context("not a time in Vietnam")?;
    if at < now {
        bail!("{text} is in the past");
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn expiry_is_a_day_count_or_the_end_of_a_vietnamese_day() {
        let now = Utc.with_ymd_and_hms(2025, 11, 26, 0, 0, 0).unwrap();
        assert_eq!(
            parse_expiry("7d", now).unwrap(),
            Utc.with_ymd_and_hms(2025, 12, 3, 0, 0, 0).unwrap()
        );
        assert_eq!(
            parse_expiry("2025-12-31", now).unwrap(),
            Utc.with_ymd_and_hms(2025, 12, 31, 16, 59, 59).unwrap()
        );
        assert!(parse_expiry("2020-01-01", now).is_err());
        assert!(parse_expiry("soon", now).is_err());
    }
}
