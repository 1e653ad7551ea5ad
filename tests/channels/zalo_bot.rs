//! What only the Zalo Bot API does: a webhook with a shared secret and bare or wrapped bodies,
//! updates handed out once (one poller across processes), withheld content, a wrong token, and
//! charts fetched from our public URL.

use std::time::Duration;

use danvan::channels::Intake;
use danvan::channels::public_images::PublicImages;
use danvan::channels::zalo_bot::intake::WEBHOOK_PATH;
use danvan::chart::Plot;
use danvan::serve;
use danvan_fake_zalo::bot::updates;

use crate::driver::{Chat, Kind, Platform, WAIT, text};

const SECRET: &str = "zalo-webhook-secret";

fn webhook() -> Intake {
    Intake::Webhook {
        url: "https://danvan.example/zalo/bot/webhook".parse().unwrap(),
        secret: SECRET.into(),
    }
}

#[tokio::test]
async fn the_webhook_takes_bare_and_wrapped_updates_once_and_refuses_a_wrong_secret() {
    let chat = Chat::start_with(Kind::ZaloBot, webhook()).await;
    let Platform::ZaloBot(fake, user) = &chat.platform else {
        unreachable!()
    };
    assert_eq!(
        fake.webhook().as_deref(),
        Some("https://danvan.example/zalo/bot/webhook")
    );
    let url = chat.url(WEBHOOK_PATH);
    let hello = updates::text(user, "Xin chào");
    assert_eq!(
        fake.post_webhook(&url, "not-the-secret", &hello, false)
            .await,
        401
    );
    assert_eq!(fake.post_webhook(&url, SECRET, &hello, false).await, 200);
    // Zalo delivering the same update again, wrapped this time, is the same event.
    assert_eq!(fake.post_webhook(&url, SECRET, &hello, true).await, 200);
    assert!(fake.wait_until(WAIT, |f| f.texts_to(user).len() == 1).await);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.texts_to(user).len(), 1, "one greeting for one update");
    let wrapped = updates::text(user, "/help");
    assert_eq!(fake.post_webhook(&url, SECRET, &wrapped, true).await, 200);
    assert!(fake.wait_until(WAIT, |f| f.texts_to(user).len() == 2).await);
    assert_eq!(
        fake.post_webhook(&url, SECRET, &serde_json::json!("nonsense"), false)
            .await,
        200
    );
    chat.stop().await;
}

