//! A resident signs up and manages themselves, end to end through the engine and a real database.

mod common;

use common::{Person, button_labels, demo_engine, ids, national_engine, render};
use danvan::message::InboundKind;
use sqlx::PgPool;

async fn pool(url: &str) -> PgPool {
    PgPool::connect(url).await.unwrap()
}

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_resident_signs_up_in_vietnamese_by_typing_without_diacritics() {
    let (db, engine) = demo_engine().await;
    let mut lan = Person::new(&engine, "lan");

    let greeting = lan.send("/start").await;
    assert_eq!(button_labels(&engine, &greeting), ["Tiếng Việt", "English"]);
    assert!(render(&engine, &greeting).starts_with("Xin chào!"));

    let consent = lan.tap("Tiếng Việt").await;
    let text = render(&engine, &consent);
    for needle in [
        "91/2025/QH15",
        "Mục đích",
        "Bên kiểm soát dữ liệu",
        "/forget",
        "/mydata",
    ] {
        assert!(text.contains(needle), "consent lacks {needle}: {text}");
    }
    assert_eq!(
        button_labels(&engine, &consent),
        ["Tôi đồng ý", "Không đồng ý"]
    );

    let ask = lan.tap("Tôi đồng ý").await;
    assert_eq!(ids(&ask), ["consent-thanks", "unit-ask-or-share"]);

    let confirm = lan.send("bac dong quan").await;
    assert_eq!(
        render(&engine, &confirm),
        "Xã Bắc Đông Quan, Tỉnh Hưng Yên — đúng không? [Đúng] [Không, tìm lại]"
    );

    let done = lan.tap("Đúng").await;
    assert!(
        render(&engine, &done)
            .starts_with("Xong! Bạn đã đăng ký tại Xã Bắc Đông Quan, Tỉnh Hưng Yên.")
    );
    assert_eq!(
        button_labels(&engine, &done).len(),
        7,
        "a short menu follows"
    );

    let pool = pool(&db.url).await;
    let (unit, language, subscribed): (String, String, bool) = sqlx::query_as(
        "SELECT u.code, p.language, p.subscribed FROM people p JOIN units u ON u.id = p.unit_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (unit.as_str(), language.as_str(), subscribed),
        ("12745", "vi", true)
    );
}

#[tokio::test]
async fn english_is_one_tap_away_and_sticks() {
    let (_db, engine) = demo_engine().await;
    let mut john = Person::new(&engine, "john");
    john.send("/start").await;
    let consent = john.tap("English").await;
    assert!(render(&engine, &consent).contains("Law No. 91/2025/QH15"));
    john.tap("I agree").await;
    let confirm = john.send("tien lu").await;
    assert_eq!(
        render(&engine, &confirm),
        "Xã Tiên Lữ, Tỉnh Hưng Yên — is that right? [Yes] [No, search again]"
    );
    let done = john.tap("Yes").await;
    assert!(render(&engine, &done).starts_with("Done! You are registered in Xã Tiên Lữ"));
}

