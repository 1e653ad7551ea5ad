//! `bench report`: the quarterly report of a province over a year of logs for the whole country,
//! against a plain count of every activity in the same run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::domain::report::{Quarter, report_reply};
use crate::engine::Engine;
use crate::i18n::Localizer;
use crate::message::Lang;

pub async fn run(engine: Arc<Engine>, models: i64, activities: i64) -> anyhow::Result<()> {
    let store = engine.store();
    let setup = Instant::now();
    let count = store.add_bench_logs(models, activities).await?;
    println!(
        "report: {models} models and {activities} activities over 3,321 communes (set up in {:.1} s)",
        setup.elapsed().as_secs_f64()
    );
    let units = engine.units();
    // The province with the most communes.
    let province = units
        .by_code("01")
        .ok_or_else(|| anyhow::anyhow!("the national unit list is not loaded"))?;
    let quarter = Quarter {
        year: 2025,
        number: 1,
    };
    let localizer = Localizer::new();
    let mut times = Vec::new();
    let mut text = String::new();
    for _ in 0..5 {
        let started = Instant::now();
        let mut tx = store.begin().await?;
        let report = tx.report(province, quarter).await?;
        let sectors = tx.sectors().await?;
        tx.commit().await?;
        text = localizer.render(&report_reply(&report, &sectors, Lang::Vi).body, Lang::Vi);
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  {}, Q1/2025: median {:.0} ms, worst {:.0} ms of 5 (target ≤ 500 ms); a plain count of all activities: {:.0} ms → ×{:.2}",
        province.name,
        ms(times[2]),
        ms(times[4]),
        ms(count),
        times[2].as_secs_f64() / count.as_secs_f64()
    );
    println!("  {}", text.lines().next().unwrap_or_default());
    Ok(())
}
