//! Residents' tickets: stored with their deadlines and codes, moved by staff, rated by residents,
//! each change kept in `ticket_events`; the categories and holidays they are timed by.

use chrono::{DateTime, NaiveDate, Utc};

use sqlx::types::Json;

use super::Tx;
use crate::domain::ticket::{self, Category, Figures, Kind, Status, Ticket};
use crate::domain::work_time::Calendar;
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

/// Which tickets a queue shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Units whose tickets are shown (a staff member's scope, or one unit of it).
    pub unit_ids: Vec<i64>,
    pub which: Which,
    pub category: Option<String>,
    /// Words in the text, or a code.
    pub search: Option<String>,
    /// Only questions about this notice.
    pub notice: Option<i64>,
}

/// Which statuses a queue shows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum Which {
    /// Those still waiting for an answer.
    #[default]
    Open,
    All,
    Only(Status),
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

/// What a [`TicketRow`] reads, for the queue's statements built at run time; the static ones
/// write the same list out.
const COLUMNS: &str = "id, number, unit_id, person_id, anonymous, kind, category, notice_id, text,
    photos, photos_channel, latitude, longitude, status, urgent, created_at, accept_due, answer_due,
    accepted_at, answered_at, answer, satisfied, reopened,
    (SELECT n.texts->'vi'->>'title' FROM notices n WHERE n.id = notice_id) AS notice_title";

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

fn tickets(rows: Vec<TicketRow>) -> Vec<Ticket> {
    rows.into_iter().map(Ticket::from).collect()
}

