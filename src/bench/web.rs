//! `bench web`: the dashboard's overview, notice status, survey results and report pages over a
//! million residents, deliveries and activities, requested by 50 signed-in sessions at once from
//! a load generator in a second process on loopback; each page's p50/p95 next to the time the
//! same store and application calls take in this process with the same concurrency (the session
//! and its login included, as every page reads them), and that next to a primary-key read's:
//! kept counts make every figure cost its units, not its rows.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;

use crate::app;
use crate::domain::report::Quarter;
use crate::domain::survey::SurveyFile;
use crate::domain::vn_time;
use crate::engine::Engine;
use crate::message::Lang;
use crate::store::notices::NewNotice;
use crate::store::tickets::{Filter, Which};

const PROVINCE: &str = "33";

/// The load generator's orders (`danvan bench web-load`, run by `bench web`).
#[derive(Args, Debug)]
pub struct Load {
    #[arg(long)]
    pub url: String,
    /// Cookie headers, one per session, separated by newlines.
    #[arg(long)]
    pub cookies: String,
    #[arg(long)]
    pub requests: usize,
}

/// Fires `requests` GETs at `url`, one session per concurrent client; prints the p50 and p95
/// latency in milliseconds.
pub async fn load(load: Load) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let sessions: Vec<String> = load.cookies.lines().map(str::to_owned).collect();
    let per_session = load.requests.div_ceil(sessions.len());
    let tasks = sessions.into_iter().map(|cookie| {
        let (client, url) = (client.clone(), load.url.clone());
        tokio::spawn(async move {
            let mut times = Vec::new();
            for _ in 0..per_session {
                let started = Instant::now();
                let response = client.get(&url).header("cookie", &cookie).send().await?;
                anyhow::ensure!(response.status() == 200, "{url}: {}", response.status());
                response.bytes().await?;
                times.push(started.elapsed());
            }
            anyhow::Ok(times)
        })
    });
    let mut times = Vec::new();
    for task in futures::future::join_all(tasks).await {
        times.extend(task??);
    }
    let (p50, p95) = percentiles(&mut times);
    println!("{p50:.2} {p95:.2}");
    Ok(())
}

fn percentiles(times: &mut [Duration]) -> (f64, f64) {
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    (at(0.50), at(0.95))
}

