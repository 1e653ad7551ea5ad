//! "1+10" households: created by a cadre with a join code, joined by residents with consent,
//! read by the cadre as counts (who read the latest notice, who answered the open consultation),
//! and reminders at most once a day per household and item.

use chrono::{DateTime, NaiveDate, Utc};

use super::Tx;
use crate::domain::access::Role;
use crate::domain::household::{
    Coverage, HouseholdLine, Item, Tally, UNREACHED_DAYS, USUAL_HOUSEHOLDS, place_key,
};
use crate::domain::ids::{ActivityId, HouseholdId, PersonId};
use crate::domain::vn_time;
use crate::message::Reply;
use sqlx::postgres::{PgTypeInfo, PgValueRef};
use sqlx::types::Json;
use sqlx::{Decode, Postgres};

/// A household as the cadre's list reads it; each item's columns are null when there is none.
struct LineRow {
    id: i64,
    name: String,
    join_code: String,
    members: i64,
    notice_id: Option<i64>,
    notice_title: Option<String>,
    notice_read: Option<i64>,
    notice_got: Option<i64>,
    survey_id: Option<i64>,
    survey_title: Option<String>,
    survey_done: Option<i64>,
    survey_invited: Option<i64>,
    consultation_id: Option<i64>,
    consultation_title: Option<String>,
    consultation_answered: Option<i64>,
}

fn tally(
    id: Option<i64>,
    title: Option<String>,
    done: Option<i64>,
    of: Option<i64>,
) -> Option<Tally> {
    Some(Tally {
        id: id?,
        title: title.unwrap_or_default(),
        done: done.unwrap_or(0),
        of: of.unwrap_or(0),
    })
}

