//! Notices and their deliveries: creation, the set-based fan-out, batches claimed by senders,
//! outcomes recorded in bulk, and reach figures.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use super::{LAST_USED_FIRST, Store, Tx, in_audience};
use crate::domain::ids::{NoticeId, PersonId};
use crate::domain::notice::{Audience, Notice, NoticeText};
use crate::message::{Attachment, Lang, Reply};

/// How long a claim on deliveries lasts unless renewed (its sender renews it while it sends).
pub const DELIVERY_LEASE: std::time::Duration = std::time::Duration::from_secs(30);
/// How long after its lease lapsed a claim is taken from its sender: long enough for sends in
/// flight to finish and their outcomes to be written once the database is back.
const STRANDED_GRACE_SECONDS: f64 = 60.0;

/// Deliveries claimed for sending, and the claim's token, which renews it and writes outcomes.
pub struct Claimed {
    pub token: i64,
    pub deliveries: Vec<Delivery>,
}

/// A notice to create.
pub struct NewNotice {
    pub texts: BTreeMap<String, NoticeText>,
    pub directive: String,
    pub issuer: String,
    pub link: String,
    pub unit_ids: Vec<i64>,
    pub roles: Vec<Audience>,
    pub languages: Vec<String>,
    /// None: when it is sent.
    pub send_at: Option<DateTime<Utc>>,
    pub quiet_hours: bool,
    pub urgent: bool,
    pub created_by: Option<i64>,
    pub attachment: Option<Attachment>,
    /// The consultation the notice invites residents to answer.
    pub consultation: Option<i64>,
}

impl NewNotice {
    /// A notice in Vietnamese to everyone in `unit_ids` (and below), sent when scheduled, holding
    /// for quiet hours; the other fields are left empty for the caller to fill in.
    pub fn to_units(title: &str, body: &str, unit_ids: Vec<i64>) -> NewNotice {
        NewNotice {
            texts: [(
                "vi".to_owned(),
                NoticeText {
                    title: title.to_owned(),
                    body: body.to_owned(),
                },
            )]
            .into(),
            directive: String::new(),
            issuer: String::new(),
            link: String::new(),
            unit_ids,
            roles: vec![],
            languages: vec![],
            send_at: None,
            quiet_hours: true,
            urgent: false,
            created_by: None,
            attachment: None,
            consultation: None,
        }
    }
}

/// One recipient chat of a notice (or of a single message), claimed by a sender.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    /// A notice, or else `message`.
    pub notice_id: Option<i64>,
    pub message: Option<Reply>,
    pub address: String,
    pub language: Lang,
    pub attempts: i32,
    /// Its messages already sent by an earlier try.
    pub parts_sent: i32,
}

/// How sending one delivery went.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent {
        message_id: String,
    },
    /// The person blocked the bot: nothing more goes to that chat.
    Blocked,
    Failed(String),
    /// The platform's rules forbid it to this person now (a messaging window), with the reason.
    Undeliverable(String),
    /// Try again this long from now, with `parts_sent` of its messages sent so far.
    Retry {
        error: String,
        after: std::time::Duration,
        parts_sent: i32,
    },
    /// Not tried now, or not all of it (the platform asked us to slow down, or the chat had a
    /// message this second): back in line a second later, no attempt counted.
    Requeue {
        parts_sent: i32,
    },
}

/// Deliveries added at once beyond which their statistics are refreshed.
const FRESH_STATISTICS_AFTER: u64 = 1000;

