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

/// The tokens as a row holds them.
struct TokensRow {
    refresh_token: String,
    access_token: Option<String>,
    access_expires_at: Option<DateTime<Utc>>,
}

impl From<TokensRow> for Tokens {
    fn from(r: TokensRow) -> Tokens {
        Tokens {
            refresh_token: r.refresh_token.into(),
            access_token: r.access_token.map(SecretString::from),
            access_expires_at: r.access_expires_at,
        }
    }
}

impl Store {
    /// Stores the first refresh token (from the environment) unless one is kept already: after the
    /// first refresh, the one in the environment is spent.
    pub async fn seed_refresh_token(&self, channel: &str, refresh: &str) -> anyhow::Result<bool> {
        Ok(sqlx::query!(
            "INSERT INTO channel_tokens (channel, refresh_token) VALUES ($1, $2)
             ON CONFLICT (channel) DO NOTHING",
            channel,
            refresh
        )
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    /// Replaces a revoked refresh token (and forgets the access token it may have issued).
    pub async fn replace_refresh_token(&self, channel: &str, refresh: &str) -> anyhow::Result<()> {
        sqlx::query!(
            "INSERT INTO channel_tokens (channel, refresh_token) VALUES ($1, $2)
             ON CONFLICT (channel) DO UPDATE SET refresh_token = $2, access_token = NULL,
                 access_expires_at = NULL, updated_at = now()",
            channel,
            refresh
        )
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
        let row = sqlx::query_as!(
            TokensRow,
            r#"SELECT refresh_token, access_token,
                      access_expires_at AS "access_expires_at: DateTime<Utc>"
             FROM channel_tokens WHERE channel = $1"#,
            channel
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Tokens::from))
    }
}

impl Tx {
    /// The tokens, locked until this transaction ends: the one refresher at a time.
    pub async fn lock_tokens(&mut self, channel: &str) -> anyhow::Result<Option<Tokens>> {
        let row = sqlx::query_as!(
            TokensRow,
            r#"SELECT refresh_token, access_token,
                      access_expires_at AS "access_expires_at: DateTime<Utc>"
             FROM channel_tokens WHERE channel = $1 FOR UPDATE"#,
            channel
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(row.map(Tokens::from))
    }

    pub async fn save_tokens(&mut self, channel: &str, tokens: &Tokens) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE channel_tokens SET refresh_token = $2, access_token = $3,
                 access_expires_at = $4, updated_at = now()
             WHERE channel = $1",
            channel,
            tokens.refresh_token.expose_secret(),
            tokens.access_token.as_ref().map(|t| t.expose_secret()),
            tokens.access_expires_at as _
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }
}
