//! Residents' tickets: stored with their deadlines and codes, moved by staff, rated by residents,
//! each change kept in `ticket_events`. Every read of a ticket but the queue's goes through
//! `Tx::tickets`: lookups and writes answer ids, so the row is written out once for the checked
//! macros.

mod calendar;
mod queue;

use chrono::{DateTime, Utc};

use sqlx::types::Json;

pub use queue::{Filter, Which};

use super::Tx;
use crate::domain::ids::PersonId;
use crate::domain::ticket::{self, Figures, Kind, Status, Ticket};
use crate::message::Reply;

/// A ticket to store: who, where, what, and its deadlines, already decided.
pub struct NewTicket<'a> {
    pub person_id: i64,
    pub province_id: i64,
    pub unit_id: i64,
    pub anonymous: bool,
    pub kind: Kind,
    pub category: Option<&'a str>,
    pub notice_id: Option<i64>,
    pub text: &'a str,
    pub photos: &'a [String],
    pub photos_channel: Option<&'a str>,
    pub location: Option<(f64, f64)>,
    pub urgent: bool,
    pub at: DateTime<Utc>,
    pub accept_due: DateTime<Utc>,
    pub answer_due: DateTime<Utc>,
}

/// A change staff or the resident made, as written to the ticket and its history.
pub struct Change<'a> {
    pub ticket: i64,
    pub status: Status,
    pub at: DateTime<Utc>,
    /// The event's name: a staff move's code, or "info", "rated", "reopened_by_resident"…
    pub action: &'a str,
    pub actor: &'a str,
    pub text: Option<&'a str>,
    /// A transfer's new unit, with its new deadlines.
    pub transfer: Option<(i64, DateTime<Utc>, DateTime<Utc>)>,
}

/// One line of a ticket's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor: String,
    pub text: Option<String>,
    pub unit_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct TicketRow {
    id: i64,
    number: i32,
    unit_id: i64,
    person_id: Option<i64>,
    anonymous: bool,
    kind: Kind,
    category: Option<String>,
    notice_id: Option<i64>,
    notice_title: Option<String>,
    text: String,
    photos: Vec<String>,
    photos_channel: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    status: Status,
    urgent: bool,
    created_at: DateTime<Utc>,
    accept_due: DateTime<Utc>,
    answer_due: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
    answered_at: Option<DateTime<Utc>>,
    answer: Option<String>,
    satisfied: Option<bool>,
    reopened: i32,
}

impl From<TicketRow> for Ticket {
    fn from(r: TicketRow) -> Ticket {
        Ticket {
            id: r.id,
            code: ticket::code(r.number),
            unit_id: r.unit_id,
            person_id: r.person_id,
            anonymous: r.anonymous,
            kind: r.kind,
            category: r.category,
            notice_id: r.notice_id,
            notice_title: r.notice_title,
            text: r.text,
            photos: r.photos,
            photos_channel: r.photos_channel,
            location: r.latitude.zip(r.longitude),
            status: r.status,
            urgent: r.urgent,
            created_at: r.created_at,
            accept_due: r.accept_due,
            answer_due: r.answer_due,
            accepted_at: r.accepted_at,
            answered_at: r.answered_at,
            answer: r.answer,
            satisfied: r.satisfied,
            reopened: r.reopened,
        }
    }
}

