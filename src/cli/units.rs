//! `danvan units …`: the official unit list and the merger map imported, boundaries, and what a
//! typed place name finds.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use crate::domain::boundaries::parse_feature_collection;
use crate::domain::former::{is_merger_map, parse_merger_map};
use crate::domain::unit_directory::{Found, Hit, UnitDirectory};
use crate::domain::units::parse_unit_list;
use crate::store::{DatabaseSource, Store};

#[derive(Subcommand)]
pub enum UnitsCommand {
    /// Load or re-load the official unit list (CSV: code,name,name_en,division_type,parent_code),
    /// or the merger map of former communes (CSV: code,name,province_code,formed_from).
    Import {
        file: PathBuf,
        /// Retire units that are in the database but not in the file.
        #[arg(long)]
        retire_missing: bool,
    },
    /// Load unit boundaries (GeoJSON FeatureCollection, each feature with a `code` property).
    ImportGeo { file: PathBuf },
    /// What a resident typing TEXT would be offered, with scores.
    Lookup {
        text: String,
        /// Unit code whose places come first among namesakes, as in `serve`.
        #[arg(long, env = "DANVAN_HOME_UNIT")]
        home_unit: Option<String>,
    },
}

pub async fn run(command: UnitsCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    let read = |file: &PathBuf| {
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))
    };
    let store = Store::open(source, 2).await?;
    match command {
        UnitsCommand::Import {
            file,
            retire_missing,
        } => {
            let text = read(&file)?;
            let name = file.display().to_string();
            if is_merger_map(&text) {
                let map = parse_merger_map(&text).with_context(|| format!("reading {name}"))?;
                let plan = store.import_former(&map, &name).await?;
                println!(
                    "{} former names linked to {} units",
                    plan.links.len(),
                    plan.codes.len()
                );
                for code in &plan.unknown_codes {
                    println!("  {code}: no such unit here, skipped");
                }
                for (code, target) in &plan.unresolved {
                    println!("  {code}: “{target}” is no current unit of the province");
                }
            } else {
                let records = parse_unit_list(&text).with_context(|| format!("reading {name}"))?;
                let options = crate::store::units::ImportOptions {
                    retire_missing,
                    ..Default::default()
                };
                let report = store.import_units(&records, &name, &options).await?;
                print!("{}", describe_import(&report));
            }
        }
        UnitsCommand::ImportGeo { file } => {
            let features = parse_feature_collection(&read(&file)?)
                .with_context(|| format!("reading {}", file.display()))?;
            let report = store
                .import_boundaries(&features, &file.display().to_string())
                .await?;
            println!("{} boundaries imported", report.imported);
            for code in &report.unknown_codes {
                println!("  {code}: no such unit here, skipped");
            }
        }
        UnitsCommand::Lookup { text, home_unit } => {
            let (_, mut units) = store.unit_directory().await?;
            if let Some(code) = &home_unit {
                units.set_home(code).context("DANVAN_HOME_UNIT")?;
            }
            print!("{}", describe_lookup(&units, &text));
        }
    }
    Ok(())
}

/// The verdict for `text`, then the ranked candidates.
fn describe_lookup(units: &UnitDirectory, text: &str) -> String {
    let line = |hit: &Hit| {
        let province = units.province_of(hit.unit);
        let via = hit
            .former
            .map(|f| {
                let district = f
                    .district
                    .as_deref()
                    .map(|d| format!(", {d}"))
                    .unwrap_or_default();
                let part = if f.partial { ", part of it" } else { "" };
                format!("  ← former {}{district}{part}", f.name)
            })
            .unwrap_or_default();
        format!(
            "{:.3}  {} {}, {}{via}\n",
            hit.score, hit.unit.code, hit.unit.name, province.name
        )
    };
    let (verdict, offered) = match units.find(text) {
        Found::One(hit) => ("confirm".to_owned(), vec![hit]),
        Found::Several(hits) => ("choose".to_owned(), hits),
        Found::Suggestions(hits) => ("suggest".to_owned(), hits),
        Found::Widespread(count) => (format!("ask the province ({count} places)"), vec![]),
        Found::Nothing => ("nothing found".to_owned(), vec![]),
    };
    let mut out = format!("{verdict}:\n");
    offered.iter().for_each(|h| out.push_str(&line(h)));
    out.push_str("candidates:\n");
    units
        .rank(text)
        .iter()
        .take(10)
        .for_each(|h| out.push_str(&line(h)));
    out
}

fn describe_import(report: &crate::store::units::ImportReport) -> String {
    let plan = &report.plan;
    let mut out = format!(
        "{} added, {} changed fields, {} not in the file ({})\n",
        plan.added.len(),
        plan.changed.len(),
        plan.missing.len(),
        if report.retired_missing {
            "retired"
        } else {
            "kept; --retire-missing retires them"
        }
    );
    for change in &plan.changed {
        out.push_str(&format!(
            "  {} {}: {:?} → {:?}\n",
            change.code, change.field, change.old, change.new
        ));
    }
    for code in &plan.missing {
        out.push_str(&format!("  {code}: not in the file\n"));
    }
    out
}