/// Each way people type a place name, against all 3,321 communes.
#[tokio::test]
async fn typed_place_names_match_however_they_are_written() {
    let (_db, engine) = national_engine().await;
    let nfd: String = unicode_normalization::UnicodeNormalization::nfd("Bắc Đông Quan").collect();
    let one: &[(&str, &str)] = &[
        ("bac dong quan", "Xã Bắc Đông Quan, Tỉnh Hưng Yên"),
        ("Xã Bắc Đông Quan", "Xã Bắc Đông Quan, Tỉnh Hưng Yên"),
        ("xa bac dong quan", "Xã Bắc Đông Quan, Tỉnh Hưng Yên"),
        ("BẮC   ĐÔNG  QUAN ", "Xã Bắc Đông Quan, Tỉnh Hưng Yên"),
        (&nfd, "Xã Bắc Đông Quan, Tỉnh Hưng Yên"),
        ("bac dong quang", "Xã Bắc Đông Quan, Tỉnh Hưng Yên"),
        ("bac dogn quan", "Xã Bắc Đông Quan, Tỉnh Hưng Yên"),
        ("tien lu hung yen", "Xã Tiên Lữ, Tỉnh Hưng Yên"),
        ("Tiên Lữ, Hưng Yên", "Xã Tiên Lữ, Tỉnh Hưng Yên"),
        ("Phường Yên Hòa", "Phường Yên Hoà, Thành phố Hà Nội"),
        ("phuong yen hoa", "Phường Yên Hoà, Thành phố Hà Nội"),
        ("yen hoa ha noi", "Phường Yên Hoà, Thành phố Hà Nội"),
    ];
    for (i, (typed, expected)) in one.iter().enumerate() {
        let mut p = Person::new(&engine, &format!("one-{i}"));
        p.consent().await;
        let out = p.send(typed).await;
        assert_eq!(
            ids(&out),
            ["unit-confirm"],
            "{typed:?}: {}",
            render(&engine, &out)
        );
        assert!(
            render(&engine, &out).starts_with(expected),
            "{typed:?}: {}",
            render(&engine, &out)
        );
    }

    let several: &[(&str, &[&str])] = &[
        (
            "yen hoa",
            &[
                "Phường Yên Hoà, Thành phố Hà Nội",
                "Xã Yên Hoa, Tỉnh Tuyên Quang",
            ],
        ),
        (
            "tien lu",
            &["Xã Tiên Lữ, Tỉnh Hưng Yên", "Xã Tiên Lữ, Tỉnh Phú Thọ"],
        ),
    ];
    for (i, (typed, expected)) in several.iter().enumerate() {
        let mut p = Person::new(&engine, &format!("several-{i}"));
        p.consent().await;
        let out = p.send(typed).await;
        assert_eq!(
            ids(&out),
            ["unit-several"],
            "{typed:?}: {}",
            render(&engine, &out)
        );
        let labels = button_labels(&engine, &out);
        for place in *expected {
            assert!(
                labels.iter().any(|l| l == place),
                "{typed:?} should offer {place}: {labels:?}"
            );
        }
        assert_eq!(labels.last().unwrap(), "Gõ lại tên khác");
        // Choosing one of the namesakes completes sign-up.
        let done = p.tap(expected[0]).await;
        assert_eq!(ids(&done), ["signup-done"]);
    }
}

#[tokio::test]
async fn an_unknown_name_gets_suggestions_or_a_retry_and_loses_nothing() {
    let (_db, engine) = demo_engine().await;
    let mut p = Person::new(&engine, "p");
    p.consent().await;

    let nothing = p.send("qwxzv").await;
    assert_eq!(ids(&nothing), ["unit-none"]);
    assert!(render(&engine, &nothing).contains("“qwxzv”"));

    let near = p.send("bak dok kuan").await;
    assert_eq!(ids(&near), ["unit-suggestions"]);
    assert!(button_labels(&engine, &near).contains(&"Xã Bắc Đông Quan, Tỉnh Hưng Yên".to_string()));
    let retry = p.tap("Gõ lại tên khác").await;
    assert_eq!(ids(&retry), ["unit-ask-or-share"]);
    p.send("bac dong quan").await;
    let done = p.tap("Đúng").await;
    assert_eq!(ids(&done), ["signup-done"]);
}

#[tokio::test]
async fn declining_consent_stores_nothing_but_an_anonymous_refusal() {
    let (db, engine) = demo_engine().await;
    let mut p = Person::new(&engine, "declines");
    p.send("/start").await;
    p.tap("Tiếng Việt").await;
    let declined = p.tap("Không đồng ý").await;
    assert_eq!(ids(&declined), ["consent-declined"]);

    let pool = pool(&db.url).await;
    assert_eq!(count(&pool, "people").await, 0);
    assert_eq!(count(&pool, "chats").await, 0);
    let refusals: Vec<(String, String)> =
        sqlx::query_as("SELECT channel, consent_version FROM consent_refusals")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(refusals, [("test".to_string(), "2026-01".to_string())]);
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'consent_refusals'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        !columns.iter().any(|c| c == "address"),
        "a refusal must not identify anyone: {columns:?}"
    );

    // Coming back later starts over politely.
    let again = p.send("xin chao").await;
    assert_eq!(ids(&again), ["greeting"]);
}

