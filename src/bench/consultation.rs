//! `bench consultation`: residents of Hưng Yên answering an eight-part draft at once, through the
//! engine alone and through Telegram (opinions per second against `pgbench -N` in the same run),
//! then the results of a consultation with millions of opinions in Hà Nội read from the kept
//! counts, against counting the opinions themselves.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::{FIRST_CHAT, Stats, rounds, through_telegram};
use crate::app::By;
use crate::app::consultations;
use crate::domain::consultation::ConsultationFile;
use crate::engine::Engine;

/// Parts of the bench's draft.
pub const PARTS: i16 = 8;
/// Results read in a row: a dashboard's pooled connections keep their statements prepared, and
/// the first read on each of them prepares its own; the median is of a server that has run.
const RESULT_RUNS: usize = 50;

/// A draft of eight parts for `unit_code`, written for the bench.
fn draft(unit_code: &str) -> anyhow::Result<ConsultationFile> {
    let mut text = format!(
        "+++\ntarget = {{ units = [\"{unit_code}\"] }}\n+++\n# Dự thảo cho bench\nBản dự thảo viết cho phép đo.\n"
    );
    for n in 1..=PARTS {
        text.push_str(&format!("## Điều {n}. Phần {n}\nNội dung điều {n}.\n"));
    }
    ConsultationFile::parse(&text).map_err(|p| anyhow::anyhow!("the bench draft: {p:?}"))
}

/// A draft for `unit_code`, open, its invitation withdrawn: the runs time answers, and in the
/// one through Telegram, the invitation sent to every resident meanwhile would count as a reply.
async fn create_and_open(engine: &Engine, unit_code: &str) -> anyhow::Result<i64> {
    let units = engine.units();
    let mut tx = engine.store().begin().await?;
    let refused = |r: consultations::Refused| anyhow::anyhow!("{r:?}");
    let id = consultations::create(&mut tx, By::Operator, &draft(unit_code)?, &units)
        .await?
        .map_err(refused)?;
    let (invitation, _) =
        consultations::open(&mut tx, By::Operator, id, None, &units, engine.now())
            .await?
            .map_err(refused)?;
    tx.commit().await?;
    engine.store().cancel_notice(invitation).await?;
    Ok(id)
}

/// What each resident sends: the intro, then each part answered in turn (one disagreeing, with a
/// comment typed after it).
fn script(id: i64) -> Vec<String> {
    let mut script = vec![format!("#gy:{id}:start")];
    for n in 1..=PARTS {
        if n == 3 {
            script.push(format!("#gy:{id}:{n}:d"));
            script.push("Nen quy dinh ro hon".to_owned());
        } else {
            script.push(format!("#gy:{id}:{n}:a"));
        }
    }
    script
}

/// Every resident answers a draft twice over, a draft each time: first through the engine alone,
/// an event a transaction (the shell's path), each step taken by all before the next; then
/// through Telegram (fake Bot API, teloxide, the inbox's batches, the outbox), each resident
/// writing again once answered, as residents' events all go. Returns both runs, in that order.
pub async fn answering(
    engine: &Arc<Engine>,
    residents: i64,
    concurrency: usize,
) -> anyhow::Result<(Stats, Stats)> {
    // Chat `FIRST_CHAT + i` is the (i + 1)th person's, as `through_telegram` numbers them.
    engine
        .store()
        .add_bench_residents("33", residents, FIRST_CHAT - 1)
        .await?;
    let addresses: Vec<String> = (0..residents)
        .map(|i| (FIRST_CHAT + i).to_string())
        .collect();
    let id = create_and_open(engine, "33").await?;
    let script = script(id);
    let alone = rounds(engine, "telegram", &addresses, &script, concurrency).await?;
    let alone = counted(
        "the engine alone, an event a transaction",
        engine,
        id,
        residents,
        alone,
    )
    .await?;
    let id = create_and_open(engine, "33").await?;
    let telegram = through_telegram(
        engine.clone(),
        residents as usize,
        &self::script(id),
        concurrency,
        &alone.replies_per_step,
    )
    .await?;
    let telegram = counted(
        "through Telegram (inbox batches)",
        engine,
        id,
        residents,
        telegram,
    )
    .await?;
    Ok((alone, telegram))
}

/// Checks that every resident of the run on draft `id` is counted once, with an opinion on each
/// part; prints the run, and returns it with its rate in opinions a second.
async fn counted(
    path: &str,
    engine: &Engine,
    id: i64,
    residents: i64,
    stats: Stats,
) -> anyhow::Result<Stats> {
    let province = engine.units().by_code("33").context("Hưng Yên")?.id;
    let results =
        consultations::results(engine.store(), By::Operator, id, province, &engine.units())
            .await?
            .context("the results")?;
    anyhow::ensure!(
        results.people == residents && results.total.opinions() == residents * i64::from(PARTS),
        "{} people and {} opinions kept for {residents} residents",
        results.people,
        results.total.opinions()
    );
    let seconds = stats.elapsed.as_secs_f64();
    let opinions = residents as f64 * f64::from(PARTS) / seconds;
    println!(
        "answering, {path}: {residents} residents × {} messages ({PARTS} opinions, a comment): {seconds:.1} s",
        stats.replies_per_step.len()
    );
    println!(
        "  opinions/s: {opinions:.0}; messages/s: {:.0}; latency p50 {:.2} ms, p99 {:.2} ms; {:.2} round trips a message",
        stats.rate,
        stats.percentile(0.5),
        stats.percentile(0.99),
        stats.round_trips as f64 / stats.count as f64
    );
    Ok(Stats {
        rate: opinions,
        ..stats
    })
}

/// Results per part and per commune of a consultation with `people` × eight opinions, read
/// [`RESULT_RUNS`] times from the kept counts, against counting the opinions (what results would cost without them).
pub async fn results(engine: &Arc<Engine>, people: i64) -> anyhow::Result<()> {
    let store = engine.store();
    let id = create_and_open(engine, "01").await?;
    let setup = Instant::now();
    store.add_bench_opinions(id, "01", people, PARTS).await?;
    println!(
        "results: {} opinions of {people} people over Hà Nội's communes (set up in {:.1} s)",
        people * i64::from(PARTS),
        setup.elapsed().as_secs_f64()
    );
    let units = engine.units();
    let city = units.by_code("01").context("Hà Nội")?.id;
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..RESULT_RUNS {
        let started = Instant::now();
        last = consultations::results(store, By::Operator, id, city, &units).await?;
        times.push(started.elapsed());
    }
    let results = last.context("the runs")?;
    let mut recount = Vec::new();
    let mut counted = None;
    for _ in 0..3 {
        let started = Instant::now();
        counted = Some(store.recount_consultation(id).await?);
        recount.push(started.elapsed());
    }
    anyhow::ensure!(
        counted.as_ref() == Some(&store.consultation_counts(id).await?),
        "the kept counts differ from a recount"
    );
    anyhow::ensure!(results.people == people, "people counted");
    times.sort();
    recount.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median = times[RESULT_RUNS / 2];
    println!(
        "  per part and per commune ({} units): median {:.2} ms, worst {:.2} ms of {RESULT_RUNS}",
        results.units.len(),
        ms(median),
        ms(times[RESULT_RUNS - 1])
    );
    println!(
        "  counting every opinion instead: median {:.0} ms of 3 → results take ×{:.4} of it (target ≤ ×0.001)",
        ms(recount[1]),
        median.as_secs_f64() / recount[1].as_secs_f64()
    );
    Ok(())
}
