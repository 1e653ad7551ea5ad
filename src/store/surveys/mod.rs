//! Surveys: definitions, invitations through the delivery queue, progress, consents, responses and
//! the tallies kept with them.

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use crate::domain::survey::{Draft, SurveyFile};
use crate::domain::survey_chat::{Survey, SurveyStatus, Whom};
use crate::message::{Lang, Reply};
use crate::store::{LAST_USED_FIRST, Store, Tx, in_audience};

mod responses;
mod tallies;

pub use responses::Submission;
pub use tallies::ExportRow;

/// A survey and a person taking it, the pair its progress, consents and invitations are kept by:
/// named, so that the two ids cannot be passed the wrong way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taker {
    pub survey: i64,
    pub person: i64,
}

/// People a survey targets: living in its units (or below), of its roles.
fn targeted() -> String {
    format!(
        "WITH RECURSIVE s AS (SELECT * FROM surveys WHERE id = $1),
         scope AS (SELECT u.id FROM units u, s WHERE u.id = ANY(s.unit_ids)
                   UNION SELECT u.id FROM units u JOIN scope sc ON u.parent_id = sc.id),
         targeted AS (
             SELECT p.id, p.unit_id FROM s, people p
             WHERE p.unit_id IN (SELECT id FROM scope) AND {})",
        in_audience("s.roles")
    )
}

/// A survey as stored; an unknown status is an error, never taken for another.
struct SurveyRow {
    id: i64,
    definition: Json<SurveyFile>,
    unit_ids: Vec<i64>,
    status: SurveyStatus,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
}

impl From<SurveyRow> for Survey {
    fn from(row: SurveyRow) -> Survey {
        Survey {
            id: row.id,
            file: row.definition.0,
            unit_ids: row.unit_ids,
            status: row.status,
            opens_at: row.opens_at,
            closes_at: row.closes_at,
        }
    }
}

impl Tx {
    /// A draft survey of `file`, its times `times` until it opens.
    pub async fn insert_survey(
        &mut self,
        file: &SurveyFile,
        unit_ids: &[i64],
        replaces: Option<i64>,
        times: (DateTime<Utc>, DateTime<Utc>),
    ) -> anyhow::Result<i64> {
        // Placeholders, replaced at once by the definition's values.
        let id = sqlx::query_scalar!(
            "INSERT INTO surveys (replaces, definition, unit_ids, anonymous, sensitive, opens_at, closes_at)
             VALUES ($1, '{}', '{}', true, true, now(), 'infinity') RETURNING id",
            replaces
        )
        .fetch_one(&mut *self.inner)
        .await?;
        self.set_survey_definition(id, file, unit_ids, times)
            .await?;
        Ok(id)
    }

    /// The survey's status, its row locked until the transaction ends.
    pub async fn lock_survey(&mut self, id: i64) -> anyhow::Result<Option<SurveyStatus>> {
        Ok(sqlx::query_scalar!(
            r#"SELECT status AS "status: SurveyStatus" FROM surveys WHERE id = $1 FOR UPDATE"#,
            id
        )
        .fetch_optional(&mut *self.inner)
        .await?)
    }

