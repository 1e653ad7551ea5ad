//! The fake Bot API answers as Zalo's does and refuses what it refuses.

mod common;

use std::time::{Duration, Instant};

use danvan_fake_zalo::bot::{post_webhook, updates};
use danvan_fake_zalo::{Failure, FakeZaloBot};
use serde_json::{Value, json};

const TOKEN: &str = "1459232241454765289:TestTokenAbc";

async fn call(bot: &FakeZaloBot, method: &str, params: Value) -> (u16, Value) {
    call_as(bot, TOKEN, method, params).await
}

async fn call_as(bot: &FakeZaloBot, token: &str, method: &str, params: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/bot{token}/{method}", bot.url))
        .json(&params)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_wrong_token_or_an_unknown_method_is_refused() {
    let bot = FakeZaloBot::start(TOKEN).await;
    let (status, body) = call_as(&bot, "1:wrong", "getMe", json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 401, "description": "Unauthorized"})
    );
    let (status, body) = call(&bot, "sendMesage", json!({})).await;
    assert_eq!((status, body["error_code"].clone()), (404, json!(404)));
    let (status, me) = call(&bot, "getMe", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(me["result"]["id"], json!(bot.bot_id()));
    assert_eq!(bot.bot_id(), "1459232241454765289");
    assert_eq!(bot.rejections().len(), 2);
}

#[tokio::test]
async fn get_updates_hands_out_one_update_at_a_time_then_times_out() {
    let bot = FakeZaloBot::start(TOKEN).await;
    let first = bot.text("u1", "một");
    bot.image("u1", "https://photo.zalo.me/a.jpg", Some("ảnh"));
    let (status, body) = call(&bot, "getUpdates", json!({"timeout": "1"})).await;
    assert_eq!((status, body["result"].clone()), (200, first));
    let (_, body) = call(&bot, "getUpdates", json!({"timeout": 1})).await;
    assert_eq!(body["result"]["event_name"], "message.image.received");
    assert_eq!(body["result"]["message"]["caption"], "ảnh");

    let started = Instant::now();
    let (status, body) = call(&bot, "getUpdates", json!({"timeout": 1})).await;
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(
        (status, body),
        (
            408,
            json!({"ok": false, "error_code": 408, "description": "Request timeout"})
        )
    );
    assert!(bot.rejections().is_empty(), "a timeout is no rejection");
}

#[tokio::test]
async fn a_waiting_poll_gets_an_update_as_it_arrives_and_a_second_poller_is_counted() {
    let bot = FakeZaloBot::start(TOKEN).await;
    let waiting = tokio::spawn({
        let bot = bot.clone();
        async move { call(&bot, "getUpdates", json!({"timeout": 5})).await }
    });
    assert!(
        bot.wait_until(Duration::from_secs(2), |b| b.polls_waiting() == 1)
            .await
    );
    let (status, _) = call(&bot, "getUpdates", json!({"timeout": 0})).await;
    assert_eq!(status, 408);
    assert_eq!(bot.concurrent_polls(), 1);

    let update = bot.sticker("u1");
    let (status, body) = waiting.await.unwrap();
    assert_eq!((status, body["result"].clone()), (200, update));
    assert_eq!(bot.polls_waiting(), 0);
}

