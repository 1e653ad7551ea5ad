//! `danvan bench engine`: simulated residents signing up and chatting through the engine on real
//! PostgreSQL, measured against `pgbench -N` on the same server in the same run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Subcommand;

use crate::domain::units::parse_unit_list;
use crate::engine::Engine;
use crate::message::{Inbound, InboundKind};
use crate::store::{DatabaseSource, Store, cluster, provision};

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
}

/// What each resident sends, in order. Every resident is mid-conversation until the last round.
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

pub async fn run(command: BenchCommand, source: &DatabaseSource) -> anyhow::Result<()> {
    let BenchCommand::Engine {
        residents,
        concurrency,
        pgbench_seconds,
    } = command;
    let server_url = source.server_url().await?;
    let bench_url = provision::with_database(&server_url, "danvan_bench")?;
    provision::drop_database(&server_url, "danvan_bench").await?;
    provision::ensure_database(&server_url, "danvan_bench").await?;
    let store = Store::open(
        &DatabaseSource::Url(bench_url.clone()),
        concurrency as u32 + 2,
    )
    .await?;
    store
        .import_units(
            &parse_unit_list(crate::seed::UNIT_LIST_2026)?,
            "bench",
            false,
        )
        .await?;
    let engine = Arc::new(Engine::new(store).await?);

    println!(
        "engine: {residents} residents × {} messages, {concurrency} at a time",
        SCRIPT.len()
    );
    let started = Instant::now();
    let mut latencies: Vec<Duration> = Vec::with_capacity(residents * SCRIPT.len());
    for (round, line) in SCRIPT.iter().enumerate() {
        let mut tasks = tokio::task::JoinSet::new();
        for worker in 0..concurrency {
            let engine = engine.clone();
            tasks.spawn(async move {
                let mut times = Vec::new();
                for resident in (worker..residents).step_by(concurrency) {
                    let kind = match line.strip_prefix('#') {
                        Some(payload) => InboundKind::Button(payload.to_owned()),
                        None => InboundKind::typed(line),
                    };
                    let inbound = Inbound {
                        channel: "bench".into(),
                        address: format!("resident-{resident}"),
                        event_id: format!("{resident}-{round}"),
                        kind,
                    };
                    let sent = Instant::now();
                    let outbound = engine.handle(&inbound).await?;
                    times.push(sent.elapsed());
                    anyhow::ensure!(
                        outbound.is_some_and(|o| !o.replies.is_empty()),
                        "no reply to {inbound:?}"
                    );
                }
                anyhow::Ok(times)
            });
        }
        while let Some(times) = tasks.join_next().await {
            latencies.extend(times??);
        }
    }
    let elapsed = started.elapsed();
    let registered: i64 = engine.store().registered_in_places().await?;
    anyhow::ensure!(
        registered == residents as i64,
        "only {registered} of {residents} residents finished sign-up"
    );
    latencies.sort();
    let rate = latencies.len() as f64 / elapsed.as_secs_f64();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "  messages:      {} in {:.1} s",
        latencies.len(),
        elapsed.as_secs_f64()
    );
    println!("  messages/s:    {rate:.0}");
    println!(
        "  latency:       p50 {:.2} ms, p99 {:.2} ms",
        ms(pct(0.50)),
        ms(pct(0.99))
    );
    println!("  peak RSS:      {:.1} MB", peak_rss_kb()? as f64 / 1024.0);
    engine.store().close().await;

    let tps = pgbench(&server_url, concurrency, pgbench_seconds)?;
    println!(
        "pgbench -N, {concurrency} clients, {pgbench_seconds} s on the same server: {tps:.0} TPS"
    );
    println!(
        "engine messages/s ÷ pgbench TPS = {:.2} (target ≥ 0.5)",
        rate / tps
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
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
