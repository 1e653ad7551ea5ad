//! `danvan serve` as a real process with every channel configured from the environment, as the
//! README says: Telegram, the Zalo bot and the Zalo OA side by side, and the web chat, which runs
//! unless turned off.

use std::process::Stdio;
use std::time::Duration;

use danvan_fake_telegram::FakeTelegram;
use danvan_fake_zalo::{FakeZaloBot, FakeZaloOa, OaKeys};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::browser::Browser;
use crate::driver::{BOT_TOKEN, WAIT};

#[tokio::test]
async fn one_serve_runs_telegram_the_zalo_bot_the_zalo_oa_and_the_web_chat_from_their_settings() {
    let (db, _engine) = crate::common::demo_engine().await;
    let telegram = FakeTelegram::start().await;
    let bot = FakeZaloBot::start(BOT_TOKEN).await;
    let oa = FakeZaloOa::start(OaKeys::example()).await;
    let keys = oa.keys().clone();
    let mut serve = tokio::process::Command::new(env!("CARGO_BIN_EXE_danvan"))
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("DANVAN_LISTEN", "127.0.0.1:0")
        .env("TELOXIDE_TOKEN", "123:TEST")
        .env("TELOXIDE_API_URL", &telegram.url)
        .env("ZALO_BOT_TOKEN", BOT_TOKEN)
        .env("ZALO_BOT_API_URL", &bot.url)
        .env("ZALO_OA_APP_ID", &keys.app_id)
        .env("ZALO_OA_SECRET_KEY", &keys.oa_secret_key)
        .env("ZALO_OA_APP_SECRET", &keys.app_secret)
        .env("ZALO_OA_REFRESH_TOKEN", &keys.refresh_token)
        .env("ZALO_OA_API_URL", &oa.url)
        .env("ZALO_OAUTH_URL", &oa.url)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(serve.stderr.take().unwrap()).lines();
    let addr = tokio::time::timeout(WAIT, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(rest) = line.split("serving on http://").nth(1) {
                return rest.split_whitespace().next().unwrap().to_owned();
            }
        }
        panic!("serve ended before serving");
    })
    .await
    .expect("serve starts");

    telegram.text(4242, "/start");
    bot.text("5550000000000000001", "Xin chào");
    let user = danvan_fake_zalo::oa::events::user_id(7);
    let webhook = format!("http://{addr}/zalo/oa/webhook");
    assert_eq!(
        oa.send_event(&webhook, &oa.events().follow(&user)).await.0,
        200
    );
    assert!(
        telegram
            .wait_until(WAIT, |f| !f.texts_to(4242).is_empty())
            .await
    );
    assert!(
        bot.wait_until(WAIT, |f| !f.texts_to("5550000000000000001").is_empty())
            .await
    );
    assert!(oa.wait_until(WAIT, |f| !f.texts_to(&user).is_empty()).await);
    let mut page = Browser::new();
    page.load(&format!("http://{addr}")).await;
    let (status, _) = page.post(serde_json::json!({"text": "/start"})).await;
    assert_eq!(status, 200);
    let greeted = tokio::time::timeout(WAIT, async {
        while page.shown().is_empty() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(greeted.is_ok(), "the web chat answers");
    for greeting in [
        &telegram.texts_to(4242)[0],
        &bot.texts_to("5550000000000000001")[0],
        &oa.texts_to(&user)[0],
    ] {
        assert!(greeting.contains("Xin chào"), "{greeting}");
    }

    // SIGTERM: intake stops, the page's long poll is answered, work in hand finishes, exit 0.
    let pid = serve.id().unwrap() as i32;
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let status = tokio::time::timeout(Duration::from_secs(30), serve.wait())
        .await
        .expect("serve stops")
        .unwrap();
    assert!(status.success(), "{status}");
    for rejected in [telegram.rejections(), bot.rejections(), oa.rejections()] {
        assert_eq!(rejected, Vec::<String>::new());
    }
}
