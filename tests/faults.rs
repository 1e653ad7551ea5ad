//! Faults from outside the process: PostgreSQL going away under a running `serve` or in the
//! middle of a broadcast, a platform's pause, slow clients.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::pacing::{busiest_second, inside_pause};
use common::{Person, TestClock};
use danvan::channels::telegram::{Intake, Telegram, TelegramConfig};
use danvan::delivery::Account;
use danvan::engine::Engine;
use danvan::serve;
use danvan::store::Store;
use danvan::store::notices::NewNotice;
use danvan_fake_telegram::{Failure, FakeTelegram};
use tokio_util::sync::CancellationToken;

/// Signs up Telegram chats `first..first + count` in Tiên Lữ.
async fn residents(engine: &Engine, first: i64, count: i64) -> Vec<i64> {
    let chats: Vec<i64> = (first..first + count).collect();
    futures::future::join_all(chats.iter().map(|chat| async move {
        Person::on(engine, "telegram", &chat.to_string())
            .sign_up("tien lu")
            .await
    }))
    .await;
    chats
}

/// A notice to Tiên Lữ, due now; its id.
async fn notice(engine: &Engine, clock: &TestClock) -> i64 {
    let unit = engine.units().by_code("12364").unwrap().id;
    let mut notice = NewNotice::to_units("Lịch tiêm phòng", "Thứ Bảy, 7 giờ.", vec![unit]);
    notice.quiet_hours = false;
    let store = engine.store();
    let id = store.create_notice(&notice).await.unwrap();
    store.schedule_notice(id, clock.now()).await.unwrap();
    id
}

/// The Telegram bot on `engine`, sending at `rate` a second, as `serve` runs it.
fn telegram(engine: &Arc<Engine>, fake: &FakeTelegram, rate: f64) -> Arc<Account> {
    let channel = Telegram::new(TelegramConfig {
        token: "123:TEST".into(),
        api_url: Some(fake.api_url()),
        intake: Intake::None,
        rate: Some(rate),
    });
    Account::new(engine.clone(), channel, 1)
}

/// The Telegram bot taking updates by long polling, with no rate of its own, as `serve` runs it.
fn polling_bot(fake: &FakeTelegram) -> Arc<dyn danvan::channels::Channel> {
    Telegram::new(TelegramConfig {
        token: "123:TEST".into(),
        api_url: Some(fake.api_url()),
        intake: Intake::LongPolling,
        rate: None,
    })
}

