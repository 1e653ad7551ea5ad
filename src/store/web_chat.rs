//! The web chat's visitors, known by the SHA-256 of their token, and the messages sent to them,
//! kept as the page shows them.

use std::time::Duration;

use serde_json::Value;

use super::Store;
use crate::channels::Picture;

impl Store {
    /// Records a visitor; false when the digest or the address is taken already.
    pub async fn add_web_visitor(&self, token_hash: &[u8], address: &str) -> anyhow::Result<bool> {
        let added = sqlx::query(
            "INSERT INTO web_visitors (token_hash, address) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(token_hash)
        .bind(address)
        .execute(&self.pool)
        .await?;
        Ok(added.rows_affected() == 1)
    }

    /// The address of the visitor whose token has this digest.
    pub async fn web_visitor(&self, token_hash: &[u8]) -> anyhow::Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT address FROM web_visitors WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Keeps a message for the visitor at `address`; its id.
    pub async fn keep_web_message(&self, address: &str, message: &Value) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO web_chat_messages (address, message) VALUES ($1, $2) RETURNING id",
        )
        .bind(address)
        .bind(sqlx::types::Json(message))
        .fetch_one(&self.pool)
        .await?)
    }

    /// Up to `limit` messages to the visitor at `address` with ids above `after`, oldest first.
    pub async fn web_messages(
        &self,
        address: &str,
        after: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<(i64, Value)>> {
        Ok(sqlx::query_as(
            "SELECT id, message FROM web_chat_messages WHERE address = $1 AND id > $2
             ORDER BY id LIMIT $3",
        )
        .bind(address)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Keeps a photo the visitor at `address` sent, under `key` (the same photo twice is kept once).
    pub async fn keep_web_photo(
        &self,
        key: &str,
        address: &str,
        picture: &Picture,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO web_photos (key, address, bytes) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(address)
        .bind(&picture.bytes)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Photos the visitor at `address` sent in the last 24 hours. By the database's clock, which
    /// stamped them.
    pub async fn web_photos_today(&self, address: &str) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT count(*) FROM web_photos
             WHERE address = $1 AND created_at >= now() - interval '24 hours'",
        )
        .bind(address)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Forgets photos sent more than `older_than` ago (by the database's clock, which stamped
    /// them) that no activity kept: sent outside a log, or in one never saved; how many.
    pub async fn forget_unused_web_photos(&self, older_than: Duration) -> anyhow::Result<u64> {
        Ok(sqlx::query(
            "DELETE FROM web_photos
             WHERE created_at < now() - make_interval(secs => $1) AND NOT web_photo_kept(key)",
        )
        .bind(older_than.as_secs_f64())
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// A photo sent in the web chat, by its key.
    pub async fn web_photo(&self, key: &str) -> anyhow::Result<Option<Picture>> {
        let bytes: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT bytes FROM web_photos WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
        Ok(bytes.and_then(Picture::read))
    }
}
