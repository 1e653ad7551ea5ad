//! The tallies kept with each response, the free-text answers and the responses as rows: what
//! results read.

use sqlx::types::Json;

use crate::domain::survey_results::Tally;
use crate::store::{Store, Tx};

/// Tally rows of the responses matching `filter` (on `r`, a `survey_responses` row): per
/// question and choice, '' for answering the question at all, a number under its value, and '*'
/// once per response. Submitting adds them; erasing a named response takes them back.
pub(super) fn tally_rows(filter: &str) -> String {
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

impl Tx {
    /// The survey's tallies in the units listed (a scope's subtree).
    pub async fn survey_tallies(
        &mut self,
        survey: i64,
        units: &[i64],
    ) -> anyhow::Result<Vec<Tally>> {
        Ok(sqlx::query_as!(
            Tally,
            "SELECT unit_id, question, choice, count FROM survey_tallies
             WHERE survey_id = $1 AND unit_id = ANY($2) AND count <> 0",
            survey,
            units
        )
        .fetch_all(&mut *self.inner)
        .await?)
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
        let rows = sqlx::query!(
            r#"SELECT q.question AS "question!", t.text AS "text!"
               FROM unnest($2::text[]) AS q (question),
                    LATERAL (SELECT a.text FROM survey_answers a
                             WHERE a.survey_id = $1 AND a.question = q.question
                               AND a.text IS NOT NULL AND a.unit_id = ANY($3)
                             ORDER BY a.response_id, a.text
                             LIMIT $4 OFFSET $5) t"#,
            survey,
            questions as &[&str],
            units,
            limit,
            offset
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows.into_iter().map(|r| (r.question, r.text)).collect())
    }

    /// One row per response, oldest first: response id, unit code, unit name, language, channel,
    /// submitted at (named surveys), person (named surveys), then (question, answer values) pairs.
    pub async fn survey_export(&mut self, survey: i64) -> anyhow::Result<Vec<ExportRow>> {
        let rows = sqlx::query!(
            r#"SELECT r.id::text AS "id!", COALESCE(u.code, '') AS "code!",
                      COALESCE(u.name, '') AS "unit!", r.language, r.channel,
                      COALESCE(to_char(r.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), '')
                          AS "at!",
                      COALESCE(r.person_id::text, '') AS "person!",
                      COALESCE((SELECT json_agg(json_build_array(a.question,
                                    COALESCE(a.choice, a.number::text, a.text)))
                                FROM survey_answers a WHERE a.response_id = r.id), '[]')
                          AS "answers!: Json<Vec<(String, String)>>"
               FROM survey_responses r LEFT JOIN units u ON u.id = r.unit_id
               WHERE r.survey_id = $1 ORDER BY r.id"#,
            survey
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ExportRow {
                fields: vec![r.id, r.code, r.unit, r.language, r.channel, r.at, r.person],
                answers: r.answers.0,
            })
            .collect())
    }
}

pub struct ExportRow {
    pub fields: Vec<String>,
    pub answers: Vec<(String, String)>,
}

impl Store {
    /// Recomputes a survey's response tallies from its answers, set-based (after bulk loads).
    pub async fn retally_survey(&self, survey: i64) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query!(
            "DELETE FROM survey_tallies WHERE survey_id = $1 AND question <> '+'",
            survey
        )
        .execute(&mut *tx.inner)
        .await?;
        // Built at run time: tally_rows is shared with submitting and erasing.
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
        // Built at run time: tally_rows is shared with submitting and erasing.
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
