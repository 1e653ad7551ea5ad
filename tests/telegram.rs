//! The Telegram channel end to end: the real teloxide client against a fake Bot API server that
//! refuses what Telegram would, with a real database behind the engine.

mod common;

use std::sync::Arc;
use std::time::Duration;

use danvan::channels::telegram::intake::{SECRET_HEADER, WEBHOOK_PATH};
use danvan::channels::telegram::{Intake, Telegram, TelegramConfig, intake};
use danvan::delivery::Account;
use danvan::engine::Engine;
use danvan::serve::{self, Running};
use danvan_fake_telegram::{Failure, FakeTelegram, updates};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

const WAIT: Duration = Duration::from_secs(20);
const SECRET: &str = "s3cret_token-1";

fn config(fake: &FakeTelegram, intake: Intake) -> TelegramConfig {
    TelegramConfig {
        token: "123:TEST".into(),
        api_url: Some(fake.api_url()),
        intake,
        rate: None,
    }
}

/// Updates handled at once per channel.
const WORKERS: usize = 4;

fn webhook() -> Intake {
    Intake::Webhook {
        url: "https://danvan.example/telegram/webhook".parse().unwrap(),
        secret: SECRET.into(),
    }
}

async fn setup() -> (common::TestDb, Arc<Engine>, FakeTelegram) {
    let (db, engine) = common::demo_engine().await;
    (db, Arc::new(engine), FakeTelegram::start().await)
}

