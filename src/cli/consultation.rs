//! `danvan consultation …`: create a draft's consultation from its file, open and close it,
//! enter a meeting's opinions, and print or export the results.

use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::Subcommand;

use super::LangArg;
use crate::app::By;
use crate::app::consultations::{self, Refused};
use crate::domain::consultation::{ConsultationFile, MeetingFile, Problem};
use crate::i18n::Localizer;
use crate::message::{Lang, Msg};
use crate::store::{DatabaseSource, Store};

#[derive(Subcommand)]
pub enum ConsultationCommand {
    /// Create a draft from a Markdown or TOML file (see examples/consultation.md); prints its id.
    Create { file: PathBuf },
    /// Open it: a notice with its button goes to its units (delivered by `danvan serve`).
    Open {
        id: i64,
        /// danvan's public address, for the page with the whole draft.
        #[arg(long, env = "DANVAN_PUBLIC_URL")]
        public_url: Option<url::Url>,
    },
    /// Close it: no more answers.
    Close { id: i64 },
    /// Enter the opinions gathered at a meeting (see examples/meeting.toml); kept apart from chat.
    Meeting { id: i64, file: PathBuf },
    /// Counts and shares per part and per unit, and the meetings apart.
    Results {
        id: i64,
        /// Unit code (default: the consultation's first target unit).
        #[arg(long)]
        unit: Option<String>,
        #[arg(long, value_enum, default_value = "vi")]
        lang: LangArg,
        /// CSV (UTF-8 with BOM) instead of text.
        #[arg(long, conflicts_with = "docx")]
        csv: bool,
        /// Also write the results as a Word report (the dashboard's) to this file.
        #[arg(long)]
        docx: Option<PathBuf>,
    },
}

pub async fn run(command: ConsultationCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    let store = Store::open(source, 2).await?;
    let (_, units) = store.unit_directory().await?;
    let localizer = Localizer::new();
    let words = |msg: Msg| localizer.render(&msg, Lang::En);
    let refused = |r: Refused| anyhow::anyhow!(words(r.msg()));
    let problem =
        |p: Problem, file: &PathBuf| anyhow::anyhow!("{}: {}", file.display(), words(p.msg()));
    let read = |file: &PathBuf| {
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))
    };
    let mut tx = store.begin().await?;
    match command {
        ConsultationCommand::Create { file } => {
            let draft = ConsultationFile::parse(&read(&file)?).map_err(|p| problem(p, &file))?;
            let id = consultations::create(&mut tx, By::Operator, &draft, &units)
                .await?
                .map_err(refused)?;
            println!("{id}");
            eprintln!(
                "draft consultation {id} created ({} parts); `danvan consultation open {id}` invites its units",
                draft.parts.len()
            );
        }
        ConsultationCommand::Open { id, public_url } => {
            let page = public_url.and_then(|u| u.join(&format!("du-thao/{id}")).ok());
            let (notice, at) = consultations::open(
                &mut tx,
                By::Operator,
                id,
                page.as_ref().map(|u| u.as_str()),
                &units,
                Utc::now(),
            )
            .await?
            .map_err(refused)?;
            println!(
                "consultation {id} is open; its invitation (notice {notice}) goes out at {} (Vietnam time) through `danvan serve`",
                crate::domain::vn_time::format(at)
            );
        }
        ConsultationCommand::Close { id } => {
            consultations::close(&mut tx, By::Operator, id, &units)
                .await?
                .map_err(refused)?;
            println!("consultation {id} is closed");
        }
        ConsultationCommand::Meeting { id, file } => {
            let meeting = MeetingFile::parse(&read(&file)?).map_err(|p| problem(p, &file))?;
            let unit = units
                .by_code(&meeting.unit)
                .with_context(|| format!("no unit with code {}", meeting.unit))?;
            let meeting = meeting.meeting(unit.id);
            let entered = consultations::add_meeting(&mut tx, By::Operator, id, &meeting, &units)
                .await?
                .map_err(refused)?;
            println!("meeting {entered} entered for consultation {id}");
        }
        ConsultationCommand::Results {
            id,
            unit,
            lang,
            csv,
            docx,
        } => {
            let Some((c, _)) = tx.consultation(id).await? else {
                bail!(words(Refused::NotFound.msg()));
            };
            let scope = match unit {
                Some(code) => units
                    .by_code(&code)
                    .with_context(|| format!("no unit {code}"))?,
                None => {
                    let first = *c.unit_ids.first().context("no target")?;
                    units.by_id(first).context("the target unit is gone")?
                }
            };
            let results = consultations::results(&store, By::Operator, id, scope.id, &units)
                .await?
                .context("the consultation does not reach that unit")?;
            let lang = Lang::from(lang);
            if let Some(file) = docx {
                let today = crate::domain::vn_time::local_date(Utc::now());
                let document =
                    consultations::results_document(&results, &units, &localizer, lang, today);
                std::fs::write(&file, document.docx()?)
                    .with_context(|| format!("writing {}", file.display()))?;
            }
            if csv {
                let counts = store.consultation_counts(id).await?;
                print!("{}", consultations::results_csv(&results, &counts, &units)?);
            } else {
                for line in consultations::results_lines(&results, &units) {
                    println!("{}", localizer.render(&line, lang));
                }
            }
        }
    }
    tx.commit().await?;
    Ok(())
}
