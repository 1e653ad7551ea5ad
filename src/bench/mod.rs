//! Benchmarks, each printed next to a baseline measured in the same run:
//! `bench engine` — residents signing up and chatting through the engine, against `pgbench -N`;
//! `bench telegram` — the same conversations through the Telegram channel (fake Bot API, teloxide,
//! inbox, outbox), against the engine alone;
//! `bench zalo` — the same conversations through the Zalo OA channel (signed webhook events,
//! inbox, engine, the v3 message API of a fake OA), against the engine alone;
//! `bench units` — typed and point place lookups, against brute force;
//! `bench broadcast` — a notice to a million residents, against plain copies and bare sends;
//! `bench report` — a province's quarterly report over a million activities, against a plain count;
//! `bench survey` — residents answering a survey at once, against `pgbench -N`, and results over a
//! million responses, against counting the answers from scratch;
//! `bench consultation` — residents answering an eight-part draft, through the engine alone and
//! through Telegram, against `pgbench -N`, and results over millions of opinions, against counting
//! them;
//! `bench web` — the dashboard's pages over a million rows, 50 sessions from a second process,
//! against the same store calls in this process;
//! `bench tickets` — 50 staff reading their queue and a ticket over a million tickets, through the
//! use cases against the same store reads, and a queue page against a primary-key read.

mod broadcast;
mod consultation;
mod report;
mod survey;
mod tickets;
mod units;
mod web;
mod zalo;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Subcommand;

