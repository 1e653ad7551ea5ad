//! The inbox of raw platform events and the outbox of rendered replies.

use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use sqlx::types::Json;

use super::chats::chat_columns;
use super::{ChatRow, Store, Tx};
use crate::domain::access::Grant;
use crate::domain::dialogue::State;
use crate::message::Lang;

/// How long a sender owns a reply unless renewed; senders renew it while they send and wait.
pub const REPLY_LEASE: std::time::Duration = std::time::Duration::from_secs(10);
const LEASE_SECONDS: f64 = REPLY_LEASE.as_secs_f64();
/// How long after its lease lapsed a reply is taken from its sender: time for the sender, cut
/// off from the database, to record what it sent once the database is back. With the lease,
/// the delay before a crashed process's replies go out.
const STRANDED_GRACE_SECONDS: f64 = 20.0;

/// Events (of different chats) claimed and handled in one transaction: the `LIMIT` of
/// [`Tx::claim_inbox`]'s statement, which says why it is written there.
pub const CLAIM_BATCH: usize = 8;
/// Rows taken before the first refresh of the inbox's planner statistics; each next one waits
/// for twice as many.
pub(super) const FIRST_ANALYZE: u64 = 1000;

/// Text PostgreSQL takes: it refuses NUL characters in `text` and `jsonb`, and an event refused
/// for good would be retried for ever (a poller could take nothing after it).
fn storable(text: &str) -> String {
    text.replace('\0', "\u{FFFD}")
}

