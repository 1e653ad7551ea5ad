//! Counts kept as rows change, in the manner of RapidPro's squashed counts: triggers write rows of
//! ±n with every change, in its transaction (never an update, so writers never wait for each
//! other), reads sum a key's rows, and [`Store::squash_counts`] folds them now and then. So a
//! figure costs its units, not the rows it counts. Here: a notice's reach (migration 0040); the
//! consultations' counts (0047) are read in `consultations`, the report's (0042) in `activities`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::Store;
use crate::domain::notice::{NoticeStatus, Reach, Stage};

/// Each table of kept counts, its key and its counted columns.
const KEPT: [(&str, &str, &[&str]); 3] = [
    (
        "consultation_tallies",
        "consultation_id, part, unit_id, own",
        &["agree", "disagree", "other", "comments", "people"],
    ),
    ("notice_counts", "notice_id, unit_id, kind", &["n"]),
    (
        "report_counts",
        "unit_id, sector, kind, since, until",
        &["n"],
    ),
];

/// Failure reasons listed on a notice's page, the most frequent first.
const REASONS_LISTED: usize = 20;

/// A kept count of notice deliveries: so many (`n`) of `kind` for the notice in the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRow {
    pub notice_id: i64,
    pub unit_id: i64,
    pub kind: String,
    pub n: i64,
}

impl Store {
    /// Folds each key's count rows into one in every table of kept counts, so reads stay short
    /// however many changes came in; keys with one row are left alone. Rows written while it runs
    /// are left for the next squash; two processes squashing at once each fold the rows they took.
    /// Returns the rows written.
    pub async fn squash_counts(&self) -> anyhow::Result<u64> {
        let mut folded = 0;
        for (table, key, counted) in KEPT {
            let columns = counted.join(", ");
            let sums: Vec<String> = counted.iter().map(|c| format!("sum({c})")).collect();
            let any: Vec<String> = counted.iter().map(|c| format!("sum({c}) <> 0")).collect();
            let (sums, any) = (sums.join(", "), any.join(" OR "));
            let mut tx = self.begin().await?;
            // Built at run time: one squash for every table's key and columns.
            folded += sqlx::query(&format!(
                "WITH gone AS (
                     DELETE FROM {table} WHERE ({key}) IN (
                         SELECT {key} FROM {table} GROUP BY {key} HAVING count(*) > 1)
                     RETURNING *)
                 INSERT INTO {table} ({key}, {columns})
                 SELECT {key}, {sums} FROM gone GROUP BY {key} HAVING {any}"
            ))
            .execute(&mut *tx.inner)
            .await?
            .rows_affected();
            tx.commit().await?;
        }
        Ok(folded)
    }

    /// The notice's reach in all and per unit, from its kept counts; None when there is no such
    /// notice.
    pub async fn notice_status(&self, id: i64) -> anyhow::Result<Option<NoticeStatus>> {
        let head = sqlx::query!(
            r#"SELECT status, quiet_hours AND NOT urgent AS "may_wait!",
                      NULLIF(send_at, 'infinity') AS "send_at?: DateTime<Utc>"
             FROM notices WHERE id = $1"#,
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        let Some(head) = head else {
            return Ok(None);
        };
        let rows = sqlx::query_as!(
            CountRow,
            r#"SELECT notice_id AS "notice_id!", unit_id AS "unit_id!", kind AS "kind!",
                      sum(n)::bigint AS "n!"
             FROM notice_counts
             WHERE notice_id = $1 GROUP BY 1, 2, 3
             UNION ALL
             SELECT notice_id, COALESCE(unit_id, 0), 'questions', count(*) FROM tickets
             WHERE notice_id = $1 GROUP BY 1, 2"#,
            id
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(status_of(
            &head.status,
            head.may_wait,
            head.send_at,
            &rows,
        )?))
    }

    /// The same counts recounted from the deliveries themselves, by the same definition
    /// (`delivery_kinds`): what the kept counts must equal.
    pub async fn recount_notice(&self, id: i64) -> anyhow::Result<Vec<CountRow>> {
        Ok(sqlx::query_as!(
            CountRow,
            r#"SELECT notice_id AS "notice_id!", COALESCE(unit_id, 0) AS "unit_id!", k AS "kind!",
                      count(*) AS "n!"
             FROM deliveries, unnest(delivery_kinds(status, delivered_at, read_at, rerouted, error)) k
             WHERE notice_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"#,
            id
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The notice's kept counts, summed per key, in [`Store::recount_notice`]'s order.
    pub async fn kept_notice_counts(&self, id: i64) -> anyhow::Result<Vec<CountRow>> {
        Ok(sqlx::query_as!(
            CountRow,
            r#"SELECT notice_id, unit_id, kind, sum(n)::bigint AS "n!" FROM notice_counts
             WHERE notice_id = $1 GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3"#,
            id
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The reach in all of each notice of `ids`, from their kept counts.
    pub(super) async fn reach_of(&self, ids: &[i64]) -> anyhow::Result<BTreeMap<i64, Reach>> {
        let rows = sqlx::query!(
            r#"SELECT notice_id, kind, sum(n)::bigint AS "n!" FROM notice_counts
             WHERE notice_id = ANY($1) AND kind NOT LIKE 'reason:%' GROUP BY 1, 2"#,
            ids
        )
        .fetch_all(&self.pool)
        .await?;
        let mut reach: BTreeMap<i64, Reach> = BTreeMap::new();
        for r in rows {
            add(reach.entry(r.notice_id).or_default(), &r.kind, r.n);
        }
        Ok(reach)
    }
}

/// A notice's status from its head and its count rows.
fn status_of(
    stage: &str,
    may_wait: bool,
    send_at: Option<DateTime<Utc>>,
    rows: &[CountRow],
) -> anyhow::Result<NoticeStatus> {
    let stage =
        Stage::from_code(stage).ok_or_else(|| anyhow::anyhow!("a notice in stage {stage:?}"))?;
    let mut units: BTreeMap<i64, Reach> = BTreeMap::new();
    let mut reasons: BTreeMap<&str, i64> = BTreeMap::new();
    for row in rows {
        match row.kind.strip_prefix("reason:") {
            Some(reason) => *reasons.entry(reason).or_default() += row.n,
            None => add(units.entry(row.unit_id).or_default(), &row.kind, row.n),
        }
    }
    let units: Vec<(Option<i64>, Reach)> = units
        .into_iter()
        .filter(|(_, r)| *r != Reach::default())
        .map(|(unit, r)| ((unit != 0).then_some(unit), r))
        .collect();
    let mut failures: Vec<(String, i64)> = reasons
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(reason, n)| (reason.to_owned(), n))
        .collect();
    failures.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    failures.truncate(REASONS_LISTED);
    Ok(NoticeStatus {
        stage,
        may_wait,
        send_at,
        totals: units.iter().map(|(_, r)| r).sum(),
        units,
        failures,
    })
}

/// Adds `n` deliveries of `kind` (as `delivery_kinds` names them) to `reach`.
fn add(reach: &mut Reach, kind: &str, n: i64) {
    let figure = match kind {
        "targeted" => &mut reach.targeted,
        "pending" => &mut reach.pending,
        "sent" => &mut reach.sent,
        "failed" => &mut reach.failed,
        "undeliverable" => &mut reach.undeliverable,
        "blocked" => &mut reach.blocked,
        "cancelled" => &mut reach.cancelled,
        "delivered" => &mut reach.delivered,
        "read" => &mut reach.read,
        "questions" => &mut reach.questions,
        _ => return,
    };
    *figure += n;
}
