//! Activity logs: sectors, entries with their audit trail.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::types::Json;

use super::Tx;
use crate::domain::activity::{
    LoggedActivity, ModelChoice, ModelStatus, NewLog, QuickEntry, Sector,
};
use crate::domain::ids::{ActivityId, ModelId, PersonId, UnitId};
use crate::domain::report::{Figures, Quarter, Report, scope_of};
use crate::domain::units::Unit;

impl Tx {
    pub async fn sectors(&mut self) -> anyhow::Result<Vec<Sector>> {
        Ok(sqlx::query_as!(
            Sector,
            "SELECT code, name, name_en, aliases FROM sectors ORDER BY position"
        )
        .fetch_all(&mut *self.inner)
        .await?)
    }

    /// Stores an activity in `unit`, logged through `channel` (where its photos are fetched from),
    /// and audits its creation; returns its id.
    pub async fn log_activity(
        &mut self,
        person: PersonId,
        unit: UnitId,
        log: &NewLog,
        channel: &str,
    ) -> anyhow::Result<ActivityId> {
        let entry = &log.entry;
        // The new row written to the audit trail with it.
        Ok(sqlx::query_scalar!(
            r#"WITH created AS (
                 INSERT INTO activities (unit_id, sector, title, held_on, participants, photos,
                                         latitude, longitude, created_by, model_id, note,
                                         beneficiaries, photos_channel)
                 VALUES ($2, $3, $4, $5, $6, $7, $8, $9, $1, $10, $11, $12, $13)
                 RETURNING *),
             audited AS (
                 INSERT INTO log_audit (entity, entity_id, person_id, action, after)
                 SELECT 'activity', id, $1, 'create', to_jsonb(created) FROM created)
             SELECT id AS "id!: ActivityId" FROM created"#,
            person.0,
            unit.0,
            &entry.sector,
            &entry.title,
            entry.held_on as NaiveDate,
            entry.participants,
            &log.photos,
            log.location.map(|l| l.0),
            log.location.map(|l| l.1),
            log.model_id,
            entry.details.note.as_deref(),
            entry.details.beneficiaries,
            (!log.photos.is_empty()).then_some(channel)
        )
        .fetch_one(&mut *self.inner)
        .await?)
    }

    /// The channel and platform id of photo `n` (from 0) of an activity, with the activity's unit.
    pub async fn activity_photo(
        &mut self,
        activity: i64,
        n: usize,
    ) -> anyhow::Result<Option<ActivityPhoto>> {
        let row = sqlx::query!(
            r#"SELECT unit_id, photos_channel, photos[$2] AS "file_id?" FROM activities
             WHERE id = $1 AND deleted_at IS NULL"#,
            activity,
            n as i32 + 1
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(row.and_then(|r| {
            Some(ActivityPhoto {
                unit_id: r.unit_id,
                channel: r.photos_channel?,
                file_id: r.file_id?,
            })
        }))
    }

    /// The person's latest activities, not deleted, newest first.
    pub async fn my_activities(
        &mut self,
        person: PersonId,
        limit: i64,
    ) -> anyhow::Result<Vec<LoggedActivity>> {
        Ok(sqlx::query_as!(
            LoggedActivity,
            r#"SELECT id, sector, title, held_on AS "held_on: NaiveDate", participants
             FROM activities
             WHERE created_by = $1 AND deleted_at IS NULL ORDER BY id DESC LIMIT $2"#,
            person.0,
            limit
        )
        .fetch_all(&mut *self.inner)
        .await?)
    }

    /// Replaces the person's own activity's fields with `entry`, auditing before and after; false if
    /// it is not theirs or is deleted.
    pub async fn edit_activity(
        &mut self,
        person: PersonId,
        id: ActivityId,
        entry: &QuickEntry,
    ) -> anyhow::Result<bool> {
        let edited: Option<i64> = sqlx::query_scalar!(
            "WITH old AS (SELECT to_jsonb(a) AS row FROM activities a
                          WHERE id = $2 AND created_by = $1 AND deleted_at IS NULL FOR UPDATE),
             new AS (UPDATE activities SET sector = $3, title = $4, held_on = $5, participants = $6,
                                           note = $7, beneficiaries = $8
                     WHERE id = $2 AND created_by = $1 AND deleted_at IS NULL RETURNING *)
             INSERT INTO log_audit (entity, entity_id, person_id, action, before, after)
             SELECT 'activity', $2, $1, 'edit', old.row, to_jsonb(new) FROM old, new RETURNING id",
            person.0,
            id.0,
            &entry.sector,
            &entry.title,
            entry.held_on as NaiveDate,
            entry.participants,
            entry.details.note.as_deref(),
            entry.details.beneficiaries
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(edited.is_some())
    }

    /// Soft-deletes the person's own activity, auditing what it was; false if it is not theirs
    /// or is gone already.
    pub async fn delete_activity(
        &mut self,
        person: PersonId,
        id: ActivityId,
    ) -> anyhow::Result<bool> {
        let before: Option<Json<serde_json::Value>> = sqlx::query_scalar!(
            r#"WITH old AS (SELECT to_jsonb(a) AS row FROM activities a
                          WHERE id = $2 AND created_by = $1 AND deleted_at IS NULL FOR UPDATE),
             gone AS (UPDATE activities SET deleted_at = now()
                      WHERE id = $2 AND created_by = $1 AND deleted_at IS NULL)
             INSERT INTO log_audit (entity, entity_id, person_id, action, before)
             SELECT 'activity', $2, $1, 'delete', row FROM old
             RETURNING before AS "before!: Json<serde_json::Value>""#,
            person.0,
            id.0
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(before.is_some())
    }
}

