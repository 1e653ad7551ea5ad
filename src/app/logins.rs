//! Staff logins for the dashboard: one-time passwords, hashing with Argon2id, checking a sign-in,
//! and the password a person chooses at first sign-in.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use rand::Rng;

use crate::domain::access::{Actor, Grant, Role};
use crate::store::Store;
use crate::store::logins::Login;

/// Shortest password a person may choose.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Letters of a one-time password: no 0/O, 1/l/I to misread when it is read out.
const ONE_TIME_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const ONE_TIME_LEN: usize = 16;

/// A fresh one-time password (about 80 bits).
pub fn one_time_password() -> String {
    let mut rng = rand::rng();
    (0..ONE_TIME_LEN)
        .map(|_| ONE_TIME_ALPHABET[rng.random_range(0..ONE_TIME_ALPHABET.len())] as char)
        .collect()
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

fn matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Longest name a login may have.
pub const MAX_NAME_CHARS: usize = 100;

/// Creates a login for an admin of `unit_id`; returns its one-time password, given `now`.
pub async fn create(
    store: &Store,
    name: &str,
    unit_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    anyhow::ensure!(
        !name.trim().is_empty()
            && name.chars().count() <= MAX_NAME_CHARS
            && !name.chars().any(char::is_control),
        "a login's name is 1 to {MAX_NAME_CHARS} characters, none of them control characters"
    );
    let password = one_time_password();
    store
        .create_login(name, unit_id, &hash(&password)?, now)
        .await?;
    Ok(password)
}

/// A new one-time password for the login `name`, given `now`, enabled again if it was disabled.
pub async fn reset(store: &Store, name: &str, now: DateTime<Utc>) -> anyhow::Result<String> {
    let password = one_time_password();
    anyhow::ensure!(
        store.reset_login(name, &hash(&password)?, now).await?,
        "no login named {name:?}"
    );
    Ok(password)
}

/// The demo's login for an admin of `unit_id`, with a fresh password each run that need not be
/// changed (whoever runs the demo reads it in their terminal).
pub async fn demo(
    store: &Store,
    name: &str,
    unit_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let password = one_time_password();
    let id = match store.login_named(name).await? {
        Some(login) => login.id,
        None => {
            store
                .create_login(name, unit_id, &hash(&password)?, now)
                .await?
        }
    };
    store.set_password(id, &hash(&password)?, now).await?;
    Ok(password)
}

/// Days a one-time password works after it is given: time to hand it over, not a standing key.
pub const ONE_TIME_DAYS: i64 = 7;

/// Why a sign-in is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefused {
    /// No enabled login of that name, or not its password.
    Wrong,
    /// The right one-time password, given more than [`ONE_TIME_DAYS`] ago.
    OneTimeLapsed,
}

/// The login `name` when `password` is its password (a one-time password only within
/// [`ONE_TIME_DAYS`] of `now`). A missing name costs the same hashing as a wrong password, so
/// timing tells nothing about which names exist.
pub async fn check(
    store: &Store,
    name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Login, SignInRefused>> {
    let name = name.trim();
    // A name no login has (PostgreSQL's text holds no NUL; no name is that long) is not looked
    // up, but the password is still checked, against nothing: it is just a wrong name.
    let possible = !name.contains('\0') && name.chars().count() <= MAX_NAME_CHARS;
    let login = match possible {
        true => store.login_named(name).await?,
        false => None,
    };
    let stored = login
        .as_ref()
        .map_or(DUMMY_HASH, |l| l.password_hash.as_str());
    let ok = {
        let (password, stored) = (password.to_owned(), stored.to_owned());
        tokio::task::spawn_blocking(move || matches(&password, &stored)).await?
    };
    Ok(match login.filter(|_| ok) {
        None => Err(SignInRefused::Wrong),
        Some(login)
            if login.must_change
                && now - login.password_set_at > chrono::Duration::days(ONE_TIME_DAYS) =>
        {
            Err(SignInRefused::OneTimeLapsed)
        }
        Some(login) => Ok(login),
    })
}

/// An Argon2id hash of nothing anyone types, checked against when the name is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0sUpSQ3V0w8JPq2hU3HnZPdpGTxhDP2Y4Vm0LQO3qjI";

/// Why a chosen password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordRefused {
    TooShort,
    Mismatch,
    /// The same as the one-time password.
    Unchanged,
    /// The current password, asked for any change but the first, was not given right.
    WrongCurrent,
}

/// Sets `login`'s own password after checking the choice.
/// `current` is asked for unless the login still has its one-time password (it was just typed to
/// sign in): a session left open on a shared computer must not be enough to take the login.
pub async fn change_password(
    store: &Store,
    login: &Login,
    current: &str,
    new: &str,
    repeated: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(), PasswordRefused>> {
    if !login.must_change {
        let (current, stored) = (current.to_owned(), login.password_hash.clone());
        if !tokio::task::spawn_blocking(move || matches(&current, &stored)).await? {
            return Ok(Err(PasswordRefused::WrongCurrent));
        }
    }
    if new.chars().count() < MIN_PASSWORD_CHARS {
        return Ok(Err(PasswordRefused::TooShort));
    }
    if new != repeated {
        return Ok(Err(PasswordRefused::Mismatch));
    }
    if matches(new, &login.password_hash) {
        return Ok(Err(PasswordRefused::Unchanged));
    }
    store.set_password(login.id, &hash(new)?, now).await?;
    Ok(Ok(()))
}

/// What a session keeps of the password it was opened with: once the password changes, sessions
/// opened before no longer match and end. (The hash's last characters: part of its output, new
/// with every password and salt, and nothing to guess a password from.)
pub fn password_mark(login: &Login) -> String {
    let hash = &login.password_hash;
    hash[hash.len().saturating_sub(16)..].to_owned()
}

/// What a login may do: what an admin of its unit may, checked by the same `authorize`.
pub fn actor(login: &Login) -> Actor {
    Actor {
        registered: true,
        grants: vec![Grant {
            role: Role::Admin,
            unit_id: login.unit_id,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_matches_its_hash_and_nothing_else() {
        let stored = hash("mat-khau-dai-du").unwrap();
        assert!(matches("mat-khau-dai-du", &stored));
        assert!(!matches("mat-khau-dai-dU", &stored));
        assert!(!matches("mat-khau-dai-du", DUMMY_HASH));
    }

    #[test]
    fn one_time_passwords_differ_and_avoid_misread_letters() {
        let (a, b) = (one_time_password(), one_time_password());
        assert_ne!(a, b);
        assert_eq!(a.len(), ONE_TIME_LEN);
        assert!(!a.contains(['0', 'O', '1', 'l', 'I']));
    }
}