impl Tx {
    /// A household in `unit`, accompanied by `cadre` if given (its history says who gave it),
    /// found by `place` (village group, address) if given. At a place that has one already, that one (its name and cadre
    /// unchanged).
    pub async fn add_household(
        &mut self,
        unit: i64,
        cadre: Option<(i64, Assigner<'_>)>,
        name: &str,
        place: Option<(&str, &str)>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Added> {
        let by = cadre.map(|(_, by)| by);
        let key = place.map(|(village, address)| place_key(village, address));
        loop {
            // Eight digits: a member types it once; guessing one joins a stranger's household,
            // which its cadre then sees, so it is not worth guessing.
            let code = format!("{:08}", rand::random::<u32>() % 100_000_000);
            let made = sqlx::query_as!(
                Added,
                r#"WITH new AS (
                     INSERT INTO households (unit_id, cadre_id, name, join_code, village, address,
                                             place_key, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
                     RETURNING id, join_code, name),
                 given AS (
                     INSERT INTO household_assignments (household_id, assigned, cadre_id, by_kind,
                                                        by_login, by_person_id, at)
                     SELECT id, true, $2, $9, $10, $11, $8 FROM new WHERE $2::bigint IS NOT NULL)
                 SELECT id AS "id!", join_code AS "code!", name AS "name!" FROM new
                 UNION ALL
                 SELECT id, join_code, name FROM households WHERE unit_id = $1 AND place_key = $7"#,
                unit,
                cadre.map(|(id, _)| id),
                name,
                &code,
                place.map(|p| p.0),
                place.map(|p| p.1),
                key.as_deref(),
                now as DateTime<Utc>,
                by.map(|by| by.kind()),
                by.and_then(|by| by.login()),
                by.and_then(|by| by.person())
            )
            .fetch_optional(&mut *self.inner)
            .await?;
            if let Some(made) = made {
                return Ok(made);
            }
        }
    }

    /// The household with this code: its id and name.
    pub async fn household_by_code(&mut self, code: &str) -> anyhow::Result<Option<(i64, String)>> {
        let row = sqlx::query!("SELECT id, name FROM households WHERE join_code = $1", code)
            .fetch_optional(&mut *self.inner)
            .await?;
        Ok(row.map(|r| (r.id, r.name)))
    }

    /// The person joins the household (leaving any other), with their consent now.
    pub async fn join_household(
        &mut self,
        household: HouseholdId,
        person: PersonId,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "INSERT INTO household_members (household_id, person_id, consented_at) VALUES ($1, $2, $3)
             ON CONFLICT (person_id) DO UPDATE SET household_id = $1, consented_at = $3",
            household.0,
            person.0,
            now as DateTime<Utc>
        )
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
        let rows = sqlx::query_as!(
            LineRow,
            r#"WITH mine AS (
                 SELECT h.*, (SELECT array_agg(person_id) FROM household_members m
                              WHERE m.household_id = h.id) AS people
                 FROM households h WHERE h.cadre_id = $1)
             SELECT h.id AS "id!", h.name AS "name!", h.join_code AS "join_code!",
                    COALESCE(cardinality(h.people), 0)::bigint AS "members!",
                    n.id AS "notice_id?", n.texts->'vi'->>'title' AS "notice_title?",
                    n.read AS "notice_read?", n.got AS "notice_got?",
                    s.id AS "survey_id?", s.title AS "survey_title?", s.done AS "survey_done?",
                    s.invited AS "survey_invited?",
                    c.id AS "consultation_id?", c.definition->>'title' AS "consultation_title?",
                    c.answered AS "consultation_answered?"
             FROM mine h
             LEFT JOIN LATERAL (
                 SELECT d.notice_id AS id, max(no.texts::text)::jsonb AS texts,
                        count(DISTINCT d.person_id) FILTER (WHERE d.read_at IS NOT NULL) AS read,
                        count(DISTINCT d.person_id) AS got
                 FROM deliveries d JOIN notices no ON no.id = d.notice_id
                 WHERE d.person_id = ANY(h.people) AND d.status = 'sent'
                 GROUP BY d.notice_id ORDER BY d.notice_id DESC LIMIT 1) n ON true
             LEFT JOIN LATERAL (
                 SELECT sv.id, sv.definition->>'title' AS title,
                        count(*) FILTER (WHERE i.finished) AS done, count(*) AS invited
                 FROM survey_invitations i JOIN surveys sv ON sv.id = i.survey_id
                 WHERE i.person_id = ANY(h.people)
                   AND sv.status = 'open' AND sv.opens_at <= $2 AND sv.closes_at > $2
                   -- Who answered an anonymous or a sensitive survey is for no one to see.
                   AND NOT sv.anonymous AND NOT sv.sensitive
                 GROUP BY sv.id ORDER BY sv.id DESC LIMIT 1) s ON true
             LEFT JOIN LATERAL (
                 SELECT c.id, c.definition,
                        (SELECT count(DISTINCT o.person_id) FROM consultation_opinions o
                         WHERE o.consultation_id = c.id AND o.person_id = ANY(h.people)) AS answered
                 FROM consultations c
                 WHERE c.status = 'open' AND c.opens_at <= $2 AND c.closes_at > $2
                   -- A member lives in one of its units, at any depth below it.
                   AND EXISTS (
                       SELECT 1 FROM people p
                       WHERE p.id = ANY(h.people) AND EXISTS (
                           WITH RECURSIVE up (id, parent_id) AS (
                               SELECT id, parent_id FROM units WHERE id = p.unit_id
                               UNION ALL
                               SELECT u.id, u.parent_id FROM units u JOIN up ON u.id = up.parent_id)
                           SELECT 1 FROM up WHERE up.id = ANY(c.unit_ids)))
                 ORDER BY c.id DESC LIMIT 1) c ON true
             ORDER BY h.id"#,
            cadre,
            now as DateTime<Utc>
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| HouseholdLine {
                id: r.id,
                name: r.name,
                code: r.join_code,
                members: r.members,
                notice: tally(r.notice_id, r.notice_title, r.notice_read, r.notice_got),
                survey: tally(r.survey_id, r.survey_title, r.survey_done, r.survey_invited),
                consultation: tally(
                    r.consultation_id,
                    r.consultation_title,
                    r.consultation_answered,
                    Some(r.members),
                ),
            })
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
        let first = sqlx::query_scalar!(
            r#"WITH new AS (INSERT INTO household_reminders (household_id, item, day) VALUES ($1, $2, $3)
                            ON CONFLICT DO NOTHING RETURNING 1)
               SELECT EXISTS (SELECT 1 FROM new) AS "first!""#,
            household,
            item.key(),
            day as NaiveDate
        )
        .fetch_one(&mut *self.inner)
        .await?;
        if !first {
            return Ok(None);
        }
        let (notice, survey, consultation) = match item {
            Item::Notice(id, _) => (Some(*id), None, None),
            Item::Survey(id, _) => (None, Some(*id), None),
            Item::Consultation(id, _) => (None, None, Some(*id)),
        };
        Ok(Some(
            // The chats in the order LAST_USED_FIRST names, written out for the check.
            sqlx::query!(
                "INSERT INTO deliveries (message, person_id, unit_id, channel, address, language, may_wait)
                 SELECT DISTINCT ON (p.id) $2::jsonb, p.id, p.unit_id, c.channel, c.address, c.language, false
                 FROM household_members m JOIN people p ON p.id = m.person_id
                 JOIN chats c ON c.person_id = p.id
                 WHERE m.household_id = $1 AND c.can_push AND c.unreachable_at IS NULL
                   AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.person_id = p.id
                                   AND d.notice_id = $3 AND d.read_at IS NOT NULL)
                   AND NOT EXISTS (SELECT 1 FROM consultation_opinions o WHERE o.person_id = p.id
                                   AND o.consultation_id = $4)
                   -- A survey: those invited who have not finished it.
                   AND ($5::bigint IS NULL OR EXISTS (
                       SELECT 1 FROM survey_invitations i WHERE i.person_id = p.id
                       AND i.survey_id = $5 AND NOT i.finished))
                   AND num_nonnulls($3::bigint, $4::bigint, $5::bigint) = 1
                 ORDER BY p.id, c.last_seen_at DESC NULLS LAST, c.channel, c.address",
                household,
                Json(reply) as _,
                notice,
                consultation,
                survey
            )
            .execute(&mut *self.inner)
            .await?
            .rows_affected(),
        ))
    }

    /// Two people become one: households the other accompanied (and their history) are the kept
    /// person's; the kept person's own household stands, else the other's moves over.
    pub(super) async fn merge_household_records(
        &mut self,
        kept: i64,
        gone: i64,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "WITH cadre AS (UPDATE households SET cadre_id = $1 WHERE cadre_id = $2),
                  -- One statement for both columns: a cadre may have assigned to themselves.
                  history AS (
                      UPDATE household_assignments
                      SET cadre_id = CASE WHEN cadre_id = $2 THEN $1 ELSE cadre_id END,
                          by_person_id = CASE WHEN by_person_id = $2 THEN $1 ELSE by_person_id END
                      WHERE $2 IN (cadre_id, by_person_id)),
                  dropped AS (DELETE FROM household_members WHERE person_id = $2
                              AND EXISTS (SELECT 1 FROM household_members WHERE person_id = $1))
             SELECT 1 AS done",
            kept,
            gone
        )
        .fetch_one(&mut *self.inner)
        .await?;
        sqlx::query!(
            "UPDATE household_members SET person_id = $1 WHERE person_id = $2",
            kept,
            gone
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }
}

