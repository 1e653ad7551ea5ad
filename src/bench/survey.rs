//! `bench survey`: residents of Hưng Yên answering the example survey at once through the engine,
//! then the results of a survey with a million responses in Hà Nội, against counting its answers
//! from scratch in the same run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::{FIRST_CHAT, Stats, rounds};
use crate::app;
use crate::domain::survey::SurveyFile;
use crate::engine::Engine;

const EXAMPLE: &str = include_str!("../../examples/survey.toml");

/// The example (open for a month from when it opens), without the consent step (it is the same
/// code path as any button) so every message is an answer or the start.
fn survey_file() -> anyhow::Result<SurveyFile> {
    let text = EXAMPLE.replace("sensitive = true", "sensitive = false");
    Ok(SurveyFile::parse(&text)?)
}

async fn create_and_open(engine: &Engine, unit_code: &str) -> anyhow::Result<(i64, u64)> {
    let unit = engine.units().by_code(unit_code).context("unit list")?.id;
    let mut tx = engine.store().begin().await?;
    let id = app::surveys::create(&mut tx, &survey_file()?, &[unit], None, engine.now()).await?;
    let invited = app::surveys::open(&mut tx, id, engine.now()).await??;
    tx.commit().await?;
    Ok((id, invited))
}

/// Every resident: start, five answers (one multiple choice ticked then done), each step taken by
/// all before the next.
pub async fn answering(
    engine: &Arc<Engine>,
    residents: i64,
    concurrency: usize,
) -> anyhow::Result<Stats> {
    let store = engine.store();
    store
        .add_bench_residents("33", residents, FIRST_CHAT)
        .await?;
    let opened = Instant::now();
    let (id, invited) = create_and_open(engine, "33").await?;
    println!(
        "survey: {invited} residents invited in {:.2} s (invitations and deliveries, set-based)",
        opened.elapsed().as_secs_f64()
    );
    let script: Vec<String> = [
        format!("#sv:{id}:start"),
        format!("#sv:{id}:a:agree:no"),
        format!("#sv:{id}:t:concerns:cost"),
        format!("#sv:{id}:d:concerns"),
        format!("#sv:{id}:a:rating:4"),
        "45".to_owned(),
        "Cần giải thích rõ hơn".to_owned(),
    ]
    .into();
    // The fixture's people are numbered from 1 in a fresh database.
    let addresses: Vec<String> = (1..=residents)
        .map(|id| (FIRST_CHAT + id).to_string())
        .collect();
    let stats = rounds(engine, "telegram", &addresses, &script, concurrency).await?;
    let batch = Instant::now();
    let stored = store.store_waiting_responses(1, Duration::ZERO).await?;
    println!(
        "  {stored} anonymous responses stored in one shuffled batch in {:.2} s",
        batch.elapsed().as_secs_f64()
    );
    let mut tx = store.begin().await?;
    let units = engine.units();
    let province = units.by_code("33").context("Hưng Yên")?.id;
    let survey = tx.survey(id).await?.context("the survey")?;
    let results = crate::app::surveys::results(&mut tx, &survey, province, &units).await?;
    tx.commit().await?;
    anyhow::ensure!(
        results.responded == residents,
        "{} of {residents} responses stored",
        results.responded
    );
    let answers = residents as f64 * 5.0;
    println!(
        "  {residents} residents × {} messages, {concurrency} at a time: {:.1} s",
        script.len(),
        stats.elapsed.as_secs_f64()
    );
    println!(
        "  answers/s: {:.0}; messages/s: {:.0}; latency p50 {:.2} ms, p99 {:.2} ms",
        answers / stats.elapsed.as_secs_f64(),
        stats.rate,
        stats.percentile(0.5),
        stats.percentile(0.99)
    );
    Ok(stats)
}

/// Results per question per unit of a survey with `responses` responses, five times, against
/// counting all its answers from scratch (what results would cost without the tallies).
pub async fn results(engine: &Arc<Engine>, responses: i64) -> anyhow::Result<()> {
    let store = engine.store();
    let (id, _) = create_and_open(engine, "01").await?;
    let setup = Instant::now();
    store.add_example_responses(id, "01", responses).await?;
    println!(
        "results: {responses} responses over Hà Nội's communes (set up in {:.1} s)",
        setup.elapsed().as_secs_f64()
    );
    let units = engine.units();
    let city = units.by_code("01").context("Hà Nội")?.id;
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let started = Instant::now();
        let mut tx = store.begin().await?;
        let survey = tx.survey(id).await?.context("the survey")?;
        last = Some(crate::app::surveys::results(&mut tx, &survey, city, &units).await?);
        tx.commit().await?;
        times.push(started.elapsed());
    }
    let results = last.context("five runs")?;
    anyhow::ensure!(results.responded == responses, "responses counted");
    let mut recount = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        store.recount_survey(id).await?;
        recount.push(started.elapsed());
    }
    times.sort();
    recount.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  per question and per commune ({} units): median {:.0} ms, worst {:.0} ms of 5 (target ≤ 1,000 ms)",
        results.units.len(),
        ms(times[2]),
        ms(times[4])
    );
    println!(
        "  counting every answer from scratch instead: median {:.0} ms of 3 → results take ×{:.3} of it",
        ms(recount[1]),
        times[2].as_secs_f64() / recount[1].as_secs_f64()
    );
    Ok(())
}
