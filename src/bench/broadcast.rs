//! `bench broadcast`: one notice to a million residents. Fan-out time against a plain copy of the
//! same rows; delivery throughput with no rate limit against bare sends to the same fake Bot API;
//! then 60 s at Telegram's 30 messages/s: the busiest second and how much of the allowance was used.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use teloxide::prelude::*;
use tokio::time::Instant;

use crate::channels::telegram::{DEFAULT_RATE, Intake, Telegram, TelegramConfig};
use crate::delivery::Account;
use crate::delivery::broadcast::{self, Broadcaster};
use crate::engine::Engine;
use crate::store::notices::NewNotice;
use danvan_fake_telegram::FakeTelegram;

const FIRST_CHAT: i64 = 20_000_000;
/// Broadcast senders run side by side, as several processes would.
pub const SENDERS: usize = 2;

pub async fn run(
    engine: Arc<Engine>,
    recipients: i64,
    deliver: usize,
    limited_seconds: u64,
) -> anyhow::Result<()> {
    let store = engine.store();
    let setup = Instant::now();
    store
        .add_bench_residents("33", recipients, FIRST_CHAT)
        .await?;
    println!(
        "broadcast: {recipients} residents of Hưng Yên on Telegram (set up in {:.1} s)",
        setup.elapsed().as_secs_f64()
    );

    let baseline = Instant::now();
    store.copy_people_and_chats().await?;
    let baseline = baseline.elapsed().as_secs_f64();
    let province = engine.units().by_code("33").map(|u| u.id);
    let mut notice = NewNotice::to_units(
        "Triển khai Nghị quyết số 60-NQ/TW",
        "Đề nghị bà con **tìm hiểu và góp ý**.",
        province.into_iter().collect(),
    );
    notice.directive = "Nghị quyết số 60-NQ/TW ngày 12/4/2025 của Ban Chấp hành Trung ương".into();
    notice.issuer = "Ban Dân vận Tỉnh ủy Hưng Yên".into();
    notice.quiet_hours = false;
    let id = store.create_notice(&notice).await?;
    let now = engine.now();
    store.schedule_notice(id, now).await?;
    let fan_out = Instant::now();
    let fanned = store.fan_out_due(now).await?;
    let fan_out = fan_out.elapsed().as_secs_f64();
    println!(
        "  fan-out:     {} deliveries in {fan_out:.1} s (target ≤ 10 s); a plain copy of the same rows: {baseline:.1} s → ×{:.1}",
        fanned.first().map_or(0, |f| f.1),
        fan_out / baseline
    );

    let fake = FakeTelegram::start().await;
    let sends: Arc<Mutex<Vec<Instant>>> = Arc::new(Mutex::new(Vec::new()));
    {
        let sends = sends.clone();
        fake.count_sends(move |_| sends.lock().expect("sends lock").push(Instant::now()));
    }
    let (rate, _) = deliver_for(
        &engine,
        &fake,
        None,
        &sends,
        deliver,
        Duration::from_secs(300),
    )
    .await?;
    let bare = bare_sends(&fake, &sends, 20_000).await?;
    println!(
        "  delivery:    {rate:.0} messages/s with no rate limit, {SENDERS} senders (target ≥ 5,000); bare teloxide sends to the same fake: {bare:.0}/s → ×{:.2} (target ≥ ×0.15)",
        rate / bare
    );

    let (_, times) = deliver_for(
        &engine,
        &fake,
        Some(DEFAULT_RATE),
        &sends,
        usize::MAX,
        Duration::from_secs(limited_seconds),
    )
    .await?;
    let busiest = busiest_second(&times);
    let allowance = DEFAULT_RATE * limited_seconds as f64;
    println!(
        "  at {DEFAULT_RATE}/s:     {} sent in {limited_seconds} s; busiest second {busiest} (must be ≤ 30); utilization {:.1}% (target ≥ 95%)",
        times.len(),
        100.0 * times.len() as f64 / allowance
    );
    let status = store.notice_status(id).await?.expect("the notice exists");
    println!(
        "  status:      {} sent, {} pending, {} failed",
        status.totals.sent, status.totals.pending, status.totals.failed
    );
    store.cancel_notice(id).await?;
    Ok(())
}

/// Runs broadcast senders until `count` more messages reached the fake or `limit` passes; returns
/// messages/s and the times of those sends.
async fn deliver_for(
    engine: &Arc<Engine>,
    fake: &FakeTelegram,
    rate: Option<f64>,
    sends: &Arc<Mutex<Vec<Instant>>>,
    count: usize,
    limit: Duration,
) -> anyhow::Result<(f64, Vec<Instant>)> {
    let telegram = Telegram::new(TelegramConfig {
        token: "1:BENCH".into(),
        api_url: Some(fake.api_url()),
        intake: Intake::None,
        rate,
    });
    let account = Account::new(engine.clone(), telegram, 1);
    sends.lock().expect("sends lock").clear();
    let started = Instant::now();
    let done = || sends.lock().expect("sends lock").len() >= count || started.elapsed() >= limit;
    let senders = (0..SENDERS).map(|_| {
        let account = account.clone();
        async move {
            let mut state = Broadcaster::default();
            while !done() {
                if !broadcast::round(&account, &mut state).await? {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            anyhow::Ok(())
        }
    });
    for result in futures::future::join_all(senders).await {
        result?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let times: Vec<Instant> = sends
        .lock()
        .expect("sends lock")
        .iter()
        .copied()
        .filter(|t| t.duration_since(started) <= limit)
        .collect();
    Ok((times.len() as f64 / elapsed, times))
}

/// sendMessage straight through teloxide, as many in flight as the senders keep: the fake's and
/// the client's own ceiling.
async fn bare_sends(
    fake: &FakeTelegram,
    sends: &Arc<Mutex<Vec<Instant>>>,
    count: i64,
) -> anyhow::Result<f64> {
    let bot = Bot::new("1:BENCH").set_api_url(fake.api_url());
    sends.lock().expect("sends lock").clear();
    let started = Instant::now();
    let results: Vec<_> = futures::stream::iter(0..count)
        .map(|i| {
            let bot = bot.clone();
            async move {
                bot.send_message(ChatId(FIRST_CHAT + i), "📢 Thông báo")
                    .await
            }
        })
        .buffer_unordered(64 * SENDERS)
        .collect()
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(Err(e)) = results.into_iter().find(Result::is_err) {
        anyhow::bail!("bare send failed: {e}");
    }
    Ok(count as f64 / elapsed)
}

/// The most sends in any window of one second.
fn busiest_second(times: &[Instant]) -> usize {
    let mut sorted = times.to_vec();
    sorted.sort();
    let mut best = 0;
    let mut start = 0;
    for end in 0..sorted.len() {
        while sorted[end].duration_since(sorted[start]) >= Duration::from_secs(1) {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}