/// Waits until every delivery of `notice` is settled (sent or failed); their statuses by count.
async fn settled(pool: &sqlx::PgPool, notice: i64, within: Duration) -> Vec<(String, i64)> {
    let deadline = Instant::now() + within;
    loop {
        let statuses: Vec<(String, i64)> = sqlx::query_as(
            "SELECT status, count(*) FROM deliveries WHERE notice_id = $1 GROUP BY 1 ORDER BY 1",
        )
        .bind(notice)
        .fetch_all(pool)
        .await
        .unwrap();
        if statuses
            .iter()
            .all(|(s, _)| s != "pending" && s != "sending")
            || Instant::now() > deadline
        {
            return statuses;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Notices each chat received.
fn notices_to(fake: &FakeTelegram, chat: i64) -> usize {
    fake.texts_to(chat)
        .iter()
        .filter(|t| t.starts_with("📢"))
        .count()
}

#[tokio::test]
async fn postgresql_away_40_seconds_mid_broadcast_loses_and_doubles_nothing() {
    let clock = TestClock::at("2025-12-01 09:00");
    let (db, direct) = common::demo_engine_at(clock.shared()).await;
    let chats = residents(&direct, 8000, 120).await;
    let id = notice(&direct, &clock).await;
    // The sender reaches PostgreSQL through a proxy that goes down; a second sender (another
    // process) reaches it directly all along.
    let (proxy, url) = common::outage::Proxy::start(&db.url).await;
    let cut_off = Arc::new(
        Engine::with_clock(Store::connect(&url, 4).await.unwrap(), clock.shared())
            .await
            .unwrap(),
    );
    let direct = Arc::new(direct);
    let fake = FakeTelegram::start().await;
    let stop = CancellationToken::new();
    let first = tokio::spawn(danvan::delivery::broadcast::run(
        telegram(&cut_off, &fake, 30.0),
        stop.clone(),
    ));
    // Mid-broadcast: some sent, most not.
    assert!(
        fake.wait_until(Duration::from_secs(10), |f| f.calls("sendMessage").len()
            >= 10)
            .await
    );
    proxy.cut();
    let second = tokio::spawn(danvan::delivery::broadcast::run(
        telegram(&direct, &fake, 30.0),
        stop.clone(),
    ));
    tokio::time::sleep(Duration::from_secs(40)).await;
    proxy.restore().await;

    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let statuses = settled(&pool, id, Duration::from_secs(60)).await;
    assert_eq!(statuses, [("sent".to_owned(), chats.len() as i64)]);
    let doubled: Vec<i64> = chats
        .iter()
        .copied()
        .filter(|&chat| notices_to(&fake, chat) != 1)
        .collect();
    assert_eq!(
        doubled,
        Vec::<i64>::new(),
        "chats that got it twice or never"
    );
    stop.cancel();
    first.await.unwrap().unwrap();
    second.await.unwrap().unwrap();
    assert_eq!(fake.rejections(), Vec::<String>::new());
}

#[tokio::test]
async fn nothing_is_sent_inside_a_pause_the_platform_asked_for() {
    let clock = TestClock::at("2025-12-01 09:00");
    let (db, engine) = common::demo_engine_at(clock.shared()).await;
    let engine = Arc::new(engine);
    let chats = residents(&engine, 8500, 90).await;
    let fake = FakeTelegram::start().await;
    let id = notice(&engine, &clock).await;
    let stop = CancellationToken::new();
    let sender = tokio::spawn(danvan::delivery::broadcast::run(
        telegram(&engine, &fake, 30.0),
        stop.clone(),
    ));
    // A few sends in, Telegram asks for 3 seconds' rest.
    assert!(
        fake.wait_until(Duration::from_secs(10), |f| f.calls("sendMessage").len()
            >= 5)
            .await
    );
    fake.fail_next(Failure::too_many_requests(3));
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let statuses = settled(&pool, id, Duration::from_secs(60)).await;
    assert_eq!(statuses, [("sent".to_owned(), chats.len() as i64)]);
    stop.cancel();
    sender.await.unwrap().unwrap();

    let calls: Vec<(Instant, bool)> = fake
        .calls("sendMessage")
        .iter()
        .map(|c| (c.at, c.succeeded))
        .collect();
    assert_eq!(
        inside_pause(&calls, Duration::from_secs(3)),
        Vec::<Duration>::new()
    );
    let busiest = busiest_second(&calls);
    assert!(busiest <= 30, "{busiest} sends in one second");
    for chat in &chats {
        assert_eq!(notices_to(&fake, *chat), 1, "chat {chat}");
    }
}

#[tokio::test]
async fn two_processes_sending_for_one_bot_keep_its_rate_and_its_pause_together() {
    let clock = TestClock::at("2025-12-01 09:00");
    let (db, engine) = common::demo_engine_at(clock.shared()).await;
    let chats = residents(&engine, 7000, 150).await;
    let fake = FakeTelegram::start().await;
    let id = notice(&engine, &clock).await;
    // Two senders for one bot, each with its own engine and pool: two `serve` processes.
    let stop = CancellationToken::new();
    let mut senders = Vec::new();
    for _ in 0..2 {
        let store = Store::connect(&db.url, 4).await.unwrap();
        let engine = Arc::new(Engine::with_clock(store, clock.shared()).await.unwrap());
        senders.push(tokio::spawn(danvan::delivery::broadcast::run(
            telegram(&engine, &fake, 30.0),
            stop.clone(),
        )));
    }
    // Mid-broadcast, Telegram asks one of them for 3 seconds' rest.
    assert!(
        fake.wait_until(Duration::from_secs(20), |f| f.calls("sendMessage").len()
            >= 40)
            .await
    );
    fake.fail_next(Failure::too_many_requests(3));
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let statuses = settled(&pool, id, Duration::from_secs(60)).await;
    assert_eq!(statuses, [("sent".to_owned(), chats.len() as i64)]);
    stop.cancel();
    for sender in senders {
        sender.await.unwrap().unwrap();
    }

    let calls: Vec<(Instant, bool)> = fake
        .calls("sendMessage")
        .iter()
        .map(|c| (c.at, c.succeeded))
        .collect();
    let busiest = busiest_second(&calls);
    let inside = inside_pause(&calls, Duration::from_secs(3));
    eprintln!(
        "two senders, {} residents at 30/s: busiest second {busiest}, {} sends inside the pause",
        chats.len(),
        inside.len()
    );
    assert!(busiest <= 30, "{busiest} sends in one second");
    assert_eq!(inside, Vec::<Duration>::new(), "sends inside the pause");
    for chat in &chats {
        assert_eq!(notices_to(&fake, *chat), 1, "chat {chat}");
    }
}

#[tokio::test]
async fn health_says_unavailable_within_two_seconds_when_postgresql_goes_down() {
    let db = common::test_db().await;
    let (proxy, url) = common::outage::Proxy::start(&db.url).await;
    let store = Store::connect(&url, 4).await.unwrap();
    let engine = Arc::new(Engine::new(store).await.unwrap());
    let running = serve::start(engine, vec![], 1, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let health = format!("http://{}/health", running.addr);
    let up = reqwest::get(&health).await.unwrap();
    assert_eq!(up.status(), 200);

    proxy.cut();
    for _ in 0..3 {
        let asked = Instant::now();
        let down = reqwest::get(&health).await.unwrap();
        assert_eq!(down.status(), 503);
        assert_eq!(down.text().await.unwrap(), "database unavailable");
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "answered after {:?}",
            asked.elapsed()
        );
    }
    drop(running);
}

/// Opens a connection from `from` and sends a request head that never ends.
async fn slow_client(from: std::net::Ipv4Addr, to: std::net::SocketAddr) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind((from, 0).into()).unwrap();
    let mut stream = socket.connect(to).await.unwrap();
    // An accepted connection takes the head; one turned away may already be closed.
    let _ = stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: danvan\r\nX-Slow: ")
        .await;
    stream
}

/// Whether the server has closed `stream` (it reads the end, or an error).
async fn closed(stream: &mut tokio::net::TcpStream, within: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buffer = [0_u8; 1024];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            // A "408 Request Timeout" may come before the close.
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn slow_clients_cannot_keep_health_or_shutdown_waiting() {
    use danvan::http_server::{HEADER_TIMEOUT, PER_ADDRESS, SHUTDOWN_GRACE};
    let db = common::test_db().await;
    let engine = Arc::new(Engine::new(db.store.clone()).await.unwrap());
    let running = serve::start(engine, vec![], 1, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let attacker = std::net::Ipv4Addr::new(127, 0, 0, 2);
    let mut slow = Vec::new();
    for _ in 0..PER_ADDRESS + 20 {
        slow.push(slow_client(attacker, running.addr).await);
    }
    // Beyond its share, the attacker's connections are closed at once.
    let mut turned_away = slow.split_off(PER_ADDRESS);
    for stream in &mut turned_away {
        assert!(closed(stream, Duration::from_secs(2)).await);
    }
    // Everyone else is served meanwhile.
    let health = format!("http://{}/health", running.addr);
    for _ in 0..15 {
        let asked = Instant::now();
        let answer = reqwest::get(&health).await.unwrap();
        assert_eq!(answer.status(), 200);
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "{:?}",
            asked.elapsed()
        );
    }
    // A head that never ends is cut off after its time.
    assert!(closed(&mut slow[0], HEADER_TIMEOUT + Duration::from_secs(3)).await);

    // Stopping does not wait on a slow client past the grace period.
    let _last = slow_client(attacker, running.addr).await;
    let stopping = Instant::now();
    running.stop().await.unwrap();
    assert!(
        stopping.elapsed() < SHUTDOWN_GRACE + Duration::from_secs(2),
        "stopped after {:?}",
        stopping.elapsed()
    );
}

#[tokio::test]
async fn replies_sent_one_after_another_to_a_slow_platform_go_once() {
    let (_db, engine) = common::demo_engine().await;
    let engine = Arc::new(engine);
    let chats = residents(&engine, 9000, 8).await;
    let fake = FakeTelegram::start().await;
    // 2.5 s a call: a batch of eight chats' replies (two messages each) sent one after another
    // takes 40 s, longer than a reply's lease and the grace after it.
    fake.set_latency(Duration::from_millis(2500));
    let channel = polling_bot(&fake);
    // All waiting when the bot starts: one worker takes them in one batch.
    for chat in &chats {
        fake.text(*chat, "/help");
    }
    let running = serve::start(engine, vec![channel], 1, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let all = fake
        .wait_until(Duration::from_secs(60), |f| {
            chats.iter().all(|c| f.texts_to(*c).len() >= 2)
        })
        .await;
    assert!(all, "every chat got its answer");
    // Long enough for a sweeper to have sent a lapsed reply again.
    tokio::time::sleep(Duration::from_secs(12)).await;
    for chat in &chats {
        // The help, then the menu: once each.
        let texts = fake.texts_to(*chat);
        assert_eq!(texts.len(), 2, "chat {chat}: {texts:#?}");
    }
    running.stop().await.unwrap();
}

/// The shell, but every line comes from the chat its event names, and "boom" panics the decoder:
/// a bug that one event trips.
struct Panicky(danvan::channels::shell::Shell);

impl danvan::channels::Channel for Panicky {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn capabilities(&self) -> &danvan::channels::Capabilities {
        self.0.capabilities()
    }

    fn decode(&self, payload: &serde_json::Value) -> anyhow::Result<danvan::channels::Event> {
        let line = payload["line"].as_str().unwrap_or_default();
        assert_ne!(line, "boom", "a bug this event trips");
        let mut event = self.0.decode(payload)?;
        if let danvan::channels::Event::Chat { inbound, .. } = &mut event {
            inbound.address = payload["chat"].as_str().unwrap_or_default().to_owned();
        }
        Ok(event)
    }

    fn render(
        &self,
        localizer: &danvan::i18n::Localizer,
        outbound: &danvan::message::Outbound,
    ) -> Vec<serde_json::Value> {
        self.0.render(localizer, outbound)
    }

    fn send<'a>(
        &'a self,
        address: &'a str,
        message: &'a serde_json::Value,
    ) -> futures::future::BoxFuture<'a, danvan::channels::Sent> {
        self.0.send(address, message)
    }
}

#[tokio::test]
async fn an_event_that_panics_is_counted_as_its_failure_and_the_rest_go_on() {
    let (db, engine) = common::demo_engine().await;
    let channel: Arc<dyn danvan::channels::Channel> =
        Arc::new(Panicky(danvan::channels::shell::Shell::new("shell")));
    let account = Account::new(Arc::new(engine), channel, 1);
    let boom = serde_json::json!({"id": "e1", "chat": "a", "line": "boom"});
    let fine = serde_json::json!({"id": "e2", "chat": "b", "line": "/start"});
    account
        .arrivals()
        .commit(&[
            danvan::store::inbox::Arrival {
                event_id: "e1".into(),
                chat: "a".into(),
                payload: &boom,
            },
            danvan::store::inbox::Arrival {
                event_id: "e2".into(),
                chat: "b".into(),
                payload: &fine,
            },
        ])
        .await
        .unwrap();
    let stop = CancellationToken::new();
    let running = tokio::spawn(account.clone().run(stop.clone()));
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let (boomed, started) = loop {
        let rows: Vec<(String, String, i32, Option<String>)> = sqlx::query_as(
            "SELECT event_id, status, attempts, last_error FROM inbox ORDER BY event_id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let boomed = rows[0].2 >= 1;
        let started = rows[1].1 == "done";
        if (boomed && started) || Instant::now() > deadline {
            break (rows[0].clone(), rows[1].clone());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        boomed.2 >= 1
            && boomed
                .3
                .as_deref()
                .is_some_and(|e| e.contains("panicked") && e.contains("a bug this event trips")),
        "{boomed:?}"
    );
    assert_eq!(started.1, "done", "{started:?}");
    // The channel still runs.
    assert!(!running.is_finished());
    stop.cancel();
    running.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_webhook_is_answered_within_two_seconds_when_every_connection_is_busy() {
    use danvan::channels::Intake as ChannelIntake;
    use danvan::channels::zalo_bot::{ZaloBot, ZaloBotConfig, intake::WEBHOOK_PATH};
    use danvan_fake_zalo::FakeZaloBot;
    let db = common::test_db().await;
    // The pool `serve` opens for one channel of one worker.
    let store = Store::connect_with(&db.url, serve::pool(1, 1))
        .await
        .unwrap();
    let engine = Arc::new(Engine::new(store.clone()).await.unwrap());
    let fake = FakeZaloBot::start("8123:hook").await;
    let secret = "a-webhook-secret";
    let channel = ZaloBot::new(
        ZaloBotConfig {
            token: "8123:hook".into(),
            api_url: fake.api_url(),
            intake: ChannelIntake::Webhook {
                url: "https://danvan.example/zalo/bot/webhook".parse().unwrap(),
                secret: secret.into(),
            },
            public_images: None,
            rate: None,
            poll_wait: Duration::from_secs(1),
        },
        store.clone(),
    );
    let running = serve::start(engine, vec![channel], 1, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("http://{}{WEBHOOK_PATH}", running.addr);
    // Long transactions elsewhere in the process hold every connection the pool will give.
    let mut held = Vec::new();
    while let Ok(tx) = store.begin().await {
        held.push(tx);
    }
    let update = danvan_fake_zalo::bot::updates::text("u1", "Xin chào");
    let asked = Instant::now();
    let busy = fake.post_webhook(&url, secret, &update, false).await;
    let waited = asked.elapsed();
    eprintln!(
        "{} connections busy: the webhook answered {busy} after {waited:?}",
        held.len()
    );
    assert!(waited < Duration::from_secs(2), "answered after {waited:?}");
    assert!([200, 503].contains(&busy), "{busy}");
    // Zalo sends it again once the connections are free: taken, once.
    drop(held);
    assert_eq!(fake.post_webhook(&url, secret, &update, false).await, 200);
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM inbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(events, 1);
    running.stop().await.unwrap();
}

/// Six residents write while Telegram answers its next twelve sends 502: teloxide waits 10 s after
/// each, so the answers come late, but each exactly once, and no chat waits on another's failures.
#[tokio::test]
async fn replies_through_a_telegram_5xx_window_go_once() {
    let (_db, engine) = common::demo_engine().await;
    let engine = Arc::new(engine);
    let chats = residents(&engine, 9100, 6).await;
    let fake = FakeTelegram::start().await;
    // The next dozen sends are answered 502, as Telegram's front does for a few seconds at times.
    for _ in 0..12 {
        fake.fail_next(Failure {
            chat: None,
            status: 502,
            description: "Bad Gateway".into(),
            retry_after: None,
        });
    }
    let channel = polling_bot(&fake);
    for chat in &chats {
        fake.text(*chat, "/help");
    }
    let running = serve::start(engine, vec![channel], 2, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let all = fake
        .wait_until(Duration::from_secs(90), |f| {
            chats.iter().all(|c| f.texts_to(*c).len() >= 2)
        })
        .await;
    let start = fake.calls("sendMessage").first().map(|c| c.at);
    let story: Vec<String> = fake
        .calls("sendMessage")
        .iter()
        .map(|c| {
            format!(
                "{:?} {} {}",
                c.at - start.unwrap(),
                c.params["chat_id"],
                c.succeeded
            )
        })
        .collect();
    assert!(all, "every chat got its answer: {story:#?}");
    let refused = fake
        .calls("sendMessage")
        .iter()
        .filter(|c| !c.succeeded)
        .count();
    assert_eq!(refused, 12, "the window was tried through");
    // Long enough for a sweeper to have sent a lapsed reply again.
    tokio::time::sleep(Duration::from_secs(25)).await;
    for chat in &chats {
        let texts = fake.texts_to(*chat);
        assert_eq!(
            texts.len(),
            2,
            "chat {chat}: the help and the menu, once: {texts:#?}"
        );
    }
    running.stop().await.unwrap();
}

#[tokio::test]
async fn postgresql_away_40_seconds_mid_intake_loses_and_doubles_no_answer() {
    let (db, direct) = common::demo_engine().await;
    let chats = residents(&direct, 9200, 20).await;
    let (proxy, url) = common::outage::Proxy::start(&db.url).await;
    let engine = Arc::new(
        Engine::new(Store::connect(&url, 8).await.unwrap())
            .await
            .unwrap(),
    );
    let fake = FakeTelegram::start().await;
    let channel = polling_bot(&fake);
    let running = serve::start(engine, vec![channel], 2, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    // Half write before the database goes, half while it is away.
    for chat in &chats[..10] {
        fake.text(*chat, "/help");
    }
    assert!(
        fake.wait_until(Duration::from_secs(20), |f| {
            chats[..10].iter().all(|c| f.texts_to(*c).len() >= 2)
        })
        .await
    );
    proxy.cut();
    for chat in &chats {
        fake.text(*chat, "/mydata");
    }
    tokio::time::sleep(Duration::from_secs(40)).await;
    proxy.restore().await;
    let all = fake
        .wait_until(Duration::from_secs(90), |f| {
            chats.iter().all(|c| {
                f.texts_to(*c)
                    .iter()
                    .any(|t| t.starts_with("Dữ liệu chúng tôi lưu về bạn"))
            })
        })
        .await;
    assert!(
        all,
        "every message written while the database was away is answered"
    );
    tokio::time::sleep(Duration::from_secs(25)).await;
    for chat in &chats {
        let answers = fake
            .texts_to(*chat)
            .iter()
            .filter(|t| t.starts_with("Dữ liệu chúng tôi lưu về bạn"))
            .count();
        assert_eq!(answers, 1, "chat {chat}");
    }
    running.stop().await.unwrap();
}