impl Tx {
    /// Registers a model in `unit` started on the entry's date, audited; returns its id.
    pub async fn register_model(
        &mut self,
        person: PersonId,
        unit: UnitId,
        entry: &QuickEntry,
    ) -> anyhow::Result<ModelId> {
        // The new row written to the audit trail with it.
        Ok(sqlx::query_scalar!(
            r#"WITH created AS (
                 INSERT INTO models (unit_id, sector, name, started_on, created_by, description,
                                     lead_org)
                 VALUES ($2, $3, $4, $5, $1, $6, $7)
                 RETURNING *),
             audited AS (
                 INSERT INTO log_audit (entity, entity_id, person_id, action, after)
                 SELECT 'model', id, $1, 'create', to_jsonb(created) FROM created)
             SELECT id AS "id!: ModelId" FROM created"#,
            person.0,
            unit.0,
            &entry.sector,
            &entry.title,
            entry.held_on as NaiveDate,
            entry.details.note.as_deref(),
            entry.details.lead.as_deref()
        )
        .fetch_one(&mut *self.inner)
        .await?)
    }

    /// The unit's registered models, newest first.
    pub async fn unit_models(&mut self, unit: i64, limit: i64) -> anyhow::Result<Vec<ModelChoice>> {
        // An unknown status is an error (decoding it fails), never taken for another.
        Ok(sqlx::query_as!(
            ModelChoice,
            r#"SELECT id, unit_id, sector, name, status AS "status: ModelStatus" FROM models
             WHERE unit_id = $1 AND deleted_at IS NULL ORDER BY id DESC LIMIT $2"#,
            unit,
            limit
        )
        .fetch_all(&mut *self.inner)
        .await?)
    }

    /// The unit of a model that is not deleted.
    pub async fn model_unit(&mut self, id: i64) -> anyhow::Result<Option<i64>> {
        Ok(sqlx::query_scalar!(
            "SELECT unit_id FROM models WHERE id = $1 AND deleted_at IS NULL",
            id
        )
        .fetch_optional(&mut *self.inner)
        .await?)
    }

    /// Sets a model's status, audited; stopping it ends its count on `today`, restarting clears
    /// that. False if the model is gone.
    pub async fn set_model_status(
        &mut self,
        person: PersonId,
        id: ModelId,
        status: ModelStatus,
        today: NaiveDate,
    ) -> anyhow::Result<bool> {
        let changed: Option<i64> = sqlx::query_scalar!(
            "WITH old AS (SELECT to_jsonb(m) AS row FROM models m
                          WHERE id = $2 AND deleted_at IS NULL FOR UPDATE),
             new AS (UPDATE models SET status = $3,
                            stopped_on = CASE WHEN $3 = 'stopped' THEN COALESCE(stopped_on, $4) END
                     WHERE id = $2 AND deleted_at IS NULL RETURNING *)
             INSERT INTO log_audit (entity, entity_id, person_id, action, before, after)
             SELECT 'model', $2, $1, 'edit', old.row, to_jsonb(new) FROM old, new RETURNING id",
            person.0,
            id.0,
            status as ModelStatus,
            today as NaiveDate
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(changed.is_some())
    }

    /// The quarterly report for `unit` and everything below it, with residents' tickets as
    /// handled by `now`.
    pub async fn report(
        &mut self,
        unit: &Unit,
        quarter: Quarter,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Report> {
        let (from, to) = quarter.bounds();
        Ok(Report {
            quarter,
            scope: scope_of(unit),
            current: self.figures(unit.id, quarter).await?,
            previous: self.figures(unit.id, quarter.previous()).await?,
            children: self.figures_by_child(unit.id, quarter).await?,
            listening: self
                .ticket_figures_by_unit(unit.id, from, to, now)
                .await?
                .into_iter()
                .map(|(_, figures)| figures)
                .sum(),
            households: self
                .household_coverage(unit.id, to, quarter.first_day())
                .await?,
        })
    }

    /// Models built and maintained at the end of `quarter`, and activities held in it, in `unit`
    /// and everything below it, from the counts kept with them (migration 0042).
    pub async fn figures(&mut self, unit: i64, quarter: Quarter) -> anyhow::Result<Figures> {
        // The counts that count in the quarter starting on $2.
        let rows = sqlx::query!(
            r#"WITH RECURSIVE scope AS (
                 SELECT id FROM units WHERE id = $1
                 UNION SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id)
             SELECT kind, sector, sum(n)::bigint AS "n!" FROM report_counts
             WHERE unit_id IN (SELECT id FROM scope) AND since <= $2 AND until > $2
             GROUP BY kind, sector HAVING sum(n) <> 0 ORDER BY kind, sector"#,
            unit,
            quarter.first_day() as NaiveDate
        )
        .fetch_all(&mut *self.inner)
        .await?;
        let mut figures = Figures::default();
        for r in rows {
            match r.kind.as_str() {
                "models" => figures.models.push((r.sector, r.n)),
                "activities" => figures.activities.push((r.sector, r.n)),
                "participants" => figures.participants += r.n,
                kind => anyhow::bail!("a report count of kind {kind:?}"),
            }
        }
        Ok(figures)
    }

    /// For each unit directly below `unit`: (name, models at the end of `quarter`, activities in
    /// it), in no order (the report ranks them).
    pub async fn figures_by_child(
        &mut self,
        unit: i64,
        quarter: Quarter,
    ) -> anyhow::Result<Vec<(String, i64, i64)>> {
        // The counts that count in the quarter starting on $2.
        let rows = sqlx::query!(
            r#"WITH RECURSIVE tree AS (
                 SELECT id, id AS child FROM units WHERE parent_id = $1
                 UNION ALL SELECT u.id, t.child FROM units u JOIN tree t ON u.parent_id = t.id),
             counted AS (SELECT t.child, kind, sum(n) AS n FROM report_counts r JOIN tree t ON t.id = r.unit_id
                         WHERE since <= $2 AND until > $2 AND kind IN ('models', 'activities')
                         GROUP BY 1, 2)
             SELECT c.name,
                    COALESCE(sum(k.n) FILTER (WHERE k.kind = 'models'), 0)::bigint AS "models!",
                    COALESCE(sum(k.n) FILTER (WHERE k.kind = 'activities'), 0)::bigint
                        AS "activities!"
             FROM units c LEFT JOIN counted k ON k.child = c.id
             WHERE c.parent_id = $1 AND c.retired_at IS NULL
             GROUP BY c.id, c.name"#,
            unit,
            quarter.first_day() as NaiveDate
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.name, r.models, r.activities))
            .collect())
    }
}