/// The event as it arrived, copied only when it holds a NUL.
fn storable_json(value: &Value) -> std::borrow::Cow<'_, Value> {
    if has_nul(value) {
        std::borrow::Cow::Owned(without_nul(value))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(fields) => fields.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

fn without_nul(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(storable(s)),
        Value::Array(items) => Value::Array(items.iter().map(without_nul).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (storable(k), without_nul(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A raw event as it arrived.
pub struct Arrival<'a> {
    pub event_id: String,
    pub chat: String,
    pub payload: &'a Value,
}

/// An inbox event claimed for handling.
#[derive(Debug)]
pub struct Claimed {
    pub id: i64,
    pub event_id: String,
    pub chat: String,
    pub payload: Value,
    pub attempts: i32,
    /// The unit revision, read along to spare the engine a round trip.
    pub unit_revision: i64,
    /// The chat of `chat` on this channel, locked with the claim (None when it has never written;
    /// taken by whoever handles the event).
    pub locked: Option<ChatRow>,
}

/// A place in the order pending events are claimed in: when due, then id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub due: DateTime<Utc>,
    pub id: i64,
}

/// A rendered reply waiting to be sent.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: i64,
    pub address: String,
    pub payload: Value,
    pub attempts: i32,
}

/// A parked event, for `danvan inbox failed`.
#[derive(Debug)]
pub struct Failed {
    pub id: i64,
    pub channel: String,
    pub event_id: String,
    pub attempts: i32,
    pub last_error: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
}

impl Store {
    /// Commits a batch of arrivals; duplicates of events already in the inbox are ignored.
    /// Returns how many were new.
    pub async fn intake(&self, channel: &str, arrivals: &[Arrival<'_>]) -> anyhow::Result<u64> {
        if arrivals.is_empty() {
            return Ok(0);
        }
        let ids: Vec<String> = arrivals.iter().map(|a| storable(&a.event_id)).collect();
        let chats: Vec<String> = arrivals.iter().map(|a| storable(&a.chat)).collect();
        let payloads: Vec<sqlx::types::Json<std::borrow::Cow<Value>>> = arrivals
            .iter()
            .map(|a| sqlx::types::Json(storable_json(a.payload)))
            .collect();
        let inserted = sqlx::query!(
            "INSERT INTO inbox (channel, event_id, chat, payload)
             SELECT $1, e, c, p FROM unnest($2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS t(e, c, p, n)
             ORDER BY n
             ON CONFLICT (channel, event_id) DO NOTHING",
            channel,
            &ids,
            &chats,
            &payloads as _
        )
        .execute(&self.pool)
        .await?;
        // The inbox can grow from empty to thousands of rows within seconds, faster than autovacuum
        // refreshes statistics; planned as if it were tiny, the claim's anti-joins turn quadratic.
        // Statistics a factor off plan the same, so refreshes come as the rows double: at every
        // thousand they cost 0.07 ms an event (an ANALYZE of a 50,000-row inbox takes 65 ms),
        // and autovacuum keeps them once the inbox is large.
        let added = inserted.rows_affected();
        let (taken, next) = &*self.inbox_growth;
        let taken = taken.fetch_add(added, Ordering::Relaxed) + added;
        let due = next.load(Ordering::Relaxed);
        if taken >= due
            && next
                .compare_exchange(due, taken * 2, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            sqlx::query!("ANALYZE inbox, outbox")
                .execute(&self.pool)
                .await?;
        }
        Ok(added)
    }

    /// Parks an event after a failed attempt: retried after `retry_in`, or failed for good.
    pub async fn inbox_attempt_failed(
        &self,
        id: i64,
        error: &str,
        retry_in: Option<Duration>,
    ) -> anyhow::Result<()> {
        // As `reply_failed` does for a reply: back in line after `retry_in`, or failed for good
        // when there is none.
        sqlx::query!(
            "UPDATE inbox SET attempts = attempts + 1, last_error = $2,
                 status = CASE WHEN $3::float8 IS NULL THEN 'failed' ELSE 'pending' END,
                 next_attempt_at = now() + make_interval(secs => COALESCE($3, 0))
             WHERE id = $1",
            id,
            error,
            retry_in.map(|d| d.as_secs_f64())
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn failed_events(&self) -> anyhow::Result<Vec<Failed>> {
        Ok(sqlx::query_as!(
            Failed,
            r#"SELECT id, channel, event_id, attempts, COALESCE(last_error, '') AS "last_error!",
                      received_at AS "received_at: chrono::DateTime<chrono::Utc>"
             FROM inbox WHERE status = 'failed' ORDER BY id"#
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Puts failed events (all, or the given ids) back in line. Returns how many.
    pub async fn retry_failed(&self, ids: Option<&[i64]>) -> anyhow::Result<u64> {
        let done = sqlx::query!(
            "UPDATE inbox SET status = 'pending', attempts = 0, next_attempt_at = now()
             WHERE status = 'failed' AND ($1::bigint[] IS NULL OR id = ANY($1))",
            ids
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Leases replies left behind (their sender crashed or deferred them): only the oldest pending
    /// reply of each chat, so a chat's replies still go out in order.
    pub async fn lease_stranded_replies(
        &self,
        channel: &str,
        limit: i64,
    ) -> anyhow::Result<Vec<Pending>> {
        Ok(sqlx::query_as!(
            Pending,
            "UPDATE outbox SET lease_until = now() + make_interval(secs => $3)
             WHERE id IN (
                 SELECT o.id FROM outbox o
                 WHERE o.channel = $1 AND o.status = 'pending'
                   AND o.lease_until < now() - make_interval(secs => $4)
                   AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.status = 'pending' AND p.channel = o.channel
                                   AND p.address = o.address AND p.id < o.id)
                 ORDER BY o.id LIMIT $2 FOR UPDATE SKIP LOCKED)
             RETURNING id, address, payload, attempts",
            channel,
            limit,
            LEASE_SECONDS,
            STRANDED_GRACE_SECONDS
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Keeps replies leased to their sender while it sends them (those sent are gone already).
    pub async fn renew_replies(&self, ids: &[i64]) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE outbox SET lease_until = now() + make_interval(secs => $2)
             WHERE id = ANY($1) AND status = 'pending'",
            ids,
            LEASE_SECONDS
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Replies were delivered: nothing about them needs keeping.
    pub async fn replies_sent(&self, ids: &[i64]) -> anyhow::Result<()> {
        if !ids.is_empty() {
            sqlx::query!("DELETE FROM outbox WHERE id = ANY($1)", ids)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// A reply could not be delivered: retry after `retry_in`, or give up with the reason.
    pub async fn reply_failed(
        &self,
        id: i64,
        error: &str,
        retry_in: Option<Duration>,
    ) -> anyhow::Result<()> {
        // As `inbox_attempt_failed` does for an event; a reply's retry time is its lease.
        sqlx::query!(
            "UPDATE outbox SET attempts = attempts + 1, error = $2,
                 status = CASE WHEN $3::float8 IS NULL THEN 'failed' ELSE 'pending' END,
                 lease_until = now() + make_interval(secs => COALESCE($3, 0))
             WHERE id = $1",
            id,
            error,
            retry_in.map(|d| d.as_secs_f64())
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Where a claim on `channel` may start: the oldest pending event, or a moment `slack` ago
    /// when that is earlier (an intake committing now holds events due from when it began, and
    /// this statement's snapshot does not see them).
    pub async fn inbox_floor(&self, channel: &str, slack: Duration) -> anyhow::Result<Place> {
        let row = sqlx::query!(
            r#"SELECT p.next_attempt_at AS "due?: DateTime<Utc>", p.id AS "id?",
                      now() - make_interval(secs => $2) AS "slack!: DateTime<Utc>"
               FROM (SELECT) AS one LEFT JOIN LATERAL (
                   SELECT next_attempt_at, id FROM inbox WHERE status = 'pending' AND channel = $1
                   ORDER BY next_attempt_at, id LIMIT 1) AS p ON true"#,
            channel,
            slack.as_secs_f64()
        )
        .fetch_one(&self.pool)
        .await?;
        let slack = Place {
            due: row.slack,
            id: 0,
        };
        Ok(match (row.due, row.id) {
            (Some(due), Some(id)) => slack.min(Place { due, id }),
            _ => slack,
        })
    }

    /// Marks a chat unreachable (the person blocked the bot) or reachable again.
    pub async fn set_reachable(
        &self,
        channel: &str,
        address: &str,
        reachable: bool,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        tx.set_reachable(channel, address, reachable).await?;
        tx.commit().await
    }
}

impl Tx {
    /// Claims up to [`CLAIM_BATCH`] of the oldest pending events whose chats have nothing earlier
    /// in hand: no older pending event and no reply still unsent (so no two of one chat). Each row
    /// stays locked until this transaction ends, so a crash just leaves it pending; other processes
    /// skip it. The chat each row names is locked and read along, sparing a round trip per event.
    /// The scan starts at `from` (from the first pending event without it): handled events leave
    /// their entries in the pending index until vacuum, tens of thousands a minute at full load,
    /// and a claim that read them all spent most of its time there (`inbox_floor`).
    pub async fn claim_inbox(
        &mut self,
        channel: &str,
        from: Option<Place>,
    ) -> anyhow::Result<Vec<Claimed>> {
        // The chat is read as `claim_event` and `lock_chat` read it (keep them alike). The
        // outbox is asked about each candidate's chat (`OFFSET 0` keeps that subquery from becoming
        // an anti-join): planned as a join, it read every entry of the channel's pending replies,
        // dead ones included, on every claim (150 index pages against 16).
        // PostgreSQL keeps one plan for the statement only when it costs no more than one made
        // for the values at hand; else it plans every claim anew (0.5 ms of planning for 0.9 ms
        // of work). So the batch's size is written in the statement (`LIMIT 8`, CLAIM_BATCH),
        // and each chat is found by its event's channel, not by `$1`: either, as a parameter,
        // made the kept plan cost more. That was not enough under load (planned anew on 11,110
        // of 12,486 claims in `bench consultation`'s Telegram run), so the workers' transactions
        // keep every plan (`Store::begin_with_kept_plans`).
        let rows = sqlx::query!(
            r#"WITH claimed AS MATERIALIZED (
                   SELECT i.id, i.channel, i.event_id, i.chat, i.payload, i.attempts, i.next_attempt_at
                   FROM inbox i
                   WHERE i.status = 'pending' AND i.channel = $1 AND i.next_attempt_at <= now()
                     AND (i.next_attempt_at, i.id) >= (COALESCE($2::timestamptz, '-infinity'), COALESCE($3::bigint, 0))
                     AND NOT EXISTS (SELECT 1 FROM inbox e WHERE e.status = 'pending' AND e.channel = i.channel
                                     AND e.chat = i.chat AND e.id < i.id)
                     AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.status = 'pending' AND o.channel = i.channel
                                     AND o.address = i.chat OFFSET 0)
                   ORDER BY i.next_attempt_at, i.id
                   LIMIT 8 FOR UPDATE SKIP LOCKED)
               SELECT claimed.id AS "id!", claimed.event_id AS "event_id!", claimed.chat AS "chat!",
                      claimed.payload AS "payload!", claimed.attempts AS "attempts!",
                      (SELECT revision FROM unit_revision) AS "unit_revision!",
                      chat.language AS "language?: Lang", chat.state AS "state?: Json<State>",
                      chat.numbered AS "numbered?: Json<Vec<String>>",
                      chat.person_id AS "person_id?", chat.unit_id AS "unit_id?",
                      chat.subscribed AS "subscribed?", chat.grants AS "grants?: Json<Vec<Grant>>",
                      chat.may_have_missed AS "may_have_missed?",
                      chat.seen_at AS "seen_at?: DateTime<Utc>"
               FROM claimed LEFT JOIN LATERAL (
                   SELECT c.language, c.state, c.numbered, c.person_id, p.unit_id, p.subscribed,
                          p.grants, p.may_have_missed,
                          CASE WHEN c.unreachable_at IS NULL THEN c.last_seen_at END AS seen_at
                   FROM chats c LEFT JOIN chat_people p ON p.person_id = c.person_id
                   WHERE c.channel = claimed.channel AND c.address = claimed.chat
                   FOR UPDATE OF c) chat ON true
               ORDER BY claimed.next_attempt_at, claimed.id"#,
            channel,
            from.map(|p| p.due) as Option<DateTime<Utc>>,
            from.map(|p| p.id)
        )
        .fetch_all(&mut *self.inner)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Claimed {
                    locked: chat_columns!(r).chat()?,
                    id: r.id,
                    event_id: r.event_id,
                    chat: r.chat,
                    payload: r.payload,
                    attempts: r.attempts,
                    unit_revision: r.unit_revision,
                })
            })
            .collect()
    }

    /// Marks a batch of events handled (keeping only their dedup keys: payloads may hold personal
    /// data) and queues their rendered replies as (address, payload), in order, leased to the caller
    /// who will send them now. One statement for the whole batch.
    pub async fn finish_events(
        &mut self,
        channel: &str,
        events: &[i64],
        replies: &[(&str, &Value)],
    ) -> anyhow::Result<Vec<Pending>> {
        let addresses: Vec<&str> = replies.iter().map(|(a, _)| *a).collect();
        let payloads: Vec<sqlx::types::Json<&Value>> =
            replies.iter().map(|(_, p)| sqlx::types::Json(*p)).collect();
        let ids = sqlx::query_scalar!(
            "WITH done AS (
                 UPDATE inbox SET status = 'done', payload = 'null', chat = '', last_error = NULL, handled_at = now()
                 WHERE id = ANY($4)
             )
             INSERT INTO outbox (channel, address, payload, lease_until)
             SELECT $1, a, p, now() + make_interval(secs => $5)
             FROM unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS t(a, p, n) ORDER BY n
             RETURNING id",
            channel,
            &addresses as _,
            &payloads as _,
            events,
            LEASE_SECONDS
        )
        .fetch_all(&mut *self.inner)
        .await?;
        // RETURNING follows the insertion order, which follows `replies`.
        Ok(ids
            .into_iter()
            .zip(replies)
            .map(|(id, (address, payload))| Pending {
                id,
                address: (*address).to_owned(),
                payload: (*payload).clone(),
                attempts: 0,
            })
            .collect())
    }

    /// Remembers button payloads sent as tokens; a payload already remembered keeps its row.
    pub async fn remember_buttons(&mut self, tokens: &[(String, String)]) -> anyhow::Result<()> {
        let (tokens, payloads): (Vec<&str>, Vec<&str>) =
            tokens.iter().map(|(t, p)| (t.as_str(), p.as_str())).unzip();
        sqlx::query!(
            "INSERT INTO button_payloads (token, payload)
             SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (token) DO NOTHING",
            &tokens as _,
            &payloads as _
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// The payload a pressed token stands for, if it was ever sent.
    pub async fn button_payload(&mut self, token: &str) -> anyhow::Result<Option<String>> {
        Ok(sqlx::query_scalar!(
            "SELECT payload FROM button_payloads WHERE token = $1",
            token
        )
        .fetch_optional(&mut *self.inner)
        .await?)
    }

    /// Marks a chat unreachable or reachable again, as part of handling an update.
    pub async fn set_reachable(
        &mut self,
        channel: &str,
        address: &str,
        reachable: bool,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE chats SET unreachable_at = CASE WHEN $3 THEN NULL ELSE now() END WHERE channel = $1 AND address = $2",
            channel,
            address,
            reachable
        )
        .execute(&mut *self.inner)
        .await?;
        if !reachable {
            // Replies still queued for them can never arrive.
            sqlx::query!(
                "DELETE FROM outbox WHERE channel = $1 AND address = $2 AND status = 'pending'",
                channel,
                address
            )
            .execute(&mut *self.inner)
            .await?;
        }
        Ok(())
    }
}

/// Work waiting, per channel, for the metrics.
#[derive(Debug, Clone)]
pub struct Depth {
    pub queue: String,
    pub channel: String,
    pub waiting: i64,
}

/// Rows counted at most per queue: a backlog deeper than this reads as this deep, and a scrape
/// never walks a million rows.
pub const DEPTH_COUNTED: i64 = 100_000;

impl Store {
    /// Events not yet handled, replies not yet sent and deliveries not yet made, per channel;
    /// each queue counted up to [`DEPTH_COUNTED`] rows.
    pub async fn queue_depths(&self) -> anyhow::Result<Vec<Depth>> {
        Ok(sqlx::query_as!(
            Depth,
            r#"SELECT 'inbox' AS "queue!", channel AS "channel!", count(*) AS "waiting!"
             FROM (SELECT channel FROM inbox WHERE status = 'pending' LIMIT $1) q GROUP BY channel
             UNION ALL
             SELECT 'outbox', channel, count(*)
             FROM (SELECT channel FROM outbox WHERE status = 'pending' LIMIT $1) q GROUP BY channel
             UNION ALL
             SELECT 'deliveries', channel, count(*)
             FROM (SELECT channel FROM deliveries WHERE status IN ('pending', 'sending') LIMIT $1) q
             GROUP BY channel"#,
            DEPTH_COUNTED
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