/// Who assigns a household, as its history keeps it.
#[derive(Debug, Clone, Copy)]
pub enum Assigner<'a> {
    /// The command line.
    Operator,
    /// A dashboard login, by its name.
    Login(&'a str),
    /// A cadre or admin in chat.
    Person(i64),
}

impl<'a> Assigner<'a> {
    fn kind(&self) -> &'static str {
        match self {
            Assigner::Operator => "cli",
            Assigner::Login(_) => "login",
            Assigner::Person(_) => "person",
        }
    }

    fn login(&self) -> Option<&'a str> {
        match self {
            Assigner::Login(name) => Some(name),
            _ => None,
        }
    }

    fn person(&self) -> Option<i64> {
        match self {
            Assigner::Person(id) => Some(*id),
            _ => None,
        }
    }
}

/// One change of a household's cadre.
#[derive(Debug, Clone)]
pub struct AssignmentRow {
    pub at: DateTime<Utc>,
    /// Given to `cadre_id`; false: left without a cadre.
    pub assigned: bool,
    /// None once the cadre was erased (or when left without one).
    pub cadre_id: Option<i64>,
    /// 'cli', 'login' (`by_login` names it) or 'person' (`by_person_id`, None once erased).
    pub by_kind: String,
    pub by_login: Option<String>,
    pub by_person_id: Option<i64>,
}

/// A household added, or the one found at its place.
#[derive(Debug, Clone)]
pub struct Added {
    pub id: i64,
    /// What its members send to join.
    pub code: String,
    pub name: String,
}

/// A household as staff list it.
#[derive(Debug, Clone)]
pub struct HouseholdRow {
    pub id: i64,
    pub unit_id: i64,
    pub name: String,
    pub code: String,
    pub village: Option<String>,
    pub address: Option<String>,
    pub cadre_id: Option<i64>,
    pub members: i64,
}

/// Someone with a role in the units listed, and how many households they accompany. People
/// have no names: staff know them by role, unit and the chat they use, masked.
#[derive(Debug, Clone)]
pub struct CadreRow {
    pub id: i64,
    /// Their role there (the highest, if they hold several) and its unit (the broadest).
    pub role: RoleName,
    pub unit_id: i64,
    pub households: i64,
    /// The channel of the chat they used last, and the last four characters of its address:
    /// enough to tell two cadres apart, too little to reach one.
    pub channel: Option<String>,
    pub address_tail: Option<String>,
}

/// A role as `role_grants` keeps it; a bad row is an error, never a default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoleName(pub Role);

