//! The queue staff work through. Its statements are built at run time: the statuses and the
//! order are written into them so that the planner keeps to the partial indexes.

use chrono::{DateTime, Utc};

use super::TicketRow;
use crate::domain::ticket::{Status, Ticket};
use crate::store::Tx;

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

/// What a [`TicketRow`] reads, for the queue's statements built at run time; `Tx::tickets`
/// writes the same list out for the checked macro.
const COLUMNS: &str = "id, number, unit_id, person_id, anonymous, kind, category, notice_id, text,
    photos, photos_channel, latitude, longitude, status, urgent, created_at, accept_due, answer_due,
    accepted_at, answered_at, answer, satisfied, reopened,
    (SELECT n.texts->'vi'->>'title' FROM notices n WHERE n.id = notice_id) AS notice_title";

impl Tx {
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
        Ok(rows.into_iter().map(Ticket::from).collect())
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