use crate::channels::telegram::{Intake, Telegram, TelegramConfig};
use crate::domain::units::parse_unit_list;
use crate::engine::Engine;
use crate::message::{Inbound, InboundKind};
use crate::store::{DatabaseSource, Store, cluster, provision};
use danvan_fake_telegram::{FakeTelegram, updates};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Residents signing up and chatting; prints messages/s, latency, peak RSS and pgbench's TPS.
    Engine {
        #[arg(long, default_value_t = 10_000)]
        residents: usize,
        /// Events handled at once (also pgbench's client count).
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Length of the pgbench baseline run.
        #[arg(long, default_value_t = 20)]
        pgbench_seconds: u32,
    },
    /// The same conversations through Telegram (fake Bot API in this process), against the engine alone.
    Telegram {
        #[arg(long, default_value_t = 2_000)]
        residents: usize,
        /// Inbox workers (and engine-only concurrency); 8 is `serve`'s default.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// The same conversations through a Zalo OA (signed webhook → inbox → engine → send), against
    /// the engine alone.
    Zalo {
        #[arg(long, default_value_t = 2_000)]
        residents: usize,
        /// Inbox workers (and engine-only concurrency); 8 is `serve`'s default.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// One notice to a million residents: fan-out, delivery with and without Telegram's rate limit.
    Broadcast {
        #[arg(long, default_value_t = 1_000_000)]
        recipients: i64,
        /// Messages to deliver in the unlimited run.
        #[arg(long, default_value_t = 200_000)]
        deliver: usize,
        /// Length of the run at 30 messages/s.
        #[arg(long, default_value_t = 60)]
        limited_seconds: u64,
    },
    /// The quarterly report of a province over a year of the whole country's logs.
    Report {
        #[arg(long, default_value_t = 100_000)]
        models: i64,
        #[arg(long, default_value_t = 1_000_000)]
        activities: i64,
    },
    /// Residents answering a five-question survey at once, then results over a million responses.
    Survey {
        #[arg(long, default_value_t = 10_000)]
        residents: i64,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        #[arg(long, default_value_t = 1_000_000)]
        responses: i64,
        #[arg(long, default_value_t = 10)]
        pgbench_seconds: u32,
    },
    /// Residents answering an eight-part draft at once, then results over millions of opinions.
    Consultation {
        #[arg(long, default_value_t = 10_000)]
        residents: i64,
        /// Events handled at once by the engine alone, inbox workers through Telegram, and
        /// pgbench's clients.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// People whose eight opinions each the results are read over.
        #[arg(long, default_value_t = 1_000_000)]
        people: i64,
        #[arg(long, default_value_t = 10)]
        pgbench_seconds: u32,
    },
    /// The dashboard's pages over a million residents, deliveries, responses and activities, from
    /// signed-in sessions in a second process.
    Web {
        #[arg(long, default_value_t = 1_000_000)]
        residents: i64,
        #[arg(long, default_value_t = 50)]
        sessions: usize,
        /// Requests per page.
        #[arg(long, default_value_t = 1_000)]
        requests: usize,
    },
    /// Staff reading their ticket queue and a ticket over a million residents' tickets.
    Tickets {
        #[arg(long, default_value_t = 1_000_000)]
        tickets: i64,
        #[arg(long, default_value_t = 50)]
        staff: usize,
        /// Reads of each kind in all.
        #[arg(long, default_value_t = 2_000)]
        requests: usize,
    },
    /// The load generator of `bench web` (run by it).
    #[command(hide = true)]
    WebLoad(web::Load),
    /// Place lookups over all 3,321 communes and their former names, and points in Hưng Yên.
    Units {
        #[arg(long, default_value_t = 20_000)]
        queries: usize,
        #[arg(long, default_value_t = 200_000)]
        points: usize,
    },
}

/// What each resident sends, in order ("#" marks a button press).
const SCRIPT: [&str; 8] = [
    "/start",
    "#lang:vi",
    "#consent:yes",
    "tien lu hung yen",
    "#unit:yes",
    "/mydata",
    "xin chao",
    "/help",
];

fn script() -> Vec<String> {
    SCRIPT.iter().map(|s| s.to_string()).collect()
}

pub async fn run(command: BenchCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    match command {
        BenchCommand::Units { queries, points } => units::run(queries, points)?,
        BenchCommand::Web {
            residents,
            sessions,
            requests,
        } => {
            let (_, engine) = setup(source, sessions + 4).await?;
            web::run(engine, residents, sessions, requests).await?;
        }
        BenchCommand::WebLoad(load) => web::load(load).await?,
        BenchCommand::Tickets {
            tickets,
            staff,
            requests,
        } => {
            let (_, engine) = setup(source, staff + 4).await?;
            tickets::run(engine, tickets, staff, requests).await?;
        }
        BenchCommand::Report { models, activities } => {
            let (_, engine) = setup(source, 4).await?;
            report::run(engine, models, activities).await?;
        }
        BenchCommand::Broadcast {
            recipients,
            deliver,
            limited_seconds,
        } => {
            let (_, engine) = setup(source, 2 * broadcast::SENDERS + 4).await?;
            broadcast::run(engine, recipients, deliver, limited_seconds).await?;
        }
        BenchCommand::Survey {
            residents,
            concurrency,
            responses,
            pgbench_seconds,
        } => {
            let (server_url, engine) = setup(source, concurrency + 2).await?;
            let answering = survey::answering(&engine, residents, concurrency).await?;
            survey::results(&engine, responses).await?;
            engine.store().close().await;
            let tps = pgbench(&server_url, concurrency, pgbench_seconds)?;
            println!(
                "pgbench -N, {concurrency} clients, {pgbench_seconds} s on the same server: {tps:.0} TPS"
            );
            println!(
                "survey events/s ÷ pgbench TPS = {:.2}",
                answering.rate / tps
            );
        }
        BenchCommand::Consultation {
            residents,
            concurrency,
            people,
            pgbench_seconds,
        } => {
            let (server_url, engine) = setup(source, concurrency + 2).await?;
            let (alone, telegram) =
                consultation::answering(&engine, residents, concurrency).await?;
            consultation::results(&engine, people).await?;
            engine.store().close().await;
            let tps = pgbench(&server_url, concurrency, pgbench_seconds)?;
            println!(
                "pgbench -N, {concurrency} clients, {pgbench_seconds} s on the same server: {tps:.0} TPS"
            );
            println!(
                "opinions/s ÷ pgbench TPS: through Telegram {:.2} (target ≥ 0.5); the engine alone {:.2}",
                telegram.rate / tps,
                alone.rate / tps
            );
        }
        BenchCommand::Engine {
            residents,
            concurrency,
            pgbench_seconds,
        } => {
            let (server_url, engine) = setup(source, concurrency).await?;
            println!(
                "engine: {residents} residents × {} messages, {concurrency} at a time",
                SCRIPT.len()
            );
            let stats = engine_only(&engine, "bench", residents, concurrency).await?;
            stats.print();
            println!("  peak RSS:      {:.1} MB", peak_rss_kb()? as f64 / 1024.0);
            engine.store().close().await;
            let tps = pgbench(&server_url, concurrency, pgbench_seconds)?;
            println!(
                "pgbench -N, {concurrency} clients, {pgbench_seconds} s on the same server: {tps:.0} TPS"
            );
            println!(
                "engine messages/s ÷ pgbench TPS = {:.2} (target ≥ 0.55)",
                stats.rate / tps
            );
        }
        BenchCommand::Zalo {
            residents,
            concurrency,
        } => {
            let (_, engine) = setup(source, concurrency + 4).await?;
            let baseline = baseline(&engine, residents, concurrency).await?;
            println!(
                "zalo oa: the same through signed webhook events, the inbox and the v3 message API, {concurrency} workers"
            );
            let stats =
                zalo::through_oa(engine, residents, concurrency, &baseline.replies_per_step)
                    .await?;
            stats.print();
            println!(
                "zalo oa events/s ÷ engine messages/s = {:.2} (target ≥ 0.7)",
                stats.rate / baseline.rate
            );
        }
        BenchCommand::Telegram {
            residents,
            concurrency,
        } => {
            let (_, engine) = setup(source, concurrency + 4).await?;
            let baseline = baseline(&engine, residents, concurrency).await?;
            println!(
                "telegram: the same through the fake Bot API, teloxide, inbox and outbox, {concurrency} workers"
            );
            let stats = through_telegram(
                engine,
                residents,
                &script(),
                concurrency,
                &baseline.replies_per_step,
            )
            .await?;
            stats.print();
            println!(
                "telegram updates/s ÷ engine messages/s = {:.2} (target ≥ 0.75)",
                stats.rate / baseline.rate
            );
        }
    }
    Ok(())
}

/// A fresh bench database with every commune, and an engine on it.
async fn setup(
    source: &DatabaseSource,
    connections: usize,
) -> anyhow::Result<(String, Arc<Engine>)> {
    let server_url = source.server_url().await?;
    let bench_url = provision::with_database(&server_url, "danvan_bench")?;
    provision::drop_database(&server_url, "danvan_bench").await?;
    provision::ensure_database(&server_url, "danvan_bench").await?;
    let store = Store::open(&DatabaseSource::Url(bench_url), connections as u32 + 2).await?;
    store
        .import_units(
            &parse_unit_list(crate::seed::UNIT_LIST_2026)?,
            "bench",
            &Default::default(),
        )
        .await?;
    Ok((server_url, Arc::new(Engine::new(store).await?)))
}

struct Stats {
    count: usize,
    elapsed: Duration,
    rate: f64,
    latencies: Vec<Duration>,
    /// Messages the bot sends back for each step of the script.
    replies_per_step: Vec<usize>,
    /// Round trips to the database in transactions during the run (`Store::round_trips`).
    round_trips: u64,
}

impl Stats {
    fn new(
        mut latencies: Vec<Duration>,
        elapsed: Duration,
        replies_per_step: Vec<usize>,
        round_trips: u64,
    ) -> Stats {
        latencies.sort();
        Stats {
            count: latencies.len(),
            elapsed,
            rate: latencies.len() as f64 / elapsed.as_secs_f64(),
            latencies,
            replies_per_step,
            round_trips,
        }
    }

    fn percentile(&self, p: f64) -> f64 {
        let i = ((self.latencies.len() as f64 * p) as usize)
            .min(self.latencies.len().saturating_sub(1));
        self.latencies
            .get(i)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }

    fn print(&self) {
        println!(
            "  messages:      {} in {:.1} s",
            self.count,
            self.elapsed.as_secs_f64()
        );
        println!("  messages/s:    {:.0}", self.rate);
        println!(
            "  latency:       p50 {:.2} ms, p99 {:.2} ms",
            self.percentile(0.5),
            self.percentile(0.99)
        );
        println!(
            "  round trips:   {:.2} per message (BEGIN, statements, COMMIT)",
            self.round_trips as f64 / self.count as f64
        );
    }
}

fn script_event(line: &str) -> InboundKind {
    match line.strip_prefix('#') {
        Some(payload) => InboundKind::Button(payload.to_owned()),
        None => InboundKind::typed(line),
    }
}

/// The engine alone, printed, for a channel's run to be compared with.
async fn baseline(
    engine: &Arc<Engine>,
    residents: usize,
    concurrency: usize,
) -> anyhow::Result<Stats> {
    println!(
        "engine only: {residents} residents × {} messages, {concurrency} at a time",
        SCRIPT.len()
    );
    let baseline = engine_only(engine, "bench", residents, concurrency).await?;
    baseline.print();
    Ok(baseline)
}

/// Residents signing up through the engine, `concurrency` events at a time.
async fn engine_only(
    engine: &Arc<Engine>,
    channel: &str,
    residents: usize,
    concurrency: usize,
) -> anyhow::Result<Stats> {
    let addresses: Vec<String> = (0..residents).map(|r| format!("resident-{r}")).collect();
    let stats = rounds(engine, channel, &addresses, &script(), concurrency).await?;
    let registered = engine.store().registered_in_places().await?;
    anyhow::ensure!(
        registered >= residents as i64,
        "only {registered} of {residents} residents finished sign-up"
    );
    Ok(stats)
}

/// Every chat takes each step of `script` before anyone takes the next, so all are mid-conversation
/// at once ("#" marks a button press).
async fn rounds(
    engine: &Arc<Engine>,
    channel: &str,
    addresses: &[String],
    script: &[String],
    concurrency: usize,
) -> anyhow::Result<Stats> {
    let started = Instant::now();
    let trips = engine.store().round_trips();
    let mut latencies = Vec::with_capacity(addresses.len() * script.len());
    let mut replies_per_step = Vec::new();
    let addresses = Arc::new(addresses.to_vec());
    for (round, line) in script.iter().enumerate() {
        let mut tasks = tokio::task::JoinSet::new();
        for worker in 0..concurrency {
            let (engine, channel, line) = (engine.clone(), channel.to_owned(), line.clone());
            let addresses = addresses.clone();
            tasks.spawn(async move {
                let mut times = Vec::new();
                let mut replies = 0;
                for address in addresses.iter().skip(worker).step_by(concurrency) {
                    let inbound = Inbound {
                        channel: channel.clone(),
                        address: address.clone(),
                        event_id: format!("{address}-{round}"),
                        kind: script_event(&line),
                        traits: crate::message::ChatTraits {
                            can_push: true,
                            numbered: false,
                        },
                    };
                    let sent = Instant::now();
                    let outbound = engine
                        .handle(&inbound)
                        .await?
                        .context("a new event gets an answer")?;
                    times.push(sent.elapsed());
                    anyhow::ensure!(!outbound.replies.is_empty(), "no reply to {inbound:?}");
                    replies = outbound.replies.len();
                }
                anyhow::Ok((times, replies))
            });
        }
        let mut replies = 0;
        while let Some(done) = tasks.join_next().await {
            let (times, n) = done??;
            latencies.extend(times);
            replies = replies.max(n);
        }
        replies_per_step.push(replies);
    }
    let elapsed = started.elapsed();
    let trips = engine.store().round_trips() - trips;
    Ok(Stats::new(latencies, elapsed, replies_per_step, trips))
}

/// Per chat: when its current step was handed to the bot, and how many replies have come back.
struct Progress {
    /// What each resident sends, in order ("#" marks a button press).
    script: Vec<String>,
    fed: Vec<Option<Instant>>,
    sent: Vec<usize>,
    /// Steps whose replies have all arrived.
    answered: Vec<usize>,
    /// Replies expected after each step, summed.
    expected: Vec<usize>,
    /// Chats whose next step may be sent: each resident answers only once answered.
    ready: VecDeque<usize>,
    latencies: Vec<Duration>,
    finished_chats: usize,
}

impl Progress {
    fn new(residents: usize, script: &[String], replies_per_step: &[usize]) -> Progress {
        Progress {
            script: script.to_vec(),
            fed: vec![None; residents],
            sent: vec![0; residents],
            answered: vec![0; residents],
            expected: replies_per_step
                .iter()
                .scan(0, |sum, n| {
                    *sum += n;
                    Some(*sum)
                })
                .collect(),
            ready: (0..residents).collect(),
            latencies: Vec::with_capacity(residents * script.len()),
            finished_chats: 0,
        }
    }

    /// Notes a reply to chat `i`; true when every chat has finished its script.
    fn replied(&mut self, i: usize) -> bool {
        self.sent[i] += 1;
        if self.expected.get(self.answered[i]) != Some(&self.sent[i]) {
            return false;
        }
        if let Some(fed) = self.fed[i].take() {
            self.latencies.push(fed.elapsed());
        }
        self.answered[i] += 1;
        if self.answered[i] < self.expected.len() {
            self.ready.push_back(i);
            return false;
        }
        self.finished_chats += 1;
        self.finished_chats == self.sent.len()
    }

    /// The next chat whose resident may write, and the step they take.
    fn next(&mut self) -> Option<(usize, String)> {
        let i = self.ready.pop_front()?;
        self.fed[i] = Some(Instant::now());
        Some((i, self.script[self.answered[i]].clone()))
    }
}

const FIRST_CHAT: i64 = 10_000_000;

/// Each resident sends their next message once the bot has answered the last, as people do; the
/// fake hands out what is ready in batches of up to 100 as fast as the bot polls.
async fn through_telegram(
    engine: Arc<Engine>,
    residents: usize,
    script: &[String],
    workers: usize,
    replies_per_step: &[usize],
) -> anyhow::Result<Stats> {
    let fake = FakeTelegram::start().await;
    let progress = Arc::new(Mutex::new(Progress::new(
        residents,
        script,
        replies_per_step,
    )));
    let all_done = Arc::new(tokio::sync::Notify::new());
    {
        let (progress, all_done) = (progress.clone(), all_done.clone());
        fake.count_sends(move |chat| {
            let mut p = progress.lock().expect("progress lock");
            if p.replied((chat - FIRST_CHAT) as usize) {
                all_done.notify_one();
            }
        });
    }
    {
        let progress = progress.clone();
        fake.feed_with(move |limit| {
            let mut p = progress.lock().expect("progress lock");
            let mut batch = Vec::new();
            while batch.len() < limit
                && let Some((i, line)) = p.next()
            {
                let chat = FIRST_CHAT + i as i64;
                batch.push(match line.strip_prefix('#') {
                    Some(data) => updates::button(0, chat, data),
                    None => updates::text(0, chat, &line),
                });
            }
            batch
        });
    }
    let telegram = Telegram::new(TelegramConfig {
        token: "1:BENCH".into(),
        api_url: Some(fake.api_url()),
        intake: Intake::LongPolling,
        rate: None,
    });
    let store = engine.store().clone();
    let trips = store.round_trips();
    let started = Instant::now();
    let running =
        crate::serve::start(engine, vec![telegram], workers, "127.0.0.1:0".parse()?).await?;
    let finished = tokio::time::timeout(Duration::from_secs(600), all_done.notified()).await;
    let elapsed = started.elapsed();
    running.stop().await?;
    anyhow::ensure!(
        finished.is_ok(),
        "the Telegram run did not finish in 10 minutes"
    );
    anyhow::ensure!(
        fake.rejections().is_empty(),
        "the fake Bot API refused: {:?}",
        fake.rejections()
    );
    let latencies = std::mem::take(&mut progress.lock().expect("progress lock").latencies);
    let trips = store.round_trips() - trips;
    Ok(Stats::new(
        latencies,
        elapsed,
        replies_per_step.to_vec(),
        trips,
    ))
}

/// VmHWM: the most resident memory this process has used.
fn peak_rss_kb() -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM in /proc/self/status")
}

/// Runs pgbench's simple-update (-N) workload on its own database of the same server.
fn pgbench(server_url: &str, clients: usize, seconds: u32) -> anyhow::Result<f64> {
    let pgbench = cluster::find_tool("pgbench")
        .context("pgbench not found beside the PostgreSQL server binaries")?;
    let url = provision::with_database(server_url, "danvan_pgbench")?;
    let runtime = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| {
        runtime.block_on(provision::ensure_database(server_url, "danvan_pgbench"))
    })?;
    let init = std::process::Command::new(&pgbench)
        .args(["-i", "-q", "-s", "10"])
        .arg(&url)
        .output()?;
    anyhow::ensure!(
        init.status.success(),
        "pgbench -i failed: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let run = std::process::Command::new(&pgbench)
        .args([
            "-N",
            "-n",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
            "-T",
            &seconds.to_string(),
        ])
        .arg(&url)
        .output()?;
    let out = String::from_utf8_lossy(&run.stdout);
    anyhow::ensure!(
        run.status.success(),
        "pgbench failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    out.lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .with_context(|| format!("no TPS in pgbench output:\n{out}"))
}