#[tokio::test]
async fn forget_erases_every_trace_of_the_person() {
    let (db, engine) = demo_engine().await;
    let mut p = Person::new(&engine, "forgets");
    p.sign_up("bac dong quan").await;
    let mut tx = db.store.begin().await.unwrap();
    let units = engine.units();
    let grant = danvan::domain::access::Grant {
        role: danvan::domain::access::Role::Cadre,
        unit_id: units.by_code("12745").unwrap().id,
    };
    let code = tx
        .create_invite(
            &grant,
            1,
            chrono::Utc::now() + chrono::Duration::days(1),
            "test",
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    p.send(&format!("/join {code}")).await;

    let confirm = p.send("/forget").await;
    assert_eq!(button_labels(&engine, &confirm), ["Xoá dữ liệu", "Huỷ"]);
    let done = p.tap("Xoá dữ liệu").await;
    assert_eq!(ids(&done), ["forget-done"]);

    for (table, rows) in db.store.personal_data_counts().await.unwrap() {
        assert_eq!(rows, 0, "{table} still holds personal data");
    }
    let pool = pool(&db.url).await;
    assert_eq!(count(&pool, "erasures").await, 1);
    let addresses: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT to_jsonb(t)::text AS row FROM chats t UNION ALL SELECT to_jsonb(t)::text FROM people t) r
         WHERE row LIKE '%forgets%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(addresses, 0);
}

#[tokio::test]
async fn cancelling_forget_keeps_everything() {
    let (db, engine) = demo_engine().await;
    let mut p = Person::new(&engine, "keeps");
    p.sign_up("tien lu").await;
    p.send("/forget").await;
    let kept = p.tap("Huỷ").await;
    assert_eq!(ids(&kept), ["forget-cancelled"]);
    assert_eq!(count(&pool(&db.url).await, "people").await, 1);
}

#[tokio::test]
async fn mydata_shows_everything_stored_in_readable_vietnamese() {
    let (_db, engine) = demo_engine().await;
    let mut p = Person::new(&engine, "curious");
    p.sign_up("pho hien").await;
    let data = render(&engine, &p.send("/mydata").await);
    let today = danvan::i18n::format_date(
        danvan::domain::vn_time::local_date(chrono::Utc::now()),
        danvan::message::Lang::Vi,
    );
    for needle in [
        "Ngôn ngữ: Tiếng Việt",
        "Xã/phường: Phường Phố Hiến, Tỉnh Hưng Yên",
        &format!("Đồng ý xử lý dữ liệu: ngày {today}"),
        "Nhận thông báo: có",
        "Vai trò: người dân",
        "Kênh liên lạc: test (curious)",
    ] {
        assert!(data.contains(needle), "missing {needle:?} in {data}");
    }
}

#[tokio::test]
async fn stop_and_start_switch_notices_off_and_on() {
    let (db, engine) = demo_engine().await;
    let mut p = Person::new(&engine, "quiet");
    p.sign_up("tien lu").await;
    let pool = pool(&db.url).await;
    let subscribed = || async {
        sqlx::query_scalar::<_, bool>("SELECT subscribed FROM people")
            .fetch_one(&pool)
            .await
            .unwrap()
    };

    assert_eq!(ids(&p.send("/stop").await), ["stopped"]);
    assert!(!subscribed().await);
    assert_eq!(ids(&p.send("/start").await), ["welcome-back"]);
    assert!(subscribed().await);
}

#[tokio::test]
async fn unit_and_lang_change_settings_after_sign_up() {
    let (db, engine) = demo_engine().await;
    let mut p = Person::new(&engine, "mover");
    p.sign_up("tien lu").await;
    assert_eq!(ids(&p.send("/unit").await), ["unit-ask-or-share"]);
    p.send("bac dong quan").await;
    let moved = p.tap("Đúng").await;
    assert_eq!(
        render(&engine, &moved).lines().next().unwrap(),
        "Đã chuyển sang Xã Bắc Đông Quan, Tỉnh Hưng Yên. [Dữ liệu của tôi] [Đổi xã/phường] [Ngôn ngữ] [Hướng dẫn] [🔗 Liên kết Zalo/Telegram] [✍️ Gửi ý kiến cho xã] [📋 Phản ánh của tôi]"
    );

    let ask = p.send("/lang").await;
    assert_eq!(ids(&ask), ["language-ask"]);
    let switched = p.tap("English").await;
    assert_eq!(ids(&switched), ["language-changed"]);
    assert!(render(&engine, &switched).starts_with("Switched to English."));
    let language: String = sqlx::query_scalar("SELECT language FROM people")
        .fetch_one(&pool(&db.url).await)
        .await
        .unwrap();
    assert_eq!(language, "en");
}

