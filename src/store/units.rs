//! Units: loading the tree, and applying an import plan in one transaction.

use std::collections::HashMap;

use super::{Store, Tx};
use crate::domain::boundaries::{Boundaries, area};
use crate::domain::former::{FormedFrom, FormerName, FormerPlan, plan_former};
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::units::{ImportPlan, Unit, UnitRecord, plan_import, plan_import_within};

/// How to import a list.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Retire units that are stored (within `scope`) but not in the list.
    pub retire_missing: bool,
    /// Only this unit (by code) and those below it: a province's admin importing the national list.
    pub scope: Option<String>,
    /// Only work out what would change, and change nothing.
    pub dry_run: bool,
    /// Apply only if the plan's digest is this one (the changes an admin saw); otherwise change
    /// nothing. Checked under the import's lock, so no other import slips in between.
    pub only_if: Option<String>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug)]
pub struct ImportReport {
    pub plan: ImportPlan,
    /// Whether units missing from the file were retired (otherwise they are only reported).
    pub retired_missing: bool,
    /// Whether anything was written (not a dry run).
    pub applied: bool,
}

/// What importing boundaries did.
#[derive(Debug)]
pub struct BoundaryReport {
    pub imported: usize,
    /// Codes in the file that are no unit here.
    pub unknown_codes: Vec<String>,
}

impl Store {
    pub async fn units(&self) -> anyhow::Result<(i64, Vec<Unit>)> {
        let mut tx = self.begin().await?;
        let revision = tx.unit_revision().await?;
        let units = tx.all_units().await?;
        tx.commit().await?;
        Ok((revision, units))
    }

