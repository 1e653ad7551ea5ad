//! "1+10" households: created by a cadre with a join code, joined by residents with consent,
//! read by the cadre as counts (who read the latest notice, who answered the open consultation),
//! and reminders at most once a day per household and item.

use chrono::{DateTime, NaiveDate, Utc};

use super::{LAST_USED_FIRST, Store, Tx};
use crate::domain::household::{HouseholdLine, Item};
use crate::message::Reply;
use sqlx::types::Json;

type LineRow = (
    i64,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

impl Tx {
    /// A household in `unit` accompanied by `cadre`; its id and the code its members send.
    pub async fn add_household(
        &mut self,
        unit: i64,
        cadre: i64,
        name: &str,
    ) -> anyhow::Result<(i64, String)> {
        loop {
            // Eight digits: a member types it once; guessing one joins a stranger's household,
            // which its cadre then sees, so it is not worth guessing.
            let code = format!("{:08}", rand::random::<u32>() % 100_000_000);
            let made: Option<i64> = sqlx::query_scalar(
                "INSERT INTO households (unit_id, cadre_id, name, join_code) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (join_code) DO NOTHING RETURNING id",
            )
            .bind(unit)
            .bind(cadre)
            .bind(name)
            .bind(&code)
            .fetch_optional(&mut *self.inner)
            .await?;
            if let Some(id) = made {
                return Ok((id, code));
            }
        }
    }

    /// The household with this code: its id and name.
    pub async fn household_by_code(&mut self, code: &str) -> anyhow::Result<Option<(i64, String)>> {
        Ok(
            sqlx::query_as("SELECT id, name FROM households WHERE join_code = $1")
                .bind(code)
                .fetch_optional(&mut *self.inner)
                .await?,
        )
    }

    /// The person joins the household (leaving any other), with their consent now.
    pub async fn join_household(
        &mut self,
        household: i64,
        person: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO household_members (household_id, person_id, consented_at) VALUES ($1, $2, $3)
             ON CONFLICT (person_id) DO UPDATE SET household_id = $1, consented_at = $3",
        )
        .bind(household)
        .bind(person)
        .bind(now)
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// The cadre's households, oldest first, each with its members and, among them, who read
    /// the latest notice one of them received and who answered the newest consultation open for
    /// their units.
    pub async fn cadre_households(
        &mut self,
        cadre: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<HouseholdLine>> {
        let rows: Vec<LineRow> = sqlx::query_as(
            "SELECT h.id, h.name, h.join_code,
                    (SELECT count(*) FROM household_members m WHERE m.household_id = h.id),
                    n.id, n.texts->'vi'->>'title', n.read, n.got,
                    c.id, c.definition->>'title', c.answered
             FROM households h
             LEFT JOIN LATERAL (
                 SELECT d.notice_id AS id, max(no.texts::text)::jsonb AS texts,
                        count(DISTINCT d.person_id) FILTER (WHERE d.read_at IS NOT NULL) AS read,
                        count(DISTINCT d.person_id) AS got
                 FROM deliveries d JOIN notices no ON no.id = d.notice_id
                 WHERE d.person_id IN (SELECT person_id FROM household_members WHERE household_id = h.id)
                   AND d.status = 'sent'
                 GROUP BY d.notice_id ORDER BY d.notice_id DESC LIMIT 1) n ON true
             LEFT JOIN LATERAL (
                 SELECT c.id, c.definition,
                        (SELECT count(DISTINCT o.person_id) FROM consultation_opinions o
                         WHERE o.consultation_id = c.id
                           AND o.person_id IN (SELECT person_id FROM household_members
                                               WHERE household_id = h.id)) AS answered
                 FROM consultations c
                 WHERE c.status = 'open' AND c.opens_at <= $2 AND c.closes_at > $2
                   -- A member lives in one of its units, at any depth below it.
                   AND EXISTS (
                       SELECT 1 FROM household_members m JOIN people p ON p.id = m.person_id
                       WHERE m.household_id = h.id AND EXISTS (
                           WITH RECURSIVE up (id, parent_id) AS (
                               SELECT id, parent_id FROM units WHERE id = p.unit_id
                               UNION ALL
                               SELECT u.id, u.parent_id FROM units u JOIN up ON u.id = up.parent_id)
                           SELECT 1 FROM up WHERE up.id = ANY(c.unit_ids)))
                 ORDER BY c.id DESC LIMIT 1) c ON true
             WHERE h.cadre_id = $1 ORDER BY h.id",
        )
        .bind(cadre)
        .bind(now)
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, name, code, members, nid, ntitle, read, got, cid, ctitle, answered)| {
                    HouseholdLine {
                        id,
                        name,
                        code,
                        members,
                        notice: nid.map(|n| {
                            (
                                n,
                                ntitle.unwrap_or_default(),
                                read.unwrap_or(0),
                                got.unwrap_or(0),
                            )
                        }),
                        consultation: cid
                            .map(|c| (c, ctitle.unwrap_or_default(), answered.unwrap_or(0))),
                    }
                },
            )
            .collect())
    }

    /// Reminds the household's members who have not read or answered `item`, once on `day`:
    /// how many were reminded, or None when it was reminded of it that day already.
    pub async fn remind_household(
        &mut self,
        household: i64,
        item: &Item,
        day: NaiveDate,
        reply: &Reply,
    ) -> anyhow::Result<Option<u64>> {
        let first: bool = sqlx::query_scalar(
            "WITH new AS (INSERT INTO household_reminders (household_id, item, day) VALUES ($1, $2, $3)
                          ON CONFLICT DO NOTHING RETURNING 1)
             SELECT EXISTS (SELECT 1 FROM new)",
        )
        .bind(household)
        .bind(item.key())
        .bind(day)
        .fetch_one(&mut *self.inner)
        .await?;
        if !first {
            return Ok(None);
        }
        let (notice, consultation) = match item {
            Item::Notice(id, _) => (Some(*id), None),
            Item::Consultation(id, _) => (None, Some(*id)),
        };
        Ok(Some(
            sqlx::query(&format!(
                "INSERT INTO deliveries (message, person_id, unit_id, channel, address, language, may_wait)
                 SELECT DISTINCT ON (p.id) $2::jsonb, p.id, p.unit_id, c.channel, c.address, c.language, false
                 FROM household_members m JOIN people p ON p.id = m.person_id
                 JOIN chats c ON c.person_id = p.id
                 WHERE m.household_id = $1 AND c.can_push AND c.unreachable_at IS NULL
                   AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.person_id = p.id
                                   AND d.notice_id = $3 AND d.read_at IS NOT NULL)
                   AND NOT EXISTS (SELECT 1 FROM consultation_opinions o WHERE o.person_id = p.id
                                   AND o.consultation_id = $4)
                   AND ($3::bigint IS NOT NULL OR $4::bigint IS NOT NULL)
                 ORDER BY p.id, {LAST_USED_FIRST}"
            ))
            .bind(household)
            .bind(Json(reply))
            .bind(notice)
            .bind(consultation)
            .execute(&mut *self.inner)
            .await?
            .rows_affected(),
        ))
    }

    /// Two people become one: households the other accompanied are the kept person's; the kept
    /// person's own household stands, else the other's moves over.
    pub(super) async fn merge_household_records(
        &mut self,
        kept: i64,
        gone: i64,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "WITH cadre AS (UPDATE households SET cadre_id = $1 WHERE cadre_id = $2),
                  dropped AS (DELETE FROM household_members WHERE person_id = $2
                              AND EXISTS (SELECT 1 FROM household_members WHERE person_id = $1))
             SELECT 1",
        )
        .bind(kept)
        .bind(gone)
        .execute(&mut *self.inner)
        .await?;
        sqlx::query("UPDATE household_members SET person_id = $1 WHERE person_id = $2")
            .bind(kept)
            .bind(gone)
            .execute(&mut *self.inner)
            .await?;
        Ok(())
    }
}

