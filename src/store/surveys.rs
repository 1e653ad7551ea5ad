//! Surveys: definitions, invitations through the delivery queue, progress, consents, responses and
//! the tallies kept with them.

use chrono::{DateTime, Utc};
use sqlx::types::{Json, Uuid};

use anyhow::Context;

use super::{LAST_USED_FIRST, Store, Tx, in_audience};
use crate::domain::survey::{Answer, Draft, SurveyFile};
use crate::domain::survey_chat::{Survey, SurveyStatus, Whom};
use crate::domain::survey_results::Tally;
use crate::message::{Lang, Reply};

/// Tally rows of the responses matching `filter` (on `r`, a `survey_responses` row): per
/// question and choice, '' for answering the question at all, a number under its value, and '*'
/// once per response. Submitting adds them; erasing a named response takes them back.
fn tally_rows(filter: &str) -> String {
    format!(
        "SELECT r.survey_id, COALESCE(r.unit_id, 0) AS unit_id, t.question, t.choice, count(*) AS n
         FROM survey_responses r,
              LATERAL (SELECT a.question, COALESCE(a.choice, a.number::text) AS choice
                       FROM survey_answers a
                       WHERE a.response_id = r.id AND (a.choice IS NOT NULL OR a.number IS NOT NULL)
                       UNION ALL
                       SELECT DISTINCT a.question, '' FROM survey_answers a WHERE a.response_id = r.id
                       UNION ALL
                       SELECT '*', '') t
         WHERE {filter}
         GROUP BY 1, 2, 3, 4
         ORDER BY 1, 2, 3, 4"
    )
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

type SurveyRow = (
    i64,
    Json<SurveyFile>,
    Vec<i64>,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
);

const SURVEY_COLUMNS: &str = "id, definition, unit_ids, status, opens_at, closes_at";

fn survey_from_row((id, Json(file), unit_ids, status, opens_at, closes_at): SurveyRow) -> Survey {
    Survey {
        id,
        file,
        unit_ids,
        status: SurveyStatus::from_code(&status).unwrap_or(SurveyStatus::Closed),
        opens_at,
        closes_at,
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
        let id = sqlx::query_scalar(
            "INSERT INTO surveys (replaces, definition, unit_ids, anonymous, sensitive, opens_at, closes_at)
             VALUES ($1, '{}', '{}', true, true, now(), 'infinity') RETURNING id",
        )
        .bind(replaces)
        .fetch_one(&mut *self.inner)
        .await?;
        self.set_survey_definition(id, file, unit_ids, times)
            .await?;
        Ok(id)
    }

    /// The survey's status, its row locked until the transaction ends.
    pub async fn lock_survey(&mut self, id: i64) -> anyhow::Result<Option<SurveyStatus>> {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM surveys WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *self.inner)
                .await?;
        Ok(status.map(|s| SurveyStatus::from_code(&s).unwrap_or(SurveyStatus::Closed)))
    }

    /// Writes a survey's definition, and its times (provisional until it opens).
    pub async fn set_survey_definition(
        &mut self,
        id: i64,
        file: &SurveyFile,
        unit_ids: &[i64],
        (opens, closes): (DateTime<Utc>, DateTime<Utc>),
    ) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE surveys SET definition = $2, unit_ids = $3, roles = $4, anonymous = $5,
                    sensitive = $6, opens_at = $7, closes_at = $8 WHERE id = $1",
        )
        .bind(id)
        .bind(Json(file))
        .bind(unit_ids)
        .bind(roles(file))
        .bind(file.anonymous)
        .bind(file.sensitive)
        .bind(opens)
        .bind(closes)
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    pub async fn survey(&mut self, id: i64) -> anyhow::Result<Option<Survey>> {
        let row: Option<SurveyRow> = sqlx::query_as(&format!(
            "SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(row.map(survey_from_row))
    }

    /// Marks the survey open from `opens` to `closes`; returns the survey it replaces, if any.
    pub async fn mark_survey_open(
        &mut self,
        id: i64,
        (opens, closes): (DateTime<Utc>, DateTime<Utc>),
    ) -> anyhow::Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "UPDATE surveys SET status = 'open', opened_at = now(), opens_at = $2, closes_at = $3
             WHERE id = $1 RETURNING replaces",
        )
        .bind(id)
        .bind(opens)
        .bind(closes)
        .fetch_one(&mut *self.inner)
        .await?)
    }

    /// One invitation per person the survey targets, counted per unit; returns how many.
    pub async fn invite_targeted(&mut self, id: i64) -> anyhow::Result<u64> {
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
        sqlx::query(
            "INSERT INTO survey_tallies (survey_id, unit_id, question, choice, count)
             SELECT $1, COALESCE(unit_id, 0), '+', '', count(*) FROM survey_invitations
             WHERE survey_id = $1 GROUP BY 2",
        )
        .bind(id)
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
        let closed = sqlx::query(
            "UPDATE surveys SET status = 'closed', closed_at = now() WHERE id = $1 AND status = 'open'",
        )
        .bind(id)
        .execute(&mut *self.inner)
        .await?
        .rows_affected()
            == 1;
        sqlx::query("DELETE FROM survey_progress WHERE survey_id = $1")
            .bind(id)
            .execute(&mut *self.inner)
            .await?;
        Ok(closed)
    }

    /// Notes that those `whom` names were reminded; returns how many people.
    pub async fn mark_reminded(&mut self, id: i64, whom: Whom) -> anyhow::Result<u64> {
        Ok(sqlx::query(&format!(
            "UPDATE survey_invitations i SET reminded_at = now() WHERE i.survey_id = $1 AND {}",
            not_reminded(Some(whom))
        ))
        .bind(id)
        .execute(&mut *self.inner)
        .await?
        .rows_affected())
    }

    /// Surveys open now, newest first.
    pub async fn open_surveys(&mut self, now: DateTime<Utc>) -> anyhow::Result<Vec<Survey>> {
        let open: Vec<SurveyRow> = sqlx::query_as(&format!(
            "SELECT {SURVEY_COLUMNS} FROM surveys
             WHERE status = 'open' AND opens_at <= $1 AND closes_at > $1 ORDER BY id DESC"
        ))
        .bind(now)
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(open.into_iter().map(survey_from_row).collect())
    }

    pub async fn survey_progress(
        &mut self,
        survey: i64,
        person: i64,
    ) -> anyhow::Result<Option<Draft>> {
        let draft: Option<Json<Draft>> = sqlx::query_scalar(
            "SELECT draft FROM survey_progress WHERE survey_id = $1 AND person_id = $2",
        )
        .bind(survey)
        .bind(person)
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(draft.map(|d| d.0))
    }

    /// Keeps the answers so far, unless the survey was closed meanwhile; on the first save the
    /// person counts as invited (someone who signed up after the survey opened) and as started.
    pub async fn save_survey_progress(
        &mut self,
        survey: i64,
        person: i64,
        draft: &Draft,
    ) -> anyhow::Result<()> {
        let first: Option<bool> = sqlx::query_scalar(
            "INSERT INTO survey_progress (survey_id, person_id, draft)
             SELECT $1, $2, $3 FROM surveys WHERE id = $1 AND status = 'open'
             ON CONFLICT (survey_id, person_id) DO UPDATE SET draft = $3, updated_at = now()
             RETURNING xmax = 0",
        )
        .bind(survey)
        .bind(person)
        .bind(Json(draft))
        .fetch_optional(&mut *self.inner)
        .await?;
        match first {
            Some(true) => self.mark_invitation(survey, person, false).await,
            _ => Ok(()),
        }
    }

    /// Marks the person's invitation started (and `finished`), creating it, and counting them as
    /// invited, if they came without one (someone who signed up after the survey opened).
    async fn mark_invitation(
        &mut self,
        survey: i64,
        person: i64,
        finished: bool,
    ) -> anyhow::Result<()> {
        let created: Option<Option<i64>> = sqlx::query_scalar(
            "INSERT INTO survey_invitations (survey_id, person_id, unit_id, started, finished)
             SELECT $1, id, unit_id, true, $3 FROM people WHERE id = $2
             ON CONFLICT (survey_id, person_id) DO UPDATE SET started = true,
                 finished = survey_invitations.finished OR EXCLUDED.finished
             RETURNING CASE WHEN xmax = 0 THEN unit_id END",
        )
        .bind(survey)
        .bind(person)
        .bind(finished)
        .fetch_optional(&mut *self.inner)
        .await?;
        if let Some(Some(unit)) = created {
            sqlx::query(
                "INSERT INTO survey_tallies (survey_id, unit_id, question, choice, count)
                 VALUES ($1, $2, '+', '', 1)
                 ON CONFLICT (survey_id, unit_id, question, choice)
                 DO UPDATE SET count = survey_tallies.count + 1",
            )
            .bind(survey)
            .bind(unit)
            .execute(&mut *self.inner)
            .await?;
        }
        Ok(())
    }

    pub async fn drop_survey_progress(&mut self, survey: i64, person: i64) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM survey_progress WHERE survey_id = $1 AND person_id = $2")
            .bind(survey)
            .bind(person)
            .execute(&mut *self.inner)
            .await?;
        Ok(())
    }

    /// Consent refused or withdrawn: the answers so far and the consent go.
    pub async fn refuse_survey(&mut self, survey: i64, person: i64) -> anyhow::Result<()> {
        self.drop_survey_progress(survey, person).await?;
        sqlx::query("DELETE FROM survey_consents WHERE survey_id = $1 AND person_id = $2")
            .bind(survey)
            .bind(person)
            .execute(&mut *self.inner)
            .await?;
        Ok(())
    }

    pub async fn record_survey_consent(&mut self, survey: i64, person: i64) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO survey_consents (survey_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(survey)
        .bind(person)
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// The complete response to the survey under the first of `pseudonyms` that answered.
    pub async fn response(
        &mut self,
        survey: &Survey,
        pseudonyms: &[Vec<u8>],
    ) -> anyhow::Result<Option<Vec<(String, Answer)>>> {
        // Two people made one may both have answered: their own answers first.
        let rows: Vec<AnswerRow> = sqlx::query_as(
            "SELECT a.question, a.choice, a.number, a.text
             FROM survey_responses r LEFT JOIN survey_answers a ON a.response_id = r.id
             WHERE r.id = (SELECT id FROM survey_responses
                           WHERE survey_id = $1 AND pseudonym = ANY($2)
                           ORDER BY array_position($2, pseudonym) LIMIT 1)",
        )
        .bind(survey.id)
        .bind(pseudonyms)
        .fetch_all(&mut *self.inner)
        .await?;
        if rows.is_empty() {
            let waiting: Option<Json<Vec<(String, Answer)>>> = sqlx::query_scalar(
                "SELECT answers FROM survey_pending WHERE survey_id = $1 AND pseudonym = ANY($2)
                 ORDER BY array_position($2, pseudonym) LIMIT 1",
            )
            .bind(survey.id)
            .bind(pseudonyms)
            .fetch_optional(&mut *self.inner)
            .await?;
            return Ok(waiting.map(|w| {
                w.0.into_iter()
                    .filter(|(_, a)| *a != Answer::Skipped)
                    .collect()
            }));
        }
        // In question order, a multiple choice gathered; questions with no row were skipped.
        let answers = survey
            .file
            .questions
            .iter()
            .filter_map(|q| {
                let mine: Vec<_> = rows
                    .iter()
                    .filter(|r| r.0.as_deref() == Some(q.id.as_str()))
                    .collect();
                let answer = match mine.as_slice() {
                    [] => return None,
                    [(_, _, Some(n), _)] => Answer::Number(*n),
                    [(_, _, _, Some(t))] => Answer::Text(t.clone()),
                    [(_, Some(c), _, _)] if q.kind != crate::domain::survey::Kind::Multiple => {
                        Answer::Choice(c.clone())
                    }
                    many => Answer::Choices(many.iter().filter_map(|r| r.1.clone()).collect()),
                };
                Some((q.id.clone(), answer))
            })
            .collect();
        Ok(Some(answers))
    }

    /// Takes a complete response and forgets the progress, all or nothing; false if the person had
    /// responded already or the survey was closed meanwhile. A named response is stored with its
    /// answers and tallies at once; an anonymous one waits, without the person, to be stored with
    /// others ([`Store::store_waiting_responses`]). The response counts in the unit the person was
    /// invited in (they may have moved since).
    pub async fn submit_survey(&mut self, submission: &Submission<'_>) -> anyhow::Result<bool> {
        let s = submission;
        let anonymous: Option<bool> =
            sqlx::query_scalar("SELECT anonymous FROM surveys WHERE id = $1 AND status = 'open'")
                .bind(s.survey)
                .fetch_optional(&mut *self.inner)
                .await?;
        let pseudonym = s
            .pseudonyms
            .first()
            .context("a submission without its pseudonym")?;
        let unit: Option<i64> = sqlx::query_scalar(
            "SELECT COALESCE((SELECT unit_id FROM survey_invitations
                              WHERE survey_id = $1 AND person_id = $2), p.unit_id)
             FROM people p WHERE p.id = $2",
        )
        .bind(s.survey)
        .bind(s.person)
        .fetch_one(&mut *self.inner)
        .await?;
        let answered: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM survey_responses WHERE survey_id = $1 AND pseudonym = ANY($2))
                 OR EXISTS (SELECT 1 FROM survey_pending WHERE survey_id = $1 AND pseudonym = ANY($2))",
        )
        .bind(s.survey)
        .bind(s.pseudonyms)
        .fetch_one(&mut *self.inner)
        .await?;
        let taken = match anonymous {
            None => false,
            _ if answered => false,
            Some(true) => sqlx::query(
                "INSERT INTO survey_pending (survey_id, pseudonym, unit_id, language, channel, answers)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(s.survey)
            .bind(pseudonym)
            .bind(unit)
            .bind(s.lang.code())
            .bind(s.channel)
            .bind(Json(&s.draft.answers))
            .execute(&mut *self.inner)
            .await?
            .rows_affected()
                == 1,
            Some(false) => {
                let response = Response {
                    survey: s.survey,
                    pseudonym,
                    person: Some(s.person),
                    unit,
                    language: s.lang.code(),
                    channel: s.channel,
                    answers: &s.draft.answers,
                };
                let stored = self.store_responses(&[response]).await?;
                self.add_tallies(&stored, 1).await?;
                !stored.is_empty()
            }
        };
        self.drop_survey_progress(s.survey, s.person).await?;
        if taken {
            self.mark_invitation(s.survey, s.person, true).await?;
        }
        Ok(taken)
    }

    /// Inserts responses and their answers (not their tallies), set-based; returns the ids of those
    /// stored (a pseudonym that has answered already is passed over).
    async fn store_responses(&mut self, responses: &[Response<'_>]) -> anyhow::Result<Vec<Uuid>> {
        let ids: Vec<Uuid> = responses
            .iter()
            .map(|_| sqlx::types::uuid::Builder::from_random_bytes(rand::random()).into_uuid())
            .collect();
        let column = |f: fn(&Response) -> String| responses.iter().map(f).collect::<Vec<_>>();
        let stored: Vec<Uuid> = sqlx::query_scalar(
            "INSERT INTO survey_responses (id, survey_id, pseudonym, person_id, unit_id, language, channel, submitted_at)
             SELECT r.id, r.survey_id, r.pseudonym, r.person_id, r.unit_id, r.language, r.channel,
                    CASE WHEN r.person_id IS NOT NULL THEN now() END
             FROM unnest($1::uuid[], $2::bigint[], $3::bytea[], $4::bigint[], $5::bigint[], $6::text[], $7::text[])
                  AS r (id, survey_id, pseudonym, person_id, unit_id, language, channel)
             ON CONFLICT (survey_id, pseudonym) DO NOTHING RETURNING id",
        )
        .bind(&ids)
        .bind(responses.iter().map(|r| r.survey).collect::<Vec<_>>())
        .bind(responses.iter().map(|r| r.pseudonym.to_vec()).collect::<Vec<_>>())
        .bind(responses.iter().map(|r| r.person).collect::<Vec<_>>())
        .bind(responses.iter().map(|r| r.unit).collect::<Vec<_>>())
        .bind(column(|r| r.language.to_owned()))
        .bind(column(|r| r.channel.to_owned()))
        .fetch_all(&mut *self.inner)
        .await?;
        let (mut owners, mut questions, mut choices, mut numbers, mut texts) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (id, response) in ids.iter().zip(responses) {
            for (question, answer) in response.answers {
                let mut row = |choice: Option<&str>, number: Option<i64>, text: Option<&str>| {
                    owners.push(*id);
                    questions.push(question.clone());
                    choices.push(choice.map(str::to_owned));
                    numbers.push(number);
                    texts.push(text.map(str::to_owned));
                };
                match answer {
                    Answer::Choice(c) => row(Some(c), None, None),
                    Answer::Choices(cs) => cs.iter().for_each(|c| row(Some(c), None, None)),
                    Answer::Number(n) => row(None, Some(*n), None),
                    Answer::Text(t) => row(None, None, Some(t)),
                    Answer::Skipped => {}
                }
            }
        }
        sqlx::query(
            "INSERT INTO survey_answers (response_id, survey_id, unit_id, question, choice, number, text)
             SELECT a.response_id, r.survey_id, r.unit_id, a.question, a.choice, a.number, a.text
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::text[])
                  AS a (response_id, question, choice, number, text)
             JOIN survey_responses r ON r.id = a.response_id
             WHERE a.response_id = ANY($6)",
        )
        .bind(&owners)
        .bind(&questions)
        .bind(&choices)
        .bind(&numbers)
        .bind(&texts)
        .bind(&stored)
        .execute(&mut *self.inner)
        .await?;
        Ok(stored)
    }

    /// Adds (`sign` 1) or takes back (-1) the tallies of `responses`.
    async fn add_tallies(&mut self, responses: &[Uuid], sign: i64) -> anyhow::Result<()> {
        sqlx::query(&format!(
            "INSERT INTO survey_tallies (survey_id, unit_id, question, choice, count)
             SELECT survey_id, unit_id, question, choice, n * $2 FROM ({}) t
             ON CONFLICT (survey_id, unit_id, question, choice)
             DO UPDATE SET count = survey_tallies.count + EXCLUDED.count",
            tally_rows("r.id = ANY($1)")
        ))
        .bind(responses)
        .bind(sign)
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// The person and those merged into them ([`Tx::merge_people`]), whose anonymous responses
    /// stay under their own pseudonyms: the person first.
    pub async fn person_and_formers(&mut self, person: i64) -> anyhow::Result<Vec<i64>> {
        let formers: Vec<i64> =
            sqlx::query_scalar("SELECT former_id FROM person_aliases WHERE person_id = $1")
                .bind(person)
                .fetch_all(&mut *self.inner)
                .await?;
        Ok(std::iter::once(person).chain(formers).collect())
    }

    /// Moves the survey records of `gone` to `kept` as two people become one
    /// ([`Tx::merge_people`]): named responses (where both answered, the kept person's stays and
    /// the other is counted out), consents, invitations (one each, counted once) and answers in
    /// progress (the kept person's where both had some; none for a survey either answered).
    /// Anonymous responses are not touched.
    pub(super) async fn merge_survey_records(
        &mut self,
        kept: i64,
        gone: i64,
    ) -> anyhow::Result<()> {
        let twice: Vec<Uuid> = sqlx::query_scalar(
            "SELECT g.id FROM survey_responses g WHERE g.person_id = $2
               AND EXISTS (SELECT 1 FROM survey_responses k
                           WHERE k.person_id = $1 AND k.survey_id = g.survey_id)",
        )
        .bind(kept)
        .bind(gone)
        .fetch_all(&mut *self.inner)
        .await?;
        if !twice.is_empty() {
            self.add_tallies(&twice, -1).await?;
            sqlx::query("DELETE FROM survey_responses WHERE id = ANY($1)")
                .bind(&twice)
                .execute(&mut *self.inner)
                .await?;
        }
        sqlx::query(
            "WITH responses AS (UPDATE survey_responses SET person_id = $1 WHERE person_id = $2),
             consents AS (INSERT INTO survey_consents (survey_id, person_id, consented_at)
                          SELECT survey_id, $1, consented_at FROM survey_consents WHERE person_id = $2
                          ON CONFLICT DO NOTHING),
             twice AS (SELECT g.survey_id, COALESCE(g.unit_id, 0) AS unit_id, g.started, g.finished,
                              g.reminded_at
                       FROM survey_invitations g
                       JOIN survey_invitations k ON k.survey_id = g.survey_id AND k.person_id = $1
                       WHERE g.person_id = $2),
             merged AS (UPDATE survey_invitations k SET started = k.started OR t.started,
                               finished = k.finished OR t.finished,
                               reminded_at = COALESCE(k.reminded_at, t.reminded_at)
                        FROM twice t WHERE k.person_id = $1 AND k.survey_id = t.survey_id),
             uncounted AS (UPDATE survey_tallies c SET count = c.count - t.n
                           FROM (SELECT survey_id, unit_id, count(*) AS n FROM twice GROUP BY 1, 2) t
                           WHERE c.survey_id = t.survey_id AND c.unit_id = t.unit_id
                             AND c.question = '+' AND c.choice = ''),
             moved AS (UPDATE survey_invitations SET person_id = $1
                       WHERE person_id = $2 AND survey_id NOT IN (SELECT survey_id FROM twice))
             UPDATE survey_progress g SET person_id = $1
             WHERE g.person_id = $2
               AND NOT EXISTS (SELECT 1 FROM survey_progress k WHERE k.person_id = $1 AND k.survey_id = g.survey_id)",
        )
        .bind(kept)
        .bind(gone)
        .execute(&mut *self.inner)
        .await?;
        // Answered on either chat is answered: nothing stays half-done.
        sqlx::query(
            "DELETE FROM survey_progress WHERE person_id IN ($1, $2)
               AND survey_id IN (SELECT survey_id FROM survey_invitations
                                 WHERE person_id IN ($1, $2) AND finished)",
        )
        .bind(kept)
        .bind(gone)
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// Takes the person's named responses out of the tallies (their rows go with the person).
    pub async fn untally_person(&mut self, person: i64) -> anyhow::Result<()> {
        let ids: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM survey_responses WHERE person_id = $1")
                .bind(person)
                .fetch_all(&mut *self.inner)
                .await?;
        if !ids.is_empty() {
            self.add_tallies(&ids, -1).await?;
        }
        Ok(())
    }

    /// The survey's tallies in the units listed (a scope's subtree).
    pub async fn survey_tallies(
        &mut self,
        survey: i64,
        units: &[i64],
    ) -> anyhow::Result<Vec<Tally>> {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT unit_id, question, choice, count FROM survey_tallies
             WHERE survey_id = $1 AND unit_id = ANY($2) AND count <> 0",
        )
        .bind(survey)
        .bind(units)
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(tallies_of(rows))
    }

    /// Free-text answers to `questions` given in the units listed, up to `limit` each from the
    /// `offset`th on: pages of them, in an order that stays put (by the response's random id,
    /// which says nothing of who answered or when).
    pub async fn survey_texts(
        &mut self,
        survey: i64,
        questions: &[&str],
        units: &[i64],
        limit: i64,
        offset: i64,
    ) -> anyhow::Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT q.question, t.text FROM unnest($2::text[]) AS q (question),
                 LATERAL (SELECT a.text FROM survey_answers a
                          WHERE a.survey_id = $1 AND a.question = q.question
                            AND a.text IS NOT NULL AND a.unit_id = ANY($3)
                          ORDER BY a.response_id, a.text
                          LIMIT $4 OFFSET $5) t",
        )
        .bind(survey)
        .bind(questions)
        .bind(units)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *self.inner)
        .await?)
    }

    /// One row per response, oldest first: response id, unit code, unit name, language, channel,
    /// submitted at (named surveys), person (named surveys), then (question, answer values) pairs.
    pub async fn survey_export(&mut self, survey: i64) -> anyhow::Result<Vec<ExportRow>> {
        let rows: Vec<ExportSqlRow> = sqlx::query_as(
            "SELECT r.id::text, COALESCE(u.code, ''), COALESCE(u.name, ''), r.language, r.channel,
                    COALESCE(to_char(r.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), ''),
                    COALESCE(r.person_id::text, ''),
                    COALESCE((SELECT json_agg(json_build_array(a.question,
                                  COALESCE(a.choice, a.number::text, a.text)))
                              FROM survey_answers a WHERE a.response_id = r.id), '[]')
             FROM survey_responses r LEFT JOIN units u ON u.id = r.unit_id
             WHERE r.survey_id = $1 ORDER BY r.id",
        )
        .bind(survey)
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, code, unit, lang, channel, at, person, Json(answers))| ExportRow {
                    fields: vec![id, code, unit, lang, channel, at, person],
                    answers,
                },
            )
            .collect())
    }
}

