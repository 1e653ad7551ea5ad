//! What the dashboard lists within an admin's units: residents by unit and channel, notices and
//! surveys addressed inside the scope, questions about a notice. Counts only, never who.

use chrono::{DateTime, Utc};

use super::Store;
use crate::domain::notice::{Phase, Reach, Stage};

/// Residents living in one unit who use one channel (a person with two chats counts on both).
#[derive(Debug, Clone)]
pub struct Residents {
    pub unit_id: i64,
    pub channel: String,
    pub people: i64,
}

/// A notice as listed, with its reach so far.
#[derive(Debug, Clone)]
pub struct NoticeLine {
    pub id: i64,
    pub title: String,
    pub stage: Stage,
    /// Holds for quiet hours (not urgent).
    pub may_wait: bool,
    /// None for a draft.
    pub send_at: Option<DateTime<Utc>>,
    pub reach: Reach,
}

impl NoticeLine {
    pub fn phase(&self, now: DateTime<Utc>) -> Phase {
        Phase::of(self.stage, self.reach.pending, self.may_wait, now)
    }
}

/// A survey as listed, with how many were invited and how many responses are stored (anonymous
/// ones wait for a batch first), as its results page counts them.
#[derive(Debug, Clone)]
pub struct SurveyLine {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub invited: i64,
    pub responded: i64,
}

impl Store {
    /// Residents of the units in `subtree`, by unit and channel, as kept by the triggers of
    /// `resident_counts` (migration 0009).
    pub async fn residents_by_channel(&self, subtree: &[i64]) -> anyhow::Result<Vec<Residents>> {
        // A view: every column reads as nullable, none is.
        Ok(sqlx::query_as!(
            Residents,
            r#"SELECT unit_id AS "unit_id!", channel AS "channel!", people AS "people!"
             FROM resident_counts
             WHERE unit_id = ANY($1) AND people > 0"#,
            subtree
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The latest notices all of whose units are in `subtree`, newest first, each with its reach
    /// from its kept counts.
    pub async fn notices_within(
        &self,
        subtree: &[i64],
        limit: i64,
    ) -> anyhow::Result<Vec<NoticeLine>> {
        let heads = sqlx::query!(
            r#"SELECT id, texts->'vi'->>'title' AS "title!", status,
                      quiet_hours AND NOT urgent AS "may_wait!",
                      NULLIF(send_at, 'infinity') AS "send_at?: DateTime<Utc>"
             FROM notices WHERE unit_ids <@ $1
             ORDER BY send_at DESC, id DESC
             LIMIT $2"#,
            subtree,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        let ids: Vec<i64> = heads.iter().map(|h| h.id).collect();
        let mut reach = self.reach_of(&ids).await?;
        heads
            .into_iter()
            .map(|h| {
                let (id, stage) = (h.id, h.status);
                Ok(NoticeLine {
                    id,
                    title: h.title,
                    stage: Stage::from_code(&stage)
                        .ok_or_else(|| anyhow::anyhow!("notice {id} in stage {stage:?}"))?,
                    may_wait: h.may_wait,
                    send_at: h.send_at,
                    reach: reach.remove(&id).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Anonymous responses to the survey waiting to be stored with a batch (not counted yet).
    pub async fn survey_waiting(&self, survey: i64) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar!(
            r#"SELECT count(*) AS "waiting!" FROM survey_pending WHERE survey_id = $1"#,
            survey
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// Surveys all of whose units are in `subtree`, the open ones first, then the newest, with
    /// those invited and the responses stored in `subtree`, from the tallies the results read.
    pub async fn surveys_within(&self, subtree: &[i64]) -> anyhow::Result<Vec<SurveyLine>> {
        Ok(sqlx::query_as!(
            SurveyLine,
            r#"SELECT s.id, s.definition->>'title' AS "title!", s.status,
                    s.opens_at AS "opens_at: DateTime<Utc>", s.closes_at AS "closes_at: DateTime<Utc>",
                    COALESCE(sum(t.count) FILTER (WHERE t.question = '+'), 0)::bigint AS "invited!",
                    COALESCE(sum(t.count) FILTER (WHERE t.question = '*'), 0)::bigint AS "responded!"
             FROM surveys s
             LEFT JOIN survey_tallies t ON t.survey_id = s.id AND t.unit_id = ANY($1)
                                       AND t.question IN ('+', '*') AND t.choice = ''
             WHERE s.unit_ids <@ $1
             GROUP BY s.id
             ORDER BY s.status = 'open' DESC, s.opens_at DESC, s.id DESC"#,
            subtree
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
