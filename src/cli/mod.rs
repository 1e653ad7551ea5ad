//! The command line: `danvan shell`, `danvan units import`, `danvan invite create`, `danvan bench`.

mod consultation;
mod household;
mod serve;
mod survey;
mod tickets;

pub use serve::ServeArgs;

use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Parser, Subcommand, ValueEnum};

use crate::app;
use crate::chart::Plot;
use crate::domain::access::{Grant, Role};
use crate::domain::boundaries::parse_feature_collection;
use crate::domain::former::{is_merger_map, parse_merger_map};
use crate::domain::notice::{NoticeFile, NoticeStatus, Reach};
use crate::domain::report::{self, Quarter};
use crate::domain::unit_directory::{Found, Hit, UnitDirectory};
use crate::domain::units::parse_unit_list;
use crate::domain::vn_time;
use crate::engine::Engine;
use crate::i18n::Localizer;
use crate::message::Lang;
use crate::store::notices::NewNotice;
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
    #[arg(long, env = "DANVAN_SURVEY_KEY", global = true, hide_env_values = true)]
    pub survey_key: Option<String>,
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
        command: AdminCommand,
    },
    /// Zalo Official Account upkeep.
    Zalo {
        #[command(subcommand)]
        command: ZaloCommand,
    },
    /// Platform updates that could not be handled.
    Inbox {
        #[command(subcommand)]
        command: InboxCommand,
    },
    /// Administrative units.
    Units {
        #[command(subcommand)]
        command: UnitsCommand,
    },
    /// Invitations that grant cadre and admin roles.
    Invite {
        #[command(subcommand)]
        command: InviteCommand,
    },
    /// Notices of new directives.
    Notice {
        #[command(subcommand)]
        command: NoticeCommand,
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
    Report {
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
    },
    /// Benchmarks (build with --release --features bench).
    #[cfg(feature = "bench")]
    Bench {
        #[command(subcommand)]
        command: crate::bench::BenchCommand,
    },
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create a dashboard login for an admin of a unit (and everything below it); prints its
    /// one-time password, to be changed at the first sign-in.
    CreateLogin {
        /// The name to sign in with.
        name: String,
        /// Unit code, e.g. 33 for Hưng Yên.
        #[arg(long)]
        unit: String,
    },
    /// Disable a login: it can no longer sign in, and its open sessions end at their next request.
    Disable { name: String },
    /// Give a login a new one-time password (enabling it again if it was disabled); prints it.
    Reset { name: String },
}