#[tokio::test]
async fn polling_and_a_webhook_exclude_each_other() {
    let bot = FakeZaloBot::start(TOKEN).await;
    let set = |url: &str, secret: &str| json!({"url": url, "secret_token": secret});
    let (status, _) = call(
        &bot,
        "setWebhook",
        set("http://danvan.vn/zalo", "secret-123"),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = call(&bot, "setWebhook", set("https://danvan.vn/zalo", "short")).await;
    assert_eq!(status, 400);
    let (status, body) = call(
        &bot,
        "setWebhook",
        set("https://danvan.vn/zalo", "secret-123"),
    )
    .await;
    assert_eq!(
        (status, body["result"]["url"].clone()),
        (200, json!("https://danvan.vn/zalo"))
    );
    assert_eq!(bot.webhook().as_deref(), Some("https://danvan.vn/zalo"));

    let (status, body) = call(&bot, "getUpdates", json!({"timeout": 0})).await;
    assert_eq!((status, body["error_code"].clone()), (409, json!(409)));
    let (_, info) = call(&bot, "getWebhookInfo", json!({})).await;
    assert_eq!(info["result"]["url"], "https://danvan.vn/zalo");

    call(&bot, "deleteWebhook", json!({})).await;
    let (status, _) = call(&bot, "getUpdates", json!({"timeout": 0})).await;
    assert_eq!(status, 408);
    assert_eq!(bot.rejections().len(), 3, "{:?}", bot.rejections());
}

#[tokio::test]
async fn sends_go_only_to_people_who_wrote_and_within_the_limits() {
    let bot = FakeZaloBot::start(TOKEN).await;
    let message = |chat: &str, text: &str| json!({"chat_id": chat, "text": text});
    let (status, body) = call(&bot, "sendMessage", message("u1", "Chào")).await;
    assert_eq!(
        (status, body["description"].clone()),
        (403, json!("user has not interacted with the bot"))
    );

    bot.text("u1", "Xin chào");
    let (status, body) = call(&bot, "sendMessage", message("u1", "Chào bạn")).await;
    assert_eq!(status, 200);
    assert!(body["result"]["message_id"].is_string());
    assert!(body["result"]["date"].is_i64());
    let (status, _) = call(&bot, "sendMessage", message("u1", &"đ".repeat(2000))).await;
    assert_eq!(status, 200);
    let (status, body) = call(&bot, "sendMessage", message("u1", &"đ".repeat(2001))).await;
    assert_eq!(
        (status, body["description"].clone()),
        (400, json!("text length must be between 1 and 2000"))
    );
    let (status, _) = call(&bot, "sendMessage", json!({"chat_id": 1, "text": "x"})).await;
    assert_eq!(status, 400);

    let photo = |url: &str| json!({"chat_id": "u1", "photo": url, "caption": "Biểu đồ"});
    let (status, _) = call(&bot, "sendPhoto", photo("chart.png")).await;
    assert_eq!(status, 400);
    let (status, _) = call(&bot, "sendPhoto", photo("https://danvan.vn/c/1.png")).await;
    assert_eq!(status, 200);
    let (status, body) = call(
        &bot,
        "sendChatAction",
        json!({"chat_id": "u1", "action": "typing"}),
    )
    .await;
    assert_eq!((status, body), (200, json!({"ok": true})));

    bot.fail_next(Failure {
        status: 429,
        description: "Too Many Requests".into(),
        chat: Some("u1".into()),
    });
    let (status, _) = call(&bot, "sendMessage", message("u1", "lần 1")).await;
    assert_eq!(status, 429);
    // Form and query parameters are read too.
    let sent = reqwest::Client::new()
        .post(format!("{}/bot{TOKEN}/sendMessage?chat_id=u1", bot.url))
        .form(&[("text", "lần 2")])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);

    assert_eq!(
        bot.texts_to("u1"),
        ["Chào bạn", &"đ".repeat(2000), "Biểu đồ", "lần 2"]
    );
    assert_eq!(bot.photos_to("u1"), ["https://danvan.vn/c/1.png"]);
    assert_eq!(bot.rejections().len(), 4, "{:?}", bot.rejections());
}

#[tokio::test]
async fn updates_reach_a_webhook_with_the_secret_bare_or_wrapped() {
    let bot = FakeZaloBot::start(TOKEN).await;
    let (url, inbox) = common::webhook().await;
    let update = updates::text("u2", "Xin chào");
    assert_eq!(
        bot.post_webhook(&url, "secret-123", &update, false).await,
        200
    );
    assert_eq!(post_webhook(&url, "secret-123", &update, true).await, 200);

    {
        let inbox = inbox.lock().unwrap();
        let body = |i: usize| serde_json::from_slice::<Value>(&inbox[i].body).unwrap();
        assert_eq!(inbox[0].headers["x-bot-api-secret-token"], "secret-123");
        assert_eq!(body(0), update);
        assert_eq!(body(1), json!({"ok": true, "result": update}));
    }
    // Delivered through the fake, the person has written: the bot may answer them.
    let (status, _) = call(
        &bot,
        "sendMessage",
        json!({"chat_id": "u2", "text": "Chào"}),
    )
    .await;
    assert_eq!(status, 200);
}
