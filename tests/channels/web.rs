//! What only the web chat does: events the page posts again are handled once, a reload shows the
//! history, tokens the server did not make are refused, bad bodies get a clear answer the page can
//! show, floods get a polite 429, and the page itself is served in Vietnamese or English.

use std::time::Duration;

use danvan::channels::web;
use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::json;

use crate::browser::{Browser, plain, uuid};
use crate::driver::{Chat, Kind, Platform, WAIT, text};

fn browser(chat: &Chat) -> &Browser {
    match &chat.platform {
        Platform::Web(browser) => browser,
        _ => unreachable!("a web chat"),
    }
}

async fn inbox_rows(chat: &Chat) -> i64 {
    let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
    sqlx::query_scalar("SELECT count(*) FROM inbox WHERE channel = 'web'")
        .fetch_one(&pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_same_event_posted_twice_is_handled_once() {
    let mut chat = Chat::start(Kind::Web).await;
    let hello = json!({"id": uuid(), "text": "Xin chào"});
    let (status, answer) = browser(&chat).post_event(&hello).await;
    assert_eq!((status, answer), (StatusCode::OK, json!({"ok": true})));
    let greeting = chat.replies().await;
    assert!(text(&greeting).contains("Xin chào"), "{greeting:?}");
    // The page lost the answer and posts the same event again.
    assert_eq!(browser(&chat).post_event(&hello).await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(chat.messages().len(), greeting.len(), "one greeting");
    // The receipt for the greeting is the only other event.
    assert_eq!(inbox_rows(&chat).await, 2);
    chat.stop().await;
}

#[tokio::test]
async fn a_reload_shows_the_history() {
    let mut chat = Chat::start(Kind::Web).await;
    chat.sign_up().await;
    let page = browser(&chat);
    let (status, reloaded) = page.fetch(&page.token, 0).await;
    assert_eq!(status, StatusCode::OK);
    let history = reloaded["messages"].as_array().unwrap();
    assert_eq!(history, &page.shown());
    assert!(
        plain(history.last().unwrap()["html"].as_str().unwrap()).contains("Bạn đã đăng ký tại")
    );
    // From the middle on, as a page that had shown the first messages.
    let second = history[1]["id"].as_i64().unwrap();
    let (_, rest) = page.fetch(&page.token, second).await;
    assert_eq!(rest["messages"].as_array().unwrap()[..], history[2..]);
    chat.stop().await;
}

#[tokio::test]
async fn a_token_the_server_did_not_make_is_refused() {
    let chat = Chat::start(Kind::Web).await;
    let page = browser(&chat);
    let forged = "0123456789abcdef".repeat(4);
    let hello = json!({"id": uuid(), "text": "Xin chào"}).to_string();
    for token in [forged.as_str(), "", "not-a-token", &page.token[..63]] {
        let (status, answer) = page.post_body(token, hello.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token}: {answer}");
        assert_eq!(answer["error"], "unknown-visitor");
        assert!(
            answer["message"]
                .as_str()
                .unwrap()
                .contains("Phiên trò chuyện")
        );
        assert_eq!(page.fetch(token, 0).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(inbox_rows(&chat).await, 0, "nothing forged was kept");
    chat.stop_after_refusals().await;
}

#[tokio::test]
async fn an_oversized_or_malformed_body_gets_a_clear_error_and_loses_nothing() {
    let mut chat = Chat::start(Kind::Web).await;
    chat.begin().await;
    let page = browser(&chat);
    let token = page.token.clone();
    let huge = json!({"id": uuid(), "text": "đ".repeat(20_000)}).to_string();
    let (status, answer) = page.post_body(&token, huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    assert_eq!(answer["error"], "too-long");
    assert!(
        answer["message"].as_str().unwrap().contains("4.096 ký tự"),
        "{answer}"
    );
    for body in ["{not json", r#"{"id": "x1"}"#, r#"{"id": "x2", "text": 5}"#] {
        let (status, answer) = page.post_body(&token, body.into()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["error"], "malformed");
        assert!(
            answer["message"]
                .as_str()
                .unwrap()
                .contains("không đọc được")
        );
    }
    // In English when the page is.
    let english = reqwest::Client::new()
        .post(page.url("/chat/api/events"))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .body("{")
        .send()
        .await
        .unwrap();
    let answer: serde_json::Value = english.json().await.unwrap();
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("could not be read")
    );
    // What came before is all there, and the chat goes on.
    let before = page.fetch(&token, 0).await.1["messages"]
        .as_array()
        .unwrap()
        .len();
    assert!(before >= 1);
    let lang = text(&chat.choose("Tiếng Việt").await);
    assert!(lang.contains("đồng ý"), "{lang}");
    chat.stop_after_refusals().await;
}

#[tokio::test]
async fn a_flood_gets_429_with_a_polite_text() {
    let chat = Chat::start(Kind::Web).await;
    let page = browser(&chat);
    let http = reqwest::Client::new();
    let mut refused = None;
    for n in 0..60 {
        let response = http
            .post(page.url("/chat/api/events"))
            .bearer_auth(&page.token)
            .json(&json!({"id": uuid(), "text": format!("tin {n}")}))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(response);
            break;
        }
    }
    let refused = refused.expect("a flood is stopped");
    assert!(refused.headers().contains_key("retry-after"));
    let answer: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(answer["error"], "too-many");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("Xin chờ một chút")
    );
    // New visitors from one address are limited too.
    let mut statuses = Vec::new();
    for _ in 0..30 {
        statuses.push(page.new_visitor().await.0);
    }
    assert!(statuses.contains(&StatusCode::CREATED));
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Another visitor, from another address behind the same proxy, still gets through.
    let other = http
        .post(page.url("/chat/api/visitor"))
        .header("x-forwarded-for", "203.0.113.5")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::CREATED);
    chat.stop_after_refusals().await;
}

#[tokio::test]
async fn a_stale_button_gets_the_engines_usual_answer() {
    let mut chat = Chat::start(Kind::Web).await;
    chat.sign_up().await;
    // The consent buttons of a message from before sign-up, pressed again.
    let stale = text(&chat.choose("Tôi đồng ý").await);
    assert!(stale.contains("Nút này đã hết hạn"), "{stale}");
    chat.stop().await;
}

#[tokio::test]
async fn forget_leaves_only_the_goodbye_in_the_history() {
    let mut chat = Chat::start(Kind::Web).await;
    chat.sign_up().await;
    chat.say("/forget").await;
    let gone = chat.choose("Xoá dữ liệu").await;
    let page = browser(&chat);
    let (_, history) = page.fetch(&page.token, 0).await;
    let history: Vec<String> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| plain(m["html"].as_str().unwrap()))
        .collect();
    assert_eq!(
        history,
        gone.iter().map(|s| s.text.clone()).collect::<Vec<_>>()
    );
    assert!(history.concat().contains("Đã xoá dữ liệu của bạn"));
    // The visitor reads the goodbye but posts nothing more (the page starts afresh)…
    let (status, _) = page.post(json!({"text": "Xin chào"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // …and goes with it once it had time to read it.
    let store = chat.engine.store();
    assert_eq!(
        store
            .forget_erased_web_visitors(Duration::ZERO)
            .await
            .unwrap(),
        1
    );
    assert_eq!(page.fetch(&page.token, 0).await.0, StatusCode::UNAUTHORIZED);
    let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM web_visitors) + (SELECT count(*) FROM web_chat_messages)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(left, 0);
    chat.stop_after_refusals().await;
}

#[tokio::test]
async fn a_photo_sent_twice_is_kept_once_and_what_is_no_photo_is_refused() {
    use danvan::channels::Channel;
    use danvan::message::Picture;

    let mut chat = Chat::start(Kind::Web).await;
    chat.sign_up().await;
    let page = browser(&chat);
    let jpeg = std::fs::read("assets/demo/photos/3-trees.jpg").unwrap();
    let id = uuid();
    for _ in 0..2 {
        let (status, answer) = page.post_photo(&id, jpeg.clone()).await;
        assert_eq!((status, answer), (StatusCode::OK, json!({"ok": true})));
    }
    let page_as_photo = b"<html><script>alert(1)</script></html>".to_vec();
    let too_big = [&b"\xFF\xD8\xFF"[..], &vec![0; 11 * 1024 * 1024]].concat();
    for bytes in [page_as_photo, too_big] {
        let (status, refused) = page.post_photo(&uuid(), bytes).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{refused}");
        assert_eq!(refused["error"], "not-a-photo");
        assert!(
            refused["message"].as_str().unwrap().contains("JPEG"),
            "{refused}"
        );
    }
    let (status, _) = page.post_photo("not an id!", jpeg.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A photo cannot be named by an event posted as JSON.
    let (status, _) = page.post(json!({"photo": "0123abcd"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
    let photo_events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM inbox WHERE channel = 'web' AND event_id LIKE $1")
            .bind(format!("%:{id}"))
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(photo_events, 1);

    let key = web::photo_key(&Picture::read(jpeg.clone()).unwrap());
    let kept = web::WebChat::new(Default::default(), chat.engine.store().clone());
    assert_eq!(kept.photo(&key).await.unwrap().unwrap().bytes, jpeg);
    assert_eq!(kept.photo("0123abcd").await.unwrap(), None);
    // Photos no activity keeps are swept once old enough.
    let store = chat.engine.store();
    let a_day = Duration::from_secs(24 * 3600);
    assert_eq!(store.forget_unused_web_photos(a_day).await.unwrap(), 0);
    let other = std::fs::read("assets/demo/photos/4-talk.jpg").unwrap();
    assert_eq!(
        page.post_photo(&uuid(), other.clone()).await.0,
        StatusCode::OK
    );
    let other_key = web::photo_key(&Picture::read(other).unwrap());
    assert!(kept.photo(&other_key).await.unwrap().is_some());
    // Older than nothing at all: every photo no activity keeps.
    assert_eq!(
        store
            .forget_unused_web_photos(Duration::ZERO)
            .await
            .unwrap(),
        2
    );
    assert_eq!(kept.photo(&other_key).await.unwrap(), None);
    // Forgotten, the visitor takes their photos along (no activity keeps this one).
    let last = std::fs::read("assets/demo/photos/5-meeting.jpg").unwrap();
    assert_eq!(
        page.post_photo(&uuid(), last.clone()).await.0,
        StatusCode::OK
    );
    let last_key = web::photo_key(&Picture::read(last).unwrap());
    assert!(kept.photo(&last_key).await.unwrap().is_some());
    chat.say("/forget").await;
    chat.choose("Xoá dữ liệu").await;
    assert_eq!(kept.photo(&last_key).await.unwrap(), None);
    chat.stop_after_refusals().await;
}

#[tokio::test]
async fn the_page_and_the_embed_script_speak_vietnamese_unless_asked_for_english() {
    let chat = Chat::start(Kind::Web).await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(chat.url(path)).send();
    let page = get("/chat").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("script-src 'nonce-") && policy.contains("connect-src 'self'"));
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"vi\">") && html.contains("Nhập tin nhắn…"));
    assert!(!html.contains("src=\"http"), "nothing from elsewhere");
    let english = get("/chat?lang=en").await.unwrap().text().await.unwrap();
    assert!(english.contains("Type a message…"));
    let embed = get("/chat/embed.js").await.unwrap();
    assert!(
        embed.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    let script = embed.text().await.unwrap();
    assert!(script.contains("\"open\":\"Hỏi đáp\"") && script.contains("iframe"));
    chat.stop().await;
}

#[tokio::test]
async fn a_demo_page_switches_between_its_personas() {
    let (db, engine) = crate::common::demo_engine().await;
    let store = engine.store().clone();
    let resident = web::new_visitor(&store).await.unwrap();
    let cadre = web::new_visitor(&store).await.unwrap();
    assert_ne!(resident.address, cadre.address);
    let personas = vec![
        web::Persona {
            label: "Người dân".into(),
            visitor: resident.clone(),
        },
        web::Persona {
            label: "Cán bộ".into(),
            visitor: cadre.clone(),
        },
    ];
    let channel = web::WebChat::new(
        web::WebChatConfig {
            personas,
            ..Default::default()
        },
        store,
    );
    let engine = std::sync::Arc::new(engine);
    let running = danvan::serve::start(engine, vec![channel], 2, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let html = reqwest::get(format!("http://{}/chat", running.addr))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<option>Người dân</option><option>Cán bộ</option>"));
    assert!(
        html.contains(cadre.token.expose_secret()),
        "the switch swaps in the persona's token"
    );
    // Each persona's token is a visitor of its own.
    let mut page = Browser::new();
    page.token = cadre.token.expose_secret().to_owned();
    page.load(&format!("http://{}", running.addr)).await;
    let (status, answer) = page.post(json!({"text": "Xin chào"})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let greeted = tokio::time::timeout(WAIT, async {
        while page.shown().is_empty() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(greeted.is_ok(), "the cadre persona is greeted");
    drop(page);
    running.stop().await.unwrap();
    drop(db);
}

/// A web chat served with `config` on a demo database; its base URL.
async fn serving(config: web::WebChatConfig) -> (crate::common::TestDb, danvan::serve::Running) {
    let (db, engine) = crate::common::demo_engine().await;
    let channel = web::WebChat::new(config, db.store.clone());
    let running = danvan::serve::start(
        std::sync::Arc::new(engine),
        vec![channel],
        1,
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    (db, running)
}

/// A visitor's token, as their page sends it.
fn token(visitor: web::Visitor) -> String {
    visitor.token.expose_secret().to_owned()
}

/// A client whose requests come from `host` (any of 127.0.0.0/8).
fn from(host: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, host]))
        .build()
        .unwrap()
}

/// A JPEG of its own, `PHOTO_BYTES` long.
fn photo() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF];
    bytes.extend((3..PHOTO_BYTES).map(|_| rand::random::<u8>()));
    bytes
}

const PHOTO_BYTES: usize = 20_000;

/// Sends one photo per (client, visitor's token) all at once; how many were taken.
async fn photos_at_once(base: &str, senders: Vec<(reqwest::Client, String)>) -> usize {
    let sent = senders.into_iter().map(|(http, token)| {
        let url = format!("{base}/chat/api/photos?id={}", uuid());
        async move {
            let answer = http
                .post(url)
                .bearer_auth(token)
                .body(photo())
                .send()
                .await
                .unwrap();
            match answer.status() {
                StatusCode::OK => 1,
                StatusCode::TOO_MANY_REQUESTS => 0,
                other => panic!("{other}: {}", answer.text().await.unwrap()),
            }
        }
    });
    futures::future::join_all(sent).await.into_iter().sum()
}

async fn kept_photos(db: &crate::common::TestDb) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM web_photos")
        .fetch_one(db.store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn photos_sent_at_once_pass_no_allowance_and_fresh_visitors_do_not_reset_it() {
    let size = PHOTO_BYTES as i64;
    let config = web::WebChatConfig {
        photos: danvan::store::web_chat::PhotoAllowance {
            per_visitor: 5,
            bytes_per_sender: 12 * size,
            bytes_in_all: 16 * size,
        },
        ..Default::default()
    };
    let (db, running) = serving(config).await;
    let base = format!("http://{}", running.addr);
    let visitor = || async { token(web::new_visitor(&db.store).await.unwrap()) };

    // One visitor, twenty photos at once: five kept.
    let one = visitor().await;
    let senders = (0..20).map(|_| (from(1), one.clone())).collect();
    assert_eq!(photos_at_once(&base, senders).await, 5);
    // Fresh visitors from the same address, twenty photos at once: the address's bytes bound
    // them (seven more), however many visitors it makes.
    let mut senders = Vec::new();
    for _ in 0..10 {
        let token = visitor().await;
        senders.extend([(from(1), token.clone()), (from(1), token)]);
    }
    assert_eq!(photos_at_once(&base, senders).await, 7);
    // Eight other addresses at once: what is kept in all is bounded too (four more).
    let mut senders = Vec::new();
    for host in 2..10 {
        senders.push((from(host), visitor().await));
    }
    assert_eq!(photos_at_once(&base, senders).await, 4);
    assert_eq!(kept_photos(&db).await, 16);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn long_polls_are_capped_per_visitor_and_per_address() {
    let (db, running) = serving(Default::default()).await;
    let base = format!("http://{}", running.addr);
    let poll = |http: reqwest::Client, token: String| {
        let url = format!("{base}/chat/api/messages?after=0");
        async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // A poll that waits: it is answered only when a message comes, after 20 s, or at shutdown.
    async fn waiting(
        answer: impl Future<Output = StatusCode> + Send + 'static,
    ) -> tokio::task::JoinHandle<StatusCode> {
        let answer = tokio::spawn(answer);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!answer.is_finished(), "the poll is answered at once");
        answer
    }
    let mut held = Vec::new();
    let mut visitors = Vec::new();
    for _ in 0..11 {
        visitors.push(token(web::new_visitor(&db.store).await.unwrap()));
    }
    // Three tabs of one visitor wait; a fourth poll is told to come back.
    for _ in 0..3 {
        held.push(waiting(poll(from(1), visitors[0].clone())).await);
    }
    let started = std::time::Instant::now();
    assert_eq!(
        poll(from(1), visitors[0].clone()).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    // One address holds 32 polls at once, whichever visitors they are for.
    for token in &visitors[1..11] {
        for _ in 0..3 {
            if held.len() < 32 {
                held.push(waiting(poll(from(1), token.clone())).await);
            }
        }
    }
    assert_eq!(held.len(), 32);
    let fresh = token(web::new_visitor(&db.store).await.unwrap());
    assert_eq!(
        poll(from(1), fresh.clone()).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another address is not kept waiting by that one.
    held.push(waiting(poll(from(2), fresh)).await);
    running.stop().await.unwrap();
    for answer in held {
        assert_eq!(answer.await.unwrap(), StatusCode::OK);
    }
}