impl Store {
    pub async fn create_notice(&self, notice: &NewNotice) -> anyhow::Result<i64> {
        let mut tx = self.begin().await?;
        let id = tx.create_notice(notice).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Queues a draft to go out at its send time, or at `now` if it has none (or it has passed).
    /// Returns when it will go, or None when the notice is no draft.
    pub async fn schedule_notice(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<DateTime<Utc>>> {
        let mut tx = self.begin().await?;
        let at = tx.schedule_notice(id, now).await?;
        tx.commit().await?;
        Ok(at)
    }

    /// Stops a notice: nothing more is sent; returns how many deliveries were still waiting, or None
    /// when there is no such notice or it was cancelled already.
    pub async fn cancel_notice(&self, id: i64) -> anyhow::Result<Option<u64>> {
        let mut tx = self.begin().await?;
        let found: Option<i64> = sqlx::query_scalar!(
            "UPDATE notices SET status = 'cancelled', cancelled_at = now()
             WHERE id = $1 AND status <> 'cancelled' RETURNING id",
            id
        )
        .fetch_optional(&mut *tx.inner)
        .await?;
        if found.is_none() {
            return Ok(None);
        }
        // A delivery being sent right now finishes; its sender records the outcome.
        let stopped = sqlx::query!(
            "UPDATE deliveries SET status = 'cancelled' WHERE notice_id = $1 AND status = 'pending'",
            id
        )
        .execute(&mut *tx.inner)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(Some(stopped))
    }

    /// Fans out every scheduled notice that is due: one set-based insert of a delivery per
    /// recipient chat. Returns (notice, recipients) for each.
    pub async fn fan_out_due(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<(i64, u64)>> {
        let mut done = Vec::new();
        loop {
            let mut tx = self.begin().await?;
            let due: Option<i64> = sqlx::query_scalar!(
                "SELECT id FROM notices WHERE status = 'scheduled' AND send_at <= $1
                 ORDER BY send_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
                now as DateTime<Utc>
            )
            .fetch_optional(&mut *tx.inner)
            .await?;
            let Some(id) = due else { break };
            let recipients = tx.fan_out(id).await?;
            sqlx::query!(
                "UPDATE notices SET status = 'sending', fanned_out_at = now() WHERE id = $1",
                id
            )
            .execute(&mut *tx.inner)
            .await?;
            tx.commit().await?;
            done.push((id, recipients));
        }
        // A fan-out can add a million rows at once, faster than autovacuum refreshes statistics;
        // planned as if the table were tiny, every claim would sort all pending rows.
        if done.iter().map(|(_, n)| n).sum::<u64>() >= FRESH_STATISTICS_AFTER {
            sqlx::query!("ANALYZE deliveries")
                .execute(&self.pool)
                .await?;
        }
        Ok(done)
    }

    /// Takes up to `limit` deliveries ready to send on `channel` (leased to the caller), oldest
    /// first, those that may not wait (urgent, or not holding for quiet hours) before the others,
    /// and during quiet hours only those. Deliveries of a crashed sender come back when their lease lapses.
    pub async fn claim_deliveries(
        &self,
        channel: &str,
        limit: i64,
        quiet: bool,
    ) -> anyhow::Result<Claimed> {
        let token: i64 = rand::random();
        let rows = sqlx::query!(
            r#"UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1,
                    lease_until = now() + make_interval(secs => $4), claim = $5
             FROM (SELECT d2.id FROM deliveries d2 LEFT JOIN notices n ON n.id = d2.notice_id
                   WHERE d2.channel = $1 AND d2.status = 'pending' AND d2.next_attempt_at <= now()
                     AND (d2.notice_id IS NULL OR n.status = 'sending') AND NOT (d2.may_wait AND $3)
                   ORDER BY d2.may_wait, d2.id
                   LIMIT $2 FOR UPDATE OF d2 SKIP LOCKED) ready
             WHERE d.id = ready.id
             RETURNING d.id, d.notice_id, d.message AS "message: Json<Reply>", d.address,
                       d.language AS "language: Lang", d.attempts, d.parts_sent"#,
            channel,
            limit,
            quiet,
            DELIVERY_LEASE.as_secs_f64(),
            token
        )
        .fetch_all(&self.pool)
        .await?;
        let deliveries = rows
            .into_iter()
            .map(|r| Delivery {
                id: r.id,
                notice_id: r.notice_id,
                message: r.message.map(|m| m.0),
                address: r.address,
                language: r.language,
                attempts: r.attempts,
                parts_sent: r.parts_sent,
            })
            .collect();
        Ok(Claimed { token, deliveries })
    }

    /// Keeps the claim's deliveries still being sent leased to it.
    pub async fn renew_deliveries(&self, claim: i64) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE deliveries SET lease_until = now() + make_interval(secs => $2)
             WHERE claim = $1 AND status = 'sending'",
            claim,
            DELIVERY_LEASE.as_secs_f64()
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Puts the deliveries of `channel` whose sender crashed back in line. Those may have gone
    /// out just before the crash: the only sends that can repeat. The claim stays on them, so a
    /// sender that was only cut off from the database still records what it sent.
    pub async fn release_stranded_deliveries(&self, channel: &str) -> anyhow::Result<u64> {
        Ok(sqlx::query!(
            "UPDATE deliveries SET status = 'pending', lease_until = NULL
             WHERE channel = $1 AND status = 'sending'
               AND lease_until < now() - make_interval(secs => $2)",
            channel,
            STRANDED_GRACE_SECONDS
        )
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Records how a batch of sends went, in one statement; blocked chats become unreachable, and
    /// their other waiting deliveries stop. A notice that could not reach a chat (blocked, or the
    /// platform's rules forbid it now) is queued for the person's next chat that may be pushed to
    /// and has not been tried for it, the one they used last first.
    /// Only the claim `claim` writes: a delivery claimed anew since is its new holder's.
    pub async fn record_deliveries(
        &self,
        claim: i64,
        outcomes: &[(i64, Outcome)],
    ) -> anyhow::Result<()> {
        let mut ids = Vec::new();
        let mut statuses = Vec::new();
        let mut message_ids: Vec<Option<String>> = Vec::new();
        let mut errors: Vec<Option<String>> = Vec::new();
        let mut retry_in: Vec<Option<f64>> = Vec::new();
        let mut parts: Vec<Option<i32>> = Vec::new();
        for (id, outcome) in outcomes {
            let (status, message_id, error, at, sent) = match outcome {
                Outcome::Sent { message_id } => {
                    ("sent", Some(message_id.clone()), None, None, None)
                }
                Outcome::Blocked => (
                    "blocked",
                    None,
                    Some("blocked by the person".into()),
                    None,
                    None,
                ),
                Outcome::Failed(e) => ("failed", None, Some(e.clone()), None, None),
                Outcome::Undeliverable(e) => ("undeliverable", None, Some(e.clone()), None, None),
                Outcome::Retry {
                    error,
                    after,
                    parts_sent,
                } => (
                    "pending",
                    None,
                    Some(error.clone()),
                    Some(after.as_secs_f64()),
                    Some(*parts_sent),
                ),
                Outcome::Requeue { parts_sent } => ("requeue", None, None, None, Some(*parts_sent)),
            };
            ids.push(*id);
            statuses.push(status);
            message_ids.push(message_id);
            errors.push(error);
            retry_in.push(at);
            parts.push(sent);
        }
        sqlx::query!(
            "WITH o AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::float8[],
                                             $6::int[])
                        AS o (id, status, message_id, error, retry_in, parts)),
             updated AS (
                 UPDATE deliveries d SET
                     status = CASE o.status WHEN 'requeue' THEN 'pending' ELSE o.status END,
                     attempts = d.attempts - (o.status = 'requeue')::int,
                     message_id = COALESCE(o.message_id, d.message_id),
                     error = COALESCE(o.error, d.error),
                     sent_at = CASE o.status WHEN 'sent' THEN now() ELSE d.sent_at END,
                     next_attempt_at = CASE o.status WHEN 'requeue' THEN now() + interval '1 second'
                                       ELSE COALESCE(now() + make_interval(secs => o.retry_in), d.next_attempt_at) END,
                     lease_until = NULL, claim = NULL,
                     parts_sent = COALESCE(o.parts, d.parts_sent)
                 FROM o WHERE d.id = o.id AND d.claim = $7 AND d.status IN ('sending', 'pending')
                 RETURNING d.notice_id, d.person_id, d.unit_id, d.may_wait, d.channel, d.address, o.status),
             blocked AS (
                 UPDATE chats c SET unreachable_at = now()
                 FROM updated u WHERE u.status = 'blocked' AND c.channel = u.channel AND c.address = u.address
                 RETURNING c.channel, c.address),
             stopped AS (
                 UPDATE deliveries d SET status = 'blocked', error = 'blocked by the person'
                 FROM blocked b WHERE d.channel = b.channel AND d.address = b.address AND d.status = 'pending'
                 RETURNING d.notice_id, d.person_id, d.unit_id, d.may_wait),
             missed AS (
                 SELECT notice_id, person_id, unit_id, may_wait FROM updated
                 WHERE status IN ('blocked', 'undeliverable') AND notice_id IS NOT NULL
                 UNION SELECT notice_id, person_id, unit_id, may_wait FROM stopped WHERE notice_id IS NOT NULL)
             INSERT INTO deliveries (notice_id, person_id, unit_id, channel, address, language, may_wait,
                                     rerouted)
             SELECT DISTINCT ON (m.notice_id, m.person_id)
                    m.notice_id, m.person_id, m.unit_id, c.channel, c.address, c.language, m.may_wait,
                    true
             FROM missed m JOIN chats c ON c.person_id = m.person_id
             WHERE c.can_push AND c.unreachable_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM blocked b WHERE b.channel = c.channel AND b.address = c.address)
               AND NOT EXISTS (SELECT 1 FROM deliveries t
                               WHERE t.person_id = m.person_id AND t.notice_id = m.notice_id
                                 AND t.channel = c.channel AND t.address = c.address)
             ORDER BY m.notice_id, m.person_id, c.last_seen_at DESC NULLS LAST, c.channel, c.address",
            &ids,
            &statuses[..] as &[&str],
            &message_ids[..] as &[Option<String>],
            &errors[..] as &[Option<String>],
            &retry_in[..] as &[Option<f64>],
            &parts[..] as &[Option<i32>],
            claim
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn notice(&self, id: i64) -> anyhow::Result<Option<Notice>> {
        let row = sqlx::query_as!(
            NoticeRow,
            r#"SELECT n.id, n.texts AS "texts: Json<BTreeMap<String, NoticeText>>", n.directive, n.issuer,
                      n.link, n.attachment AS "attachment: Json<Attachment>",
                      n.consultation_id AS consultation
               FROM notices n WHERE n.id = $1"#,
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Notice::from))
    }

    /// The notice's units (as targeted), for scope checks.
    pub async fn notice_units(&self, id: i64) -> anyhow::Result<Option<Vec<i64>>> {
        Ok(
            sqlx::query_scalar!("SELECT unit_ids FROM notices WHERE id = $1", id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}

/// Whether person `p` on chat `c`, living in `scope`, receives a notice to `roles` and
/// `languages` (each empty: all): the one rule of the fan-out and of its preview.
fn recipient(roles: &str, languages: &str) -> String {
    format!(
        "p.unit_id IN (SELECT id FROM scope)
         AND p.subscribed AND c.unreachable_at IS NULL AND c.can_push
         AND (cardinality({languages}) = 0 OR c.language = ANY({languages}))
         AND {}",
        in_audience(roles)
    )
}

/// The columns of `notices` that make a [`Notice`], as stored.
struct NoticeRow {
    id: i64,
    texts: Json<BTreeMap<String, NoticeText>>,
    directive: String,
    issuer: String,
    link: String,
    attachment: Option<Json<Attachment>>,
    consultation: Option<i64>,
}

impl From<NoticeRow> for Notice {
    fn from(r: NoticeRow) -> Notice {
        Notice {
            id: r.id,
            texts: r.texts.0,
            directive: r.directive,
            issuer: r.issuer,
            link: r.link,
            attachment: r.attachment.map(|a| a.0),
            consultation: r.consultation,
        }
    }
}

impl Tx {
    pub async fn create_notice(&mut self, notice: &NewNotice) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar!(
            "INSERT INTO notices (texts, directive, issuer, link, unit_ids, roles, languages, send_at,
                                  quiet_hours, urgent, created_by, attachment, consultation_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8::timestamptz, 'infinity'), $9, $10, $11, $12, $13)
             RETURNING id",
            Json(&notice.texts) as _,
            &notice.directive,
            &notice.issuer,
            &notice.link,
            &notice.unit_ids,
            &notice.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()[..] as &[&str],
            &notice.languages,
            notice.send_at as Option<DateTime<Utc>>,
            notice.quiet_hours,
            notice.urgent,
            notice.created_by,
            notice.attachment.as_ref().map(Json) as _,
            notice.consultation
        )
        .fetch_one(&mut *self.inner)
        .await?)
    }

    /// Queues a draft to go out at its send time, or at `now` if it has none (or it has passed).
    /// Returns when it will go, or None when the notice is no draft.
    pub async fn schedule_notice(
        &mut self,
        id: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<DateTime<Utc>>> {
        Ok(sqlx::query_scalar!(
            r#"UPDATE notices SET status = 'scheduled',
                    send_at = CASE WHEN send_at = 'infinity' OR send_at < $2 THEN $2 ELSE send_at END
             WHERE id = $1 AND status = 'draft' RETURNING send_at AS "send_at: DateTime<Utc>""#,
            id,
            now as DateTime<Utc>
        )
        .fetch_optional(&mut *self.inner)
        .await?)
    }

    /// How many people a notice to these units (and below), roles and languages (empty: all)
    /// would reach now: those its fan-out would send to.
    pub async fn count_recipients(
        &mut self,
        unit_ids: &[i64],
        roles: &[Audience],
        languages: &[String],
    ) -> anyhow::Result<i64> {
        // Built at run time: the recipient rule is the fan-out's (`recipient`).
        Ok(sqlx::query_scalar(&format!(
            "WITH RECURSIVE scope AS (
                 SELECT id FROM units WHERE id = ANY($1)
                 UNION SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id)
             SELECT count(DISTINCT p.id) FROM people p JOIN chats c ON c.person_id = p.id
             WHERE {}",
            recipient("$2::text[]", "$3::text[]")
        ))
        .bind(unit_ids)
        .bind(roles.iter().map(|r| r.as_str()).collect::<Vec<_>>())
        .bind(languages)
        .fetch_one(&mut *self.inner)
        .await?)
    }

    /// One set-based insert of a delivery per recipient: people living in the notice's units (or
    /// below), subscribed, of the targeted roles and languages, each to the chat they used last
    /// among those that may be pushed to and are reachable.
    async fn fan_out(&mut self, notice: i64) -> anyhow::Result<u64> {
        // Built at run time: the recipient rule is shared with its preview (`recipient`), and
        // the audience with surveys (`in_audience`).
        Ok(sqlx::query(&format!(
            "WITH RECURSIVE n AS (SELECT * FROM notices WHERE id = $1),
             scope AS (
                 SELECT u.id FROM units u, n WHERE u.id = ANY(n.unit_ids)
                 UNION SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id)
             INSERT INTO deliveries (notice_id, person_id, unit_id, channel, address, language, may_wait)
             SELECT DISTINCT ON (p.id)
                    $1, p.id, p.unit_id, c.channel, c.address, c.language, n.quiet_hours AND NOT n.urgent
             FROM n, people p JOIN chats c ON c.person_id = p.id
             WHERE {}
             ORDER BY p.id, {LAST_USED_FIRST}",
            recipient("n.roles", "n.languages")
        ))
        .bind(notice)
        .execute(&mut *self.inner)
        .await?
        .rows_affected())
    }

    /// Notes what the platform reports of messages sent to `address`: on the phone, or read.
    pub async fn record_receipts(
        &mut self,
        channel: &str,
        address: &str,
        message_ids: &[String],
        read: bool,
    ) -> anyhow::Result<u64> {
        Ok(sqlx::query!(
            "UPDATE deliveries SET delivered_at = COALESCE(delivered_at, now()),
                    read_at = CASE WHEN $4 THEN COALESCE(read_at, now()) ELSE read_at END
             WHERE channel = $1 AND address = $2 AND message_id = ANY($3)",
            channel,
            address,
            message_ids,
            read
        )
        .execute(&mut *self.inner)
        .await?
        .rows_affected())
    }

    /// Marks the notice read by the person; false when it was never sent to them.
    pub async fn acknowledge(
        &mut self,
        person: PersonId,
        notice: NoticeId,
    ) -> anyhow::Result<bool> {
        let found: Option<i64> = sqlx::query_scalar!(
            r#"WITH mine AS (SELECT id, read_at FROM deliveries WHERE notice_id = $2 AND person_id = $1),
             marked AS (UPDATE deliveries d SET read_at = now()
                        FROM mine WHERE d.id = mine.id AND mine.read_at IS NULL)
             SELECT count(*) AS "count!" FROM mine HAVING count(*) > 0"#,
            person.0,
            notice.0
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(found.is_some())
    }

    /// The notice, if it was sent to the person.
    pub async fn notice_for(
        &mut self,
        person: PersonId,
        notice: NoticeId,
    ) -> anyhow::Result<Option<Notice>> {
        let row = sqlx::query_as!(
            NoticeRow,
            r#"SELECT n.id, n.texts AS "texts: Json<BTreeMap<String, NoticeText>>", n.directive, n.issuer,
                      n.link, n.attachment AS "attachment: Json<Attachment>",
                      n.consultation_id AS consultation
               FROM notices n
               WHERE n.id = $2 AND EXISTS (SELECT 1 FROM deliveries d
                                           WHERE d.notice_id = n.id AND d.person_id = $1)"#,
            person.0,
            notice.0
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(row.map(Notice::from))
    }

    /// The latest notices sent to the person, newest first.
    pub async fn recent_notices(
        &mut self,
        person: PersonId,
        limit: i64,
    ) -> anyhow::Result<Vec<Notice>> {
        let rows = sqlx::query_as!(
            NoticeRow,
            r#"SELECT n.id, n.texts AS "texts: Json<BTreeMap<String, NoticeText>>", n.directive, n.issuer,
                      n.link, n.attachment AS "attachment: Json<Attachment>",
                      n.consultation_id AS consultation
               FROM notices n
               WHERE n.status <> 'cancelled'
                 AND n.id IN (SELECT notice_id FROM deliveries WHERE person_id = $1)
               ORDER BY n.send_at DESC, n.id DESC LIMIT $2"#,
            person.0,
            limit
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows.into_iter().map(Notice::from).collect())
    }

    /// Notices that could not reach the person (the platform's rules forbade it, on every chat
    /// tried) and are not cancelled, oldest first, at most `limit`: they are marked sent to this
    /// chat, which shows them now.
    pub async fn take_missed_notices(
        &mut self,
        person: PersonId,
        channel: &str,
        address: &str,
        now: DateTime<Utc>,
        limit: i64,
    ) -> anyhow::Result<Vec<Notice>> {
        let rows = sqlx::query_as!(
            NoticeRow,
            r#"WITH missed AS (
                 SELECT DISTINCT ON (d.notice_id) d.id, d.notice_id
                 FROM deliveries d JOIN notices n ON n.id = d.notice_id
                 WHERE d.person_id = $1 AND d.status = 'undeliverable' AND n.status <> 'cancelled'
                   AND NOT EXISTS (SELECT 1 FROM deliveries o
                                   WHERE o.person_id = $1 AND o.notice_id = d.notice_id
                                     AND o.status IN ('pending', 'sending', 'sent'))
                 ORDER BY d.notice_id, d.id DESC),
             shown AS (SELECT * FROM missed ORDER BY notice_id LIMIT $5),
             marked AS (UPDATE deliveries d SET status = 'sent', sent_at = $4, channel = $2, address = $3
                        FROM shown WHERE d.id = shown.id)
             SELECT n.id, n.texts AS "texts: Json<BTreeMap<String, NoticeText>>", n.directive, n.issuer,
                    n.link, n.attachment AS "attachment: Json<Attachment>",
                    n.consultation_id AS consultation
             FROM notices n JOIN shown ON shown.notice_id = n.id
             ORDER BY n.id"#,
            person.0,
            channel,
            address,
            now as DateTime<Utc>,
            limit
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows.into_iter().map(Notice::from).collect())
    }

    /// Queues `reply` for the person, to the chat they used last among those that may be messaged.
    pub async fn message_person(&mut self, person: i64, reply: &Reply) -> anyhow::Result<u64> {
        Ok(sqlx::query!(
            "INSERT INTO deliveries (message, person_id, unit_id, channel, address, language, may_wait)
             SELECT $2::jsonb, p.id, p.unit_id, c.channel, c.address, c.language, false
             FROM people p JOIN chats c ON c.person_id = p.id
             WHERE p.id = $1 AND c.can_push AND c.unreachable_at IS NULL
             ORDER BY c.last_seen_at DESC NULLS LAST, c.channel, c.address LIMIT 1",
            person,
            Json(reply) as _
        )
        .execute(&mut *self.inner)
        .await?
        .rows_affected())
    }
}