impl Tx {
    /// Tickets the person sent since `since` that are still open.
    pub async fn open_tickets_since(
        &mut self,
        person: i64,
        since: DateTime<Utc>,
    ) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar!(
            r#"SELECT count(*) AS "count!" FROM tickets WHERE person_id = $1 AND created_at > $2
               AND status IN ('received', 'accepted', 'needs_info')"#,
            person,
            since as DateTime<Utc>
        )
        .fetch_one(&mut *self.inner)
        .await?)
    }

    /// Stores the ticket with the next code of its province, and its first event.
    pub async fn insert_ticket(&mut self, t: &NewTicket<'_>) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar!(
            r#"WITH n AS (INSERT INTO ticket_counters (province_id, last) VALUES ($1, 1)
                        ON CONFLICT (province_id) DO UPDATE SET last = ticket_counters.last + 1
                        RETURNING last),
                  t AS (INSERT INTO tickets (province_id, number, unit_id, person_id, anonymous, kind,
                                             category, notice_id, text, photos, photos_channel,
                                             latitude, longitude, urgent, created_at, accept_due,
                                             answer_due)
                        SELECT $1, n.last, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                               $15, $16 FROM n
                        RETURNING id, created_at, unit_id),
                  e AS (INSERT INTO ticket_events (ticket_id, at, action, actor, unit_id)
                        SELECT id, created_at, 'received', 'resident', unit_id FROM t)
             SELECT id AS "id!" FROM t"#,
            t.province_id,
            t.unit_id,
            t.person_id,
            t.anonymous,
            t.kind as Kind,
            t.category,
            t.notice_id,
            t.text,
            t.photos,
            t.photos_channel,
            t.location.map(|l| l.0),
            t.location.map(|l| l.1),
            t.urgent,
            t.at as DateTime<Utc>,
            t.accept_due as DateTime<Utc>,
            t.answer_due as DateTime<Utc>
        )
        .fetch_one(&mut *self.inner)
        .await?)
    }

    /// The ticket, locked for a change when `lock`.
    pub async fn ticket(&mut self, id: i64, lock: bool) -> anyhow::Result<Option<Ticket>> {
        // Locked by a statement of its own, so that the read after it sees the latest change
        // (a statement that waits for a lock still reads from the snapshot it began with).
        if lock
            && sqlx::query_scalar!("SELECT 1 AS one FROM tickets WHERE id = $1 FOR UPDATE", id)
                .fetch_optional(&mut *self.inner)
                .await?
                .is_none()
        {
            return Ok(None);
        }
        Ok(self.tickets(&[id]).await?.pop())
    }

    /// The tickets, in the order of `ids`; the one statement that reads them, but for the
    /// queue's.
    async fn tickets(&mut self, ids: &[i64]) -> anyhow::Result<Vec<Ticket>> {
        let rows = sqlx::query_as!(
            TicketRow,
            r#"SELECT t.id, number, unit_id, person_id, anonymous, kind AS "kind: Kind", category,
                      notice_id, text, photos, photos_channel, latitude, longitude,
                      status AS "status: Status", urgent, created_at AS "created_at: DateTime<Utc>",
                      accept_due AS "accept_due: DateTime<Utc>", answer_due AS "answer_due: DateTime<Utc>",
                      accepted_at AS "accepted_at: DateTime<Utc>",
                      answered_at AS "answered_at: DateTime<Utc>", answer, satisfied, reopened,
                      (SELECT n.texts->'vi'->>'title' FROM notices n WHERE n.id = notice_id)
                          AS notice_title
               FROM unnest($1::bigint[]) WITH ORDINALITY AS wanted (id, position)
               JOIN tickets t ON t.id = wanted.id
               ORDER BY wanted.position"#,
            ids
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows.into_iter().map(Ticket::from).collect())
    }

    /// The id of the ticket with this code among the person's own.
    pub async fn person_ticket_id(
        &mut self,
        person: PersonId,
        number: i32,
    ) -> anyhow::Result<Option<i64>> {
        Ok(sqlx::query_scalar!(
            "SELECT id FROM tickets WHERE person_id = $1 AND number = $2
             ORDER BY created_at DESC LIMIT 1",
            person.0,
            number
        )
        .fetch_optional(&mut *self.inner)
        .await?)
    }

    /// The id of the ticket with this code among those of these units.
    pub async fn unit_ticket_id(
        &mut self,
        unit_ids: &[i64],
        number: i32,
    ) -> anyhow::Result<Option<i64>> {
        Ok(sqlx::query_scalar!(
            "SELECT id FROM tickets WHERE unit_id = ANY($1) AND number = $2 LIMIT 1",
            unit_ids,
            number
        )
        .fetch_optional(&mut *self.inner)
        .await?)
    }

    /// The person's latest tickets.
    pub async fn person_tickets(
        &mut self,
        person: PersonId,
        limit: i64,
    ) -> anyhow::Result<Vec<Ticket>> {
        let ids = sqlx::query_scalar!(
            "SELECT id FROM tickets WHERE person_id = $1 ORDER BY created_at DESC LIMIT $2",
            person.0,
            limit
        )
        .fetch_all(&mut *self.inner)
        .await?;
        self.tickets(&ids).await
    }

    /// Writes a change to the ticket and its history.
    pub async fn change_ticket(&mut self, c: &Change<'_>) -> anyhow::Result<()> {
        let (unit, accept_due, answer_due) = c.transfer.unzip3();
        sqlx::query!(
            "WITH t AS (
                 UPDATE tickets SET status = $2,
                        accepted_at = CASE WHEN $2 = 'accepted' THEN COALESCE(accepted_at, $3)
                                           WHEN $2 = 'received' THEN NULL ELSE accepted_at END,
                        answered_at = CASE WHEN $2 = 'answered' THEN $3
                                           WHEN $2 IN ('received', 'accepted', 'needs_info') THEN NULL
                                           ELSE answered_at END,
                        answer = CASE WHEN $2 = 'answered' THEN $6
                                      WHEN $2 IN ('received', 'accepted', 'needs_info') THEN NULL
                                      ELSE answer END,
                        closed_at = CASE WHEN $2 IN ('closed', 'rejected') THEN $3 ELSE NULL END,
                        satisfied = CASE WHEN $2 IN ('received', 'accepted', 'needs_info') THEN NULL
                                         ELSE satisfied END,
                        reopened = reopened + CASE WHEN $4 = 'reopened_by_resident' THEN 1 ELSE 0 END,
                        unit_id = COALESCE($7, unit_id),
                        accept_due = COALESCE($8, accept_due),
                        answer_due = COALESCE($9, answer_due)
                 WHERE id = $1 RETURNING unit_id)
             INSERT INTO ticket_events (ticket_id, at, action, actor, text, unit_id)
             SELECT $1, $3, $4, $5, $6, unit_id FROM t",
            c.ticket,
            c.status as Status,
            c.at as DateTime<Utc>,
            c.action,
            c.actor,
            c.text,
            unit,
            accept_due as Option<DateTime<Utc>>,
            answer_due as Option<DateTime<Utc>>
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// Something the resident said about their ticket that changes no status.
    pub async fn note_ticket(
        &mut self,
        ticket: i64,
        at: DateTime<Utc>,
        action: &str,
        text: &str,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "INSERT INTO ticket_events (ticket_id, at, action, actor, text, unit_id)
             SELECT id, $2, $3, 'resident', $4, unit_id FROM tickets WHERE id = $1",
            ticket,
            at as DateTime<Utc>,
            action,
            text
        )
        .execute(&mut *self.inner)
        .await?;
        if action == "comment" {
            sqlx::query!(
                "UPDATE tickets SET rating_comment = $2 WHERE id = $1",
                ticket,
                text
            )
            .execute(&mut *self.inner)
            .await?;
        }
        Ok(())
    }

    /// The resident's rating of the answer, which closes the ticket.
    pub async fn rate_ticket(
        &mut self,
        ticket: i64,
        satisfied: bool,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "WITH t AS (UPDATE tickets SET satisfied = $2, rated_at = $3, status = 'closed',
                                           closed_at = $3
                        WHERE id = $1 RETURNING unit_id)
             INSERT INTO ticket_events (ticket_id, at, action, actor, text, unit_id)
             SELECT $1, $3, CASE WHEN $2 THEN 'rated_satisfied' ELSE 'rated_unsatisfied' END,
                    'resident', NULL, unit_id FROM t",
            ticket,
            satisfied,
            at as DateTime<Utc>
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    pub async fn ticket_events(&mut self, ticket: i64) -> anyhow::Result<Vec<Event>> {
        Ok(sqlx::query_as!(
            Event,
            r#"SELECT at AS "at: DateTime<Utc>", action, actor, text, unit_id FROM ticket_events
               WHERE ticket_id = $1 ORDER BY id"#,
            ticket
        )
        .fetch_all(&mut *self.inner)
        .await?)
    }

    /// Tickets received in `[from, to)` in `unit` and below it, for `unit` itself and for each
    /// unit directly below it (the tickets of its subtree): how they were handled, as of `now`.
    /// Units that received none are left out.
    pub async fn ticket_figures_by_unit(
        &mut self,
        unit: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<(i64, Figures)>> {
        let rows = sqlx::query!(
            r#"WITH RECURSIVE tree AS (
                 SELECT id, id AS row FROM units WHERE parent_id = $1
                 UNION ALL SELECT u.id, t.row FROM units u JOIN tree t ON u.parent_id = t.id),
             rows AS (SELECT id, row FROM tree UNION ALL SELECT $1, $1)
             SELECT r.row AS "unit_id!", count(*) AS "received!",
                    count(*) FILTER (WHERE accepted_at <= accept_due
                                        OR (accepted_at IS NULL AND answered_at <= accept_due))
                        AS "accepted_on_time!",
                    count(*) FILTER (WHERE answered_at IS NOT NULL) AS "answered!",
                    count(*) FILTER (WHERE answered_at <= answer_due) AS "answered_on_time!",
                    count(*) FILTER (WHERE (status = 'received' AND accept_due < $4)
                                        OR (status IN ('received', 'accepted', 'needs_info')
                                            AND answer_due < $4)) AS "overdue!",
                    count(satisfied) AS "rated!",
                    count(*) FILTER (WHERE satisfied) AS "satisfied!"
             FROM tickets t JOIN rows r ON r.id = t.unit_id
             WHERE t.created_at >= $2 AND t.created_at < $3
             GROUP BY r.row"#,
            unit,
            from as DateTime<Utc>,
            to as DateTime<Utc>,
            now as DateTime<Utc>
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let figures = Figures {
                    received: r.received,
                    accepted_on_time: r.accepted_on_time,
                    answered: r.answered,
                    answered_on_time: r.answered_on_time,
                    overdue: r.overdue,
                    rated: r.rated,
                    satisfied: r.satisfied,
                };
                (r.unit_id, figures)
            })
            .collect())
    }

    /// Queues `reply` for the staff nearest to `unit`: its own cadres and admins, or if it has
    /// none, those of the first unit above it that has some (not the whole province's staff).
    pub async fn message_unit_staff(&mut self, unit: i64, reply: &Reply) -> anyhow::Result<u64> {
        Ok(sqlx::query!(
            "WITH RECURSIVE up AS (
                 SELECT id, parent_id, 0 AS depth FROM units WHERE id = $1
                 UNION SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id),
             staff AS (
                 SELECT g.person_id, up.depth FROM role_grants g JOIN up ON up.id = g.unit_id),
             nearest AS (
                 SELECT DISTINCT person_id FROM staff WHERE depth = (SELECT min(depth) FROM staff))
             INSERT INTO deliveries (message, person_id, unit_id, channel, address, language, may_wait)
             SELECT DISTINCT ON (c.person_id) $2::jsonb, c.person_id, $1, c.channel, c.address, c.language, false
             FROM nearest n JOIN chats c ON c.person_id = n.person_id
             WHERE c.can_push AND c.unreachable_at IS NULL
             ORDER BY c.person_id, c.last_seen_at DESC NULLS LAST, c.channel, c.address",
            unit,
            Json(reply) as _
        )
        .execute(&mut *self.inner)
        .await?
        .rows_affected())
    }

    /// Moves a person's tickets to the person they are now one with (`/link`).
    pub async fn move_tickets(&mut self, from: i64, to: i64) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE tickets SET person_id = $2 WHERE person_id = $1",
            from,
            to
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// Law 91: what the person wrote goes with them; the ticket stays, as counts and staff's
    /// answer, with no one behind it.
    pub async fn erase_tickets(&mut self, person: i64) -> anyhow::Result<()> {
        sqlx::query!(
            "WITH t AS (UPDATE tickets SET person_id = NULL, text = '', photos = '{}',
                                           latitude = NULL, longitude = NULL, rating_comment = NULL
                        WHERE person_id = $1 RETURNING id)
             UPDATE ticket_events SET text = NULL
             WHERE actor = 'resident' AND ticket_id IN (SELECT id FROM t)",
            person
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }
}

trait Unzip3<A, B, C> {
    fn unzip3(self) -> (Option<A>, Option<B>, Option<C>);
}

impl<A, B, C> Unzip3<A, B, C> for Option<(A, B, C)> {
    fn unzip3(self) -> (Option<A>, Option<B>, Option<C>) {
        match self {
            Some((a, b, c)) => (Some(a), Some(b), Some(c)),
            None => (None, None, None),
        }
    }
}