#[derive(Subcommand)]
pub enum ZaloCommand {
    /// Replace the OA's refresh token (after Zalo revoked it, or it lapsed unused for 3 months).
    RefreshToken {
        /// A new refresh token from the Zalo developer console; without it, read from standard
        /// input (so that it shows in no process list or shell history).
        token: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum InboxCommand {
    /// List updates parked after failing every attempt, with their errors.
    Failed,
    /// Put parked updates back in line (the given ids, or all).
    Retry {
        ids: Vec<i64>,
        #[arg(long, conflicts_with = "ids")]
        all: bool,
    },
}

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

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportArg {
    Models,
    Activities,
}

#[derive(Subcommand)]
pub enum NoticeCommand {
    /// Create a draft from a TOML file (see examples/notice.toml); prints its id.
    Create { file: PathBuf },
    /// Send a draft: at its send_at, or now.
    Send { id: i64 },
    /// Stop a notice; what was not sent yet is not sent.
    Cancel { id: i64 },
    /// Targeted, sent, failed, blocked, read and questions, in all and per unit.
    Status { id: i64 },
}

#[derive(Subcommand)]
pub enum InviteCommand {
    /// Print a code that grants a role on a unit to whoever sends `/join CODE`.
    Create {
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Official unit code, e.g. 12745.
        #[arg(long)]
        unit: String,
        #[arg(long, default_value_t = 1)]
        uses: u32,
        /// Last day the code works (YYYY-MM-DD, Vietnam time), or a number of days such as 7d.
        #[arg(long, default_value = "7d")]
        expires: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Cadre,
    Admin,
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
        Command::Shell { address } => {
            let store = Store::open(&source, 4).await?;
            crate::seed::demo_if_empty(&store).await?;
            let engine = Engine::new(store).await?.with_survey_key(cli.survey_key);
            let stdin = tokio::io::BufReader::new(tokio::io::stdin());
            crate::channels::shell::run(&engine, &address, stdin, tokio::io::stdout()).await?;
            engine.store().close().await;
        }
        Command::Serve(args) => {
            let pool = crate::serve::pool(args.channel_count(), args.workers);
            let store = Store::open_with(&source, pool).await?;
            let channels = args.channels(&store)?;
            if crate::seed::demo_if_empty(&store).await? > 0 {
                eprintln!(
                    "danvan: no units yet, loaded the demo province (Hưng Yên); `danvan units import` loads the real list"
                );
            }
            let engine = Engine::new(store)
                .await?
                .with_survey_key(cli.survey_key)
                .with_home_unit(args.home_unit.clone())
                .context("DANVAN_HOME_UNIT")?;
            let engine = std::sync::Arc::new(engine);
            let pages = crate::dashboard::routes(engine.clone(), &args.web(), &channels)
                .await?
                .merge(crate::telemetry::routes(
                    engine.clone(),
                    args.metrics_token.clone(),
                ));
            crate::serve::run_until_signal(engine, channels, args.workers, args.listen, pages)
                .await?;
        }
        Command::Demo { listen, plain_http } => {
            demo(&source, listen, plain_http, cli.survey_key).await?
        }
        Command::Admin {
            command: AdminCommand::CreateLogin { name, unit },
        } => {
            let name = name.trim();
            if name.is_empty() {
                bail!("give the login a name");
            }
            let store = Store::open(&source, 2).await?;
            crate::seed::demo_if_empty(&store).await?;
            let (_, units) = store.unit_directory().await?;
            let target = units
                .by_code(&unit)
                .with_context(|| format!("no unit with code {unit}"))?;
            let password = app::logins::create(&store, name, target.id, Utc::now()).await?;
            println!("{password}");
            eprintln!(
                "login {name:?} for {} ({}) created; the password above works for {} days and must be changed at the first sign-in",
                target.name,
                target.code,
                app::logins::ONE_TIME_DAYS
            );
        }
        Command::Admin {
            command: AdminCommand::Disable { name },
        } => {
            let store = Store::open(&source, 2).await?;
            if !store.disable_login(&name).await? {
                bail!("no login named {name:?}");
            }
            println!("login {name:?} disabled; its sessions end at their next request");
        }
        Command::Admin {
            command: AdminCommand::Reset { name },
        } => {
            let store = Store::open(&source, 2).await?;
            let password = app::logins::reset(&store, &name, Utc::now()).await?;
            println!("{password}");
            eprintln!(
                "login {name:?} has the one-time password above; it works for {} days and must be changed at the first sign-in",
                app::logins::ONE_TIME_DAYS
            );
        }
        Command::Zalo {
            command: ZaloCommand::RefreshToken { token },
        } => {
            let token = match token {
                Some(token) => token,
                None => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line
                }
            };
            let token = token.trim();
            if token.is_empty() {
                bail!("no refresh token given");
            }
            let store = Store::open(&source, 2).await?;
            store
                .replace_refresh_token(crate::channels::zalo_oa::adapt::CHANNEL, token)
                .await?;
            println!("stored the new Zalo OA refresh token; serve uses it at its next refresh");
        }
        Command::Inbox { command } => {
            let store = Store::open(&source, 2).await?;
            match command {
                InboxCommand::Failed => {
                    let failed = store.failed_events().await?;
                    for f in &failed {
                        println!(
                            "{}\t{} {}\t{} attempts\t{}\t{}",
                            f.id,
                            f.channel,
                            f.event_id,
                            f.attempts,
                            f.received_at.format("%Y-%m-%d %H:%M:%S"),
                            f.last_error
                        );
                    }
                    eprintln!(
                        "{} failed; `danvan inbox retry ID` or `--all` puts them back in line",
                        failed.len()
                    );
                }
                InboxCommand::Retry { ids, all } => {
                    if ids.is_empty() && !all {
                        bail!("give the ids to retry, or --all");
                    }
                    let n = store.retry_failed((!all).then_some(ids.as_slice())).await?;
                    println!("{n} update(s) back in line");
                }
            }
        }
        Command::Migrate => {
            Store::open(&source, 1).await?;
            println!("schema up to date ({source:?})");
        }
        Command::Units { command } => units(command, &source).await?,
        Command::Invite {
            command:
                InviteCommand::Create {
                    role,
                    unit,
                    uses,
                    expires,
                },
        } => {
            let store = Store::open(&source, 2).await?;
            let (_, units) = store.unit_directory().await?;
            let target = units
                .by_code(&unit)
                .with_context(|| format!("no unit with code {unit}"))?;
            let role = match role {
                RoleArg::Cadre => Role::Cadre,
                RoleArg::Admin => Role::Admin,
            };
            let expires_at = parse_expiry(&expires, Utc::now())?;
            let mut tx = store.begin().await?;
            let grant = Grant {
                role,
                unit_id: target.id,
            };
            let code =
                app::invites::create(&mut tx, &grant, uses, expires_at, app::invites::Issuer::Cli)
                    .await?;
            tx.commit().await?;
            println!("{code}");
            eprintln!(
                "{} for {} ({}), {uses} use(s), valid until {} UTC; the recipient sends: /join {code}",
                role.as_str(),
                target.name,
                target.code,
                expires_at.format("%Y-%m-%d %H:%M")
            );
        }
        Command::Notice { command } => notice(command, &source).await?,
        Command::Survey { command } => survey::run(command, &source).await?,
        Command::Consultation { command } => consultation::run(command, &source).await?,
        Command::Household { command } => household::run(command, &source).await?,
        Command::Tickets { command } => tickets::run(command, &source).await?,
        Command::Report {
            quarter,
            unit,
            lang,
            export,
            charts,
        } => {
            let quarter = Quarter::parse(&quarter)
                .with_context(|| format!("{quarter:?} is no quarter; write 2025-Q1"))?;
            let store = Store::open(&source, 2).await?;
            let (_, units) = store.unit_directory().await?;
            let unit = units
                .by_code(&unit)
                .with_context(|| format!("no unit with code {unit}"))?;
            let mut tx = store.begin().await?;
            match export {
                Some(kind) => {
                    let (header, rows) = match kind {
                        ExportArg::Models => tx.export_models(unit.id).await?,
                        ExportArg::Activities => tx.export_activities(unit.id, quarter).await?,
                    };
                    print!("{}", report::csv_with_bom(&header, &rows)?);
                }
                None => {
                    let lang = Lang::from(lang);
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
                    if let Some(folder) = charts {
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
            tx.commit().await?;
        }
        #[cfg(feature = "bench")]
        Command::Bench { command } => crate::bench::run(command, &source).await?,
    }
    Ok(())
}

/// The demo's login name.
const DEMO_LOGIN: &str = "demo";

async fn demo(
    source: &DatabaseSource,
    listen: std::net::SocketAddr,
    plain_http: bool,
    survey_key: Option<String>,
) -> anyhow::Result<()> {
    let store = Store::open(source, 16).await?;
    crate::seed::demo_if_empty(&store).await?;
    let engine = Engine::new(store).await?.with_survey_key(survey_key);
    let engine = std::sync::Arc::new(engine);
    let store = engine.store();
    if crate::seed::demo_history_if_new(store, engine.now()).await? {
        eprintln!(
            "danvan: wrote the demo's history (Hưng Yên: residents, notices, a survey, activities)"
        );
    }
    let province = engine
        .units()
        .by_code(crate::seed::DEMO_PROVINCE)
        .context("the demo province is not loaded")?
        .id;
    let password = app::logins::demo(store, DEMO_LOGIN, province, engine.now()).await?;
    let personas = crate::seed::demo_personas(store, &engine.units(), engine.localizer()).await?;
    let channels: Vec<std::sync::Arc<dyn crate::channels::Channel>> =
        vec![crate::channels::web::WebChat::new(
            crate::channels::web::WebChatConfig {
                personas,
                ..Default::default()
            },
            store.clone(),
        )];
    let web = crate::dashboard::WebSettings {
        public_url: None,
        plain_http,
    };
    let pages = crate::dashboard::routes(engine.clone(), &web, &channels).await?;
    println!("danvan demo");
    println!("  dashboard: http://{listen}/   sign in as {DEMO_LOGIN} / {password}");
    println!("  web chat:  http://{listen}/chat");
    crate::serve::run_until_signal(engine, channels, 4, listen, pages).await
}

/// Unit ids for official codes, each of which must exist.
fn unit_ids(codes: &[String], units: &UnitDirectory) -> anyhow::Result<Vec<i64>> {
    codes
        .iter()
        .map(|code| {
            units
                .by_code(code)
                .map(|u| u.id)
                .with_context(|| format!("no unit with code {code}"))
        })
        .collect()
}

async fn notice(command: NoticeCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    let store = Store::open(source, 2).await?;
    match command {
        NoticeCommand::Create { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let notice =
                NoticeFile::parse(&text).with_context(|| format!("reading {}", file.display()))?;
            let (_, units) = store.unit_directory().await?;
            let unit_ids = unit_ids(&notice.target.units, &units)?;
            let send_at = notice.send_time()?;
            let id = store
                .create_notice(&NewNotice {
                    texts: notice.texts(),
                    directive: notice.directive.clone(),
                    issuer: notice.issuer.clone(),
                    link: notice.link.clone(),
                    unit_ids,
                    roles: notice.target.roles.clone(),
                    languages: notice.target.languages.clone(),
                    send_at,
                    quiet_hours: notice.quiet_hours,
                    urgent: notice.urgent,
                    created_by: None,
                    attachment: notice.attachment(),
                    consultation: None,
                })
                .await?;
            println!("{id}");
            eprintln!("draft notice {id} created; `danvan notice send {id}` sends it");
        }
        NoticeCommand::Send { id } => match store.schedule_notice(id, Utc::now()).await? {
            Some(at) => println!(
                "notice {id} goes out at {} (Vietnam time) through `danvan serve`",
                vn_time::format(at)
            ),
            None => bail!("notice {id} is not a draft (or does not exist)"),
        },
        NoticeCommand::Cancel { id } => match store.cancel_notice(id).await? {
            Some(stopped) => println!("notice {id} cancelled; {stopped} deliveries stopped"),
            None => bail!("notice {id} does not exist or was cancelled already"),
        },
        NoticeCommand::Status { id } => {
            let (_, units) = store.unit_directory().await?;
            let status = app::notices::status(&store, id, app::notices::Viewer::Operator, &units)
                .await?
                .with_context(|| format!("no notice {id}"))?;
            print!("{}", describe_status(id, &status, &units, Utc::now()));
        }
    }
    Ok(())
}

fn describe_status(
    id: i64,
    status: &NoticeStatus,
    units: &UnitDirectory,
    now: DateTime<Utc>,
) -> String {
    let line = |name: &str, r: &Reach| {
        format!(
            "{name:<40} {:>9} {:>9} {:>9} {:>7} {:>13} {:>8} {:>9} {:>9} {:>6} {:>9}\n",
            r.targeted,
            r.sent,
            r.pending,
            r.failed,
            r.undeliverable,
            r.blocked,
            r.cancelled,
            r.delivered,
            r.read,
            r.questions
        )
    };
    let mut out = format!(
        "notice {id}: {}, send at {}\n",
        status.phase(now).code(),
        status
            .send_at
            .map_or("not scheduled".to_owned(), vn_time::format)
    );
    out.push_str(&format!(
        "{:<40} {:>9} {:>9} {:>9} {:>7} {:>13} {:>8} {:>9} {:>9} {:>6} {:>9}\n",
        "",
        "targeted",
        "sent",
        "pending",
        "failed",
        "undeliverable",
        "blocked",
        "cancelled",
        "delivered",
        "read",
        "questions"
    ));
    out.push_str(&line("total", &status.totals));
    for (unit, reach) in &status.units {
        let name = unit
            .and_then(|id| units.by_id(id))
            .map_or("(no unit)".to_owned(), |u| format!("{} {}", u.code, u.name));
        out.push_str(&line(&name, reach));
    }
    for (reason, count) in &status.failures {
        out.push_str(&format!("failed {count}: {reason}\n"));
    }
    out
}

async fn units(command: UnitsCommand, source: &DatabaseSource) -> anyhow::Result<()> {
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

/// "7d" from now, or the end of a day in Vietnam time.
fn parse_expiry(text: &str, now: chrono::DateTime<Utc>) -> anyhow::Result<chrono::DateTime<Utc>> {
    if let Some(days) = text.strip_suffix('d') {
        let days: i64 = days
            .parse()
            .with_context(|| format!("not a number of days: {text}"))?;
        return Ok(now + chrono::Duration::days(days));
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .with_context(|| format!("not a date (YYYY-MM-DD) or 7d: {text}"))?;
    let end = date.and_hms_opt(23, 59, 59).expect("valid time");
    let at = vn_time::from_local(end).context("not a time in Vietnam")?;
    if at < now {
        bail!("{text} is in the past");
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn expiry_is_a_day_count_or_the_end_of_a_vietnamese_day() {
        let now = Utc.with_ymd_and_hms(2025, 11, 26, 0, 0, 0).unwrap();
        assert_eq!(
            parse_expiry("7d", now).unwrap(),
            Utc.with_ymd_and_hms(2025, 12, 3, 0, 0, 0).unwrap()
        );
        assert_eq!(
            parse_expiry("2025-12-31", now).unwrap(),
            Utc.with_ymd_and_hms(2025, 12, 31, 16, 59, 59).unwrap()
        );
        assert!(parse_expiry("2020-01-01", now).is_err());
        assert!(parse_expiry("soon", now).is_err());
    }
}
