//! `danvan serve` as real processes against the fake Bot API: killed with -9 and restarted, two at
//! once on one database, stopped with SIGTERM.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use danvan_fake_telegram::FakeTelegram;
use sqlx::PgPool;

/// Replies a killed process had queued go out once their 10 s lease lapses.
const WAIT: Duration = Duration::from_secs(60);
/// Workers per process: a worker deletes the replies of its batch once all of them are sent, so a
/// kill can repeat at most one batch of replies per worker.
const WORKERS: usize = 2;

/// `danvan serve` with this intake and a rate limit of `rate` messages/s.
fn serve(db_url: &str, fake: &FakeTelegram, intake: &str, rate: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_danvan"))
        .arg("serve")
        .env("DATABASE_URL", db_url)
        .env("TELOXIDE_TOKEN", "123:TEST")
        .env("TELOXIDE_API_URL", &fake.url)
        .env("TELEGRAM_INTAKE", intake)
        .env("DANVAN_LISTEN", "127.0.0.1:0")
        .env("DANVAN_WORKERS", WORKERS.to_string())
        .env("TELEGRAM_RATE", rate)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn a_process_killed_mid_stream_loses_nothing_after_restart() {
    let (db, _engine) = common::demo_engine().await;
    let pool = PgPool::connect(&db.url).await.unwrap();
    let fake = FakeTelegram::start().await;
    let chats: Vec<i64> = (1000..1040).collect();
    let mut first = serve(&db.url, &fake, "polling", "30");
    for &chat in &chats {
        fake.text(chat, "/start");
    }
    assert!(
        fake.wait_until(WAIT, |f| f.calls("sendMessage").len() >= 5)
            .await,
        "the first process got going"
    );
    first.kill().unwrap();
    first.wait().unwrap();
    let before = fake.calls("sendMessage").len();

    let mut second = serve(&db.url, &fake, "polling", "30");
    let all_greeted = fake
        .wait_until(WAIT, |f| chats.iter().all(|&c| !f.texts_to(c).is_empty()))
        .await;
    assert!(
        all_greeted,
        "every chat is answered after the restart ({before} before the kill)"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Each update handled once; a reply can repeat only if it was on the wire at the kill.
    assert_eq!(
        count(&pool, "SELECT count(*) FROM chats").await,
        chats.len() as i64
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM inbox WHERE status = 'done'").await,
        chats.len() as i64
    );
    // Every update here has one reply.
    let repeated: usize = chats.iter().map(|&c| fake.texts_to(c).len() - 1).sum();
    let in_flight = WORKERS * danvan::store::inbox::CLAIM_BATCH;
    assert!(
        repeated <= in_flight,
        "{repeated} replies repeated; at most the {in_flight} of batches in hand may"
    );
    assert!(fake.rejections().is_empty(), "{:?}", fake.rejections());

    // SIGTERM: stop taking updates, finish, exit 0.
    // SAFETY: sending a signal to our own child.
    unsafe { libc::kill(second.id() as i32, libc::SIGTERM) };
    let status = tokio::task::spawn_blocking(move || second.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn two_processes_share_the_inbox_without_handling_anything_twice() {
    let (db, _engine) = common::demo_engine().await;
    let pool = PgPool::connect(&db.url).await.unwrap();
    let fake = FakeTelegram::start().await;
    let mut taker = serve(&db.url, &fake, "polling", "30");
    let mut helper = serve(&db.url, &fake, "none", "30");
    let chats: Vec<i64> = (2000..2030).collect();
    for step in ["/start", "/help", "/lang"] {
        for &chat in &chats {
            fake.text(chat, step);
        }
    }
    // greeting; help + greeting again; greeting = 4 messages per chat.
    let done = fake
        .wait_until(WAIT, |f| chats.iter().all(|&c| f.texts_to(c).len() >= 4))
        .await;
    assert!(done, "all chats answered");
    tokio::time::sleep(Duration::from_millis(500)).await;
    for &chat in &chats {
        assert_eq!(
            fake.texts_to(chat).len(),
            4,
            "chat {chat} got a reply twice"
        );
    }
    assert_eq!(
        count(&pool, "SELECT count(*) FROM inbox WHERE status = 'done'").await,
        90
    );
    for child in [&mut taker, &mut helper] {
        // SAFETY: sending a signal to our own child.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    }
    for mut child in [taker, helper] {
        let status = tokio::task::spawn_blocking(move || child.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(status.success());
    }
}

#[tokio::test]
async fn a_broadcast_killed_mid_way_reaches_everyone_after_restart() {
    let (db, engine) = common::demo_engine().await;
    let pool = PgPool::connect(&db.url).await.unwrap();
    let fake = FakeTelegram::start().await;
    let chats: Vec<i64> = (3000..3060).collect();
    for &chat in &chats {
        let mut p = common::Person::on(&engine, "telegram", &chat.to_string());
        p.consent().await;
        p.send("tien lu").await;
        p.press("unit:yes").await;
    }
    let store = engine.store();
    let mut notice = danvan::store::notices::NewNotice::to_units(
        "Thông báo",
        "Nội dung.",
        vec![engine.units().by_code("12364").unwrap().id],
    );
    notice.quiet_hours = false;
    let id = store.create_notice(&notice).await.unwrap();
    store.schedule_notice(id, chrono::Utc::now()).await.unwrap();
    let notices = |f: &FakeTelegram| {
        f.calls("sendMessage")
            .iter()
            .filter(|c| c.succeeded && c.params["text"].as_str().unwrap_or("").starts_with("📢"))
            .count()
    };

    let mut first = serve(&db.url, &fake, "none", "20");
    assert!(fake.wait_until(WAIT, |f| notices(f) >= 15).await);
    first.kill().unwrap();
    first.wait().unwrap();
    let before = notices(&fake);
    // Claimed and not recorded as sent at the kill: each was in flight, sent with its outcome
    // not written yet, or waiting its turn. Only these may go twice.
    let in_hand: Vec<String> = sqlx::query_scalar(
        "SELECT address FROM deliveries WHERE notice_id = $1 AND status = 'sending'",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    // What the killed process held comes back a minute after its lease lapses (time for a sender
    // only cut off from the database to record what it sent); let that minute pass now.
    sqlx::query(
        "UPDATE deliveries SET lease_until = now() - interval '61 seconds' WHERE status = 'sending'",
    )
        .execute(&pool)
        .await
        .unwrap();

    let mut second = serve(&db.url, &fake, "none", "20");
    let everyone = fake
        .wait_until(WAIT, |f| chats.iter().all(|&c| !f.texts_to(c).is_empty()))
        .await;
    assert!(everyone, "every resident gets the notice after the restart");
    tokio::time::sleep(Duration::from_millis(500)).await;
    second.kill().unwrap();
    second.wait().unwrap();
    let repeated = notices(&fake) - chats.len();
    let doubled: Vec<String> = chats
        .iter()
        .map(|c| c.to_string())
        .filter(|c| {
            let got = fake.texts_to(c.parse().unwrap());
            got.iter().filter(|t| t.starts_with("📢")).count() > 1
        })
        .collect();
    eprintln!(
        "killed after {before} sends with {} claimed and unrecorded; {repeated} sent twice",
        in_hand.len()
    );
    // Only sends in hand at the kill can repeat: at 20/s, a claim holds about a second's worth.
    assert!(
        doubled.iter().all(|c| in_hand.contains(c)),
        "doubled {doubled:?}, in hand {in_hand:?}"
    );
    assert!(repeated <= 20, "{repeated} notices sent twice");
    let sent: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM deliveries WHERE notice_id = $1 AND status = 'sent'",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(sent, chats.len() as i64);
    assert!(fake.rejections().is_empty(), "{:?}", fake.rejections());
}

#[tokio::test]
async fn serve_with_no_channel_says_which_settings_enable_one_and_still_answers_health() {
    use std::io::{BufRead, BufReader};
    let db = common::test_db().await;
    let mut process = Command::new(env!("CARGO_BIN_EXE_danvan"))
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env_remove("TELOXIDE_TOKEN")
        // The web chat runs unless turned off.
        .env("DANVAN_WEB_CHAT", "off")
        .env("DANVAN_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read on a thread for as long as the process lives: a closed pipe would end it.
    let stderr = BufReader::new(process.stderr.take().unwrap());
    let (lines, said_lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let mut said = Vec::new();
    let mut addr = None;
    while let Ok(line) = said_lines.recv_timeout(Duration::from_secs(60)) {
        if let Some(rest) = line.strip_prefix("danvan: serving on http://") {
            addr = rest.split_whitespace().next().map(str::to_owned);
            break;
        }
        said.push(line);
    }
    let said = said.join("\n");
    assert!(
        said.contains("no chat channel is configured")
            && said.contains("TELOXIDE_TOKEN")
            && said.contains("DANVAN_WEB_CHAT"),
        "{said}"
    );
    let addr = addr.expect("serve says where it listens");
    let health = reqwest::get(format!("http://{addr}/health")).await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let pid = process.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    assert!(
        process.wait().unwrap().success(),
        "SIGTERM ends serve cleanly"
    );
}
