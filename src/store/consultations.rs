//! Consultations on a draft: definitions, opinions written as residents give them, counts kept by
//! triggers as rows of +1/−1 and squashed now and then, profiles under their own consent, and
//! opinions from meetings kept apart.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::types::Json;

use super::{Store, Tx};
use crate::domain::consultation::{
    Consultation, ConsultationFile, Meeting, Opinion, Status, Tally,
};
use crate::domain::consultation_chat::Answer;
use crate::domain::ids::{ConsultationId, PersonId};

/// Drafts by consultation, as read: a draft's text is never changed once written, and a
/// constitution's runs to a hundred articles, which every tap in chat would otherwise fetch and
/// parse again. Bounded; one forgotten is read again.
#[derive(Clone)]
pub(super) struct Drafts(moka::future::Cache<i64, Arc<ConsultationFile>>);

/// Drafts kept at once: every consultation open in a province, many times over.
const DRAFTS_KEPT: u64 = 256;

impl Default for Drafts {
    fn default() -> Drafts {
        Drafts(moka::future::Cache::new(DRAFTS_KEPT))
    }
}

/// A consultation as stored.
struct Row {
    id: i64,
    definition: Json<ConsultationFile>,
    unit_ids: Vec<i64>,
    status: Status,
    opens_at: Option<DateTime<Utc>>,
    closes_at: Option<DateTime<Utc>>,
    link: String,
}

/// One consultation by id, in a transaction or on the pool.
async fn find<'e>(
    on: impl sqlx::PgExecutor<'e>,
    id: i64,
) -> anyhow::Result<Option<(Consultation, String)>> {
    let row = sqlx::query_as!(
        Row,
        r#"SELECT id, definition AS "definition: Json<ConsultationFile>", unit_ids,
                  status AS "status: Status", opens_at AS "opens_at: DateTime<Utc>",
                      closes_at AS "closes_at: DateTime<Utc>", link
           FROM consultations WHERE id = $1"#,
        id
    )
    .fetch_optional(on)
    .await?;
    Ok(row.map(from_row))
}

/// A stored consultation and the page with its whole text ('' when there is none).
fn from_row(row: Row) -> (Consultation, String) {
    let consultation = assemble(
        row.id,
        Arc::new(row.definition.0),
        row.unit_ids,
        row.status,
        (row.opens_at, row.closes_at),
    );
    (consultation, row.link)
}

/// A consultation from its columns, its draft read now or kept from before.
fn assemble(
    id: i64,
    file: Arc<ConsultationFile>,
    unit_ids: Vec<i64>,
    status: Status,
    (opens_at, closes_at): (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
) -> Consultation {
    Consultation {
        id,
        file,
        unit_ids,
        status,
        // A draft has no times yet: it opens and closes "never".
        opens_at: opens_at.unwrap_or(DateTime::<Utc>::MAX_UTC),
        closes_at: closes_at.unwrap_or(DateTime::<Utc>::MAX_UTC),
    }
}

/// One opinion written: who, where they live, on which part, through which channel.
pub struct Opining<'a> {
    pub consultation: i64,
    pub person: i64,
    pub unit: Option<i64>,
    pub channel: &'a str,
    pub now: DateTime<Utc>,
    /// Whether the person has answered before (so is counted already): the statement then
    /// skips counting them, which would find them and do nothing.
    pub counted: bool,
}

/// What the kept counts say, per part and unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    /// (part, unit id or 0) → tally.
    pub parts: BTreeMap<(i16, i64), Tally>,
    /// unit id or 0 → people who answered anything.
    pub people: BTreeMap<i64, i64>,
}

/// A comment to read, with where and when it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub part: i16,
    pub unit_id: Option<i64>,
    pub opinion: Opinion,
    pub text: String,
    pub at: DateTime<Utc>,
}