/// A commune's "1+10" coverage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    pub households: i64,
    /// Residents in a household with a cadre.
    pub accompanied: i64,
    pub cadres: i64,
    /// Cadres with more households than the model's ten.
    pub cadres_over: i64,
}

impl Store {
    /// Coverage in these units.
    pub async fn household_coverage(&self, unit_ids: &[i64]) -> anyhow::Result<Coverage> {
        let (households, accompanied, cadres, cadres_over): (i64, i64, i64, i64) = sqlx::query_as(
            "WITH h AS (SELECT * FROM households WHERE unit_id = ANY($1)),
                  per AS (SELECT cadre_id, count(*) AS n FROM h WHERE cadre_id IS NOT NULL GROUP BY 1)
             SELECT (SELECT count(*) FROM h),
                    (SELECT count(*) FROM household_members m JOIN h ON h.id = m.household_id
                     WHERE h.cadre_id IS NOT NULL),
                    (SELECT count(*) FROM per),
                    (SELECT count(*) FROM per WHERE n > $2)",
        )
        .bind(unit_ids)
        .bind(crate::domain::household::USUAL_HOUSEHOLDS as i64)
        .fetch_one(&self.pool)
        .await?;
        Ok(Coverage {
            households,
            accompanied,
            cadres,
            cadres_over,
        })
    }
}