async fn start(engine: &Arc<Engine>, fake: &FakeTelegram, intake: Intake) -> Running {
    serve::start(
        engine.clone(),
        vec![Telegram::new(config(fake, intake))],
        WORKERS,
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap()
}

/// Waits for `n` messages to `chat` and returns the texts sent to it.
async fn replies(fake: &FakeTelegram, chat: i64, n: usize) -> Vec<String> {
    let arrived = fake.wait_until(WAIT, |f| f.texts_to(chat).len() >= n).await;
    let texts = fake.texts_to(chat);
    assert!(
        arrived,
        "expected {n} messages to {chat}, got {texts:#?}\nrejected: {:?}",
        fake.rejections()
    );
    texts
}

fn no_rejections(fake: &FakeTelegram) {
    assert_eq!(
        fake.rejections(),
        Vec::<String>::new(),
        "the fake Bot API refused requests"
    );
}

async fn pool(db: &common::TestDb) -> PgPool {
    PgPool::connect(&db.url).await.unwrap()
}

#[tokio::test]
async fn a_resident_signs_up_in_telegram_with_inline_buttons() {
    let (db, engine, fake) = setup().await;
    let running = start(&engine, &fake, Intake::LongPolling).await;
    let chat = 501;

    fake.text(chat, "/start");
    let texts = replies(&fake, chat, 1).await;
    assert!(texts[0].starts_with("Xin chào!"));
    let greeting = fake.calls("sendMessage").pop().unwrap();
    assert_eq!(greeting.params["parse_mode"], "HTML");
    assert_eq!(
        greeting.params["reply_markup"]["inline_keyboard"][0][0]["text"],
        "Tiếng Việt"
    );
    assert_eq!(
        greeting.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        "lang:vi"
    );

    fake.press(chat, "lang:vi");
    assert!(replies(&fake, chat, 2).await[1].contains("91/2025/QH15"));
    fake.press(chat, "consent:yes");
    replies(&fake, chat, 4).await;
    fake.text(chat, "bac dong quan");
    assert_eq!(
        replies(&fake, chat, 5).await[4],
        "Xã Bắc Đông Quan, Tỉnh Hưng Yên — đúng không?"
    );
    fake.press(chat, "unit:yes");
    assert!(
        replies(&fake, chat, 6).await[5].starts_with("Xong! Bạn đã đăng ký tại Xã Bắc Đông Quan")
    );

    assert!(
        fake.wait_until(WAIT, |f| f.calls("answerCallbackQuery").len() == 3)
            .await,
        "every press is answered"
    );
    let unit: String =
        sqlx::query_scalar("SELECT u.code FROM people p JOIN units u ON u.id = p.unit_id")
            .fetch_one(&pool(&db).await)
            .await
            .unwrap();
    assert_eq!(unit, "12745");
    let polls = fake.calls("getUpdates");
    assert!(polls.iter().all(|c| c.params["allowed_updates"]
        == serde_json::json!(["message", "callback_query", "my_chat_member"])));
    no_rejections(&fake);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_shared_location_finds_the_commune_and_is_not_kept() {
    let (db, engine, fake) = setup().await;
    let running = start(&engine, &fake, Intake::LongPolling).await;
    let chat = 510;
    fake.text(chat, "/start");
    replies(&fake, chat, 1).await;
    fake.press(chat, "lang:vi");
    replies(&fake, chat, 2).await;
    fake.press(chat, "consent:yes");
    replies(&fake, chat, 4).await;
    let ask = fake.calls("sendMessage").pop().unwrap();
    let markup = &ask.params["reply_markup"];
    assert_eq!(markup["keyboard"][0][0]["text"], "📍 Gửi vị trí");
    assert_eq!(markup["keyboard"][0][0]["request_location"], true);
    assert_eq!(markup["one_time_keyboard"], true);

    fake.push(updates::location(
        fake.next_update_id(),
        chat,
        20.6464,
        106.0511,
    ));
    assert_eq!(
        replies(&fake, chat, 5).await[4],
        "Vị trí bạn gửi nằm ở Phường Phố Hiến, Tỉnh Hưng Yên — đúng không?"
    );
    fake.press(chat, "unit:yes");
    assert!(replies(&fake, chat, 6).await[5].contains("Phường Phố Hiến"));

    let pool = pool(&db).await;
    let kept: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM inbox WHERE payload::text LIKE '%106.05%')
              + (SELECT count(*) FROM chats WHERE state::text LIKE '%106.05%')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(kept, 0, "the location is used, not stored");
    no_rejections(&fake);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn the_same_update_delivered_twice_is_handled_once() {
    let (db, engine, fake) = setup().await;
    let running = start(&engine, &fake, Intake::LongPolling).await;
    let chat = 502;
    let update = updates::text(fake.next_update_id(), chat, "/start");
    fake.push(update.clone());
    fake.push(update);
    replies(&fake, chat, 1).await;
    fake.text(chat, "/help");
    let texts = replies(&fake, chat, 2).await;
    assert_eq!(
        texts.len(),
        2,
        "one greeting, one answer to /help: {texts:#?}"
    );
    let inbox: i64 = sqlx::query_scalar("SELECT count(*) FROM inbox")
        .fetch_one(&pool(&db).await)
        .await
        .unwrap();
    assert_eq!(inbox, 2);
    no_rejections(&fake);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn the_webhook_takes_only_signed_updates_and_each_once() {
    let (db, engine, fake) = setup().await;
    let running = start(&engine, &fake, webhook()).await;
    let set = fake
        .calls("setWebhook")
        .pop()
        .expect("setWebhook was called");
    assert_eq!(set.params["secret_token"], SECRET);
    assert_eq!(
        set.params["allowed_updates"],
        serde_json::json!(["message", "callback_query", "my_chat_member"])
    );
    assert_eq!(
        fake.webhook().as_deref(),
        Some("https://danvan.example/telegram/webhook")
    );

    let url = format!("http://{}{WEBHOOK_PATH}", running.addr);
    let client = reqwest::Client::new();
    let update = updates::text(9001, 503, "/start");
    let post = |secret: Option<&str>, body: String| {
        let mut request = client
            .post(&url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(secret) = secret {
            request = request.header(SECRET_HEADER, secret);
        }
        request.send()
    };
    let signed = update.to_string();
    let almost = &SECRET[..SECRET.len() - 1];
    // A megabyte is no update, however signed: refused unread.
    let huge = format!(
        "{{\"update_id\": 1, \"padding\": \"{}\"}}",
        "x".repeat(1 << 20)
    );
    let cases: [(Option<&str>, &str, u16); 8] = [
        (None, &signed, 401),
        (Some("wrong"), &signed, 401),
        (Some(almost), &signed, 401),
        (Some(SECRET), "{not json", 400),
        (Some(SECRET), "{\"hello\": 1}", 400),
        (Some(SECRET), &huge, 413),
        (Some(SECRET), &signed, 200),
        (Some(SECRET), &signed, 200),
    ];
    for (secret, body, status) in cases {
        let got = post(secret, body.to_owned()).await.unwrap().status();
        assert_eq!(got, status, "secret {secret:?}, body {body:.60}");
    }

    replies(&fake, 503, 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        fake.texts_to(503).len(),
        1,
        "the replayed update changed nothing"
    );
    let inbox: i64 = sqlx::query_scalar("SELECT count(*) FROM inbox")
        .fetch_one(&pool(&db).await)
        .await
        .unwrap();
    assert_eq!(
        inbox, 1,
        "unsigned, malformed and oversized bodies stored nothing"
    );
    no_rejections(&fake);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn updates_taken_in_before_a_crash_are_handled_after_restart_once() {
    let (db, engine, fake) = setup().await;
    let chat = 504;
    // Intake alone, as if the process died right after committing the batch.
    let telegram = Telegram::new(config(&fake, Intake::LongPolling));
    let account = Account::new(engine.clone(), telegram.clone(), WORKERS);
    let stop = CancellationToken::new();
    let poller = tokio::spawn(intake::poll(
        telegram.bot().clone(),
        account.arrivals(),
        stop.clone(),
    ));
    let first = fake.text(chat, "/start");
    let acknowledged = fake
        .wait_until(WAIT, |f| {
            f.calls("getUpdates")
                .iter()
                .any(|c| c.params["offset"].as_i64() == Some(first + 1))
        })
        .await;
    assert!(acknowledged, "the update was acknowledged to Telegram");
    stop.cancel();
    poller.await.unwrap().unwrap();
    assert!(fake.texts_to(chat).is_empty());
    let pending: i64 = sqlx::query_scalar("SELECT count(*) FROM inbox WHERE status = 'pending'")
        .fetch_one(&pool(&db).await)
        .await
        .unwrap();
    assert_eq!(pending, 1, "acknowledged only once stored");

    let running = start(&engine, &fake, Intake::LongPolling).await;
    replies(&fake, chat, 1).await;
    fake.text(chat, "/help");
    assert_eq!(replies(&fake, chat, 2).await.len(), 2);
    no_rejections(&fake);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn two_processes_on_one_database_handle_each_update_once_and_in_order() {
    let (db, engine, fake) = setup().await;
    let other_engine = Arc::new(
        Engine::new(danvan::store::Store::connect(&db.url, 8).await.unwrap())
            .await
            .unwrap(),
    );
    let a = start(&engine, &fake, webhook()).await;
    let b = start(&other_engine, &fake, webhook()).await;
    let client = reqwest::Client::new();
    let chats: Vec<i64> = (600..610).collect();
    let script = [
        "/start",
        "#lang:vi",
        "#consent:yes",
        "tien lu",
        "#unit:yes",
        "/help",
    ];
    for (step, line) in script.iter().enumerate() {
        for &chat in &chats {
            let id = fake.next_update_id();
            let update = match line.strip_prefix('#') {
                Some(data) => updates::button(id, chat, data),
                None => updates::text(id, chat, line),
            };
            // Some updates reach both processes, as a retrying Telegram behind a balancer would do.
            let targets: &[&Running] = if (chat + step as i64) % 3 == 0 {
                &[&a, &b]
            } else if chat % 2 == 0 {
                &[&a]
            } else {
                &[&b]
            };
            for target in targets {
                let status = client
                    .post(format!("http://{}{WEBHOOK_PATH}", target.addr))
                    .header(SECRET_HEADER, SECRET)
                    .json(&update)
                    .send()
                    .await
                    .unwrap()
                    .status();
                assert_eq!(status, 200);
            }
        }
    }
    // greeting, consent, thanks + ask, confirm, done, help + menu = 8 messages per chat.
    for &chat in &chats {
        let texts = replies(&fake, chat, 8).await;
        assert!(texts[0].starts_with("Xin chào!"), "{texts:#?}");
        assert!(texts[5].starts_with("Xong!"), "in order: {texts:#?}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for &chat in &chats {
        assert_eq!(fake.texts_to(chat).len(), 8, "no update handled twice");
    }
    let people: i64 = sqlx::query_scalar("SELECT count(*) FROM people WHERE unit_id IS NOT NULL")
        .fetch_one(&pool(&db).await)
        .await
        .unwrap();
    assert_eq!(people, 10);
    no_rejections(&fake);
    a.stop().await.unwrap();
    b.stop().await.unwrap();
}

#[tokio::test]
async fn a_429_pauses_sending_for_retry_after() {
    let (_db, engine, fake) = setup().await;
    let running = start(&engine, &fake, Intake::LongPolling).await;
    fake.fail_next(Failure::too_many_requests(1));
    fake.text(505, "/start");
    replies(&fake, 505, 1).await;
    let attempts = fake.calls("sendMessage");
    assert_eq!(
        attempts.iter().map(|c| c.succeeded).collect::<Vec<_>>(),
        [false, true],
        "refused once, then sent"
    );
    let waited = attempts[1].at.duration_since(attempts[0].at);
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
    no_rejections(&fake);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_person_who_blocked_the_bot_becomes_unreachable() {
    let (db, engine, fake) = setup().await;
    let running = start(&engine, &fake, Intake::LongPolling).await;
    let pool = pool(&db).await;
    let unreachable = |chat: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, bool>(
                "SELECT unreachable_at IS NOT NULL FROM chats WHERE address = $1",
            )
            .bind(chat.to_string())
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    // 403 on a send.
    fake.fail_next(Failure::blocked(506));
    fake.text(506, "/start");
    assert!(
        fake.wait_until(WAIT, |f| !f.calls("sendMessage").is_empty())
            .await
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(unreachable(506).await);

    // my_chat_member: kicked, then back.
    fake.text(507, "/start");
    replies(&fake, 507, 1).await;
    fake.push(updates::membership(fake.next_update_id(), 507, "kicked"));
    let mut marked = false;
    for _ in 0..100 {
        if unreachable(507).await {
            marked = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(marked, "kicked marks the chat unreachable");
    fake.push(updates::membership(fake.next_update_id(), 507, "member"));
    fake.text(507, "/help");
    replies(&fake, 507, 2).await;
    assert!(!unreachable(507).await);
    no_rejections(&fake);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn long_replies_are_split_and_user_text_is_escaped() {
    let (_db, engine, fake) = setup().await;
    let running = start(&engine, &fake, Intake::LongPolling).await;
    let chat = 508;
    fake.text(chat, &format!("/{}", "a".repeat(5000)));
    let texts = replies(&fake, chat, 3).await;
    let chars: Vec<usize> = texts.iter().map(|t| t.chars().count()).collect();
    assert_eq!(chars.len(), 3, "two pieces and the menu: {chars:?}");
    assert!(chars[0] == 4096 && chars[0] + chars[1] > 5000, "{chars:?}");

    fake.text(chat, "/start");
    fake.press(chat, "lang:vi");
    fake.press(chat, "consent:yes");
    fake.text(chat, "<b>Tiên</b> & <script>alert(1)</script>");
    let texts = replies(&fake, chat, 8).await;
    let answer = texts.last().unwrap();
    assert!(
        answer.contains("&lt;b&gt;Tiên&lt;/b&gt; &amp; &lt;script&gt;"),
        "{answer}"
    );
    no_rejections(&fake);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn long_button_payloads_travel_as_tokens_and_unknown_tokens_have_expired() {
    use danvan::channels::buttons::payload_data;
    let (db, engine, fake) = setup().await;
    let running = start(&engine, &fake, Intake::LongPolling).await;
    let chat = 520;
    // A payload over 64 bytes, remembered when a reply carrying it was sent.
    let long = format!("cmd:help{}", " ".repeat(70));
    let token = payload_data(&long, 64);
    let mut tx = engine.store().begin().await.unwrap();
    tx.remember_buttons(&[(token.clone(), "cmd:help".into())])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    fake.text(chat, "/start");
    replies(&fake, chat, 1).await;
    fake.press(chat, &token);
    let texts = replies(&fake, chat, 3).await;
    assert!(texts[1].starts_with("Bạn đang đăng ký."), "{texts:?}");
    fake.press(chat, "~0123456789abcdef01234567");
    assert_eq!(replies(&fake, chat, 5).await[3], "Nút này đã hết hạn.");
    assert!(
        fake.wait_until(WAIT, |f| f.calls("answerCallbackQuery").len() == 2)
            .await
    );
    let answers = fake.calls("answerCallbackQuery");
    assert_eq!(answers[1].params["text"], "Nút này đã hết hạn.");
    drop(db);
    no_rejections(&fake);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn photos_and_locations_reach_the_engine_as_attachments() {
    use danvan::channels::Event;
    use danvan::channels::telegram::adapt::event;
    use danvan::message::InboundKind;
    let parse = |v: serde_json::Value| danvan::channels::telegram::adapt::parse_update(&v).unwrap();
    let photo = parse(updates::photo(
        1,
        9,
        &[("small", 90), ("large", 1280), ("medium", 320)],
    ));
    let Event::Chat { inbound, .. } = event(&photo) else {
        panic!("a photo is for the engine")
    };
    assert_eq!(
        inbound.kind,
        InboundKind::Photo {
            file_id: "large".into(),
            caption: None
        }
    );
    let location = parse(updates::location(2, 9, 20.65, 106.05));
    let Event::Chat { inbound, .. } = event(&location) else {
        panic!("a location is for the engine")
    };
    assert_eq!(
        inbound.kind,
        InboundKind::Location {
            latitude: 20.65,
            longitude: 106.05
        }
    );
}

#[tokio::test]
async fn an_update_that_cannot_be_handled_is_parked_listed_and_retryable() {
    let (db, engine, fake) = setup().await;
    let payload = serde_json::json!({"message": "no update_id"});
    let arrival = danvan::store::inbox::Arrival {
        event_id: "1".into(),
        chat: "9".into(),
        payload: &payload,
    };
    engine.store().intake("telegram", &[arrival]).await.unwrap();
    let running = start(&engine, &fake, Intake::LongPolling).await;
    let store = engine.store().clone();
    let mut failed = Vec::new();
    for _ in 0..100 {
        failed = store.failed_events().await.unwrap();
        if !failed.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rows: Vec<(String, i32, Option<String>)> =
        sqlx::query_as("SELECT status, attempts, last_error FROM inbox")
            .fetch_all(&pool(&db).await)
            .await
            .unwrap();
    assert_eq!(failed.len(), 1, "{rows:?}");
    assert!(
        failed[0].last_error.contains("not a Telegram update"),
        "{}",
        failed[0].last_error
    );
    assert_eq!(store.retry_failed(None).await.unwrap(), 1);
    let status: String = sqlx::query_scalar("SELECT status FROM inbox")
        .fetch_one(&pool(&db).await)
        .await
        .unwrap();
    assert!(["pending", "failed"].contains(&status.as_str()));
    running.stop().await.unwrap();
}

#[tokio::test]
async fn the_report_arrives_with_its_charts_uploaded_as_png_photos() {
    let (_db, engine, fake) = setup().await;
    let chat = 777;
    let mut admin = common::Person::on(&engine, "telegram", &chat.to_string());
    admin.sign_up("tien lu").await;
    admin
        .take_role(danvan::domain::access::Role::Admin, "33")
        .await;
    admin.send("/model kt | Mô hình nuôi ong | 12/4/2026").await;
    let running = start(&engine, &fake, Intake::LongPolling).await;

    fake.text(chat, "/report 2/2026");
    let arrived = fake
        .wait_until(WAIT, |f| f.calls("sendPhoto").len() >= 2)
        .await;
    assert!(arrived, "two charts; rejected: {:?}", fake.rejections());
    let photos = fake.calls("sendPhoto");
    let (sectors, units) = (&photos[0].params, &photos[1].params);
    assert_eq!(
        sectors["caption"],
        "Mô hình “Dân vận khéo” theo lĩnh vực, toàn tỉnh, quý II/2026"
    );
    assert_eq!(sectors["photo"]["filename"], "chart.png");
    assert_eq!(sectors["photo"]["png"]["width"], 1000);
    // One bar per unit with a model: one commune here, so the unit chart is the shorter one.
    assert!(units["photo"]["png"]["height"].as_u64() < sectors["photo"]["png"]["height"].as_u64());
    assert!(replies(&fake, chat, 1).await[0].starts_with("Tính đến hết quý II/2026, toàn tỉnh"));
    no_rejections(&fake);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_survey_invitation_goes_out_and_is_answered_with_its_buttons() {
    // Invitations may wait for the morning: the clock says noon in Vietnam.
    let noon = common::TestClock::at("2025-12-01 12:00");
    let (_db, engine) = common::demo_engine_at(noon.shared()).await;
    let (engine, fake) = (Arc::new(engine), FakeTelegram::start().await);
    let chat = 888;
    let mut resident = common::Person::on(&engine, "telegram", &chat.to_string());
    resident.sign_up("tien lu").await;
    let text =
        include_str!("../examples/survey.toml").replace("sensitive = true", "sensitive = false");
    let survey = danvan::domain::survey::SurveyFile::parse(&text).unwrap();
    let province = engine.units().by_code("33").unwrap().id;
    let id = common::open_survey(&engine, &survey, &[province]).await;

    let running = start(&engine, &fake, Intake::LongPolling).await;
    let invitation = replies(&fake, chat, 1).await;
    assert!(
        invitation[0].starts_with("📋 Góp ý dự thảo sửa đổi"),
        "{invitation:?}"
    );
    let sent = fake.calls("sendMessage").pop().unwrap();
    let keyboard = &sent.params["reply_markup"]["inline_keyboard"][0];
    assert_eq!(keyboard[0]["text"], "Tham gia");
    assert_eq!(keyboard[0]["callback_data"], format!("sv:{id}:start"));

    fake.press(chat, &format!("sv:{id}:start"));
    let texts = replies(&fake, chat, 3).await;
    assert!(texts[2].starts_with("Câu 1/5."), "{texts:?}");
    fake.press(chat, &format!("sv:{id}:a:agree:yes"));
    assert!(replies(&fake, chat, 4).await[3].starts_with("Câu 3/5."));
    no_rejections(&fake);
    running.stop().await.unwrap();
}