    /// Everything the engine holds in memory about units: the tree, former names and boundaries.
    /// The revision is read first, so the data is at least as new as the revision says.
    pub async fn unit_directory(&self) -> anyhow::Result<(i64, UnitDirectory)> {
        let mut tx = self.begin().await?;
        let revision = tx.unit_revision().await?;
        let units = tx.all_units().await?;
        let formers = sqlx::query!(
            "SELECT unit_id, name, district, partial FROM former_units ORDER BY unit_id, name, district",
        )
        .fetch_all(&mut *tx.inner)
        .await?;
        let shapes = sqlx::query!(
            r#"SELECT unit_id, geometry AS "geometry: sqlx::types::Json<serde_json::Value>"
               FROM unit_boundaries ORDER BY unit_id"#
        )
        .fetch_all(&mut *tx.inner)
        .await?;
        tx.commit().await?;
        let formers = formers
            .into_iter()
            .map(|r| FormerName {
                unit_id: r.unit_id,
                name: r.name,
                district: Some(r.district).filter(|d| !d.is_empty()),
                partial: r.partial,
            })
            .collect();
        let shapes = shapes
            .into_iter()
            .map(|r| Ok((r.unit_id, area(&r.geometry.0)?)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let directory = UnitDirectory::new(units)
            .with_former(formers)
            .with_boundaries(Boundaries::new(shapes));
        Ok((revision, directory))
    }

    /// Replaces the former names of every unit the merger map lists with what it says.
    pub async fn import_former(
        &self,
        map: &[FormedFrom],
        source: &str,
    ) -> anyhow::Result<FormerPlan> {
        let mut tx = self.begin().await?;
        sqlx::query!("LOCK TABLE units, former_units IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx.inner)
            .await?;
        let units = tx.all_units().await?;
        let plan = plan_former(map, &units);
        sqlx::query!(
            "DELETE FROM former_units WHERE unit_id IN (SELECT id FROM units WHERE code = ANY($1))",
            &plan.codes
        )
        .execute(&mut *tx.inner)
        .await?;
        let column = |f: fn(&crate::domain::former::FormerLink) -> String| {
            plan.links.iter().map(f).collect::<Vec<String>>()
        };
        sqlx::query!(
            "INSERT INTO former_units (unit_id, name, district, partial)
             SELECT u.id, l.name, l.district, l.partial
             FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[]) AS l (code, name, district, partial)
             JOIN units u ON u.code = l.code",
            &column(|l| l.code.clone()),
            &column(|l| l.name.clone()),
            &column(|l| l.district.clone().unwrap_or_default()),
            &plan.links.iter().map(|l| l.partial).collect::<Vec<bool>>()
        )
        .execute(&mut *tx.inner)
        .await?;
        tx.record_import(source, plan.links.len(), 0, plan.unknown_codes.len())
            .await?;
        tx.commit().await?;
        Ok(plan)
    }

    /// Stores boundaries by unit code, replacing earlier ones of the same units.
    pub async fn import_boundaries(
        &self,
        features: &[(String, serde_json::Value)],
        source: &str,
    ) -> anyhow::Result<BoundaryReport> {
        let mut tx = self.begin().await?;
        let codes: Vec<&str> = features.iter().map(|(code, _)| code.as_str()).collect();
        let known: Vec<String> = sqlx::query_scalar!(
            "SELECT code FROM units WHERE code = ANY($1)",
            &codes[..] as &[&str]
        )
        .fetch_all(&mut *tx.inner)
        .await?;
        let unknown_codes: Vec<String> = codes
            .iter()
            .filter(|c| !known.iter().any(|k| k == *c))
            .map(|c| c.to_string())
            .collect();
        let imported = sqlx::query!(
            "INSERT INTO unit_boundaries (unit_id, geometry, source)
             SELECT u.id, f.geometry, $3
             FROM unnest($1::text[], $2::jsonb[]) AS f (code, geometry)
             JOIN units u ON u.code = f.code
             ON CONFLICT (unit_id) DO UPDATE SET
                 geometry = EXCLUDED.geometry, source = EXCLUDED.source, imported_at = now()",
            &codes[..] as &[&str],
            features
                .iter()
                .map(|(_, g)| sqlx::types::Json(g))
                .collect::<Vec<_>>() as _,
            source
        )
        .execute(&mut *tx.inner)
        .await?
        .rows_affected() as usize;
        tx.record_import(source, imported, 0, unknown_codes.len())
            .await?;
        tx.commit().await?;
        Ok(BoundaryReport {
            imported,
            unknown_codes,
        })
    }

    pub async fn unit_count(&self) -> anyhow::Result<i64> {
        Ok(
            sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM units"#)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Applies a newly published list: adds, renames and re-parents by code, keeping every unit's id
    /// (and so the people and history attached to it). Units missing from the list are retired only
    /// when asked, so a partial list cannot retire half the country.
    pub async fn import_units(
        &self,
        records: &[UnitRecord],
        source: &str,
        options: &ImportOptions,
    ) -> anyhow::Result<ImportReport> {
        let mut tx = self.begin().await?;
        sqlx::query!("LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx.inner)
            .await?;
        let rows = sqlx::query_as!(
            UnitRecord,
            r#"SELECT u.code, u.name, u.name_en, u.division_type, p.code AS "parent_code?"
               FROM units u LEFT JOIN units p ON p.id = u.parent_id"#,
        )
        .fetch_all(&mut *tx.inner)
        .await?;
        let current: HashMap<String, UnitRecord> =
            rows.into_iter().map(|r| (r.code.clone(), r)).collect();
        let plan = match &options.scope {
            Some(scope) => plan_import_within(&current, records, scope),
            None => plan_import(&current, records),
        };
        let unexpected = options
            .only_if
            .as_ref()
            .is_some_and(|d| *d != plan.digest());
        if options.dry_run || unexpected {
            // Dropped, the transaction rolls back (and its lock goes).
            drop(tx);
            return Ok(ImportReport {
                plan,
                retired_missing: false,
                applied: false,
            });
        }
        let outside: std::collections::HashSet<&str> =
            plan.outside.iter().map(String::as_str).collect();
        let import_id = tx
            .record_import(
                source,
                plan.added.len(),
                plan.changed.len(),
                plan.missing.len(),
            )
            .await?;
        // `records` lists parents first, so each parent exists by the time its children arrive.
        for r in records
            .iter()
            .filter(|r| !outside.contains(r.code.as_str()))
        {
            sqlx::query!(
                "INSERT INTO units (code, name, name_en, division_type, parent_id)
                 VALUES ($1, $2, $3, $4, (SELECT id FROM units WHERE code = $5))
                 ON CONFLICT (code) DO UPDATE SET
                     name = EXCLUDED.name, name_en = EXCLUDED.name_en,
                     division_type = EXCLUDED.division_type, parent_id = EXCLUDED.parent_id,
                     retired_at = NULL, updated_at = now()
                 WHERE (units.name, units.name_en, units.division_type, units.parent_id, units.retired_at)
                       IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.name_en, EXCLUDED.division_type, EXCLUDED.parent_id, NULL)",
                &r.code,
                &r.name,
                &r.name_en,
                &r.division_type,
                r.parent_code.as_deref()
            )
            .execute(&mut *tx.inner)
            .await?;
        }
        for change in &plan.changed {
            sqlx::query!(
                "INSERT INTO unit_changes (import_id, unit_id, field, old_value, new_value)
                 SELECT $1, id, $3, $4, $5 FROM units WHERE code = $2",
                import_id,
                &change.code,
                change.field,
                &change.old,
                &change.new
            )
            .execute(&mut *tx.inner)
            .await?;
        }
        if options.retire_missing {
            sqlx::query!(
                "UPDATE units SET retired_at = now() WHERE code = ANY($1) AND retired_at IS NULL",
                &plan.missing
            )
            .execute(&mut *tx.inner)
            .await?;
        }
        // Units that moved take their consultations' counts with them.
        sqlx::query!("SELECT units_moved()")
            .execute(&mut *tx.inner)
            .await?;
        tx.commit().await?;
        Ok(ImportReport {
            plan,
            retired_missing: options.retire_missing,
            applied: true,
        })
    }
}

impl Tx {
    async fn all_units(&mut self) -> anyhow::Result<Vec<Unit>> {
        Ok(sqlx::query_as!(
            Unit,
            r#"SELECT id, code, name, name_en, division_type, parent_id,
                      retired_at IS NOT NULL AS "retired!"
               FROM units ORDER BY id"#,
        )
        .fetch_all(&mut *self.inner)
        .await?)
    }

    /// Logs an import and bumps the unit revision, so running engines reload what it changed.
    async fn record_import(
        &mut self,
        source: &str,
        added: usize,
        changed: usize,
        missing: usize,
    ) -> anyhow::Result<i64> {
        sqlx::query!("UPDATE unit_revision SET revision = revision + 1")
            .execute(&mut *self.inner)
            .await?;
        Ok(sqlx::query_scalar!(
            "INSERT INTO unit_imports (source, added, changed, missing) VALUES ($1, $2, $3, $4) RETURNING id",
            source,
            added as i32,
            changed as i32,
            missing as i32
        )
        .fetch_one(&mut *self.inner)
        .await?)
    }

    pub async fn unit_revision(&mut self) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar!("SELECT revision FROM unit_revision")
            .fetch_one(&mut *self.inner)
            .await?)
    }
}
