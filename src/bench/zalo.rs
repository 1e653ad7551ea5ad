//! `bench zalo`: residents' conversations as a Zalo OA receives them — each event signed and
//! posted to the webhook, committed to the inbox, handled by the engine and answered through the
//! v3 message API of a fake OA — with each resident writing again only once answered.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use danvan_fake_zalo::{FakeZaloOa, OaKeys};
use tokio::sync::Notify;

use super::{Progress, Stats};
use crate::channels::buttons::payload_data;
use crate::channels::zalo_oa::adapt::{BUTTON_PREFIX, MAX_PAYLOAD};
use crate::channels::zalo_oa::webhook::WEBHOOK_PATH;
use crate::channels::zalo_oa::{ZaloOa, ZaloOaConfig};
use crate::engine::Engine;

/// Residents' ids: 19 digits, as Zalo's are.
const FIRST_USER: u64 = 6_000_000_000_000_000_000;

pub async fn through_oa(
    engine: Arc<Engine>,
    residents: usize,
    workers: usize,
    replies_per_step: &[usize],
) -> anyhow::Result<Stats> {
    let fake = FakeZaloOa::start(OaKeys::example()).await;
    let progress = Arc::new(Mutex::new(Progress::new(
        residents,
        &super::script(),
        replies_per_step,
    )));
    let all_done = Arc::new(Notify::new());
    let ready = Arc::new(Notify::new());
    {
        let (progress, all_done, ready) = (progress.clone(), all_done.clone(), ready.clone());
        fake.count_sends(move |user| {
            let Some(i) = user
                .parse::<u64>()
                .ok()
                .and_then(|u| u.checked_sub(FIRST_USER))
            else {
                return;
            };
            if progress.lock().expect("progress lock").replied(i as usize) {
                all_done.notify_one();
            }
            ready.notify_one();
        });
    }
    let keys = fake.keys().clone();
    let oa = ZaloOa::new(
        ZaloOaConfig {
            app_id: keys.app_id.clone(),
            secret_key: keys.oa_secret_key.as_str().into(),
            app_secret: keys.app_secret.as_str().into(),
            refresh_token: Some(keys.refresh_token.as_str().into()),
            api_url: fake.url.parse()?,
            oauth_url: fake.url.parse()?,
            rate: None,
            clock: crate::clock::system(),
        },
        engine.store().clone(),
    );
    let store = engine.store().clone();
    let running = crate::serve::start(engine, vec![oa], workers, "127.0.0.1:0".parse()?).await?;
    let webhook = format!("http://{}{WEBHOOK_PATH}", running.addr);
    let trips = store.round_trips();
    let started = Instant::now();
    // As many people writing at once as there are workers to answer them, and as many again.
    let mut posters = tokio::task::JoinSet::<anyhow::Result<()>>::new();
    for _ in 0..workers * 2 {
        let (fake, progress, ready, webhook) = (
            fake.clone(),
            progress.clone(),
            ready.clone(),
            webhook.clone(),
        );
        posters.spawn(async move {
            let events = fake.events();
            loop {
                let next = progress.lock().expect("progress lock").next();
                let Some((i, line)) = next else {
                    let idle = ready.notified();
                    tokio::select! {
                        _ = idle => {}
                        _ = tokio::time::sleep(Duration::from_millis(20)) => {}
                    }
                    continue;
                };
                let text = match line.strip_prefix('#') {
                    Some(payload) => {
                        format!("{BUTTON_PREFIX}{}", payload_data(payload, MAX_PAYLOAD))
                    }
                    None => line.to_owned(),
                };
                let user = (FIRST_USER + i as u64).to_string();
                let (status, _) = fake
                    .send_event(&webhook, &events.user_send_text(&user, &text))
                    .await;
                anyhow::ensure!(status == 200, "the webhook answered {status}");
            }
        });
    }
    let finished = tokio::time::timeout(Duration::from_secs(600), all_done.notified()).await;
    let elapsed = started.elapsed();
    posters.abort_all();
    while let Some(done) = posters.join_next().await {
        if let Ok(Err(e)) = done {
            return Err(e);
        }
    }
    running.stop().await?;
    anyhow::ensure!(
        finished.is_ok(),
        "the Zalo OA run did not finish in 10 minutes"
    );
    anyhow::ensure!(
        fake.rejections().is_empty(),
        "the fake OA refused: {:?}",
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