/// question, choice, number, text; all NULL for a response whose every question was skipped.
type AnswerRow = (Option<String>, Option<String>, Option<i64>, Option<String>);

type ExportSqlRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Json<Vec<(String, String)>>,
);

pub struct ExportRow {
    pub fields: Vec<String>,
    pub answers: Vec<(String, String)>,
}

impl Store {
    /// Recomputes a survey's response tallies from its answers, set-based (after bulk loads).
    pub async fn retally_survey(&self, survey: i64) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM survey_tallies WHERE survey_id = $1 AND question <> '+'")
            .bind(survey)
            .execute(&mut *tx.inner)
            .await?;
        sqlx::query(&format!(
            "INSERT INTO survey_tallies (survey_id, unit_id, question, choice, count)
             SELECT * FROM ({}) t",
            tally_rows("r.survey_id = $1")
        ))
        .bind(survey)
        .execute(&mut *tx.inner)
        .await?;
        tx.commit().await
    }

    /// Counts every answer of the survey from scratch, as results would without tallies: the
    /// tallies as [`Store::retally_survey`] writes them (invitations, '+', aside), by unit,
    /// question and choice, to hold the kept ones against.
    pub async fn recount_survey(&self, survey: i64) -> anyhow::Result<Vec<Tally>> {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(&format!(
            "SELECT unit_id, question, choice, n FROM ({}) t",
            tally_rows("r.survey_id = $1")
        ))
        .bind(survey)
        .fetch_all(&self.pool)
        .await?;
        Ok(tallies_of(rows))
    }
}