impl Tx {
    pub async fn ticket_categories(&mut self) -> anyhow::Result<Vec<Category>> {
        let rows = sqlx::query!(
            "SELECT code, name, name_en, answer_days, urgent FROM ticket_categories ORDER BY position",
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Category {
                code: r.code,
                name: r.name,
                name_en: r.name_en,
                answer_days: r.answer_days.into(),
                urgent: r.urgent,
            })
            .collect())
    }

    /// The holidays deadlines skip.
    pub async fn work_calendar(&mut self) -> anyhow::Result<Calendar> {
        let yearly = sqlx::query!("SELECT month, day FROM yearly_holidays")
            .fetch_all(&mut *self.inner)
            .await?;
        let dates: Vec<NaiveDate> =
            sqlx::query_scalar!(r#"SELECT day AS "day: NaiveDate" FROM holidays"#)
                .fetch_all(&mut *self.inner)
                .await?;
        Ok(Calendar {
            yearly: yearly
                .into_iter()
                .map(|r| (r.month as u32, r.day as u32))
                .collect(),
            dates: dates.into_iter().collect(),
        })
    }

    /// Adds a day off (a lunar holiday, a swapped day); false when it was there already.
    pub async fn add_holiday(&mut self, day: NaiveDate, name: &str) -> anyhow::Result<bool> {
        Ok(sqlx::query!(
            "INSERT INTO holidays (day, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            day as NaiveDate,
            name
        )
        .execute(&mut *self.inner)
        .await?
        .rows_affected()
            == 1)
    }

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
    pub async fn insert_ticket(&mut self, t: &NewTicket<'_>) -> anyhow::Result<Ticket> {
        let row = sqlx::query_as!(
            TicketRow,
            r#"WITH n AS (INSERT INTO ticket_counters (province_id, last) VALUES ($1, 1)
                        ON CONFLICT (province_id) DO UPDATE SET last = ticket_counters.last + 1
                        RETURNING last),
                  t AS (INSERT INTO tickets (province_id, number, unit_id, person_id, anonymous, kind,
                                             category, notice_id, text, photos, photos_channel,
                                             latitude, longitude, urgent, created_at, accept_due,
                                             answer_due)
                        SELECT $1, n.last, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                               $15, $16 FROM n
                        RETURNING *),
                  e AS (INSERT INTO ticket_events (ticket_id, at, action, actor, unit_id)
                        SELECT id, created_at, 'received', 'resident', unit_id FROM t)
             SELECT id, number, unit_id, person_id, anonymous, kind AS "kind: Kind", category,
                    notice_id, text, photos, photos_channel, latitude, longitude,
                    status AS "status: Status", urgent, created_at AS "created_at: DateTime<Utc>",
                    accept_due AS "accept_due: DateTime<Utc>", answer_due AS "answer_due: DateTime<Utc>",
                    accepted_at AS "accepted_at: DateTime<Utc>",
                    answered_at AS "answered_at: DateTime<Utc>", answer, satisfied, reopened,
                    (SELECT n.texts->'vi'->>'title' FROM notices n WHERE n.id = notice_id)
                        AS notice_title FROM t"#,
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
        .await?;
        Ok(row.into())
    }

    /// The ticket, locked for a change when `lock`.
    pub async fn ticket(&mut self, id: i64, lock: bool) -> anyhow::Result<Option<Ticket>> {
        let row = if lock {
            sqlx::query_as!(
                TicketRow,
                r#"SELECT id, number, unit_id, person_id, anonymous, kind AS "kind: Kind", category,
                          notice_id, text, photos, photos_channel, latitude, longitude,
                          status AS "status: Status", urgent, created_at AS "created_at: DateTime<Utc>",
                          accept_due AS "accept_due: DateTime<Utc>", answer_due AS "answer_due: DateTime<Utc>",
                          accepted_at AS "accepted_at: DateTime<Utc>",
                          answered_at AS "answered_at: DateTime<Utc>", answer, satisfied, reopened,
                          (SELECT n.texts->'vi'->>'title' FROM notices n WHERE n.id = notice_id)
                              AS notice_title
                   FROM tickets WHERE id = $1 FOR UPDATE"#,
                id
            )
            .fetch_optional(&mut *self.inner)
            .await?
        } else {
            sqlx::query_as!(
                TicketRow,
                r#"SELECT id, number, unit_id, person_id, anonymous, kind AS "kind: Kind", category,
                          notice_id, text, photos, photos_channel, latitude, longitude,
                          status AS "status: Status", urgent, created_at AS "created_at: DateTime<Utc>",
                          accept_due AS "accept_due: DateTime<Utc>", answer_due AS "answer_due: DateTime<Utc>",
                          accepted_at AS "accepted_at: DateTime<Utc>",
                          answered_at AS "answered_at: DateTime<Utc>", answer, satisfied, reopened,
                          (SELECT n.texts->'vi'->>'title' FROM notices n WHERE n.id = notice_id)
                              AS notice_title
                   FROM tickets WHERE id = $1"#,
                id
            )
            .fetch_optional(&mut *self.inner)
            .await?
        };
        Ok(row.map(Ticket::from))
    }

    /// The ticket with this code among the person's own.
    pub async fn person_ticket_by_number(
        &mut self,
        person: i64,
        number: i32,
    ) -> anyhow::Result<Option<Ticket>> {
        let row = sqlx::query_as!(
            TicketRow,
            r#"SELECT id, number, unit_id, person_id, anonymous, kind AS "kind: Kind", category,
                      notice_id, text, photos, photos_channel, latitude, longitude,
                      status AS "status: Status", urgent, created_at AS "created_at: DateTime<Utc>",
                      accept_due AS "accept_due: DateTime<Utc>", answer_due AS "answer_due: DateTime<Utc>",
                      accepted_at AS "accepted_at: DateTime<Utc>",
                      answered_at AS "answered_at: DateTime<Utc>", answer, satisfied, reopened,
                      (SELECT n.texts->'vi'->>'title' FROM notices n WHERE n.id = notice_id)
                          AS notice_title
               FROM tickets WHERE person_id = $1 AND number = $2
               ORDER BY created_at DESC LIMIT 1"#,
            person,
            number
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(row.map(Ticket::from))
    }

    /// The ticket with this code among those of these units.
    pub async fn unit_ticket_by_number(
        &mut self,
        unit_ids: &[i64],
        number: i32,
    ) -> anyhow::Result<Option<Ticket>> {
        let row = sqlx::query_as!(
            TicketRow,
            r#"SELECT id, number, unit_id, person_id, anonymous, kind AS "kind: Kind", category,
                      notice_id, text, photos, photos_channel, latitude, longitude,
                      status AS "status: Status", urgent, created_at AS "created_at: DateTime<Utc>",
                      accept_due AS "accept_due: DateTime<Utc>", answer_due AS "answer_due: DateTime<Utc>",
                      accepted_at AS "accepted_at: DateTime<Utc>",
                      answered_at AS "answered_at: DateTime<Utc>", answer, satisfied, reopened,
                      (SELECT n.texts->'vi'->>'title' FROM notices n WHERE n.id = notice_id)
                          AS notice_title
               FROM tickets WHERE unit_id = ANY($1) AND number = $2 LIMIT 1"#,
            unit_ids,
            number
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(row.map(Ticket::from))
    }

    /// The person's latest tickets.
    pub async fn person_tickets(&mut self, person: i64, limit: i64) -> anyhow::Result<Vec<Ticket>> {
        let rows = sqlx::query_as!(
            TicketRow,
            r#"SELECT id, number, unit_id, person_id, anonymous, kind AS "kind: Kind", category,
                      notice_id, text, photos, photos_channel, latitude, longitude,
                      status AS "status: Status", urgent, created_at AS "created_at: DateTime<Utc>",
                      accept_due AS "accept_due: DateTime<Utc>", answer_due AS "answer_due: DateTime<Utc>",
                      accepted_at AS "accepted_at: DateTime<Utc>",
                      answered_at AS "answered_at: DateTime<Utc>", answer, satisfied, reopened,
                      (SELECT n.texts->'vi'->>'title' FROM notices n WHERE n.id = notice_id)
                          AS notice_title
               FROM tickets WHERE person_id = $1 ORDER BY created_at DESC LIMIT $2"#,
            person,
            limit
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(tickets(rows))
    }

    /// A page of the queue: open tickets by due date (the overdue first), others newest first.
    pub async fn ticket_queue(
        &mut self,
        filter: &Filter,
        limit: i64,
        offset: i64,
    ) -> anyhow::Result<Vec<Ticket>> {
        // Built at run time: the statuses and the order are written into the statement (see
        // `conditions`).
        let rows: Vec<TicketRow> = sqlx::query_as(&queue_statement(filter))
            .bind(&filter.unit_ids)
            .bind(filter.category.as_deref())
            .bind(filter.search.as_deref().map(search_pattern))
            .bind(filter.notice)
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *self.inner)
            .await?;
        Ok(tickets(rows))
    }

    /// How PostgreSQL reads the first page of the queue, as `EXPLAIN` prints it.
    #[cfg(feature = "bench")]
    pub async fn ticket_queue_plan(&mut self, filter: &Filter) -> anyhow::Result<String> {
        // Built at run time: the queue's statement is.
        let lines: Vec<String> =
            sqlx::query_scalar(&format!("EXPLAIN (COSTS OFF) {}", queue_statement(filter)))
                .bind(&filter.unit_ids)
                .bind(filter.category.as_deref())
                .bind(filter.search.as_deref().map(search_pattern))
                .bind(filter.notice)
                .bind(20_i64)
                .bind(0_i64)
                .fetch_all(&mut *self.inner)
                .await?;
        Ok(lines.join("\n"))
    }

    /// How many tickets the queue holds, and how many of them are overdue at `now`.
    pub async fn ticket_queue_count(
        &mut self,
        filter: &Filter,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(i64, i64)> {
        // Built at run time: the statuses are written into the statement (see `conditions`).
        Ok(sqlx::query_as(&format!(
            "SELECT count(*), count(*) FILTER (WHERE {}) FROM tickets
             WHERE unit_id = ANY($1) AND {}",
            overdue("$5"),
            conditions(filter.which)
        ))
        .bind(&filter.unit_ids)
        .bind(filter.category.as_deref())
        .bind(filter.search.as_deref().map(search_pattern))
        .bind(filter.notice)
        .bind(now)
        .fetch_one(&mut *self.inner)
        .await?)
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
 WHERE ticket_id = $1
             ORDER BY id"#,
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

/// The queue's filter: the units, a status (or all open ones), a category, words or a code.
/// A page of the queue ($5 rows from $6 on).
fn queue_statement(filter: &Filter) -> String {
    // Open tickets in due order through the partial index on (unit, answer due); others newest
    // first through the one on (unit, created).
    let order = match filter.which {
        Which::Open => "answer_due, id",
        Which::Only(s) if s.is_open() => "answer_due, id",
        _ => "created_at DESC, id DESC",
    };
    // Each unit's first rows in order, read from its index, then merged: a province's queue
    // reads a page's worth per commune, not every open ticket of the province to sort, and a
    // commune with none costs nothing. The page is chosen before what each row shows (a notice's
    // title) is looked up.
    format!(
        "SELECT {COLUMNS} FROM (
             SELECT t.* FROM (SELECT DISTINCT unnest($1::bigint[]) AS id) u,
                  LATERAL (SELECT * FROM tickets WHERE unit_id = u.id AND {}
                           ORDER BY {order} LIMIT $5 + $6) t
             ORDER BY {order} LIMIT $5 OFFSET $6) t
         ORDER BY {order}",
        conditions(filter.which)
    )
}

/// The queue's conditions but the units ($1). The statuses are written into the statement, not
/// passed, so that the planner sees an open queue lies within the partial index `tickets_queue`
/// in whatever plan it keeps for the statement.
fn conditions(which: Which) -> String {
    let status = match which {
        Which::Open => "status IN ('received', 'accepted', 'needs_info')".to_owned(),
        Which::All => "true".to_owned(),
        Which::Only(s) => format!("status = '{}'", s.code()),
    };
    format!(
        "{status}
         AND ($2::text IS NULL OR category = $2)
         AND ($3::text IS NULL OR text ILIKE $3 OR 'PA-' || lpad(number::text, 4, '0') ILIKE $3)
         AND ($4::bigint IS NULL OR notice_id = $4)"
    )
}

/// Open past a deadline at `now` (a parameter).
fn overdue(now: &str) -> String {
    format!(
        "(status = 'received' AND accept_due < {now})
         OR (status IN ('received', 'accepted', 'needs_info') AND answer_due < {now})"
    )
}

/// Words to look for, as an ILIKE pattern (its own wildcards taken literally).
fn search_pattern(words: &str) -> String {
    let escaped = words
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
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
