//! `danvan report`: the quarterly report of models and activities, or their CSV.

use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use clap::{Args, ValueEnum};

use super::{LangArg, unit_by_code};
use crate::app;
use crate::chart::Plot;
use crate::domain::report::{self, Quarter};
use crate::i18n::Localizer;
use crate::message::Lang;
use crate::store::{DatabaseSource, Store};

#[derive(Args)]
pub struct ReportArgs {
    /// 2025-Q1, Q1/2025 or 1/2025 (Vietnam's calendar).
    #[arg(long)]
    quarter: String,
    /// Unit code, e.g. 33 for Hưng Yên.
    #[arg(long)]
    unit: String,
    #[arg(long, value_enum, default_value = "vi")]
    lang: LangArg,
    /// Instead of the report, print a CSV (UTF-8 with BOM) of the unit's models, or of its
    /// activities in the quarter.
    #[arg(long, value_enum)]
    export: Option<ExportArg>,
    /// Also write the report's bar charts as PNG files into this folder.
    #[arg(long)]
    charts: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportArg {
    Models,
    Activities,
}

pub async fn run(args: ReportArgs, source: &DatabaseSource) -> anyhow::Result<()> {
    let quarter = Quarter::parse(&args.quarter)
        .with_context(|| format!("{:?} is no quarter; write 2025-Q1", args.quarter))?;
    let store = Store::open(source, 2).await?;
    let (_, units) = store.unit_directory().await?;
    let unit = unit_by_code(&units, &args.unit)?;
    let mut tx = store.begin().await?;
    match args.export {
        Some(kind) => {
            let (header, rows) = match kind {
                ExportArg::Models => tx.export_models(unit.id).await?,
                ExportArg::Activities => tx.export_activities(unit.id, quarter).await?,
            };
            print!("{}", report::csv_with_bom(&header, &rows)?);
        }
        None => {
            let lang = Lang::from(args.lang);
            let replies = app::reports::quarterly(
                &mut tx,
                unit,
                quarter,
                lang,
                crate::domain::listing::Length::Full,
                Utc::now(),
            )
            .await?;
            let localizer = Localizer::new();
            println!("{}", localizer.render(&replies[0].body, lang));
            if let Some(folder) = args.charts {
                std::fs::create_dir_all(&folder)?;
                for (i, reply) in replies[1..].iter().enumerate() {
                    let chart = reply.chart.as_ref().context("a report chart")?;
                    let path = folder.join(format!("chart-{}.png", i + 1));
                    std::fs::write(&path, Plot::new(chart, &localizer, lang).png()?)
                        .with_context(|| format!("writing {}", path.display()))?;
                    eprintln!("{}", path.display());
                }
            }
        }
    }
    tx.commit().await
}