/// Tally rows read as (unit, question, choice, count).
fn tallies_of(rows: Vec<(i64, String, String, i64)>) -> Vec<Tally> {
    rows.into_iter()
        .map(|(unit_id, question, choice, count)| Tally {
            unit_id,
            question,
            choice,
            count,
        })
        .collect()
}

/// A response as stored: `person` only for named surveys.
struct Response<'a> {
    survey: i64,
    pseudonym: &'a [u8],
    person: Option<i64>,
    unit: Option<i64>,
    language: &'a str,
    channel: &'a str,
    answers: &'a [(String, Answer)],
}

impl Store {
    /// Closes the open surveys whose closing time has passed, forgetting their answers in
    /// progress; returns how many.
    pub async fn close_expired_surveys(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let mut tx = self.begin().await?;
        let expired: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM surveys WHERE status = 'open' AND closes_at <= $1 FOR UPDATE",
        )
        .bind(now)
        .fetch_all(&mut *tx.inner)
        .await?;
        for &id in &expired {
            tx.close_survey(id).await?;
        }
        tx.commit().await?;
        Ok(expired.len())
    }

    /// Stores the anonymous responses waiting, in one transaction and in random order, once at
    /// least `batch` wait or the oldest has waited `patience`: a response stored on its own, right
    /// after its chat's message, would be as telling as the link it leaves out. Returns how many.
    pub async fn store_waiting_responses(
        &self,
        batch: i64,
        patience: std::time::Duration,
    ) -> anyhow::Result<u64> {
        let mut tx = self.begin().await?;
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM survey_pending
             WHERE $1 <= (SELECT count(*) FROM survey_pending)
                OR received_at <= now() - make_interval(secs => $2)",
        )
        .bind(batch)
        .bind(patience.as_secs_f64())
        .fetch_one(&mut *tx.inner)
        .await?;
        if waiting == 0 {
            return Ok(0);
        }
        let mut rows: Vec<PendingRow> = sqlx::query_as(
            "DELETE FROM survey_pending
             RETURNING survey_id, pseudonym, unit_id, language, channel, answers",
        )
        .fetch_all(&mut *tx.inner)
        .await?;
        use rand::seq::SliceRandom;
        rows.shuffle(&mut rand::rng());
        let responses: Vec<Response> = rows
            .iter()
            .map(
                |(survey, pseudonym, unit, language, channel, Json(answers))| Response {
                    survey: *survey,
                    pseudonym,
                    person: None,
                    unit: *unit,
                    language,
                    channel,
                    answers,
                },
            )
            .collect();
        let stored = tx.store_responses(&responses).await?;
        tx.add_tallies(&stored, 1).await?;
        tx.commit().await?;
        Ok(stored.len() as u64)
    }
}

type PendingRow = (
    i64,
    Vec<u8>,
    Option<i64>,
    String,
    String,
    Json<Vec<(String, Answer)>>,
);

/// A complete response to store.
pub struct Submission<'a> {
    pub survey: i64,
    pub person: i64,
    pub lang: Lang,
    pub channel: &'a str,
    pub draft: &'a Draft,
    /// The person's pseudonyms, their own first (`app::surveys::pseudonyms`).
    pub pseudonyms: &'a [Vec<u8>],
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
