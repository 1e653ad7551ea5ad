//! Invitations that grant a role on a unit and everything below it.

use chrono::{DateTime, Utc};

use crate::domain::access::Grant;
use crate::store::Tx;

/// Who made an invitation, kept with it for the record.
pub enum Issuer {
    Cli,
    Person(i64),
    /// A dashboard login.
    Login(i64),
}

/// Makes an invitation for `grant`, usable `uses` times until `expires`; returns the code to give.
pub async fn create(
    tx: &mut Tx,
    grant: &Grant,
    uses: u32,
    expires: DateTime<Utc>,
    issuer: Issuer,
) -> anyhow::Result<String> {
    let issued_by = match issuer {
        Issuer::Cli => "cli".to_owned(),
        Issuer::Person(id) => format!("person:{id}"),
        Issuer::Login(id) => format!("login:{id}"),
    };
    let uses = i32::try_from(uses).unwrap_or(i32::MAX);
    tx.create_invite(grant, uses, expires, &issued_by).await
}
