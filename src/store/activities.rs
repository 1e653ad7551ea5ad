//! Activity logs: sectors, entries with their audit trail.

use chrono::NaiveDate;
use sqlx::types::Json;

use super::Tx;
use crate::domain::activity::{LoggedActivity, QuickEntry, Sector};

impl Tx {
    pub async fn sectors(&mut self) -> anyhow::Result<Vec<Sector>> {
        let rows: Vec<(String, String, String, Vec<String>)> =
            sqlx::query_as("SELECT code, name, name_en, aliases FROM sectors ORDER BY position")
                .fetch_all(&mut *self.inner)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(code, name, name_en, aliases)| Sector {
                code,
                name,
                name_en,
                aliases,
            })
            .collect())
    }

    /// Stores an activity in `unit` and audits its creation; returns its id.
    pub async fn log_activity(
        &mut self,
        person: i64,
        unit: i64,
        entry: &QuickEntry,
    ) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar(
            "WITH created AS (
                 INSERT INTO activities (unit_id, sector, title, held_on, participants, created_by)
                 VALUES ($2, $3, $4, $5, $6, $1) RETURNING *),
             audited AS (
                 INSERT INTO log_audit (entity, entity_id, person_id, action, after)
                 SELECT 'activity', id, $1, 'create', to_jsonb(created) FROM created)
             SELECT id FROM created",
        )
        .bind(person)
        .bind(unit)
        .bind(&entry.sector)
        .bind(&entry.title)
        .bind(entry.held_on)
        .bind(entry.participants)
        .fetch_one(&mut *self.inner)
        .await?)
    }

    /// The person's latest activities, not deleted, newest first.
    pub async fn my_activities(
        &mut self,
        person: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<LoggedActivity>> {
        let rows: Vec<(i64, String, String, NaiveDate, Option<i32>)> = sqlx::query_as(
            "SELECT id, sector, title, held_on, participants FROM activities
             WHERE created_by = $1 AND deleted_at IS NULL ORDER BY id DESC LIMIT $2",
        )
        .bind(person)
        .bind(limit)
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, sector, title, held_on, participants)| LoggedActivity {
                    id,
                    sector,
                    title,
                    held_on,
                    participants,
                },
            )
            .collect())
    }

    /// Soft-deletes the person's own activity, auditing what it was; false if it is not theirs
    /// or is gone already.
    pub async fn delete_activity(&mut self, person: i64, id: i64) -> anyhow::Result<bool> {
        let before: Option<Json<serde_json::Value>> = sqlx::query_scalar(
            "WITH old AS (SELECT to_jsonb(a) AS row FROM activities a
                          WHERE id = $2 AND created_by = $1 AND deleted_at IS NULL FOR UPDATE),
             gone AS (UPDATE activities SET deleted_at = now()
                      WHERE id = $2 AND created_by = $1 AND deleted_at IS NULL)
             INSERT INTO log_audit (entity, entity_id, person_id, action, before)
             SELECT 'activity', $2, $1, 'delete', row FROM old RETURNING before",
        )
        .bind(person)
        .bind(id)
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(before.is_some())
    }
}
