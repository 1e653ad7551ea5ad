//! Responses: a person's found by pseudonym, one submitted (named at once, anonymous ones
//! waiting for their batch), and a person's records as two people become one.

use anyhow::Context;
use sqlx::types::{Json, Uuid};

use super::Taker;
use super::tallies::tally_rows;
use crate::domain::survey::{Answer, Draft};
use crate::domain::survey_chat::Survey;
use crate::message::Lang;
use crate::store::{Store, Tx};

impl Tx {
    /// The complete response to the survey under the first of `pseudonyms` that answered.
    pub async fn response(
        &mut self,
        survey: &Survey,
        pseudonyms: &[Vec<u8>],
    ) -> anyhow::Result<Option<Vec<(String, Answer)>>> {
        // Two people made one may both have answered: their own answers first.
        let rows = sqlx::query_as!(
            AnswerRow,
            r#"SELECT a.question AS "question?", a.choice, a.number, a.text
               FROM survey_responses r LEFT JOIN survey_answers a ON a.response_id = r.id
               WHERE r.id = (SELECT id FROM survey_responses
                             WHERE survey_id = $1 AND pseudonym = ANY($2)
                             ORDER BY array_position($2, pseudonym) LIMIT 1)"#,
            survey.id,
            pseudonyms
        )
        .fetch_all(&mut *self.inner)
        .await?;
        if rows.is_empty() {
            let waiting = sqlx::query_scalar!(
                r#"SELECT answers AS "answers: Json<Vec<(String, Answer)>>"
                   FROM survey_pending WHERE survey_id = $1 AND pseudonym = ANY($2)
                   ORDER BY array_position($2, pseudonym) LIMIT 1"#,
                survey.id,
                pseudonyms
            )
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
                    .filter(|r| r.question.as_deref() == Some(q.id.as_str()))
                    .collect();
                let answer = match mine.as_slice() {
                    [] => return None,
                    [
                        AnswerRow {
                            number: Some(n), ..
                        },
                    ] => Answer::Number(*n),
                    [AnswerRow { text: Some(t), .. }] => Answer::Text(t.clone()),
                    [
                        AnswerRow {
                            choice: Some(c), ..
                        },
                    ] if q.kind != crate::domain::survey::Kind::Multiple => {
                        Answer::Choice(c.clone())
                    }
                    many => Answer::Choices(many.iter().filter_map(|r| r.choice.clone()).collect()),
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
        let taker = Taker {
            survey: s.survey,
            person: s.person,
        };
        let anonymous = sqlx::query_scalar!(
            "SELECT anonymous FROM surveys WHERE id = $1 AND status = 'open'",
            s.survey
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        let pseudonym = s
            .pseudonyms
            .first()
            .context("a submission without its pseudonym")?;
        let unit = sqlx::query_scalar!(
            r#"SELECT COALESCE((SELECT unit_id FROM survey_invitations
                                WHERE survey_id = $1 AND person_id = $2), p.unit_id) AS "unit?"
               FROM people p WHERE p.id = $2"#,
            s.survey,
            s.person
        )
        .fetch_one(&mut *self.inner)
        .await?;
        let answered = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM survey_responses WHERE survey_id = $1 AND pseudonym = ANY($2))
                   OR EXISTS (SELECT 1 FROM survey_pending WHERE survey_id = $1 AND pseudonym = ANY($2))
                   AS "answered!""#,
            s.survey,
            s.pseudonyms
        )
        .fetch_one(&mut *self.inner)
        .await?;
        let taken = match anonymous {
            None => false,
            _ if answered => false,
            Some(true) => sqlx::query!(
                "INSERT INTO survey_pending (survey_id, pseudonym, unit_id, language, channel, answers)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                s.survey,
                pseudonym,
                unit,
                s.lang.code(),
                s.channel,
                Json(&s.draft.answers) as _
            )
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
        self.drop_survey_progress(taker).await?;
        if taken {
            self.mark_invitation(taker, true).await?;
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
        let stored = sqlx::query_scalar!(
            "INSERT INTO survey_responses (id, survey_id, pseudonym, person_id, unit_id, language, channel, submitted_at)
             SELECT r.id, r.survey_id, r.pseudonym, r.person_id, r.unit_id, r.language, r.channel,
                    CASE WHEN r.person_id IS NOT NULL THEN now() END
             FROM unnest($1::uuid[], $2::bigint[], $3::bytea[], $4::bigint[], $5::bigint[], $6::text[], $7::text[])
                  AS r (id, survey_id, pseudonym, person_id, unit_id, language, channel)
             ON CONFLICT (survey_id, pseudonym) DO NOTHING RETURNING id",
            &ids,
            &responses.iter().map(|r| r.survey).collect::<Vec<_>>(),
            &responses.iter().map(|r| r.pseudonym.to_vec()).collect::<Vec<_>>(),
            &responses.iter().map(|r| r.person).collect::<Vec<_>>() as &[Option<i64>],
            &responses.iter().map(|r| r.unit).collect::<Vec<_>>() as &[Option<i64>],
            &column(|r| r.language.to_owned()),
            &column(|r| r.channel.to_owned())
        )
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
        sqlx::query!(
            "INSERT INTO survey_answers (response_id, survey_id, unit_id, question, choice, number, text)
             SELECT a.response_id, r.survey_id, r.unit_id, a.question, a.choice, a.number, a.text
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::text[])
                  AS a (response_id, question, choice, number, text)
             JOIN survey_responses r ON r.id = a.response_id
             WHERE a.response_id = ANY($6)",
            &owners,
            &questions,
            &choices as &[Option<String>],
            &numbers as &[Option<i64>],
            &texts as &[Option<String>],
            &stored
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(stored)
    }

    /// Adds (`sign` 1) or takes back (-1) the tallies of `responses`.
    async fn add_tallies(&mut self, responses: &[Uuid], sign: i64) -> anyhow::Result<()> {
        // Built at run time: tally_rows is shared with the retally and the recount.
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
        let formers = sqlx::query_scalar!(
            "SELECT former_id FROM person_aliases WHERE person_id = $1",
            person
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(std::iter::once(person).chain(formers).collect())
    }

    /// Moves the survey records of `gone` to `kept` as two people become one
    /// ([`Tx::merge_people`]): named responses (where both answered, the kept person's stays and
    /// the other is counted out), consents, invitations (one each, counted once) and answers in
    /// progress (the kept person's where both had some; none for a survey either answered).
    /// Anonymous responses are not touched.
    pub(in crate::store) async fn merge_survey_records(
        &mut self,
        kept: i64,
        gone: i64,
    ) -> anyhow::Result<()> {
        let twice = sqlx::query_scalar!(
            "SELECT g.id FROM survey_responses g WHERE g.person_id = $2
               AND EXISTS (SELECT 1 FROM survey_responses k
                           WHERE k.person_id = $1 AND k.survey_id = g.survey_id)",
            kept,
            gone
        )
        .fetch_all(&mut *self.inner)
        .await?;
        if !twice.is_empty() {
            self.add_tallies(&twice, -1).await?;
            sqlx::query!("DELETE FROM survey_responses WHERE id = ANY($1)", &twice)
                .execute(&mut *self.inner)
                .await?;
        }
        sqlx::query!(
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
            kept,
            gone
        )
        .execute(&mut *self.inner)
        .await?;
        // Answered on either chat is answered: nothing stays half-done.
        sqlx::query!(
            "DELETE FROM survey_progress WHERE person_id IN ($1, $2)
               AND survey_id IN (SELECT survey_id FROM survey_invitations
                                 WHERE person_id IN ($1, $2) AND finished)",
            kept,
            gone
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// Takes the person's named responses out of the tallies (their rows go with the person).
    pub async fn untally_person(&mut self, person: i64) -> anyhow::Result<()> {
        let ids = sqlx::query_scalar!(
            "SELECT id FROM survey_responses WHERE person_id = $1",
            person
        )
        .fetch_all(&mut *self.inner)
        .await?;
        if !ids.is_empty() {
            self.add_tallies(&ids, -1).await?;
        }
        Ok(())
    }
}

/// An answer as stored; all NULL for a response whose every question was skipped.
struct AnswerRow {
    question: Option<String>,
    choice: Option<String>,
    number: Option<i64>,
    text: Option<String>,
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
    /// Stores the anonymous responses waiting, in one transaction and in random order, once at
    /// least `batch` wait or the oldest has waited `patience`: a response stored on its own, right
    /// after its chat's message, would be as telling as the link it leaves out. Returns how many.
    pub async fn store_waiting_responses(
        &self,
        batch: i64,
        patience: std::time::Duration,
    ) -> anyhow::Result<u64> {
        let mut tx = self.begin().await?;
        let waiting = sqlx::query_scalar!(
            r#"SELECT count(*) AS "waiting!" FROM survey_pending
               WHERE $1 <= (SELECT count(*) FROM survey_pending)
                  OR received_at <= now() - make_interval(secs => $2)"#,
            batch,
            patience.as_secs_f64()
        )
        .fetch_one(&mut *tx.inner)
        .await?;
        if waiting == 0 {
            return Ok(0);
        }
        let mut rows = sqlx::query_as!(
            PendingRow,
            r#"DELETE FROM survey_pending
               RETURNING survey_id, pseudonym, unit_id, language, channel,
                         answers AS "answers: Json<Vec<(String, Answer)>>""#
        )
        .fetch_all(&mut *tx.inner)
        .await?;
        use rand::seq::SliceRandom;
        rows.shuffle(&mut rand::rng());
        let responses: Vec<Response> = rows
            .iter()
            .map(|r| Response {
                survey: r.survey_id,
                pseudonym: &r.pseudonym,
                person: None,
                unit: r.unit_id,
                language: &r.language,
                channel: &r.channel,
                answers: &r.answers.0,
            })
            .collect();
        let stored = tx.store_responses(&responses).await?;
        tx.add_tallies(&stored, 1).await?;
        tx.commit().await?;
        Ok(stored.len() as u64)
    }
}

/// An anonymous response waiting for its batch.
struct PendingRow {
    survey_id: i64,
    pseudonym: Vec<u8>,
    unit_id: Option<i64>,
    language: String,
    channel: String,
    answers: Json<Vec<(String, Answer)>>,
}

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