/// The bench itself.
pub async fn run(
    engine: Arc<Engine>,
    residents: i64,
    sessions: usize,
    requests: usize,
) -> anyhow::Result<()> {
    let store = engine.store();
    let setup = Instant::now();
    let now = engine.now();
    store
        .add_bench_residents(PROVINCE, residents, 10_000_000)
        .await?;
    let units = engine.units();
    let province = units
        .by_code(PROVINCE)
        .context("the national unit list")?
        .clone();
    let mut notice = NewNotice::to_units("Lịch tiếp dân", "Thứ Năm hằng tuần.", vec![province.id]);
    notice.quiet_hours = false;
    let notice = store.create_notice(&notice).await?;
    store.schedule_notice(notice, now).await?;
    store.fan_out_due(now).await?;
    store.age_demo_notice(notice, now, 1, 0.4).await?;
    let file = SurveyFile::parse(include_str!("../../examples/survey.toml"))?;
    let mut tx = store.begin().await?;
    let survey = app::surveys::create(&mut tx, &file, &[province.id], None, now).await?;
    app::surveys::open(&mut tx, survey, now).await??;
    tx.commit().await?;
    store
        .add_example_responses(survey, PROVINCE, residents)
        .await?;
    store.add_bench_logs(residents / 10, residents).await?;
    let quarter = Quarter::of(vn_time::local_date(now));
    println!(
        "web: {residents} residents of {}, one notice to all of them, {residents} survey responses, {residents} activities over the country (set up in {:.0} s)",
        province.name,
        setup.elapsed().as_secs_f64()
    );

    let pages = crate::dashboard::routes(engine.clone(), &Default::default(), &[]).await?;
    let running =
        crate::serve::start_with(engine.clone(), vec![], 1, "127.0.0.1:0".parse()?, pages).await?;
    let base = format!("http://{}", running.addr);
    // One login per session, signing in from loopback addresses of their own: the sign-in limits
    // (per name, per address) stay as they are.
    let mut cookies = Vec::new();
    let mut signed = Vec::new();
    for i in 0..sessions {
        let name = format!("bench-{i}");
        let password = app::logins::demo(store, &name, province.id, chrono::Utc::now()).await?;
        let from = std::net::Ipv4Addr::new(127, 0, 1 + (i / 16) as u8, 1);
        let cookie = sign_in(&base, &name, &password, from.into()).await?;
        let session = cookie
            .split("; ")
            .find_map(|c| c.strip_prefix("dv_session="))
            .and_then(|id| id.parse().ok())
            .context("the session cookie")?;
        let login = store.login_named(&name).await?.context("the login")?;
        signed.push(Signed {
            session,
            login: login.id,
        });
        cookies.push(cookie);
    }
    let signed = Arc::new(signed);
    let paths = [
        ("overview", "/".to_owned()),
        ("notice status", format!("/notices/{notice}")),
        ("survey results", format!("/surveys/{survey}")),
        (
            "report",
            format!("/reports?unit={PROVINCE}&quarter={}", quarter.code()),
        ),
    ];
    let reads = Reads {
        notice,
        survey,
        quarter,
        signed,
    };
    let (_, key95) = database_time(&engine, "primary key", &reads, sessions, requests).await?;
    println!(
        "  {sessions} sessions, {requests} requests per page, load from a second process; ms \
         (a primary-key read: p95 {key95:.2}):"
    );
    println!(
        "  {:<16} {:>8} {:>8}   {:>8} {:>8}   {:>10} {:>10}",
        "page", "p50", "p95", "db p50", "db p95", "p95 ÷ db", "db ÷ key"
    );
    for (name, path) in &paths {
        let output = tokio::process::Command::new(std::env::current_exe()?)
            .args([
                "bench",
                "web-load",
                "--url",
                &format!("{base}{path}"),
                "--requests",
                &requests.to_string(),
                "--cookies",
                &cookies.join("\n"),
            ])
            .env("RUST_LOG", "error")
            .output()
            .await?;
        anyhow::ensure!(
            output.status.success(),
            "the load generator failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let printed = String::from_utf8(output.stdout)?;
        let mut figures = printed.split_whitespace().map(str::parse::<f64>);
        let (p50, p95) = (
            figures.next().context("p50")??,
            figures.next().context("p95")??,
        );
        let (db50, db95) = database_time(&engine, name, &reads, sessions, requests).await?;
        println!(
            "  {name:<16} {p50:>8.1} {p95:>8.1}   {db50:>8.1} {db95:>8.1}   {:>10.2} {:>10.1}",
            p95 / db95,
            db95 / key95
        );
    }
    println!(
        "  (targets: p95 ≤ 2 × the database's p95 for the same queries; the database's p95 of \
         notice status, overview and report ≤ 50 × a primary-key read's)"
    );
    running.stop().await
}

/// A session signed in through the sign-in form from address `from`: its cookie header.
async fn sign_in(
    base: &str,
    name: &str,
    password: &str,
    from: std::net::IpAddr,
) -> anyhow::Result<String> {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .local_address(from)
        .build()?;
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let start = page
        .find("name=\"csrf\" value=\"")
        .context("the sign-in form")?
        + 19;
    let token = &page[start..start + page[start..].find('"').context("the token")?];
    let signed = client
        .post(format!("{base}/login"))
        .form(&[("csrf", token), ("name", name), ("password", password)])
        .send()
        .await?;
    anyhow::ensure!(signed.status().is_success(), "sign-in: {}", signed.status());
    use reqwest::cookie::CookieStore;
    let cookies = jar.cookies(&base.parse()?).context("no session cookie")?;
    Ok(cookies.to_str()?.to_owned())
}

/// What the pages are read over, and the sessions signed in to read them.
#[derive(Clone)]
struct Reads {
    notice: i64,
    survey: i64,
    quarter: Quarter,
    signed: Arc<Vec<Signed>>,
}

/// A session signed in through the form, and its login.
struct Signed {
    session: tower_sessions::session::Id,
    login: i64,
}

/// The store and application calls of page `name`, `requests` times, `sessions` at once, each
/// task as one of the signed-in sessions.
async fn database_time(
    engine: &Arc<Engine>,
    name: &str,
    reads: &Reads,
    sessions: usize,
    requests: usize,
) -> anyhow::Result<(f64, f64)> {
    let per_task = requests.div_ceil(sessions);
    let kept = crate::dashboard::session_store(engine.store())?;
    let tasks = (0..sessions).map(|task| {
        let (engine, name, reads, kept) =
            (engine.clone(), name.to_owned(), reads.clone(), kept.clone());
        tokio::spawn(async move {
            let signed = &reads.signed[task % reads.signed.len()];
            let mut times = Vec::new();
            for _ in 0..per_task {
                let started = Instant::now();
                page_queries(&engine, &name, &reads, &kept, signed).await?;
                times.push(started.elapsed());
            }
            anyhow::Ok(times)
        })
    });
    let mut times = Vec::new();
    for task in futures::future::join_all(tasks).await {
        times.extend(task??);
    }
    Ok(percentiles(&mut times))
}

/// The reads of page `name` as its handler makes them, from the session and its login (what
/// every page's `Staff` reads first) to the page's own.
async fn page_queries(
    engine: &Engine,
    name: &str,
    reads: &Reads,
    kept: &tower_sessions_sqlx_store::PostgresStore,
    signed: &Signed,
) -> anyhow::Result<()> {
    use tower_sessions::SessionStore;
    let store = engine.store();
    let units = engine.units();
    let province = units.by_code(PROVINCE).context("the province")?;
    let subtree = units.subtree(province.id);
    let (notice, survey, quarter) = (reads.notice, reads.survey, reads.quarter);
    if name == "primary key" {
        store.notice_units(notice).await?;
        return Ok(());
    }
    kept.load(&signed.session)
        .await
        .map_err(|e| anyhow::anyhow!(e))?
        .context("the session")?;
    let login = store.login(signed.login).await?.context("the login")?;
    let actor = app::logins::actor(&login);
    let now = chrono::Utc::now();
    match name {
        "overview" => {
            store.residents_by_channel(&subtree).await?;
            store.surveys_within(&subtree).await?;
            store.notices_within(&subtree, 5).await?;
            let (from, to) = quarter.bounds();
            let mut tx = store.begin().await?;
            tx.ticket_figures_by_unit(province.id, from, to, now)
                .await?;
            tx.commit().await?;
            let by = app::By::Login {
                actor: &actor,
                name: &login.name,
            };
            let mut tx = store.begin().await?;
            app::reports::models_chart(&mut tx, province, quarter, Lang::Vi).await?;
            app::households::coverage(&mut tx, by, province.id, &units, now)
                .await?
                .map_err(|refused| anyhow::anyhow!("coverage: {refused:?}"))?;
            tx.commit().await?;
        }
        "notice status" => {
            let viewer = app::notices::Viewer::Person(&actor);
            app::notices::status(store, notice, viewer, &units).await?;
            let about = Filter {
                which: Which::All,
                notice: Some(notice),
                ..Filter::default()
            };
            let by = app::By::Login {
                actor: &actor,
                name: &login.name,
            };
            let mut tx = store.begin().await?;
            tx.ticket_categories().await?;
            app::tickets::queue(&mut tx, by, about, &units, (20, 0), now).await?;
            tx.commit().await?;
            store.notice(notice).await?;
        }
        "survey results" => {
            let mut tx = store.begin().await?;
            let survey = tx.survey(survey).await?.context("the survey")?;
            app::surveys::results(&mut tx, &survey, province.id, &units).await?;
            tx.commit().await?;
        }
        _ => {
            let mut tx = store.begin().await?;
            app::reports::filed(&mut tx, province, quarter, Lang::Vi, now).await?;
            tx.commit().await?;
        }
    }
    Ok(())
}