impl sqlx::Type<Postgres> for RoleName {
    fn type_info() -> PgTypeInfo {
        <String as sqlx::Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <String as sqlx::Type<Postgres>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Postgres> for RoleName {
    fn decode(value: PgValueRef<'r>) -> Result<RoleName, sqlx::error::BoxDynError> {
        let role = <&str as Decode<Postgres>>::decode(value)?;
        Ok(Role::parse(role)
            .map(RoleName)
            .ok_or_else(|| format!("unknown role {role:?}"))?)
    }
}

impl Tx {
    /// The household with this join code, or this id.
    pub async fn household(&mut self, code_or_id: &str) -> anyhow::Result<Option<HouseholdRow>> {
        Ok(sqlx::query_as!(
            HouseholdRow,
            r#"SELECT h.id, h.unit_id, h.name, h.join_code AS code, h.village, h.address, h.cadre_id,
                      (SELECT count(*) FROM household_members m WHERE m.household_id = h.id) AS "members!"
               FROM households h
               WHERE h.join_code = $1 OR h.id::text = $1 ORDER BY h.join_code = $1 DESC LIMIT 1"#,
            code_or_id
        )
        .fetch_optional(&mut *self.inner)
        .await?)
    }

    /// Households in these units, those without a cadre first, then by name; at most `limit`.
    pub async fn households_in(
        &mut self,
        units: &[i64],
        limit: i64,
    ) -> anyhow::Result<Vec<HouseholdRow>> {
        Ok(sqlx::query_as!(
            HouseholdRow,
            r#"SELECT h.id, h.unit_id, h.name, h.join_code AS code, h.village, h.address, h.cadre_id,
                      (SELECT count(*) FROM household_members m WHERE m.household_id = h.id) AS "members!"
               FROM households h WHERE h.unit_id = ANY($1)
               ORDER BY h.cadre_id IS NOT NULL, h.village NULLS LAST, h.name, h.id LIMIT $2"#,
            units,
            limit
        )
        .fetch_all(&mut *self.inner)
        .await?)
    }

    /// People with a role in these units, those accompanying the most households first.
    pub async fn cadres_in(&mut self, units: &[i64]) -> anyhow::Result<Vec<CadreRow>> {
        // The chat in the order LAST_USED_FIRST names, written out for the check.
        Ok(sqlx::query_as!(
            CadreRow,
            r#"WITH g AS (
                 SELECT DISTINCT ON (person_id) person_id, role, unit_id FROM role_grants
                 WHERE unit_id = ANY($1)
                 -- 'admin' before 'cadre', then the broadest unit (the smallest id).
                 ORDER BY person_id, role, unit_id)
             SELECT g.person_id AS "id!", g.role AS "role!: RoleName", g.unit_id AS "unit_id!",
                    (SELECT count(*) FROM households h WHERE h.cadre_id = g.person_id) AS "households!",
                    c.channel AS "channel?", right(c.address, 4) AS "address_tail?"
             FROM g LEFT JOIN LATERAL (
                 SELECT c.channel, c.address FROM chats c WHERE c.person_id = g.person_id
                 ORDER BY c.last_seen_at DESC NULLS LAST, c.channel, c.address LIMIT 1) c ON true
             ORDER BY 4 DESC, 1"#,
            units
        )
        .fetch_all(&mut *self.inner)
        .await?)
    }

    /// The units a person holds a role on (none for a resident).
    pub async fn role_units(&mut self, person: i64) -> anyhow::Result<Vec<i64>> {
        Ok(sqlx::query_scalar!(
            "SELECT unit_id FROM role_grants WHERE person_id = $1",
            person
        )
        .fetch_all(&mut *self.inner)
        .await?)
    }

    /// The household is accompanied by `cadre` from now on (by no one with None), which its
    /// history keeps with who did it and when; how many households that cadre accompanies then
    /// (0 for no one).
    pub async fn assign_household(
        &mut self,
        household: HouseholdId,
        cadre: Option<PersonId>,
        by: Assigner<'_>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar!(
            r#"WITH moved AS (UPDATE households SET cadre_id = $2 WHERE id = $1),
                  kept AS (
                      INSERT INTO household_assignments (household_id, assigned, cadre_id, by_kind,
                                                         by_login, by_person_id, at)
                      VALUES ($1, $2::bigint IS NOT NULL, $2, $3, $4, $5, $6))
             -- The statement's snapshot does not see the update: count the others, and this one.
             SELECT CASE WHEN $2::bigint IS NULL THEN 0 ELSE count(*) + 1 END AS "cadre_has!"
             FROM households WHERE cadre_id = $2 AND id <> $1"#,
            household.0,
            cadre.map(|c| c.0),
            by.kind(),
            by.login(),
            by.person(),
            now as DateTime<Utc>
        )
        .fetch_one(&mut *self.inner)
        .await?)
    }

    /// Who gave the household to which cadre and when, and when it was left without one;
    /// newest first.
    pub async fn household_assignments(
        &mut self,
        household: i64,
    ) -> anyhow::Result<Vec<AssignmentRow>> {
        Ok(sqlx::query_as!(
            AssignmentRow,
            r#"SELECT at AS "at: DateTime<Utc>", assigned, cadre_id, by_kind, by_login, by_person_id
               FROM household_assignments WHERE household_id = $1 ORDER BY at DESC, id DESC"#,
            household
        )
        .fetch_all(&mut *self.inner)
        .await?)
    }

    /// The activity `activity` was a visit to `household`.
    pub async fn mark_visit(
        &mut self,
        activity: ActivityId,
        household: HouseholdId,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE activities SET household_id = $2 WHERE id = $1",
            activity.0,
            household.0
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// "1+10" in `unit` and below as it stood at `at`: households made by then, their cadres
    /// (as assigned now: `household_assignments` has the changes only from migration 0046 on)
    /// and members who had joined; households no notice reached in the 30 days before; visits
    /// by month from `visits_from` up to `at`.
    pub async fn household_coverage(
        &mut self,
        unit: i64,
        at: DateTime<Utc>,
        visits_from: NaiveDate,
    ) -> anyhow::Result<Coverage> {
        let usual = USUAL_HOUSEHOLDS as i64;
        let unreached_days = UNREACHED_DAYS as i32;
        // The scope: the unit and every unit below it.
        let mut coverage: Coverage = sqlx::query_as!(
            CoverageRow,
            r#"WITH RECURSIVE scope AS (
                 SELECT id FROM units WHERE id = $1
                 UNION SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id),
             h AS (SELECT * FROM households WHERE unit_id IN (SELECT id FROM scope) AND created_at <= $2),
             per AS (SELECT cadre_id, count(*) AS n FROM h WHERE cadre_id IS NOT NULL GROUP BY 1)
             SELECT (SELECT count(*) FROM h) AS "households!",
                    (SELECT count(*) FROM h WHERE cadre_id IS NOT NULL) AS "with_cadre!",
                    (SELECT count(*) FROM household_members m JOIN h ON h.id = m.household_id
                     WHERE h.cadre_id IS NOT NULL AND m.consented_at <= $2) AS "accompanied!",
                    (SELECT count(*) FROM per) AS "cadres!",
                    (SELECT count(*) FROM per WHERE n > $3) AS "cadres_over!",
                    (SELECT count(*) FROM h WHERE NOT EXISTS (
                        SELECT 1 FROM household_members m JOIN deliveries d ON d.person_id = m.person_id
                        WHERE m.household_id = h.id AND d.notice_id IS NOT NULL AND d.status = 'sent'
                          AND d.sent_at >= $2 - make_interval(days => $4) AND d.sent_at <= $2))
                        AS "unreached!""#,
            unit,
            at as DateTime<Utc>,
            usual,
            unreached_days
        )
        .fetch_one(&mut *self.inner)
        .await?
        .into();
        let visits = sqlx::query!(
            r#"WITH RECURSIVE scope AS (
                 SELECT id FROM units WHERE id = $1
                 UNION SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id)
             SELECT date_trunc('month', held_on)::date AS "month!: NaiveDate", count(*) AS "n!"
             FROM activities
             WHERE household_id IS NOT NULL AND deleted_at IS NULL
               AND unit_id IN (SELECT id FROM scope) AND held_on >= $2 AND held_on <= $3
             GROUP BY 1 ORDER BY 1"#,
            unit,
            visits_from as NaiveDate,
            vn_time::local_date(at) as NaiveDate
        )
        .fetch_all(&mut *self.inner)
        .await?;
        coverage.visits = visits.into_iter().map(|v| (v.month, v.n)).collect();
        Ok(coverage)
    }
}

struct CoverageRow {
    households: i64,
    with_cadre: i64,
    accompanied: i64,
    cadres: i64,
    cadres_over: i64,
    unreached: i64,
}

impl From<CoverageRow> for Coverage {
    fn from(r: CoverageRow) -> Coverage {
        Coverage {
            households: r.households,
            with_cadre: r.with_cadre,
            accompanied: r.accompanied,
            cadres: r.cadres,
            cadres_over: r.cadres_over,
            unreached: r.unreached,
            visits: Vec::new(),
        }
    }
}
