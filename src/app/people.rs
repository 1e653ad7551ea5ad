//! A person's own data, per Law 91/2025/QH15: what is kept about them, erasing it, and the chats
//! they are reached through linked into one person. The same whichever channel (or, next, the
//! dashboard) asks.

use chrono::{DateTime, Utc};

use crate::domain::dialogue::linking::{LinkRefused, Linked};
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

/// Links the chat that sent `code` (whose person, if it signed up, is `me`) to the person who
/// asked for the code in another chat: a chat that had not signed up joins them; one that had
/// makes the two people one, the newer sign-up kept ([`Tx::merge_people`]). The code works once.
pub async fn link(
    tx: &mut Tx,
    channel: &str,
    address: &str,
    me: Option<i64>,
    code: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Linked, LinkRefused>> {
    if tx.link_tries_used_up(channel, address, now).await? {
        return Ok(Err(LinkRefused::TooManyTries));
    }
    // While someone guesses, no code is even looked up: the right one would tell them so.
    if tx.link_guessing(now).await? {
        return Ok(Err(LinkRefused::Guessing));
    }
    let Some(found) = tx.link_code(code, now).await? else {
        tx.count_wrong_link_code(channel, address, now).await?;
        return Ok(Err(LinkRefused::Wrong));
    };
    let refused = if (found.channel.as_str(), found.address.as_str()) == (channel, address) {
        Some(LinkRefused::SameChat)
    } else if me == Some(found.person_id) {
        Some(LinkRefused::Already)
    } else if found.spent {
        Some(LinkRefused::Expired)
    } else {
        None
    };
    if let Some(refused) = refused {
        return Ok(Err(refused));
    }
    let person = match me {
        Some(me) => tx.merge_people(me, found.person_id).await?,
        None => tx.join_person(channel, address, found.person_id).await?,
    };
    tx.spend_link_code(code, now).await?;
    Ok(Ok(Linked {
        merged: me.is_some(),
        unit_id: person.unit_id,
        lang: person.lang,
    }))
}
