//! `bench tickets`: a million residents' tickets over Hưng Yên's communes; staff read their queue
//! and open a ticket, through the use cases (`app::tickets`) and straight from the store, side by
//! side; and the queue's page next to a primary-key read, with the plan that reads it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::tickets::{self, By};
use crate::domain::access::{Actor, Grant, Role};
use crate::engine::Engine;
use crate::store::tickets::{Filter, Which};

const PROVINCE: &str = "33";
/// A queue page, as the dashboard shows it.
const PAGE: i64 = 20;

pub async fn run(
    engine: Arc<Engine>,
    count: i64,
    staff: usize,
    requests: usize,
) -> anyhow::Result<()> {
    let store = engine.store();
    let now = engine.now();
    let setup = Instant::now();
    store.add_bench_tickets(PROVINCE, count, now).await?;
    let units = engine.units();
    let province = units
        .by_code(PROVINCE)
        .ok_or_else(|| anyhow::anyhow!("the unit list has no province {PROVINCE}"))?;
    let communes: Vec<i64> = units.children(province.id).iter().map(|u| u.id).collect();
    println!(
        "tickets: {count} over {} communes of {} (set up in {:.1} s); {staff} staff, {requests} reads each way",
        communes.len(),
        province.name,
        setup.elapsed().as_secs_f64()
    );
    // Commune cadres, and one in ten an admin of the whole province (the widest queue).
    let actors: Vec<Actor> = (0..staff)
        .map(|i| {
            let (role, unit_id) = match i % 10 {
                9 => (Role::Admin, province.id),
                _ => (Role::Cadre, communes[i * 7 % communes.len()]),
            };
            Actor {
                registered: true,
                grants: vec![Grant { role, unit_id }],
            }
        })
        .collect();

    let mut plan_filter = Filter {
        unit_ids: vec![communes[0]],
        ..Filter::default()
    };
    let mut tx = store.begin().await?;
    println!(
        "  a commune's open queue:\n    {}",
        tx.ticket_queue_plan(&plan_filter)
            .await?
            .replace('\n', "\n    ")
    );
    plan_filter.unit_ids = units.subtree(province.id);
    println!(
        "  the province's open queue:\n    {}",
        tx.ticket_queue_plan(&plan_filter)
            .await?
            .replace('\n', "\n    ")
    );
    tx.commit().await?;

    // Each staff member reads in turn: the queue's first page with its counts and the first
    // ticket on it, through the use cases, then the same reads from the store; then a page alone
    // and a primary-key read alone.
    let per_staff = requests.div_ceil(staff);
    let mut tasks = tokio::task::JoinSet::new();
    for (i, actor) in actors.into_iter().enumerate() {
        let (engine, units) = (engine.clone(), units.clone());
        tasks.spawn(async move {
            let mut times = Times::default();
            let by = By::Person {
                actor: &actor,
                id: i as i64,
            };
            let scope = by.scope(&units);
            for _ in 0..per_staff {
                let store = engine.store();
                let started = Instant::now();
                let mut tx = store.begin().await?;
                let (page, _, _) =
                    tickets::queue(&mut tx, by, Filter::default(), &units, (PAGE, 0), now).await?;
                if let Some(first) = page.first() {
                    tickets::show(&mut tx, by, first.id, &units).await?;
                }
                tx.commit().await?;
                times.app.push(started.elapsed());

                let filter = Filter {
                    unit_ids: scope.clone(),
                    which: Which::Open,
                    ..Filter::default()
                };
                let started = Instant::now();
                let mut tx = store.begin().await?;
                tx.ticket_queue_count(&filter, now).await?;
                let page = tx.ticket_queue(&filter, PAGE, 0).await?;
                if let Some(first) = page.first() {
                    tx.ticket(first.id, false).await?;
                    tx.ticket_events(first.id).await?;
                }
                tx.commit().await?;
                times.store.push(started.elapsed());

                let started = Instant::now();
                let mut tx = store.begin().await?;
                let page = tx.ticket_queue(&filter, PAGE, 0).await?;
                tx.commit().await?;
                times.page.push(started.elapsed());

                let id = page.first().map_or(1, |t| t.id);
                let started = Instant::now();
                let mut tx = store.begin().await?;
                tx.ticket(id, false).await?;
                tx.commit().await?;
                times.key.push(started.elapsed());
            }
            anyhow::Ok(times)
        });
    }
    let mut all = Times::default();
    while let Some(times) = tasks.join_next().await {
        all.extend(times??);
    }
    let app = p95(&mut all.app);
    let direct = p95(&mut all.store);
    let page = p95(&mut all.page);
    let key = p95(&mut all.key);
    println!(
        "  queue + ticket through app::tickets: p95 {:.2} ms",
        ms(app)
    );
    println!(
        "  the same reads from the store:       p95 {:.2} ms",
        ms(direct)
    );
    println!(
        "  app ÷ store = {:.2} (target ≤ 2)",
        app.as_secs_f64() / direct.as_secs_f64()
    );
    println!("  a queue page alone:  p95 {:.2} ms", ms(page));
    println!("  a primary-key read:  p95 {:.2} ms", ms(key));
    println!(
        "  queue page ÷ key read = {:.2}",
        page.as_secs_f64() / key.as_secs_f64()
    );
    Ok(())
}

#[derive(Default)]
struct Times {
    app: Vec<Duration>,
    store: Vec<Duration>,
    page: Vec<Duration>,
    key: Vec<Duration>,
}

impl Times {
    fn extend(&mut self, other: Times) {
        self.app.extend(other.app);
        self.store.extend(other.store);
        self.page.extend(other.page);
        self.key.extend(other.key);
    }
}

fn p95(times: &mut [Duration]) -> Duration {
    times.sort();
    times
        .get(times.len() * 95 / 100)
        .copied()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
