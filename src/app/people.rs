//! A person's own data, per Law 91/2025/QH15: what is kept about them, and erasing it. The same
//! whichever channel (or, next, the dashboard) asks.

use crate::domain::dialogue::signup::PersonData;
use crate::store::Tx;

/// Everything kept about the person, for `/mydata`.
pub async fn export(tx: &mut Tx, person: i64) -> anyhow::Result<PersonData> {
    tx.person_data(person).await
}

/// Deletes the person, their chats on every channel and their roles, and takes their named
/// survey answers out of the counts; only an anonymous count of erasures stays.
pub async fn erase(tx: &mut Tx, person: i64) -> anyhow::Result<()> {
    tx.erase(person).await
}
