//! The command line: the arguments, and each subcommand handed to the file that runs it.

mod admin;
mod consultation;
mod demo;
mod household;
mod inbox;
mod invite;
mod notice;
mod report;
mod serve;
mod survey;
mod tickets;
mod units;
mod zalo;

pub use serve::ServeArgs;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use secrecy::SecretString;

use crate::domain::unit_directory::UnitDirectory;
use crate::domain::units::Unit;
use crate::engine::Engine;
use crate::message::Lang;
use crate::store::{DatabaseSource, Store};

#[derive(Parser)]
#[command(
    name = "danvan",
    version,
    about = "Chatbot service for grassroots outreach (dân vận)"
)]
pub struct Cli {
    /// PostgreSQL database to use. Without it, danvan runs a private cluster in --data-dir.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Where the private cluster lives when no DATABASE_URL is given [default: .danvan, or when
    /// run as root from a directory the postgres user cannot reach, one under /var/lib/danvan].
    #[arg(long, env = "DANVAN_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Key of the survey response pseudonyms [default: one made once and kept in the database].
    #[arg(long, env = "DANVAN_SURVEY_KEY", global = true, hide_env_values = true, value_parser = secret)]
    pub survey_key: Option<SecretString>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Chat with the bot in this terminal (loads the demo units on an empty database).
    Shell {
        /// Who you are in the chat; use different names to play different people.
        #[arg(long = "as", default_value = "local")]
        address: String,
    },
    /// The whole system in a browser: Hưng Yên with a history of residents, notices, a survey and
    /// activities, the dashboard and the web chat on localhost, until Ctrl-C.
    Demo {
        #[arg(long, env = "DANVAN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Cookies without `Secure`, for a browser on another machine over plain http.
        #[arg(long, env = "DANVAN_PLAIN_HTTP", value_parser = clap::builder::FalseyValueParser::new())]
        plain_http: bool,
    },
    /// Run the chat channels (Telegram, the Zalo bot and OA, the web chat) and the HTTP endpoints
    /// until SIGTERM or Ctrl-C.
    Serve(Box<ServeArgs>),
    /// Create or update the database schema, then exit.
    Migrate,
    /// Dashboard logins for committee staff.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Zalo Official Account upkeep.
    Zalo {
        #[command(subcommand)]
        command: zalo::ZaloCommand,
    },
    /// Platform updates that could not be handled.
    Inbox {
        #[command(subcommand)]
        command: inbox::InboxCommand,
    },
    /// Administrative units.
    Units {
        #[command(subcommand)]
        command: units::UnitsCommand,
    },
    /// Invitations that grant cadre and admin roles.
    Invite {
        #[command(subcommand)]
        command: invite::InviteCommand,
    },
    /// Notices of new directives.
    Notice {
        #[command(subcommand)]
        command: notice::NoticeCommand,
    },
    /// Surveys of residents' views.
    Survey {
        #[command(subcommand)]
        command: survey::SurveyCommand,
    },
    /// Consultations on a draft, part by part, and the opinions of meetings beside them.
    Consultation {
        #[command(subcommand)]
        command: consultation::ConsultationCommand,
    },
    /// "Dân vận khéo 1+10": households, the cadres who accompany them, the unit's coverage.
    Household {
        #[command(subcommand)]
        command: household::HouseholdCommand,
    },
    /// Residents' questions, reports and suggestions: the queue, answers, transfers.
    Tickets {
        #[command(subcommand)]
        command: tickets::TicketsCommand,
    },
    /// The quarterly report of models and activities for a unit and everything below it.
    Report(report::ReportArgs),
    /// Benchmarks (build with --release --features bench).
    #[cfg(feature = "bench")]
    Bench {
        #[command(subcommand)]
        command: crate::bench::BenchCommand,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    Vi,
    En,
}

impl From<LangArg> for Lang {
    fn from(lang: LangArg) -> Lang {
        match lang {
            LangArg::Vi => Lang::Vi,
            LangArg::En => Lang::En,
        }
    }
}

impl Cli {
    pub fn database(&self) -> anyhow::Result<DatabaseSource> {
        Ok(match (&self.database_url, &self.data_dir) {
            (Some(url), _) if !url.is_empty() => DatabaseSource::Url(url.clone()),
            (_, Some(dir)) => DatabaseSource::Private(dir.clone()),
            (_, None) => DatabaseSource::Private(crate::store::cluster::default_dir()?),
        })
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let source = cli.database()?;
    match cli.command {
        Command::Shell { address } => shell(&source, &address, cli.survey_key).await,
        Command::Serve(args) => serve::run(*args, &source, cli.survey_key).await,
        Command::Demo { listen, plain_http } => {
            demo::run(&source, listen, plain_http, cli.survey_key).await
        }
        Command::Admin { command } => admin::run(command, &source).await,
        Command::Zalo { command } => zalo::run(command, &source).await,
        Command::Inbox { command } => inbox::run(command, &source).await,
        Command::Migrate => {
            Store::open(&source, 1).await?;
            println!("schema up to date ({source:?})");
            Ok(())
        }
        Command::Units { command } => units::run(command, &source).await,
        Command::Invite { command } => invite::run(command, &source).await,
        Command::Notice { command } => notice::run(command, &source).await,
        Command::Survey { command } => survey::run(command, &source).await,
        Command::Consultation { command } => consultation::run(command, &source).await,
        Command::Household { command } => household::run(command, &source).await,
        Command::Tickets { command } => tickets::run(command, &source).await,
        Command::Report(args) => report::run(args, &source).await,
        #[cfg(feature = "bench")]
        Command::Bench { command } => crate::bench::run(command, &source).await,
    }
}

/// `danvan shell`: the chat in this terminal, as `address`.
async fn shell(
    source: &DatabaseSource,
    address: &str,
    survey_key: Option<SecretString>,
) -> anyhow::Result<()> {
    let store = Store::open(source, 4).await?;
    crate::seed::demo_if_empty(&store).await?;
    let engine = Engine::new(store).await?.with_survey_key(survey_key);
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    crate::channels::shell::run(&engine, address, stdin, tokio::io::stdout()).await?;
    engine.store().close().await;
    Ok(())
}

/// A key or token given on the command line or in the environment, kept out of `Debug`.
fn secret(value: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(value.into())
}

/// The unit with an official code, which must exist.
fn unit_by_code<'a>(units: &'a UnitDirectory, code: &str) -> anyhow::Result<&'a Unit> {
    units
        .by_code(code)
        .with_context(|| format!("no unit with code {code}"))
}

/// Unit ids for official codes, each of which must exist.
fn unit_ids(codes: &[String], units: &UnitDirectory) -> anyhow::Result<Vec<i64>> {
    codes
        .iter()
        .map(|code| unit_by_code(units, code).map(|u| u.id))
        .collect()
}