#[tokio::test]
async fn anything_unexpected_gets_a_short_localized_answer() {
    let (_db, engine) = demo_engine().await;
    let mut p = Person::new(&engine, "odd");
    // Before sign-up: a photo, a stale button, an unknown command, a wrong typed answer.
    p.send("/start").await;
    assert_eq!(
        ids(&p
            .event(InboundKind::Photo {
                file_id: "f".into(),
                caption: None
            })
            .await),
        ["attachment-not-expected", "greeting"]
    );
    assert_eq!(
        ids(&p.press("unit:12745").await),
        ["button-expired", "greeting"]
    );
    assert_eq!(
        ids(&p.press("garbage-\u{0}-payload").await),
        ["button-expired", "greeting"]
    );
    assert_eq!(
        ids(&p.send("/frobnicate").await),
        ["unknown-command", "greeting"]
    );
    assert_eq!(ids(&p.send("/mydata").await), ["need-signup", "greeting"]);
    assert_eq!(ids(&p.send("maybe").await), ["use-buttons", "greeting"]);
    // Typed answers work as well as buttons.
    assert_eq!(ids(&p.send("tieng viet").await), ["consent"]);
    assert_eq!(
        ids(&p.send("đồng ý").await),
        ["consent-thanks", "unit-ask-or-share"]
    );
    // After sign-up: free text, old buttons, oversized text.
    p.send("tien lu").await;
    p.send("co").await;
    assert_eq!(ids(&p.send("xin chào").await), ["greeting"]);
    assert_eq!(
        ids(&p.press("consent:yes").await),
        ["button-expired", "menu"]
    );
    assert_eq!(ids(&p.press("unit:yes").await), ["button-expired", "menu"]);
    let long = "a".repeat(5000);
    let too_long = p.send(&long).await;
    assert_eq!(ids(&too_long), ["text-too-long", "menu"]);
    assert!(render(&engine, &too_long).contains("4.096"));
    assert_eq!(ids(&p.send("/help").await), ["help", "menu"]);
}

#[tokio::test]
async fn the_same_event_delivered_twice_is_handled_once() {
    let (db, engine) = demo_engine().await;
    let p = Person::new(&engine, "twice");
    let start = p.inbound(InboundKind::typed("/start"), "ev-1");
    assert!(engine.handle(&start).await.unwrap().is_some());
    assert!(engine.handle(&start).await.unwrap().is_none());
    let vi = p.inbound(InboundKind::Button("lang:vi".into()), "ev-2");
    let yes = p.inbound(InboundKind::Button("consent:yes".into()), "ev-3");
    engine.handle(&vi).await.unwrap();
    engine.handle(&yes).await.unwrap();
    assert!(engine.handle(&yes).await.unwrap().is_none());
    assert!(
        engine.handle(&vi).await.unwrap().is_none(),
        "a replayed earlier button changes nothing"
    );
    assert_eq!(count(&pool(&db.url).await, "people").await, 1);
}

#[tokio::test]
async fn events_of_one_chat_arriving_together_are_handled_one_at_a_time() {
    let (db, engine) = demo_engine().await;
    let p = Person::new(&engine, "rushed");
    let events: Vec<_> = (0..8)
        .map(|i| p.inbound(InboundKind::typed("/start"), &format!("burst-{i}")))
        .collect();
    let results = futures::future::join_all(events.iter().map(|e| engine.handle(e))).await;
    assert!(results.into_iter().all(|r| r.unwrap().is_some()));
    assert_eq!(count(&pool(&db.url).await, "chats").await, 1);
}