/// Rows of a CSV export: the header, then one row per model or activity.
pub type Table = (Vec<&'static str>, Vec<Vec<String>>);

impl Tx {
    /// Models in `unit` and below (not deleted), for a spreadsheet.
    pub async fn export_models(&mut self, unit: i64) -> anyhow::Result<Table> {
        let rows = sqlx::query!(
            r#"WITH RECURSIVE scope AS (
                 SELECT id FROM units WHERE id = $1
                 UNION SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id)
             SELECT m.id::text AS "id!", u.code, u.name AS "unit", s.name AS "sector",
                    m.name, m.started_on::text AS "started_on!",
                    COALESCE(m.stopped_on::text, '') AS "stopped_on!"
             FROM models m JOIN units u ON u.id = m.unit_id JOIN sectors s ON s.code = m.sector
             WHERE m.deleted_at IS NULL AND m.unit_id IN (SELECT id FROM scope) ORDER BY m.id"#,
            unit
        )
        .fetch_all(&mut *self.inner)
        .await?;
        let rows = rows
            .into_iter()
            .map(|r| {
                vec![
                    r.id,
                    r.code,
                    r.unit,
                    r.sector,
                    r.name,
                    r.started_on,
                    r.stopped_on,
                ]
            })
            .collect();
        let header = vec![
            "id",
            "unit_code",
            "unit",
            "sector",
            "name",
            "started_on",
            "stopped_on",
        ];
        Ok((header, rows))
    }

    /// Activities in `unit` and below held in `quarter` (not deleted), for a spreadsheet.
    pub async fn export_activities(
        &mut self,
        unit: i64,
        quarter: Quarter,
    ) -> anyhow::Result<Table> {
        let rows = sqlx::query!(
            r#"WITH RECURSIVE scope AS (
                 SELECT id FROM units WHERE id = $1
                 UNION SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id)
             SELECT a.id::text AS "id!", u.code, u.name AS "unit", s.name AS "sector", a.title,
                    a.held_on::text AS "held_on!",
                    COALESCE(a.participants::text, '') AS "participants!",
                    cardinality(a.photos)::text AS "photos!"
             FROM activities a JOIN units u ON u.id = a.unit_id JOIN sectors s ON s.code = a.sector
             WHERE a.deleted_at IS NULL AND a.unit_id IN (SELECT id FROM scope)
               AND a.held_on BETWEEN $2 AND $3 ORDER BY a.held_on, a.id"#,
            unit,
            quarter.first_day() as NaiveDate,
            quarter.last_day() as NaiveDate
        )
        .fetch_all(&mut *self.inner)
        .await?;
        let rows = rows
            .into_iter()
            .map(|r| {
                vec![
                    r.id,
                    r.code,
                    r.unit,
                    r.sector,
                    r.title,
                    r.held_on,
                    r.participants,
                    r.photos,
                ]
            })
            .collect();
        let header = vec![
            "id",
            "unit_code",
            "unit",
            "sector",
            "title",
            "held_on",
            "participants",
            "photos",
        ];
        Ok((header, rows))
    }
}

/// Where one photo of an activity is: the channel it came through and the platform's id for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityPhoto {
    pub unit_id: i64,
    pub channel: String,
    pub file_id: String,
}
