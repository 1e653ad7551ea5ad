//! Zalo's faults in the middle of a notice, from outside the process: the Bot API's 429 and the
//! OA's -32 (each a pause for the whole account), a window of 5xx answers from their gateways, and
//! a platform that takes 1.5 s a call. Every resident gets the notice once, no send starts inside
//! a pause, and no second at the platform holds more than the account's rate.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::pacing::{busiest_second, inside_pause};
use common::{Person, TestClock};
use danvan::channels::zalo_bot::{self, ZaloBot, ZaloBotConfig};
use danvan::channels::zalo_oa::{self, ZaloOa, ZaloOaConfig};
use danvan::channels::{Channel, Intake};
use danvan::delivery::Account;
use danvan::engine::Engine;
use danvan::message::{Lang, Msg, Outbound, Reply};
use danvan::store::Store;
use danvan::store::notices::NewNotice;
use danvan_fake_zalo::{Failure, FakeZaloBot, FakeZaloOa, OaFailure, OaKeys};
use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;

const TITLE: &str = "Lịch tiêm phòng";
const RESIDENTS: usize = 60;

/// A fake Zalo platform as these faults need it.
enum Platform {
    Bot(FakeZaloBot),
    Oa(FakeZaloOa),
}

/// What is done to the platform once the notice is under way.
#[derive(Clone, Copy)]
enum Fault {
    /// It asks the whole account to pause (the bot's 429, the OA's -32).
    Pause,
    /// Its gateway answers 502 for this long.
    Outage(Duration),
    /// Each call takes this long from the start.
    Slow(Duration),
}

impl Platform {
    async fn bot() -> Platform {
        Platform::Bot(FakeZaloBot::start("8123:faults").await)
    }

    async fn oa() -> Platform {
        Platform::Oa(FakeZaloOa::start(OaKeys::example()).await)
    }

    fn name(&self) -> &'static str {
        match self {
            Platform::Bot(_) => "zalo_bot",
            Platform::Oa(_) => "zalo_oa",
        }
    }

    /// The rate `serve` keeps to by default.
    fn rate(&self) -> f64 {
        match self {
            Platform::Bot(_) => zalo_bot::DEFAULT_RATE,
            Platform::Oa(_) => zalo_oa::RATE,
        }
    }

    /// How long the account rests when asked to (danvan's reading of each answer).
    fn pause(&self) -> Duration {
        match self {
            Platform::Bot(_) => Duration::from_secs(30),
            Platform::Oa(_) => Duration::from_secs(60),
        }
    }

    /// The person `n`'s id on the platform.
    fn user(&self, n: usize) -> String {
        match self {
            Platform::Bot(_) => format!("b{n:04}"),
            Platform::Oa(_) => format!("61424948230{n:08}"),
        }
    }

    /// The person may be written to: they wrote to the bot, or follow the OA.
    fn reachable(&self, user: &str) {
        match self {
            Platform::Bot(fake) => {
                fake.text(user, "xin chào");
            }
            Platform::Oa(fake) => fake.add_follower(user),
        }
    }

    fn channel(&self, store: &Store) -> Arc<dyn Channel> {
        let store = store.clone();
        match self {
            Platform::Bot(fake) => ZaloBot::new(
                ZaloBotConfig {
                    token: "8123:faults".into(),
                    api_url: fake.api_url(),
                    intake: Intake::None,
                    public_images: None,
                    rate: Some(self.rate()),
                    poll_wait: Duration::from_secs(1),
                },
                store,
            ),
            Platform::Oa(fake) => {
                let keys = fake.keys();
                let url: url::Url = fake.url.parse().unwrap();
                ZaloOa::new(
                    ZaloOaConfig {
                        app_id: keys.app_id.clone(),
                        secret_key: keys.oa_secret_key.as_str().into(),
                        app_secret: keys.app_secret.as_str().into(),
                        refresh_token: Some(keys.refresh_token.as_str().into()),
                        api_url: url.clone(),
                        oauth_url: url,
                        rate: Some(self.rate()),
                        clock: danvan::clock::system(),
                    },
                    store,
                )
            }
        }
    }

    fn strike(&self, fault: Fault) {
        match (self, fault) {
            (Platform::Bot(fake), Fault::Pause) => fake.fail_next(Failure {
                status: 429,
                description: "Too Many Requests".into(),
                chat: None,
            }),
            (Platform::Oa(fake), Fault::Pause) => fake.fail_next(OaFailure {
                error: -32,
                message: "The request exceeded the limit".into(),
                user: None,
                after: 0,
            }),
            (Platform::Bot(fake), Fault::Outage(window)) => fake.outage(502, window),
            (Platform::Oa(fake), Fault::Outage(window)) => fake.outage(502, window),
            (Platform::Bot(fake), Fault::Slow(latency)) => fake.set_latency(latency),
            (Platform::Oa(fake), Fault::Slow(latency)) => fake.set_latency(latency),
        }
    }

    /// Every send: when the platform saw it, and whether it took it.
    fn sends(&self) -> Vec<(Instant, bool)> {
        let calls = match self {
            Platform::Bot(fake) => fake.calls("sendMessage"),
            Platform::Oa(fake) => fake.calls("/v3.0/oa/message/cs"),
        };
        calls.iter().map(|c| (c.at, c.succeeded)).collect()
    }

    /// How many times `user` got the notice.
    fn notices_to(&self, user: &str) -> usize {
        let texts = match self {
            Platform::Bot(fake) => fake.texts_to(user),
            Platform::Oa(fake) => fake.texts_to(user),
        };
        texts.iter().filter(|t| t.contains(TITLE)).count()
    }

    fn rejections(&self) -> Vec<String> {
        match self {
            Platform::Bot(fake) => fake.rejections(),
            Platform::Oa(fake) => fake.rejections(),
        }
    }
}

