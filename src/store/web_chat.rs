//! The web chat's visitors, known by the SHA-256 of their token, and the messages sent to them,
//! kept as the page shows them.

use std::net::IpAddr;
use std::time::Duration;

use serde_json::Value;

use super::Store;
use crate::message::Picture;

/// A visitor the server made, known by their token's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebVisitor {
    pub address: String,
    /// Their person was erased: the page may read the goodbye, and post nothing more.
    pub forgotten: bool,
}

/// How much the web chat keeps of photos sent in 24 hours: per visitor (a count), per network
/// address and in all (bytes). A fresh visitor costs nothing to make, so only the last two bound
/// what a script can make us store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoAllowance {
    pub per_visitor: i64,
    pub bytes_per_sender: i64,
    pub bytes_in_all: i64,
}

/// What photos of the last 24 hours already take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoDay {
    pub visitor_photos: i64,
    pub sender_bytes: i64,
    pub all_bytes: i64,
}

/// Which allowance a photo would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoRefused {
    Visitor,
    Sender,
    All,
}

impl PhotoAllowance {
    /// Whether a photo of `size` bytes fits what the day has taken.
    pub fn refuses(&self, day: &PhotoDay, size: i64) -> Option<PhotoRefused> {
        if day.visitor_photos >= self.per_visitor {
            Some(PhotoRefused::Visitor)
        } else if day.sender_bytes + size > self.bytes_per_sender {
            Some(PhotoRefused::Sender)
        } else if day.all_bytes + size > self.bytes_in_all {
            Some(PhotoRefused::All)
        } else {
            None
        }
    }
}

impl Store {
    /// Records a visitor; false when the digest or the address is taken already.
    pub async fn add_web_visitor(&self, token_hash: &[u8], address: &str) -> anyhow::Result<bool> {
        let added = sqlx::query!(
            "INSERT INTO web_visitors (token_hash, address) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            token_hash,
            address
        )
        .execute(&self.pool)
        .await?;
        Ok(added.rows_affected() == 1)
    }

    /// The visitor whose token has this digest.
    pub async fn web_visitor(&self, token_hash: &[u8]) -> anyhow::Result<Option<WebVisitor>> {
        Ok(sqlx::query_as!(
            WebVisitor,
            r#"SELECT address, forgotten_at IS NOT NULL AS "forgotten!" FROM web_visitors
             WHERE token_hash = $1"#,
            token_hash
        )
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Deletes visitors erased more than `older_than` ago (by the database's clock, which
    /// stamped them), with what was sent to them since (the goodbye) and the handled events whose
    /// ids carry their address (`/forget` itself was still being handled when they were erased);
    /// how many.
    pub async fn forget_erased_web_visitors(&self, older_than: Duration) -> anyhow::Result<u64> {
        let gone = sqlx::query_scalar!(
            r#"WITH gone AS (DELETE FROM web_visitors
                           WHERE forgotten_at < now() - make_interval(secs => $1)
                           RETURNING address),
                  messages AS (DELETE FROM web_chat_messages
                               WHERE address IN (SELECT address FROM gone)),
                  -- Ids are `<address>:<the page's id>`: a range of the inbox's unique index.
                  events AS (DELETE FROM inbox i USING gone g
                             WHERE i.channel = 'web' AND i.status <> 'pending'
                               AND i.event_id >= g.address || ':' AND i.event_id < g.address || ';')
             SELECT count(*) AS "gone!" FROM gone"#,
            older_than.as_secs_f64()
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(gone as u64)
    }

    /// Keeps a message for the visitor at `address`; its id.
    pub async fn keep_web_message(&self, address: &str, message: &Value) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar!(
            "INSERT INTO web_chat_messages (address, message) VALUES ($1, $2) RETURNING id",
            address,
            sqlx::types::Json(message) as _
        )
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
        Ok(sqlx::query!(
            "SELECT id, message FROM web_chat_messages WHERE address = $1 AND id > $2
             ORDER BY id LIMIT $3",
            address,
            after,
            limit
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|r| (r.id, r.message))
        .collect())
    }

    /// Keeps a photo the visitor at `address` sent from network address `sender`, under `key`,
    /// if it fits `allowance` (the same photo twice is kept once, and counted once). Counted and
    /// kept under one lock, so that photos sent at once cannot all pass the count.
    pub async fn keep_web_photo(
        &self,
        key: &str,
        address: &str,
        sender: IpAddr,
        picture: &Picture,
        allowance: &PhotoAllowance,
    ) -> anyhow::Result<Result<(), PhotoRefused>> {
        let mut tx = self.pool.begin().await?;
        // Photos are few and slow to send; one at a time across every process costs nothing.
        sqlx::query!("SELECT pg_advisory_xact_lock(hashtextextended('web_photos', 0))")
            .execute(&mut *tx)
            .await?;
        let kept_already = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM web_photos WHERE key = $1) AS "kept!""#,
            key
        )
        .fetch_one(&mut *tx)
        .await?;
        if kept_already {
            return Ok(Ok(()));
        }
        // By the database's clock, which stamps them.
        let day = sqlx::query_as!(
            PhotoDay,
            r#"SELECT count(*) FILTER (WHERE address = $1) AS "visitor_photos!",
                    coalesce(sum(size) FILTER (WHERE sender = $2), 0)::bigint AS "sender_bytes!",
                    coalesce(sum(size), 0)::bigint AS "all_bytes!"
             FROM web_photos WHERE created_at >= now() - interval '24 hours'"#,
            address,
            sender.to_string()
        )
        .fetch_one(&mut *tx)
        .await?;
        if let Some(refused) = allowance.refuses(&day, picture.bytes.len() as i64) {
            return Ok(Err(refused));
        }
        sqlx::query!(
            "INSERT INTO web_photos (key, address, sender, bytes) VALUES ($1, $2, $3, $4)",
            key,
            address,
            sender.to_string(),
            &picture.bytes
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Forgets photos sent more than `older_than` ago (by the database's clock, which stamped
    /// them) that no activity kept: sent outside a log, or in one never saved; how many.
    pub async fn forget_unused_web_photos(&self, older_than: Duration) -> anyhow::Result<u64> {
        Ok(sqlx::query!(
            "DELETE FROM web_photos
             WHERE created_at < now() - make_interval(secs => $1) AND NOT web_photo_kept(key)",
            older_than.as_secs_f64()
        )
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// A photo sent in the web chat, by its key.
    pub async fn web_photo(&self, key: &str) -> anyhow::Result<Option<Picture>> {
        let bytes = sqlx::query_scalar!("SELECT bytes FROM web_photos WHERE key = $1", key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(bytes.and_then(Picture::read))
    }
}
