//! Units: loading the tree, and applying an import plan in one transaction.

use std::collections::HashMap;

use super::{Store, Tx};
use crate::domain::units::{ImportPlan, Unit, UnitRecord, plan_import};

type UnitRow = (i64, String, String, String, String, Option<i64>, bool);

fn unit_from_row((id, code, name, name_en, division_type, parent_id, retired): UnitRow) -> Unit {
    Unit {
        id,
        code,
        name,
        name_en,
        division_type,
        parent_id,
        retired,
    }
}

/// What an import did.
#[derive(Debug)]
pub struct ImportReport {
    pub plan: ImportPlan,
    /// Whether units missing from the file were retired (otherwise they are only reported).
    pub retired_missing: bool,
}

impl Store {
    pub async fn units(&self) -> anyhow::Result<(i64, Vec<Unit>)> {
        let mut tx = self.begin().await?;
        let revision = tx.unit_revision().await?;
        let rows: Vec<UnitRow> = sqlx::query_as(
            "SELECT id, code, name, name_en, division_type, parent_id, retired_at IS NOT NULL FROM units ORDER BY id",
        )
        .fetch_all(&mut *tx.inner)
        .await?;
        tx.commit().await?;
        Ok((revision, rows.into_iter().map(unit_from_row).collect()))
    }

    pub async fn unit_count(&self) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM units")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Applies a newly published list: adds, renames and re-parents by code, keeping every unit's id
    /// (and so the people and history attached to it). Units missing from the list are retired only
    /// when asked, so a partial list cannot retire half the country.
    pub async fn import_units(
        &self,
        records: &[UnitRecord],
        source: &str,
        retire_missing: bool,
    ) -> anyhow::Result<ImportReport> {
        let mut tx = self.begin().await?;
        sqlx::query("LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx.inner)
            .await?;
        let rows: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT u.code, u.name, u.name_en, u.division_type, p.code
             FROM units u LEFT JOIN units p ON p.id = u.parent_id",
        )
        .fetch_all(&mut *tx.inner)
        .await?;
        let current: HashMap<String, UnitRecord> = rows
            .into_iter()
            .map(|(code, name, name_en, division_type, parent_code)| {
                (
                    code.clone(),
                    UnitRecord {
                        code,
                        name,
                        name_en,
                        division_type,
                        parent_code,
                    },
                )
            })
            .collect();
        let plan = plan_import(&current, records);
        let import_id: i64 = sqlx::query_scalar(
            "INSERT INTO unit_imports (source, added, changed, missing) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(source)
        .bind(plan.added.len() as i32)
        .bind(plan.changed.len() as i32)
        .bind(plan.missing.len() as i32)
        .fetch_one(&mut *tx.inner)
        .await?;
        // `records` lists parents first, so each parent exists by the time its children arrive.
        for r in records {
            sqlx::query(
                "INSERT INTO units (code, name, name_en, division_type, parent_id)
                 VALUES ($1, $2, $3, $4, (SELECT id FROM units WHERE code = $5))
                 ON CONFLICT (code) DO UPDATE SET
                     name = EXCLUDED.name, name_en = EXCLUDED.name_en,
                     division_type = EXCLUDED.division_type, parent_id = EXCLUDED.parent_id,
                     retired_at = NULL, updated_at = now()
                 WHERE (units.name, units.name_en, units.division_type, units.parent_id, units.retired_at)
                       IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.name_en, EXCLUDED.division_type, EXCLUDED.parent_id, NULL)",
            )
            .bind(&r.code)
            .bind(&r.name)
            .bind(&r.name_en)
            .bind(&r.division_type)
            .bind(&r.parent_code)
            .execute(&mut *tx.inner)
            .await?;
        }
        for change in &plan.changed {
            sqlx::query(
                "INSERT INTO unit_changes (import_id, unit_id, field, old_value, new_value)
                 SELECT $1, id, $3, $4, $5 FROM units WHERE code = $2",
            )
            .bind(import_id)
            .bind(&change.code)
            .bind(change.field)
            .bind(&change.old)
            .bind(&change.new)
            .execute(&mut *tx.inner)
            .await?;
        }
        if retire_missing {
            sqlx::query(
                "UPDATE units SET retired_at = now() WHERE code = ANY($1) AND retired_at IS NULL",
            )
            .bind(&plan.missing)
            .execute(&mut *tx.inner)
            .await?;
        }
        sqlx::query("UPDATE unit_revision SET revision = revision + 1")
            .execute(&mut *tx.inner)
            .await?;
        tx.commit().await?;
        Ok(ImportReport {
            plan,
            retired_missing: retire_missing,
        })
    }
}

impl Tx {
    pub async fn unit_revision(&mut self) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar("SELECT revision FROM unit_revision")
            .fetch_one(&mut *self.inner)
            .await?)
    }
}
