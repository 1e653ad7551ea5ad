//! A channel account's OAuth tokens, kept so that a restart uses the latest refresh token (Zalo's
//! work once) and so that processes refresh one at a time.

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

use super::{Store, Tx};

/// The tokens as stored.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub refresh_token: SecretString,
    pub access_token: Option<SecretString>,
    pub access_expires_at: Option<DateTime<Utc>>,
}

type TokensRow = (String, Option<String>, Option<DateTime<Utc>>);

fn tokens((refresh_token, access_token, access_expires_at): TokensRow) -> Tokens {
    Tokens {
        refresh_token: refresh_token.into(),
        access_token: access_token.map(SecretString::from),
        access_expires_at,
    }
}

impl Store {
    /// Stores the first refresh token (from the environment) unless one is kept already: after the
    /// first refresh, the one in the environment is spent.
    pub async fn seed_refresh_token(&self, channel: &str, refresh: &str) -> anyhow::Result<bool> {
        Ok(sqlx::query(
            "INSERT INTO channel_tokens (channel, refresh_token) VALUES ($1, $2)
             ON CONFLICT (channel) DO NOTHING",
        )
        .bind(channel)
        .bind(refresh)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    /// Replaces a revoked refresh token (and forgets the access token it may have issued).
    pub async fn replace_refresh_token(&self, channel: &str, refresh: &str) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO channel_tokens (channel, refresh_token) VALUES ($1, $2)
             ON CONFLICT (channel) DO UPDATE SET refresh_token = $2, access_token = NULL,
                 access_expires_at = NULL, updated_at = now()",
        )
        .bind(channel)
        .bind(refresh)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Stores tokens a refresh issued whose first save failed: nobody else can have newer ones,
    /// since only these hold the refresh token that works.
    pub async fn put_tokens(&self, channel: &str, tokens: &Tokens) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        tx.save_tokens(channel, tokens).await?;
        tx.commit().await
    }

    pub async fn tokens(&self, channel: &str) -> anyhow::Result<Option<Tokens>> {
        let row: Option<TokensRow> = sqlx::query_as(
            "SELECT refresh_token, access_token, access_expires_at FROM channel_tokens
             WHERE channel = $1",
        )
        .bind(channel)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(tokens))
    }
}

impl Tx {
    /// The tokens, locked until this transaction ends: the one refresher at a time.
    pub async fn lock_tokens(&mut self, channel: &str) -> anyhow::Result<Option<Tokens>> {
        let row: Option<TokensRow> = sqlx::query_as(
            "SELECT refresh_token, access_token, access_expires_at FROM channel_tokens
             WHERE channel = $1 FOR UPDATE",
        )
        .bind(channel)
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(row.map(tokens))
    }

    pub async fn save_tokens(&mut self, channel: &str, tokens: &Tokens) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE channel_tokens SET refresh_token = $2, access_token = $3,
                 access_expires_at = $4, updated_at = now()
             WHERE channel = $1",
        )
        .bind(channel)
        .bind(tokens.refresh_token.expose_secret())
        .bind(tokens.access_token.as_ref().map(|t| t.expose_secret()))
        .bind(tokens.access_expires_at)
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }
}