impl Tx {
    pub async fn create_consultation(
        &mut self,
        file: &ConsultationFile,
        unit_ids: &[i64],
        created_by: &str,
    ) -> anyhow::Result<i64> {
        let roles: Vec<&str> = file.target.roles.iter().map(|r| r.as_str()).collect();
        Ok(sqlx::query_scalar!(
            "INSERT INTO consultations (definition, unit_ids, roles, created_by)
             VALUES ($1, $2, $3, $4) RETURNING id",
            Json(file) as _,
            unit_ids,
            &roles as &[&str],
            created_by
        )
        .fetch_one(&mut *self.inner)
        .await?)
    }

    pub async fn consultation(
        &mut self,
        id: i64,
    ) -> anyhow::Result<Option<(Consultation, String)>> {
        find(&mut *self.inner, id).await
    }

    /// Consultations open now, newest first.
    pub async fn open_consultations(
        &mut self,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<Consultation>> {
        let rows = sqlx::query_as!(
            Row,
            r#"SELECT id, definition AS "definition: Json<ConsultationFile>", unit_ids,
                      status AS "status: Status", opens_at AS "opens_at: DateTime<Utc>",
                      closes_at AS "closes_at: DateTime<Utc>", link
               FROM consultations
               WHERE status = 'open' AND opens_at <= $1 AND closes_at > $1 ORDER BY id DESC"#,
            now as DateTime<Utc>
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows.into_iter().map(|r| from_row(r).0).collect())
    }

    /// Opens a draft consultation from `opens` to `closes`, with the page of its whole text; false
    /// when it is no draft.
    pub async fn open_consultation(
        &mut self,
        id: i64,
        opens: DateTime<Utc>,
        closes: DateTime<Utc>,
        link: &str,
    ) -> anyhow::Result<bool> {
        Ok(sqlx::query!(
            "UPDATE consultations SET status = 'open', opens_at = $2, closes_at = $3, link = $4
             WHERE id = $1 AND status = 'draft'",
            id,
            opens as DateTime<Utc>,
            closes as DateTime<Utc>,
            link
        )
        .execute(&mut *self.inner)
        .await?
        .rows_affected()
            == 1)
    }

    pub async fn close_consultation(&mut self, id: i64) -> anyhow::Result<bool> {
        Ok(sqlx::query!(
            "UPDATE consultations SET status = 'closed', closes_at = least(closes_at, now())
             WHERE id = $1 AND status = 'open'",
            id
        )
        .execute(&mut *self.inner)
        .await?
        .rows_affected()
            == 1)
    }

    /// A consultation with the person's answers by part and whether they consented to give their
    /// profile, in one read: every step of a consultation in chat needs both.
    pub async fn consultation_for(
        &mut self,
        id: ConsultationId,
        person: PersonId,
    ) -> anyhow::Result<Option<(Consultation, String, BTreeMap<i16, Answer>, bool)>> {
        // The person's answers as (part, opinion, commented); the draft only when not kept.
        let kept = self.drafts.0.get(&id.0).await;
        let row = sqlx::query!(
            r#"SELECT id, CASE WHEN $3 THEN NULL ELSE definition END AS "definition?: Json<ConsultationFile>",
                      unit_ids, status AS "status: Status", opens_at AS "opens_at: DateTime<Utc>",
                      closes_at AS "closes_at: DateTime<Utc>", link,
                      COALESCE((SELECT json_agg(json_build_array(o.part, o.opinion, o.comment IS NOT NULL))
                                FROM consultation_opinions o
                                WHERE o.consultation_id = c.id AND o.person_id = $2), '[]')
                          AS "mine!: Json<Vec<(i16, Opinion, bool)>>",
                      EXISTS (SELECT 1 FROM consultation_profiles p
                              WHERE p.consultation_id = c.id AND p.person_id = $2) AS "consented!"
               FROM consultations c WHERE c.id = $1"#,
            id.0,
            person.0,
            kept.is_some()
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let file = match kept {
            Some(kept) => kept,
            None => {
                let read = Arc::new(r.definition.context("the draft, asked for")?.0);
                self.drafts.0.insert(id.0, read.clone()).await;
                read
            }
        };
        let consultation = assemble(r.id, file, r.unit_ids, r.status, (r.opens_at, r.closes_at));
        let mine = r
            .mine
            .0
            .into_iter()
            .map(|(part, opinion, commented)| (part, Answer { opinion, commented }))
            .collect();
        Ok(Some((consultation, r.link, mine, r.consented)))
    }

    /// Writes opinions on `parts` in one statement (the person counted once, the counts by the
    /// table's trigger). A comment given replaces the kept one; None keeps it. `only_new`: leave
    /// parts already answered as they are.
    pub async fn opine(
        &mut self,
        who: &Opining<'_>,
        parts: &[i16],
        opinion: Option<Opinion>,
        comment: Option<&str>,
        only_new: bool,
    ) -> anyhow::Result<()> {
        // A comment without an opinion keeps the opinion there is, or is "ý kiến khác".
        sqlx::query!(
            "WITH person AS (
                 INSERT INTO consultation_people (consultation_id, person_id, unit_id)
                 SELECT $1, $2, $3 WHERE NOT $10 ON CONFLICT DO NOTHING)
             INSERT INTO consultation_opinions AS o
                 (consultation_id, person_id, part, unit_id, opinion, comment, channel, updated_at)
             SELECT $1, $2, p, $3, COALESCE($5, 'other'), $6, $7, $8 FROM unnest($4::smallint[]) AS p
             ON CONFLICT (consultation_id, person_id, part) DO UPDATE
             SET opinion = COALESCE($5, o.opinion), comment = COALESCE($6, o.comment),
                 channel = $7, updated_at = $8
             WHERE NOT $9
               AND (o.opinion, o.comment) IS DISTINCT FROM (COALESCE($5, o.opinion), COALESCE($6, o.comment))",
            who.consultation,
            who.person,
            who.unit,
            parts,
            opinion as Option<Opinion>,
            comment,
            who.channel,
            who.now as DateTime<Utc>,
            only_new,
            who.counted
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// The separate consent to give age group and occupation; taking it back forgets them.
    pub async fn set_profile_consent(
        &mut self,
        consultation: ConsultationId,
        person: PersonId,
        consent: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        if consent {
            sqlx::query!(
                "INSERT INTO consultation_profiles (consultation_id, person_id, consented_at)
                 VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                consultation.0,
                person.0,
                now as DateTime<Utc>
            )
            .execute(&mut *self.inner)
            .await?;
        } else {
            sqlx::query!(
                "DELETE FROM consultation_profiles WHERE consultation_id = $1 AND person_id = $2",
                consultation.0,
                person.0
            )
            .execute(&mut *self.inner)
            .await?;
        }
        Ok(())
    }

    /// Age group or occupation, kept only where the consent is.
    pub async fn set_profile(
        &mut self,
        consultation: ConsultationId,
        person: PersonId,
        age_group: Option<&str>,
        occupation: Option<&str>,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE consultation_profiles
             SET age_group = COALESCE($3, age_group), occupation = COALESCE($4, occupation)
             WHERE consultation_id = $1 AND person_id = $2",
            consultation.0,
            person.0,
            age_group,
            occupation
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// Two people become one: the kept person's answers stand; the other's move where the kept
    /// person gave none, and the rest are dropped (their counts with them, by the trigger).
    pub(super) async fn merge_consultation_records(
        &mut self,
        kept: i64,
        gone: i64,
    ) -> anyhow::Result<()> {
        // An opinion belongs to its person's row in the consultation (0051). Where both took
        // part, the other's opinions are dropped or moved to the kept person's row first, as
        // dropping the other's row would take them along; elsewhere that row moves, and its
        // opinions with it.
        sqlx::query!(
            "WITH dropped AS (
                 DELETE FROM consultation_opinions g
                 WHERE g.person_id = $2 AND EXISTS (
                     SELECT 1 FROM consultation_opinions k
                     WHERE k.person_id = $1 AND k.consultation_id = g.consultation_id AND k.part = g.part)),
             moved AS (
                 UPDATE consultation_opinions g SET person_id = $1
                 WHERE g.person_id = $2
                   AND EXISTS (SELECT 1 FROM consultation_people k
                               WHERE k.person_id = $1 AND k.consultation_id = g.consultation_id)
                   AND NOT EXISTS (
                       SELECT 1 FROM consultation_opinions k
                       WHERE k.person_id = $1 AND k.consultation_id = g.consultation_id AND k.part = g.part)),
             profiles AS (
                 DELETE FROM consultation_profiles g
                 WHERE g.person_id = $2 AND EXISTS (
                     SELECT 1 FROM consultation_profiles k
                     WHERE k.person_id = $1 AND k.consultation_id = g.consultation_id))
             SELECT 1 AS done",
            kept,
            gone
        )
        .fetch_one(&mut *self.inner)
        .await?;
        sqlx::query!(
            "DELETE FROM consultation_people g
             WHERE g.person_id = $2 AND EXISTS (
                 SELECT 1 FROM consultation_people k
                 WHERE k.person_id = $1 AND k.consultation_id = g.consultation_id)",
            kept,
            gone
        )
        .execute(&mut *self.inner)
        .await?;
        sqlx::query!(
            "UPDATE consultations SET created_by = 'person:' || $1 WHERE created_by = 'person:' || $2",
            kept.to_string(),
            gone.to_string()
        )
        .execute(&mut *self.inner)
        .await?;
        sqlx::query!(
            "UPDATE consultation_people SET person_id = $1 WHERE person_id = $2",
            kept,
            gone
        )
        .execute(&mut *self.inner)
        .await?;
        sqlx::query!(
            "UPDATE consultation_profiles SET person_id = $1 WHERE person_id = $2",
            kept,
            gone
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    pub async fn add_meeting(
        &mut self,
        consultation: i64,
        meeting: &Meeting,
        entered_by: &str,
    ) -> anyhow::Result<i64> {
        let id = sqlx::query_scalar!(
            "INSERT INTO consultation_meetings (consultation_id, unit_id, held_on, place, attendance, entered_by)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            consultation,
            meeting.unit_id,
            meeting.held_on as NaiveDate,
            &meeting.place,
            meeting.attendance,
            entered_by
        )
        .fetch_one(&mut *self.inner)
        .await?;
        let column = |f: fn(&Tally) -> i64| -> Vec<i64> {
            meeting.parts.iter().map(|(_, t, _)| f(t)).collect()
        };
        sqlx::query!(
            "INSERT INTO consultation_meeting_parts (meeting_id, part, agree, disagree, other, summary)
             SELECT $1, * FROM unnest($2::smallint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[])",
            id,
            &meeting.parts.iter().map(|p| p.0).collect::<Vec<_>>(),
            &column(|t| t.agree),
            &column(|t| t.disagree),
            &column(|t| t.other),
            &meeting.parts.iter().map(|p| p.2.clone()).collect::<Vec<_>>()
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(id)
    }
}

impl Store {
    pub async fn consultation(&self, id: i64) -> anyhow::Result<Option<(Consultation, String)>> {
        find(&self.pool, id).await
    }

    /// Every consultation, newest first.
    pub async fn consultations(&self) -> anyhow::Result<Vec<Consultation>> {
        let rows = sqlx::query_as!(
            Row,
            r#"SELECT id, definition AS "definition: Json<ConsultationFile>", unit_ids,
                      status AS "status: Status", opens_at AS "opens_at: DateTime<Utc>",
                      closes_at AS "closes_at: DateTime<Utc>", link
               FROM consultations ORDER BY id DESC"#
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| from_row(r).0).collect())
    }

    /// The kept counts of a consultation per part and unit: each unit's own (part 0 holds its
    /// totals over all parts, and the people), as a recount from the opinions finds them.
    pub async fn consultation_counts(&self, id: i64) -> anyhow::Result<Counts> {
        let rows = sqlx::query_as!(
            TallyRow,
            r#"SELECT part, unit_id, sum(agree)::bigint AS "agree!", sum(disagree)::bigint AS "disagree!",
                      sum(other)::bigint AS "other!", sum(comments)::bigint AS "comments!",
                      sum(people)::bigint AS "people!"
               FROM consultation_tallies WHERE consultation_id = $1 AND own GROUP BY 1, 2"#,
            id
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(counts_of(rows))
    }

    /// What a unit's results show of the kept counts: every part within `scope` (its own rows
    /// and those counted from below), and part 0 of each unit in `below`, all as [`Counts`]
    /// keyed by (part, unit). About 140 rows for a province, however many communes answered
    /// which parts: few enough to sum here, which is quicker than sorting them to group there.
    pub async fn consultation_scope_counts(
        &self,
        id: i64,
        scope: i64,
        below: &[i64],
    ) -> anyhow::Result<Counts> {
        let rows = sqlx::query_as!(
            TallyRow,
            "SELECT part, unit_id, agree, disagree, other, comments, people
             FROM consultation_tallies
             WHERE consultation_id = $1 AND (unit_id = $2 OR (part = 0 AND unit_id = ANY($3)))",
            id,
            scope,
            below
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(counts_of(rows))
    }

    /// The same figures counted from the opinions themselves: what the kept counts must equal.
    pub async fn recount_consultation(&self, id: i64) -> anyhow::Result<Counts> {
        let rows = sqlx::query_as!(
            TallyRow,
            r#"SELECT part AS "part!", COALESCE(unit_id, 0) AS "unit_id!",
                      count(*) FILTER (WHERE opinion = 'agree') AS "agree!",
                      count(*) FILTER (WHERE opinion = 'disagree') AS "disagree!",
                      count(*) FILTER (WHERE opinion = 'other') AS "other!",
                      count(comment) AS "comments!", 0::bigint AS "people!"
               FROM consultation_opinions WHERE consultation_id = $1 GROUP BY 1, 2
               UNION ALL
               SELECT 0::smallint, COALESCE(unit_id, 0), 0, 0, 0, 0, count(*) FROM consultation_people
               WHERE consultation_id = $1 GROUP BY 2"#,
            id
        )
        .fetch_all(&self.pool)
        .await?;
        let mut counts = counts_of(rows);
        // Part 0's totals over all parts, as the kept counts carry them.
        let totals: Vec<(i64, Tally)> = counts
            .parts
            .iter()
            .map(|(&(_, unit), &tally)| (unit, tally))
            .collect();
        for (unit, tally) in totals {
            *counts.parts.entry((0, unit)).or_default() += tally;
        }
        Ok(counts)
    }

    /// Opinions in `units` by the age group and by the occupation their authors gave under the
    /// profile consent: (dimension "age" or "job", the group's code, people, their opinions).
    /// Counted when asked: only those who chose to say are read, never the rest.
    pub async fn consultation_breakdown(
        &self,
        id: i64,
        units: &[i64],
    ) -> anyhow::Result<Vec<(String, String, i64, Tally)>> {
        let rows = sqlx::query!(
            r#"SELECT d.dim AS "dim!", d.code AS "code!", count(DISTINCT o.person_id) AS "people!",
                      count(*) FILTER (WHERE o.opinion = 'agree') AS "agree!",
                      count(*) FILTER (WHERE o.opinion = 'disagree') AS "disagree!",
                      count(*) FILTER (WHERE o.opinion = 'other') AS "other!"
             FROM consultation_profiles p
             CROSS JOIN LATERAL (VALUES ('age', p.age_group), ('job', p.occupation)) AS d (dim, code)
             JOIN consultation_opinions o
               ON o.consultation_id = p.consultation_id AND o.person_id = p.person_id
             WHERE p.consultation_id = $1 AND d.code IS NOT NULL AND o.unit_id = ANY($2)
             GROUP BY 1, 2 ORDER BY 1, 2"#,
            id,
            units
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let tally = Tally {
                    agree: r.agree,
                    disagree: r.disagree,
                    other: r.other,
                    ..Tally::default()
                };
                (r.dim, r.code, r.people, tally)
            })
            .collect())
    }

    /// Comments on a consultation (on one part, or all), newest first, `limit` from `offset`, in
    /// these units (None: all).
    pub async fn consultation_comments(
        &self,
        id: i64,
        part: Option<i16>,
        unit_ids: Option<&[i64]>,
        limit: i64,
        offset: i64,
    ) -> anyhow::Result<Vec<Comment>> {
        Ok(sqlx::query_as!(
            Comment,
            r#"SELECT part, unit_id, opinion AS "opinion: Opinion", comment AS "text!",
                      updated_at AS "at: DateTime<Utc>"
               FROM consultation_opinions
               WHERE consultation_id = $1 AND comment IS NOT NULL
                 AND ($2::smallint IS NULL OR part = $2)
                 AND ($3::bigint[] IS NULL OR unit_id = ANY($3))
               ORDER BY updated_at DESC, person_id LIMIT $4 OFFSET $5"#,
            id,
            part,
            unit_ids,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The meetings of a consultation, oldest first.
    pub async fn meetings(&self, id: i64) -> anyhow::Result<Vec<Meeting>> {
        // Each meeting's parts as (part, agree, disagree, other, summary).
        let rows = sqlx::query!(
            r#"SELECT m.id, m.unit_id, m.held_on AS "held_on: NaiveDate", m.place, m.attendance,
                      COALESCE((SELECT json_agg(json_build_array(p.part, p.agree, p.disagree, p.other, p.summary)
                                           ORDER BY p.part)
                                FROM consultation_meeting_parts p WHERE p.meeting_id = m.id), '[]')
                          AS "parts!: Json<Vec<(i16, i64, i64, i64, String)>>"
               FROM consultation_meetings m WHERE m.consultation_id = $1
               ORDER BY m.held_on, m.id"#,
            id
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Meeting {
                unit_id: r.unit_id,
                held_on: r.held_on,
                place: r.place,
                attendance: r.attendance,
                parts: r
                    .parts
                    .0
                    .into_iter()
                    .map(|(part, agree, disagree, other, summary)| {
                        let tally = Tally {
                            agree,
                            disagree,
                            other,
                            comments: 0,
                        };
                        (part, tally, summary)
                    })
                    .collect(),
            })
            .collect())
    }
}

/// Counts of one part (0: all parts, and the people) and unit.
struct TallyRow {
    part: i16,
    unit_id: i64,
    agree: i64,
    disagree: i64,
    other: i64,
    comments: i64,
    people: i64,
}

impl TallyRow {
    fn tally(&self) -> Tally {
        Tally {
            agree: self.agree,
            disagree: self.disagree,
            other: self.other,
            comments: self.comments,
        }
    }
}

/// Rows summed per key; a key whose rows of changes cancel out is left out.
fn counts_of(rows: Vec<TallyRow>) -> Counts {
    let mut counts = Counts::default();
    for row in rows {
        let (part, unit) = (row.part, row.unit_id);
        *counts.parts.entry((part, unit)).or_default() += row.tally();
        *counts.people.entry(unit).or_default() += row.people;
    }
    counts.parts.retain(|_, t| *t != Tally::default());
    counts.people.retain(|_, n| *n != 0);
    counts
}
