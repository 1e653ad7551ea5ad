//! What the dashboard lists within an admin's units: residents by unit and channel, notices and
//! surveys addressed inside the scope, questions about a notice. Counts only, never who.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Store;

/// Residents living in one unit who use one channel (a person with two chats counts on both).
#[derive(Debug, Clone, FromRow)]
pub struct Residents {
    pub unit_id: i64,
    pub channel: String,
    pub people: i64,
}

/// A notice as listed, with its reach so far.
#[derive(Debug, Clone, FromRow)]
pub struct NoticeLine {
    pub id: i64,
    pub title: String,
    pub status: String,
    /// None for a draft.
    pub send_at: Option<DateTime<Utc>>,
    pub targeted: i64,
    pub sent: i64,
    pub read: i64,
}

/// A survey as listed, with how many were invited and answered.
#[derive(Debug, Clone, FromRow)]
pub struct SurveyLine {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub invited: i64,
    pub finished: i64,
}

impl Store {
    /// Residents of the units in `subtree`, by unit and channel, as kept by the triggers of
    /// `resident_counts` (migration 0009).
    pub async fn residents_by_channel(&self, subtree: &[i64]) -> anyhow::Result<Vec<Residents>> {
        Ok(sqlx::query_as(
            "SELECT unit_id, channel, people FROM resident_counts
             WHERE unit_id = ANY($1) AND people > 0",
        )
        .bind(subtree)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The latest notices all of whose units are in `subtree`, newest first.
    pub async fn notices_within(
        &self,
        subtree: &[i64],
        limit: i64,
    ) -> anyhow::Result<Vec<NoticeLine>> {
        Ok(sqlx::query_as(
            "SELECT n.id, n.texts->'vi'->>'title' AS title, n.status, NULLIF(n.send_at, 'infinity') AS send_at,
                    coalesce(r.targeted, 0) AS targeted, coalesce(r.sent, 0) AS sent,
                    coalesce(r.read, 0) AS read
             FROM notices n
             LEFT JOIN LATERAL (
                 SELECT count(DISTINCT person_id) AS targeted,
                        count(*) FILTER (WHERE status = 'sent') AS sent,
                        count(*) FILTER (WHERE read_at IS NOT NULL) AS read
                 FROM deliveries d WHERE d.notice_id = n.id
             ) r ON true
             WHERE n.unit_ids <@ $1
             ORDER BY n.send_at DESC, n.id DESC
             LIMIT $2",
        )
        .bind(subtree)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Surveys all of whose units are in `subtree`, the open ones first, then the newest.
    pub async fn surveys_within(&self, subtree: &[i64]) -> anyhow::Result<Vec<SurveyLine>> {
        Ok(sqlx::query_as(
            "SELECT s.id, s.definition->>'title' AS title, s.status, s.opens_at, s.closes_at,
                    (SELECT count(*) FROM survey_invitations i WHERE i.survey_id = s.id) AS invited,
                    (SELECT count(*) FROM survey_invitations i
                     WHERE i.survey_id = s.id AND i.finished) AS finished
             FROM surveys s
             WHERE s.unit_ids <@ $1
             ORDER BY s.status = 'open' DESC, s.opens_at DESC, s.id DESC",
        )
        .bind(subtree)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Whether a notice waits through quiet hours (not urgent): what its page says at night.
    pub async fn notice_waits_for_quiet_hours(&self, id: i64) -> anyhow::Result<bool> {
        let waits: Option<bool> =
            sqlx::query_scalar("SELECT quiet_hours AND NOT urgent FROM notices WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(waits.unwrap_or(false))
    }
}