/// What a notice to the residents came to.
struct Outcome {
    /// Residents who got the notice other than once.
    not_once: Vec<(String, usize)>,
    sends: Vec<(Instant, bool)>,
}

/// A notice to `RESIDENTS` residents on `platform`, sent as `serve` sends it; `fault` strikes
/// once a tenth of them got it (a slow platform is slow from the start).
async fn notice_with(platform: &Platform, fault: Fault) -> Outcome {
    let clock = TestClock::at("2025-12-01 09:00");
    let (db, engine) = common::demo_engine_at(clock.shared()).await;
    let users: Vec<String> = (0..RESIDENTS).map(|n| platform.user(n)).collect();
    for user in &users {
        platform.reachable(user);
        Person::numbered(&engine, platform.name(), user)
            .sign_up("tien lu")
            .await;
    }
    let channel = platform.channel(engine.store());
    channel.register().await.unwrap();
    let unit = engine.units().by_code("12364").unwrap().id;
    let mut notice = NewNotice::to_units(TITLE, "Thứ Bảy, 7 giờ.", vec![unit]);
    notice.quiet_hours = false;
    let id = engine.store().create_notice(&notice).await.unwrap();
    if let Fault::Slow(_) = fault {
        platform.strike(fault);
    }
    engine
        .store()
        .schedule_notice(id, clock.now())
        .await
        .unwrap();
    let account = Account::new(Arc::new(engine), channel, 1);
    let stop = CancellationToken::new();
    let sender = tokio::spawn(danvan::delivery::broadcast::run(account, stop.clone()));
    if !matches!(fault, Fault::Slow(_)) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while platform.sends().len() < RESIDENTS / 10 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        platform.strike(fault);
    }
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        // Settled once fanned out and none is waiting or being sent.
        let settled: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM deliveries
             WHERE notice_id = $1 AND status IN ('sent', 'failed', 'blocked', 'undeliverable')",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
        if settled == RESIDENTS as i64 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    stop.cancel();
    sender.await.unwrap().unwrap();
    // Each status with the last error its deliveries met (a sent one may have failed first).
    let statuses: Vec<(String, i64, Option<String>)> = sqlx::query_as(
        "SELECT status, count(*), max(error) FILTER (WHERE status <> 'sent')
         FROM deliveries WHERE notice_id = $1 GROUP BY 1 ORDER BY 1",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        statuses,
        [("sent".to_owned(), RESIDENTS as i64, None)],
        "deliveries as recorded"
    );
    assert_eq!(platform.rejections(), Vec::<String>::new());
    Outcome {
        not_once: users
            .iter()
            .map(|u| (u.clone(), platform.notices_to(u)))
            .filter(|(_, n)| *n != 1)
            .collect(),
        sends: platform.sends(),
    }
}

/// Asked to pause: every resident gets the notice once and no send starts inside the pause.
async fn a_pause_holds_every_send(platform: Platform) {
    let outcome = notice_with(&platform, Fault::Pause).await;
    let inside = inside_pause(&outcome.sends, platform.pause());
    eprintln!(
        "{}: a pause mid-notice to {RESIDENTS}: {} not reached once, {} sends inside the pause, busiest second {}",
        platform.name(),
        outcome.not_once.len(),
        inside.len(),
        busiest_second(&outcome.sends)
    );
    assert_eq!(outcome.not_once, []);
    assert_eq!(inside, Vec::<Duration>::new(), "sends inside the pause");
}

