//! `danvan survey …`: create, open, close, remind, results and export.

use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use clap::Subcommand;

use super::{LangArg, unit_ids};
use crate::app::surveys;
use crate::chart::Plot;
use crate::domain::listing::Length;
use crate::domain::report::scope_of;
use crate::domain::survey::SurveyFile;
use crate::domain::survey_chat::{Survey, Whom};
use crate::domain::survey_results::results_replies;
use crate::domain::vn_time;
use crate::i18n::Localizer;
use crate::message::Lang;
use crate::store::{DatabaseSource, Store};

#[derive(Subcommand)]
pub enum SurveyCommand {
    /// Create a draft from a TOML file (see examples/survey.toml); prints its id.
    Create {
        file: PathBuf,
        /// A new version of an opened survey: opening it closes the old one.
        #[arg(long)]
        replaces: Option<i64>,
    },
    /// Replace a draft's definition (an opened survey cannot change).
    Update { id: i64, file: PathBuf },
    /// Open a draft: invite everyone it targets (delivered by `danvan serve`).
    Open { id: i64 },
    /// Close it: answers in progress no longer count.
    Close { id: i64 },
    /// Remind, once, those who started but did not finish (or, with --not-started, those who
    /// never started).
    Remind {
        id: i64,
        #[arg(long)]
        not_started: bool,
    },
    /// Status, invited and responded.
    Status { id: i64 },
    /// Counts and percentages per question, response rate per unit, free-text answers.
    Results {
        id: i64,
        /// Unit code (default: the survey's first target unit).
        #[arg(long)]
        unit: Option<String>,
        #[arg(long, value_enum, default_value = "vi")]
        lang: LangArg,
        /// Also write a bar chart per question as PNG files into this folder.
        #[arg(long)]
        charts: Option<PathBuf>,
    },
    /// CSV (UTF-8 with BOM) with one row per response.
    Export { id: i64 },
}

pub async fn run(command: SurveyCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    let store = Store::open(source, 2).await?;
    let read = |file: &PathBuf| -> anyhow::Result<SurveyFile> {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        SurveyFile::parse(&text).with_context(|| format!("reading {}", file.display()))
    };
    let (_, units) = store.unit_directory().await?;
    let mut tx = store.begin().await?;
    match command {
        SurveyCommand::Create { file, replaces } => {
            let survey = read(&file)?;
            let targets = unit_ids(&survey.target.units, &units)?;
            let id = surveys::create(&mut tx, &survey, &targets, replaces, Utc::now()).await?;
            println!("{id}");
            eprintln!("draft survey {id} created; `danvan survey open {id}` invites its residents");
        }
        SurveyCommand::Update { id, file } => {
            let survey = read(&file)?;
            let targets = unit_ids(&survey.target.units, &units)?;
            surveys::update(&mut tx, id, &survey, &targets, Utc::now()).await??;
            eprintln!("survey {id} updated");
        }
        SurveyCommand::Open { id } => {
            let invited = surveys::open(&mut tx, id, Utc::now()).await??;
            println!("survey {id} is open: {invited} people invited through `danvan serve`")
        }
        SurveyCommand::Close { id } => {
            surveys::close(&mut tx, id).await??;
            println!("survey {id} is closed");
        }
        SurveyCommand::Remind { id, not_started } => {
            let whom = match not_started {
                true => Whom::NotStarted,
                false => Whom::Unfinished,
            };
            let reminded = surveys::remind(&mut tx, id, whom, Utc::now()).await??;
            println!("{reminded} people reminded");
        }
        SurveyCommand::Status { id } => {
            let survey = known(tx.survey(id).await?, id)?;
            let subtree: Vec<i64> = survey
                .unit_ids
                .iter()
                .flat_map(|&u| units.subtree(u))
                .collect();
            let tallies = tx.survey_tallies(id, &subtree).await?;
            let sum = |q: &str| -> i64 {
                tallies
                    .iter()
                    .filter(|t| t.question == q && t.choice.is_empty())
                    .map(|t| t.count)
                    .sum()
            };
            println!(
                "survey {id} “{}”: {}, {} – {} (Vietnam time); {} invited, {} responded",
                survey.file.title,
                survey.status.code(),
                vn_time::format(survey.opens_at),
                vn_time::format(survey.closes_at),
                sum("+"),
                sum("*")
            );
        }
        SurveyCommand::Results {
            id,
            unit,
            lang,
            charts,
        } => {
            let survey = known(tx.survey(id).await?, id)?;
            let scope = match unit {
                Some(code) => units
                    .by_code(&code)
                    .with_context(|| format!("no unit {code}"))?,
                None => {
                    let first = *survey.unit_ids.first().context("no target")?;
                    units.by_id(first).context("the target unit is gone")?
                }
            };
            let results = surveys::results(&mut tx, &survey, scope.id, &units).await?;
            let lang = Lang::from(lang);
            let localizer = Localizer::new();
            let replies = results_replies(&survey, scope_of(scope), &results, lang, Length::Full);
            println!("{}", localizer.render(&replies[0].body, lang));
            if let Some(folder) = charts {
                std::fs::create_dir_all(&folder)?;
                for (i, chart) in replies.iter().filter_map(|r| r.chart.as_ref()).enumerate() {
                    let path = folder.join(format!("question-{}.png", i + 1));
                    std::fs::write(&path, Plot::new(chart, &localizer, lang).png()?)
                        .with_context(|| format!("writing {}", path.display()))?;
                    eprintln!("{}", path.display());
                }
            }
            return Ok(());
        }
        SurveyCommand::Export { id } => {
            let survey = known(tx.survey(id).await?, id)?;
            print!(
                "{}",
                surveys::export_csv(&survey, &tx.survey_export(id).await?)?
            );
        }
    }
    tx.commit().await?;
    Ok(())
}

fn known(survey: Option<Survey>, id: i64) -> anyhow::Result<Survey> {
    survey.with_context(|| format!("no survey {id}"))
}