#[tokio::test]
async fn only_one_process_polls_and_every_update_is_handled_once() {
    let mut chat = Chat::start(Kind::ZaloBot).await;
    // A second serve on the same database, as on a second machine.
    let second = serve::start(
        chat.engine.clone(),
        vec![chat.build_channel().unwrap()],
        2,
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    chat.sign_up().await;
    let Platform::ZaloBot(fake, _) = &chat.platform else {
        unreachable!()
    };
    for n in 0..5 {
        fake.text(&format!("77000000000000000{n:02}"), "Xin chào");
    }
    assert!(
        fake.wait_until(WAIT, |f| (0..5)
            .all(|n| f.texts_to(&format!("77000000000000000{n:02}")).len() == 1))
            .await
    );
    assert_eq!(fake.concurrent_polls(), 0, "two processes polled at once");
    second.stop().await.unwrap();
    chat.stop().await;
}

#[tokio::test]
async fn withheld_content_gets_a_polite_answer_and_stickers_no_error() {
    let mut chat = Chat::start(Kind::ZaloBot).await;
    chat.sign_up().await;
    let Platform::ZaloBot(fake, user) = &chat.platform else {
        unreachable!()
    };
    fake.unsupported(user);
    let answer = text(&chat.replies().await);
    assert!(answer.contains("không hiển thị được"), "{answer}");
    let Platform::ZaloBot(fake, user) = &chat.platform else {
        unreachable!()
    };
    fake.sticker(user);
    let answer = text(&chat.replies().await);
    assert!(!answer.is_empty());
    let failed = chat.engine.store().failed_events().await.unwrap();
    assert!(failed.is_empty(), "{failed:?}");
    chat.stop().await;
}

#[tokio::test]
async fn a_wrong_token_stops_serve_with_a_clear_reason() {
    let mut chat = Chat::start(Kind::ZaloBot).await;
    chat.running.take().unwrap().stop().await.unwrap();
    let Platform::ZaloBot(fake, _) = &chat.platform else {
        unreachable!()
    };
    let wrong = danvan::channels::zalo_bot::ZaloBot::new(
        danvan::channels::zalo_bot::ZaloBotConfig {
            token: "8123:revoked".into(),
            api_url: fake.api_url(),
            intake: Intake::LongPolling,
            public_images: None,
            rate: None,
            poll_wait: Duration::from_secs(1),
        },
        chat.engine.store().clone(),
    );
    let error = serve::start(
        chat.engine.clone(),
        vec![wrong],
        1,
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .err()
    .expect("serve refuses to start");
    assert!(format!("{error:#}").contains("ZALO_BOT_TOKEN"), "{error:#}");
    assert!(
        !format!("{error:#}").contains("revoked"),
        "the token is never shown"
    );
}

#[tokio::test]
async fn a_chart_is_served_at_its_public_url() {
    let chat = Chat::start(Kind::ZaloBot).await;
    let base = format!("{}/", chat.url(""));
    let images = PublicImages::new(chat.engine.store().clone(), base.parse().unwrap());
    let plot = Plot {
        title: "Mô hình theo lĩnh vực".into(),
        bars: vec![("Kinh tế".into(), 761), ("Văn hóa - xã hội".into(), 1024)],
        lang: danvan::message::Lang::Vi,
    };
    let url = images.url(&plot).await.unwrap();
    assert_eq!(
        url,
        images.url(&plot).await.unwrap(),
        "the same chart, the same URL"
    );
    let response = reqwest::get(url.clone()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert!(response.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let missing = url.as_str().replace(".png", "0.png");
    assert_eq!(reqwest::get(missing).await.unwrap().status(), 404);
    chat.stop().await;
}

#[tokio::test]
async fn a_person_zalo_would_not_let_us_reach_is_reachable_again_once_they_write() {
    let mut chat = Chat::start(Kind::ZaloBot).await;
    chat.sign_up().await;
    let Platform::ZaloBot(fake, user) = &chat.platform else {
        unreachable!()
    };
    fake.fail_next(danvan_fake_zalo::Failure {
        status: 403,
        description: "Forbidden".into(),
        chat: Some(user.clone()),
    });
    let store = chat.engine.store().clone();
    let province = chat
        .engine
        .units()
        .by_code(crate::driver::PROVINCE)
        .unwrap()
        .id;
    let notice = |title: &str| {
        let mut notice =
            danvan::store::notices::NewNotice::to_units(title, "Nội dung.", vec![province]);
        notice.quiet_hours = false;
        notice
    };
    let first = store.create_notice(&notice("Thông báo một")).await.unwrap();
    store
        .schedule_notice(first, chat.engine.now())
        .await
        .unwrap();
    let blocked = async {
        while store
            .notice_status(first)
            .await
            .unwrap()
            .unwrap()
            .totals
            .blocked
            != 1
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(WAIT, blocked)
        .await
        .expect("recorded as blocked");
    chat.say("/help").await;
    let second = store.create_notice(&notice("Thông báo hai")).await.unwrap();
    store
        .schedule_notice(second, chat.engine.now())
        .await
        .unwrap();
    let arrived = text(&chat.replies().await);
    assert!(arrived.contains("Thông báo hai"), "{arrived}");
    chat.stop().await;
}

#[tokio::test]
async fn a_message_with_a_nul_character_is_stored_and_answered() {
    let mut chat = Chat::start(Kind::ZaloBot).await;
    let Platform::ZaloBot(fake, user) = &chat.platform else {
        unreachable!()
    };
    // PostgreSQL refuses NUL in text and jsonb: such an update must not stall the poller.
    fake.text(user, "Xin\u{0} chào");
    let answer = text(&chat.replies().await);
    assert!(answer.contains("Xin chào"), "{answer}");
    let Platform::ZaloBot(fake, user) = &chat.platform else {
        unreachable!()
    };
    fake.text(user, "/help");
    assert!(
        !chat.replies().await.is_empty(),
        "the next update is taken too"
    );
    chat.stop().await;
}