/// A 5xx window: what failed goes again afterwards, once.
async fn an_outage_loses_and_doubles_nothing(platform: Platform) {
    let outcome = notice_with(&platform, Fault::Outage(Duration::from_secs(5))).await;
    let failed = outcome.sends.iter().filter(|(_, ok)| !ok).count();
    eprintln!(
        "{}: a 5 s outage mid-notice to {RESIDENTS}: {failed} sends refused, {} not reached once",
        platform.name(),
        outcome.not_once.len()
    );
    assert!(failed > 0, "the outage refused sends");
    assert_eq!(outcome.not_once, []);
}

/// 1.5 s a call: sends overlap, yet start at the account's pace, each once.
async fn a_slow_platform_gets_each_notice_once_at_the_rate(platform: Platform) {
    let outcome = notice_with(&platform, Fault::Slow(Duration::from_millis(1500))).await;
    let busiest = busiest_second(&outcome.sends);
    eprintln!(
        "{}: 1.5 s a call, a notice to {RESIDENTS}: {} not reached once, busiest second {busiest}",
        platform.name(),
        outcome.not_once.len()
    );
    assert_eq!(outcome.not_once, []);
    assert!(busiest as f64 <= platform.rate(), "{busiest} in one second");
}

#[tokio::test]
async fn the_zalo_bot_s_429_pauses_every_send_and_loses_nothing() {
    a_pause_holds_every_send(Platform::bot().await).await;
}

#[tokio::test]
async fn the_zalo_oa_s_rate_limit_pauses_every_send_and_loses_nothing() {
    a_pause_holds_every_send(Platform::oa().await).await;
}

#[tokio::test]
async fn a_zalo_bot_outage_loses_and_doubles_nothing() {
    an_outage_loses_and_doubles_nothing(Platform::bot().await).await;
}

#[tokio::test]
async fn a_zalo_oa_outage_loses_and_doubles_nothing() {
    an_outage_loses_and_doubles_nothing(Platform::oa().await).await;
}

#[tokio::test]
async fn a_slow_zalo_bot_gets_each_notice_once_at_its_rate() {
    a_slow_platform_gets_each_notice_once_at_the_rate(Platform::bot().await).await;
}

#[tokio::test]
async fn a_slow_zalo_oa_gets_each_notice_once_at_its_rate() {
    a_slow_platform_gets_each_notice_once_at_the_rate(Platform::oa().await).await;
}

#[tokio::test]
async fn new_oa_tokens_the_database_could_not_take_are_saved_once_it_is_back() {
    let db = common::test_db().await;
    let (proxy, url) = common::outage::Proxy::start(&db.url).await;
    let store = Store::connect(&url, 2).await.unwrap();
    let engine = Engine::new(store.clone()).await.unwrap();
    let platform = Platform::oa().await;
    let Platform::Oa(fake) = &platform else {
        unreachable!()
    };
    let user = platform.user(1);
    platform.reachable(&user);
    let channel = platform.channel(&store);
    channel.register().await.unwrap();
    let first = fake.current_refresh_token();
    // The access token expires; the refresh that follows spends the refresh token, and the
    // database goes away before the new tokens are saved.
    fake.expire_access_token();
    fake.set_oauth_latency(Duration::from_secs(2));
    let outbound = Outbound {
        lang: Lang::Vi,
        replies: vec![Reply::new(Msg::new("help"))],
    };
    let message = channel.render(engine.localizer(), &outbound).remove(0);
    let sending = {
        let (channel, user) = (channel.clone(), user.clone());
        tokio::spawn(async move { channel.send(&user, &message).await })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    proxy.cut();
    // The new access token works meanwhile.
    let sent = sending.await.unwrap();
    assert!(
        matches!(sent, danvan::channels::Sent::Ok { .. }),
        "{sent:?}"
    );
    assert_ne!(fake.current_refresh_token(), first);
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.restore().await;

    // Once the database is back, it holds the refresh token that works: a restart can refresh.
    let deadline = Instant::now() + Duration::from_secs(20);
    let stored = loop {
        let stored = db.store.tokens("zalo_oa").await.unwrap().unwrap();
        if stored.refresh_token.expose_secret() == fake.current_refresh_token()
            || Instant::now() > deadline
        {
            break stored;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        stored.refresh_token.expose_secret(),
        fake.current_refresh_token(),
        "the stored refresh token is the one that works"
    );
    assert_eq!(
        stored.access_token.as_ref().map(|t| t.expose_secret()),
        fake.access_token().as_deref()
    );
}
