//! Dashboard sign-ins: staff logins (a name, the unit they administer, a password hash) and the
//! secrets the web front door keeps in the database.

use chrono::{DateTime, Utc};

use super::Store;

/// A staff login as stored; the hash never leaves the application layer.
#[derive(Debug, Clone)]
pub struct Login {
    pub id: i64,
    pub name: String,
    pub unit_id: i64,
    pub password_hash: String,
    pub must_change: bool,
    /// When the password was set: a one-time password lapses some days after.
    pub password_set_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("there is already a login named {0:?}")]
    Taken(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl Store {
    /// Adds a login whose password must be changed at first sign-in.
    pub async fn create_login(
        &self,
        name: &str,
        unit_id: i64,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, LoginError> {
        sqlx::query_scalar!(
            "INSERT INTO staff_logins (name, unit_id, password_hash, password_set_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
            name,
            unit_id,
            password_hash,
            at as _
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            if e.as_database_error()
                .is_some_and(|d| d.is_unique_violation())
            {
                LoginError::Taken(name.to_owned())
            } else {
                LoginError::Database(e)
            }
        })
    }

    /// Gives a login a new one-time password, enabled again if it was disabled; false if there is
    /// no such login.
    pub async fn reset_login(
        &self,
        name: &str,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let done = sqlx::query!(
            "UPDATE staff_logins
             SET password_hash = $2, must_change = true, password_set_at = $3, disabled_at = NULL
             WHERE name = $1",
            name,
            password_hash,
            at as _
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Disables the login `name`: it is no longer found to sign in or to keep a session; false if
    /// there is no such login.
    pub async fn disable_login(&self, name: &str) -> anyhow::Result<bool> {
        let done = sqlx::query!(
            "UPDATE staff_logins SET disabled_at = coalesce(disabled_at, now()) WHERE name = $1",
            name
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The enabled login named `name`.
    pub async fn login_named(&self, name: &str) -> anyhow::Result<Option<Login>> {
        Ok(sqlx::query_as!(
            Login,
            r#"SELECT id, name, unit_id, password_hash, must_change,
                    password_set_at AS "password_set_at: DateTime<Utc>"
             FROM staff_logins WHERE name = $1 AND disabled_at IS NULL"#,
            name
        )
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The enabled login `id`.
    pub async fn login(&self, id: i64) -> anyhow::Result<Option<Login>> {
        Ok(sqlx::query_as!(
            Login,
            r#"SELECT id, name, unit_id, password_hash, must_change,
                    password_set_at AS "password_set_at: DateTime<Utc>"
             FROM staff_logins WHERE id = $1 AND disabled_at IS NULL"#,
            id
        )
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn record_sign_in(&self, id: i64, at: DateTime<Utc>) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE staff_logins SET signed_in_at = $2 WHERE id = $1",
            id,
            at as _
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Sets the login's own password (no longer one-time).
    pub async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE staff_logins SET password_hash = $2, must_change = false, password_set_at = $3
             WHERE id = $1",
            id,
            password_hash,
            at as _
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A random secret made once and kept in `settings` under `name`, the same for every process.
    pub async fn kept_secret(&self, name: &str) -> anyhow::Result<Vec<u8>> {
        let made: [u8; 64] = rand::random();
        sqlx::query!(
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            name,
            &made[..]
        )
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar!("SELECT value FROM settings WHERE name = $1", name)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// The pool, for the session store of the web front door (tower-sessions keeps its own SQL).
    pub fn pool(&self) -> &sqlx::PgPool {
        &self.pool
    }
}
