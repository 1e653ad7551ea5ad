//! `bench report`: the quarterly report of a province over a year of logs for the whole country,
//! against a plain count of every activity in the same run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::chart::Plot;
use crate::domain::activity::Sector;
use crate::domain::listing::Length;
use crate::domain::report::{Quarter, Report, report_charts, report_reply};
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
    let mut last = None;
    for _ in 0..5 {
        let started = Instant::now();
        let mut tx = store.begin().await?;
        let report = tx.report(province, quarter, chrono::Utc::now()).await?;
        let sectors = tx.sectors().await?;
        tx.commit().await?;
        text = localizer.render(
            &report_reply(&report, &sectors, Lang::Vi, Length::Full).body,
            Lang::Vi,
        );
        times.push(started.elapsed());
        last = Some((report, sectors));
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
    let (report, sectors) = last.expect("five reports ran");
    charts(&report, &sectors, &localizer)
}

/// Drawing the report's charts to PNG, against encoding a blank PNG of the same size.
fn charts(report: &Report, sectors: &[Sector], localizer: &Localizer) -> anyhow::Result<()> {
    let plots: Vec<Plot> = report_charts(report, sectors, Lang::Vi)
        .iter()
        .filter_map(|r| r.chart.as_ref())
        .map(|c| Plot::new(c, localizer, Lang::Vi))
        .collect();
    let mut drawn = Vec::new();
    let mut blank = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let sizes = plots
            .iter()
            .map(|p| p.png().map(|png| png.len()))
            .collect::<anyhow::Result<Vec<_>>>()?;
        drawn.push(started.elapsed());
        let started = Instant::now();
        for plot in &plots {
            let empty = Plot {
                title: String::new(),
                bars: vec![(String::new(), 0); plot.bars.len()],
                lang: Lang::Vi,
            };
            empty.png()?;
        }
        blank.push(started.elapsed());
        if drawn.len() == 5 {
            println!("  charts: {} PNGs, {:?} bytes", plots.len(), sizes);
        }
    }
    drawn.sort();
    blank.sort();
    println!(
        "  charts (by sector, by {} units): median {:.0} ms, worst {:.0} ms of 5 (target ≤ 200 ms); the same sizes blank: {:.0} ms → ×{:.2}",
        report.children.len(),
        drawn[2].as_secs_f64() * 1e3,
        drawn[4].as_secs_f64() * 1e3,
        blank[2].as_secs_f64() * 1e3,
        drawn[2].as_secs_f64() / blank[2].as_secs_f64()
    );
    Ok(())
}