    /// Writes a survey's definition, and its times (provisional until it opens).
    pub async fn set_survey_definition(
        &mut self,
        id: i64,
        file: &SurveyFile,
        unit_ids: &[i64],
        (opens, closes): (DateTime<Utc>, DateTime<Utc>),
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE surveys SET definition = $2, unit_ids = $3, roles = $4, anonymous = $5,
                    sensitive = $6, opens_at = $7, closes_at = $8 WHERE id = $1",
            id,
            Json(file) as _,
            unit_ids,
            &roles(file) as &[&str],
            file.anonymous,
            file.sensitive,
            opens as DateTime<Utc>,
            closes as DateTime<Utc>
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    pub async fn survey(&mut self, id: i64) -> anyhow::Result<Option<Survey>> {
        let row = sqlx::query_as!(
            SurveyRow,
            r#"SELECT id, definition AS "definition: Json<SurveyFile>", unit_ids,
                      status AS "status: SurveyStatus", opens_at AS "opens_at: DateTime<Utc>",
                      closes_at AS "closes_at: DateTime<Utc>"
               FROM surveys WHERE id = $1"#,
            id
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(row.map(Survey::from))
    }

    /// Marks the survey open from `opens` to `closes`; returns the survey it replaces, if any.
    pub async fn mark_survey_open(
        &mut self,
        id: i64,
        (opens, closes): (DateTime<Utc>, DateTime<Utc>),
    ) -> anyhow::Result<Option<i64>> {
        Ok(sqlx::query_scalar!(
            "UPDATE surveys SET status = 'open', opened_at = now(), opens_at = $2, closes_at = $3
             WHERE id = $1 RETURNING replaces",
            id,
            opens as DateTime<Utc>,
            closes as DateTime<Utc>
        )
        .fetch_one(&mut *self.inner)
        .await?)
    }

    /// One invitation per person the survey targets, counted per unit; returns how many.
    pub async fn invite_targeted(&mut self, id: i64) -> anyhow::Result<u64> {
        // Built at run time: the audience rule is in_audience's, kept in one place with notices'.
        let invited = sqlx::query(&format!(
            "{}
             INSERT INTO survey_invitations (survey_id, person_id, unit_id)
             SELECT $1, id, unit_id FROM targeted ORDER BY id",
            targeted()
        ))
        .bind(id)
        .execute(&mut *self.inner)
        .await?
        .rows_affected();
        sqlx::query!(
            "INSERT INTO survey_tallies (survey_id, unit_id, question, choice, count)
             SELECT $1, COALESCE(unit_id, 0), '+', '', count(*) FROM survey_invitations
             WHERE survey_id = $1 GROUP BY 2",
            id
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(invited)
    }

    /// Queues the message in each language (Vietnamese, the fallback, first) to the survey's
    /// invited people (all, or those `whom` names who were not reminded yet), each to the chat
    /// they used last among those that may be messaged, to go out from `not_before`.
    pub async fn deliver_to_invited(
        &mut self,
        id: i64,
        messages: &[(Lang, Reply)],
        whom: Option<Whom>,
        not_before: DateTime<Utc>,
    ) -> anyhow::Result<u64> {
        let who = not_reminded(whom);
        let (codes, messages): (Vec<&str>, Vec<Json<&Reply>>) = messages
            .iter()
            .map(|(lang, reply)| (lang.code(), Json(reply)))
            .unzip();
        // Built at run time: whom to send to is one of three filters (not_reminded), and the
        // chat order is LAST_USED_FIRST, shared with every other delivery.
        Ok(sqlx::query(&format!(
            "INSERT INTO deliveries (message, person_id, unit_id, channel, address, language, may_wait,
                                     next_attempt_at)
             SELECT DISTINCT ON (i.person_id)
                    COALESCE((SELECT m FROM unnest($2::text[], $3::jsonb[]) AS x (code, m)
                              WHERE x.code = c.language),
                             ($3::jsonb[])[1]),
                    i.person_id, i.unit_id, c.channel, c.address, c.language, true, $4
             FROM survey_invitations i
             JOIN people p ON p.id = i.person_id
             JOIN chats c ON c.person_id = p.id
             WHERE i.survey_id = $1 AND {who}
               AND p.subscribed AND c.unreachable_at IS NULL AND c.can_push
             ORDER BY i.person_id, {LAST_USED_FIRST}"
        ))
        .bind(id)
        .bind(&codes)
        .bind(&messages)
        .bind(not_before)
        .execute(&mut *self.inner)
        .await?
        .rows_affected())
    }

    /// Closes an open survey and forgets every answer in progress (they never count).
    pub async fn close_survey(&mut self, id: i64) -> anyhow::Result<bool> {
        let closed = sqlx::query!(
            "UPDATE surveys SET status = 'closed', closed_at = now() WHERE id = $1 AND status = 'open'",
            id
        )
        .execute(&mut *self.inner)
        .await?
        .rows_affected()
            == 1;
        sqlx::query!("DELETE FROM survey_progress WHERE survey_id = $1", id)
            .execute(&mut *self.inner)
            .await?;
        Ok(closed)
    }

    /// Notes that those `whom` names were reminded; returns how many people.
    pub async fn mark_reminded(&mut self, id: i64, whom: Whom) -> anyhow::Result<u64> {
        // The filters of not_reminded, one statement each.
        let marked = match whom {
            Whom::Unfinished => {
                sqlx::query!(
                    "UPDATE survey_invitations i SET reminded_at = now() WHERE i.survey_id = $1
                       AND i.started AND NOT i.finished AND i.reminded_at IS NULL",
                    id
                )
                .execute(&mut *self.inner)
                .await?
            }
            Whom::NotStarted => {
                sqlx::query!(
                    "UPDATE survey_invitations i SET reminded_at = now() WHERE i.survey_id = $1
                       AND NOT i.started AND i.reminded_at IS NULL",
                    id
                )
                .execute(&mut *self.inner)
                .await?
            }
        };
        Ok(marked.rows_affected())
    }

    /// Surveys open now, newest first.
    pub async fn open_surveys(&mut self, now: DateTime<Utc>) -> anyhow::Result<Vec<Survey>> {
        let open = sqlx::query_as!(
            SurveyRow,
            r#"SELECT id, definition AS "definition: Json<SurveyFile>", unit_ids,
                      status AS "status: SurveyStatus", opens_at AS "opens_at: DateTime<Utc>",
                      closes_at AS "closes_at: DateTime<Utc>"
               FROM surveys
               WHERE status = 'open' AND opens_at <= $1 AND closes_at > $1 ORDER BY id DESC"#,
            now as DateTime<Utc>
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(open.into_iter().map(Survey::from).collect())
    }

    pub async fn survey_progress(
        &mut self,
        Taker { survey, person }: Taker,
    ) -> anyhow::Result<Option<Draft>> {
        let draft = sqlx::query_scalar!(
            r#"SELECT draft AS "draft: Json<Draft>" FROM survey_progress
               WHERE survey_id = $1 AND person_id = $2"#,
            survey,
            person
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(draft.map(|d| d.0))
    }

    /// Keeps the answers so far, unless the survey was closed meanwhile; on the first save the
    /// person counts as invited (someone who signed up after the survey opened) and as started.
    pub async fn save_survey_progress(
        &mut self,
        Taker { survey, person }: Taker,
        draft: &Draft,
    ) -> anyhow::Result<()> {
        let first = sqlx::query_scalar!(
            r#"INSERT INTO survey_progress (survey_id, person_id, draft)
               SELECT $1, $2, $3 FROM surveys WHERE id = $1 AND status = 'open'
               ON CONFLICT (survey_id, person_id) DO UPDATE SET draft = $3, updated_at = now()
               RETURNING xmax = 0 AS "first!""#,
            survey,
            person,
            Json(draft) as _
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        match first {
            Some(true) => self.mark_invitation(Taker { survey, person }, false).await,
            _ => Ok(()),
        }
    }

    /// Marks the person's invitation started (and `finished`), creating it, and counting them as
    /// invited, if they came without one (someone who signed up after the survey opened).
    pub(super) async fn mark_invitation(
        &mut self,
        Taker { survey, person }: Taker,
        finished: bool,
    ) -> anyhow::Result<()> {
        let created = sqlx::query_scalar!(
            r#"INSERT INTO survey_invitations (survey_id, person_id, unit_id, started, finished)
               SELECT $1, id, unit_id, true, $3 FROM people WHERE id = $2
               ON CONFLICT (survey_id, person_id) DO UPDATE SET started = true,
                   finished = survey_invitations.finished OR EXCLUDED.finished
               RETURNING CASE WHEN xmax = 0 THEN unit_id END AS "unit?""#,
            survey,
            person,
            finished
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        if let Some(Some(unit)) = created {
            sqlx::query!(
                "INSERT INTO survey_tallies (survey_id, unit_id, question, choice, count)
                 VALUES ($1, $2, '+', '', 1)
                 ON CONFLICT (survey_id, unit_id, question, choice)
                 DO UPDATE SET count = survey_tallies.count + 1",
                survey,
                unit
            )
            .execute(&mut *self.inner)
            .await?;
        }
        Ok(())
    }

    pub async fn drop_survey_progress(
        &mut self,
        Taker { survey, person }: Taker,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "DELETE FROM survey_progress WHERE survey_id = $1 AND person_id = $2",
            survey,
            person
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// Consent refused or withdrawn: the answers so far and the consent go.
    pub async fn refuse_survey(&mut self, Taker { survey, person }: Taker) -> anyhow::Result<()> {
        self.drop_survey_progress(Taker { survey, person }).await?;
        sqlx::query!(
            "DELETE FROM survey_consents WHERE survey_id = $1 AND person_id = $2",
            survey,
            person
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    pub async fn record_survey_consent(
        &mut self,
        Taker { survey, person }: Taker,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "INSERT INTO survey_consents (survey_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            survey,
            person
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Closes the open surveys whose closing time has passed, forgetting their answers in
    /// progress; returns how many.
    pub async fn close_expired_surveys(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let mut tx = self.begin().await?;
        let expired = sqlx::query_scalar!(
            "SELECT id FROM surveys WHERE status = 'open' AND closes_at <= $1 FOR UPDATE",
            now as DateTime<Utc>
        )
        .fetch_all(&mut *tx.inner)
        .await?;
        for &id in &expired {
            tx.close_survey(id).await?;
        }
        tx.commit().await?;
        Ok(expired.len())
    }
}

fn roles(file: &SurveyFile) -> Vec<&'static str> {
    file.target.roles.iter().map(|r| r.as_str()).collect()
}

/// The invitations `whom` names that were not reminded yet; all of them for `None`.
fn not_reminded(whom: Option<Whom>) -> &'static str {
    match whom {
        None => "TRUE",
        Some(Whom::Unfinished) => "i.started AND NOT i.finished AND i.reminded_at IS NULL",
        Some(Whom::NotStarted) => "NOT i.started AND i.reminded_at IS NULL",
    }
}
