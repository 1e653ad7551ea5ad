//! The web chat as a visitor meets it, in headless Chromium: the buttons of earlier messages are
//! inert once a newer message brings its own, and the one pressed stays marked as chosen; the
//! visitor's own words come back after a reload (kept in this browser), and go when the visitor
//! does (erased with /forget, then swept).

use std::sync::Arc;
use std::time::Duration;

use danvan::channels::Channel;
use danvan::channels::web::{WebChat, WebChatConfig};
use fantoccini::Client;
use serde_json::json;

use crate::browser::{Album, connect, driver, press, say, until_text};
use crate::common::TestClock;
use crate::site::Site;

/// Each button on the page with this label: (inert, marked as chosen).
async fn buttons(client: &Client, label: &str) -> serde_json::Value {
    client
        .execute(
            "return [...document.querySelectorAll('#log .bot button')]
                 .filter(b => b.textContent.trim() === arguments[0])
                 .map(b => [b.disabled, b.classList.contains('chosen')])",
            vec![json!(label)],
        )
        .await
        .unwrap()
}

/// What this browser keeps of the visitor's own words.
async fn kept_words(client: &Client) -> String {
    client
        .execute(
            "return Object.keys(localStorage)
                 .filter(k => k.startsWith('danvan-web-chat-mine:'))
                 .map(k => localStorage.getItem(k)).join('')",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_visitors_earlier_buttons_go_inert_and_their_words_last_until_they_are_gone() {
    let Some(driver) = driver() else {
        return;
    };
    let clock = TestClock::at("2025-12-01 09:00");
    let site = Site::start_as(clock.shared(), &Default::default(), |store| {
        let web: Arc<dyn Channel> = WebChat::new(WebChatConfig::default(), store.clone());
        vec![web]
    })
    .await;
    let client = connect(&driver).await;
    let mut album = Album::new("web-chat-kept");

    // Signing up: each choice made leaves its message's buttons behind, inert, the one pressed
    // marked; only the newest message's buttons are live.
    // A new visitor is greeted with the choice of language (no "/start" typed: it would ask
    // again, once or twice depending on whether the greeting came first).
    client.goto(&site.url("/chat")).await.unwrap();
    until_text(&client, "Bạn muốn dùng ngôn ngữ nào?").await;
    press(&client, "Tiếng Việt").await;
    until_text(&client, "Tôi đồng ý").await;
    assert_eq!(
        buttons(&client, "Tôi đồng ý").await,
        json!([[false, false]])
    );
    assert_eq!(buttons(&client, "Tiếng Việt").await, json!([[true, true]]));
    assert_eq!(buttons(&client, "English").await, json!([[true, false]]));
    press(&client, "Tôi đồng ý").await;
    until_text(&client, "xã").await;
    say(&client, "tien lu").await;
    press(&client, "Đúng").await;
    until_text(&client, "Bạn đã đăng ký tại").await;
    album.take(&client, "signed-up").await;

    // A reload shows the visitor's own words again, and the old buttons as they were.
    client.refresh().await.unwrap();
    until_text(&client, "Bạn đã đăng ký tại").await;
    let mine = client
        .execute(
            "return [...document.querySelectorAll('#log .me')].map(m => m.textContent)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        mine,
        json!(["Tiếng Việt", "Tôi đồng ý", "tien lu", "Đúng"]),
        "the visitor's words, in order"
    );
    assert_eq!(buttons(&client, "Tiếng Việt").await, json!([[true, true]]));
    assert_eq!(buttons(&client, "English").await, json!([[true, false]]));
    album.take(&client, "reloaded").await;

    // Gone: erased with /forget, then swept once the goodbye had time to be read. The next
    // visit starts afresh, and nothing the visitor wrote stays in this browser.
    say(&client, "/forget").await;
    press(&client, "Xoá dữ liệu").await;
    until_text(&client, "Đã xoá dữ liệu của bạn").await;
    assert!(kept_words(&client).await.contains("tien lu"));
    site.engine
        .store()
        .forget_erased_web_visitors(Duration::ZERO)
        .await
        .unwrap();
    client.refresh().await.unwrap();
    until_text(&client, "Bạn muốn dùng ngôn ngữ nào?").await;
    let page = client.source().await.unwrap();
    assert!(!page.contains("tien lu"), "{page}");
    assert!(!kept_words(&client).await.contains("tien lu"));
    album.take(&client, "a-new-visitor").await;

    client.close().await.unwrap();
}
