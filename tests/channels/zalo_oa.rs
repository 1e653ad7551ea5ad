//! What only the Zalo OA does: signed webhook events (forged, replayed, changed after signing,
//! stale), OAuth tokens that work once, and the 7-day window for consultation messages.

use std::time::Duration;

use danvan::channels::zalo_oa::webhook::WEBHOOK_PATH;
use danvan::store::notices::NewNotice;
use danvan_fake_zalo::oa::signature;
use secrecy::ExposeSecret;

use crate::driver::{Chat, Kind, PROVINCE, Platform, WAIT, text};

fn oa(chat: &Chat) -> (&danvan_fake_zalo::FakeZaloOa, String) {
    match &chat.platform {
        Platform::ZaloOa(fake, user) => (fake, user.clone()),
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn forged_changed_stale_and_replayed_events_do_nothing() {
    let mut chat = Chat::start(Kind::ZaloOa).await;
    chat.sign_up().await;
    let (fake, user) = oa(&chat);
    let url = chat.url(WEBHOOK_PATH);
    let events = fake.events();
    let keys = fake.keys().clone();
    let body = events.user_send_text(&user, "/help");
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    let timestamp = value["timestamp"].as_str().unwrap();
    let mac = signature(
        &keys.app_id,
        body.as_bytes(),
        timestamp,
        &keys.oa_secret_key,
    );
    let before = fake.messages_to(&user).len();

    let forged = signature(&keys.app_id, body.as_bytes(), timestamp, "guessed");
    assert_eq!(
        fake.send_event_with(&url, &body, Some(format!("mac={forged}")))
            .await
            .0,
        401
    );
    assert_eq!(fake.send_event_with(&url, &body, None).await.0, 401);
    let changed = body.replace("/help", "/forget");
    assert_eq!(
        fake.send_event_with(&url, &changed, Some(format!("mac={mac}")))
            .await
            .0,
        401
    );
    let old = events.at(chrono::Utc::now() - chrono::Duration::hours(3));
    let stale = old.user_send_text(&user, "/help");
    // Answered, so that Zalo does not count a failed retry, but dropped.
    assert_eq!(fake.send_event(&url, &stale).await.0, 200);

    // Signed without "mac=", as some senders do; then the same event again (Zalo's retry).
    let (status, took) = fake.send_event_with(&url, &body, Some(mac.clone())).await;
    assert_eq!(status, 200);
    assert!(took < Duration::from_secs(2), "answered in {took:?}");
    assert!(!chat.replies().await.is_empty());
    let (fake, user) = oa(&chat);
    let answered = fake.messages_to(&user).len();
    assert!(answered > before);
    let again = fake.send_event_with(&url, &body, Some(format!("mac={mac}")));
    assert_eq!(again.await.0, 200);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        fake.messages_to(&user).len(),
        answered,
        "one answer to one event"
    );
    chat.stop().await;
}

#[tokio::test]
async fn tokens_are_refreshed_once_each_time_and_survive_a_restart() {
    let mut chat = Chat::start(Kind::ZaloOa).await;
    let (fake, _) = oa(&chat);
    assert_eq!(fake.refreshes(), 1, "serve got its first access token");
    chat.sign_up().await;
    // The access token expires: the next send is refused, refreshed once, and sent again.
    let (fake, user) = oa(&chat);
    fake.expire_access_token();
    let help = text(&chat.say("/help").await);
    assert!(!help.is_empty());
    let (fake, _) = oa(&chat);
    assert_eq!(fake.refreshes(), 2);
    let stored = chat
        .engine
        .store()
        .tokens("zalo_oa")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.refresh_token.expose_secret(),
        fake.current_refresh_token()
    );
    // A restart with the spent refresh token still in the environment uses the stored tokens.
    chat.serve().await.unwrap();
    let (fake, _) = oa(&chat);
    assert_eq!(
        fake.refreshes(),
        2,
        "the stored access token was still good"
    );
    fake.expire_access_token();
    chat.say("/help").await;
    let (fake, _) = oa(&chat);
    assert_eq!(fake.refreshes(), 3);
    assert!(
        fake.spent_refresh_tokens()
            .contains(&fake.keys().refresh_token)
    );
    assert!(!fake.messages_to(&user).is_empty());
    // What the fake refused: the two expired tokens, each refreshed and sent again.
    assert_eq!(fake.rejections().len(), 2);
    chat.stop_after_refusals().await;
}

#[tokio::test]
async fn a_follower_outside_the_7_day_window_gets_the_notice_when_they_next_write() {
    let mut chat = Chat::start(Kind::ZaloOa).await;
    chat.sign_up().await;
    let (fake, user) = oa(&chat);
    fake.set_last_interaction(&user, chrono::Utc::now() - chrono::Duration::days(8));
    let province = chat.engine.units().by_code(PROVINCE).unwrap().id;
    let mut notice = NewNotice::to_units(
        "Lịch tiêm chủng",
        "Sáng thứ Bảy tại trạm y tế.",
        vec![province],
    );
    notice.quiet_hours = false;
    let store = chat.engine.store().clone();
    let id = store.create_notice(&notice).await.unwrap();
    store.schedule_notice(id, chat.engine.now()).await.unwrap();
    let recorded = async {
        loop {
            let status = store.notice_status(id).await.unwrap().unwrap();
            if status.totals.undeliverable == 1 {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let status = tokio::time::timeout(WAIT, recorded)
        .await
        .expect("recorded as not deliverable now");
    assert_eq!(status.totals.sent, 0);
    assert!(
        status
            .failures
            .iter()
            .any(|(reason, n)| *n == 1 && reason.contains("7-day")),
        "{:?}",
        status.failures
    );
    // Writing again opens the window: what they missed comes first, then the answer.
    let answer = chat.say("/help").await;
    assert!(
        answer[0].text.contains("Bạn có 1 thông báo mới"),
        "{answer:#?}"
    );
    assert!(text(&answer).contains("Lịch tiêm chủng"), "{answer:#?}");
    let status = store.notice_status(id).await.unwrap().unwrap();
    assert_eq!((status.totals.sent, status.totals.undeliverable), (1, 0));
    // Given once: the next message brings only its answer.
    let next = text(&chat.say("/help").await);
    assert!(!next.contains("thông báo mới"), "{next}");
    chat.stop_after_refusals().await;
}

#[tokio::test]
async fn unfollowing_makes_the_chat_unreachable_and_receipts_of_unknown_messages_do_nothing() {
    let mut chat = Chat::start(Kind::ZaloOa).await;
    chat.sign_up().await;
    let (fake, user) = oa(&chat);
    let events = fake.events();
    chat.post_oa(&events.user_seen_message(&user, &["0123456789abcdef"]))
        .await;
    chat.post_oa(&events.unfollow(&user)).await;
    let province = chat.engine.units().by_code(PROVINCE).unwrap().id;
    let store = chat.engine.store().clone();
    let reached = async {
        loop {
            let mut tx = store.begin().await.unwrap();
            let n = tx.count_recipients(&[province], &[], &[]).await.unwrap();
            tx.commit().await.unwrap();
            if n == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(WAIT, reached)
        .await
        .expect("nobody left to reach");
    assert!(store.failed_events().await.unwrap().is_empty());
    chat.stop().await;
}

#[tokio::test]
async fn two_processes_whose_token_expired_refresh_it_once() {
    let mut chat = Chat::start(Kind::ZaloOa).await;
    chat.sign_up().await;
    // Two more processes on the same database, each with its own copy of the tokens.
    let (a, b) = (chat.build_channel().unwrap(), chat.build_channel().unwrap());
    let (fake, user) = oa(&chat);
    a.register().await.unwrap();
    b.register().await.unwrap();
    assert_eq!(fake.refreshes(), 1, "both took the stored access token");
    fake.expire_access_token();
    let message = serde_json::json!({ "text": "Xin chào" });
    let (sent_a, sent_b) = tokio::join!(a.send(&user, &message), b.send(&user, &message));
    assert!(
        matches!(sent_a, danvan::channels::Sent::Ok { .. }),
        "{sent_a:?}"
    );
    assert!(
        matches!(sent_b, danvan::channels::Sent::Ok { .. }),
        "{sent_b:?}"
    );
    assert_eq!(fake.refreshes(), 2, "one refresh for both");
    chat.stop_after_refusals().await;
}

#[tokio::test]
async fn a_message_zalo_holds_back_at_night_waits_alone() {
    let mut chat = Chat::start(Kind::ZaloOa).await;
    chat.sign_up().await;
    let (fake, user) = oa(&chat);
    fake.fail_next(danvan_fake_zalo::OaFailure {
        error: -234,
        message: "not allowed at this time".into(),
        user: Some(user.clone()),
        after: 0,
    });
    let before = fake.messages_to(&user).len();
    chat.post_oa(&fake.events().user_send_text(&user, "/help"))
        .await;
    // Someone else writing meanwhile is answered at once.
    let other = danvan_fake_zalo::oa::events::user_id(2);
    let (fake, _) = oa(&chat);
    chat.post_oa(&fake.events().follow(&other)).await;
    let (fake, _) = oa(&chat);
    assert!(
        fake.wait_until(WAIT, |f| !f.messages_to(&other).is_empty())
            .await
    );
    assert_eq!(fake.messages_to(&user).len(), before, "held until morning");
    // Until 06:00 in Vietnam, whenever this runs: later than now, within a day.
    let held: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE address = $1
           AND lease_until > now() AND lease_until <= now() + interval '1 day'",
    )
    .bind(&user)
    .fetch_one(&sqlx::PgPool::connect(&chat.db.url).await.unwrap())
    .await
    .unwrap();
    assert!(held >= 1, "the reply waits in the outbox");
    chat.stop().await;
}

#[tokio::test]
async fn a_revoked_refresh_token_is_replaced_from_the_command_line() {
    let db = crate::common::test_db().await;
    let out = crate::common::danvan_ok(&["zalo", "refresh-token", "fresh-from-console"], &db.url);
    assert!(
        out.contains("stored the new Zalo OA refresh token"),
        "{out}"
    );
    let stored = db.store.tokens("zalo_oa").await.unwrap().unwrap();
    assert_eq!(stored.refresh_token.expose_secret(), "fresh-from-console");
    assert!(
        stored.access_token.is_none(),
        "the old access token is forgotten"
    );
}

#[tokio::test]
async fn a_long_notice_retried_after_its_first_part_sends_only_the_rest() {
    let mut chat = Chat::start(Kind::ZaloOa).await;
    chat.sign_up().await;
    let (fake, user) = oa(&chat);
    // The second part is refused twice (once more after a refresh): a transient failure.
    for after in [1, 0] {
        fake.fail_next(danvan_fake_zalo::OaFailure {
            error: -216,
            message: "Access token is invalid".into(),
            user: Some(user.clone()),
            after,
        });
    }
    let before = fake.texts_to(&user).len();
    let body = "Nội dung chi tiết của kế hoạch.\n".repeat(80);
    let province = chat.engine.units().by_code(PROVINCE).unwrap().id;
    let mut notice = NewNotice::to_units("Kế hoạch dài", &body, vec![province]);
    notice.quiet_hours = false;
    let store = chat.engine.store().clone();
    let id = store.create_notice(&notice).await.unwrap();
    store.schedule_notice(id, chat.engine.now()).await.unwrap();
    let sent = async {
        while store.notice_status(id).await.unwrap().unwrap().totals.sent != 1 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(WAIT, sent)
        .await
        .expect("sent in the end");
    let (fake, _) = oa(&chat);
    let parts = fake.texts_to(&user)[before..].to_vec();
    assert_eq!(parts.len(), 2, "each part once: {parts:#?}");
    assert!(parts[0].contains("Kế hoạch dài") && !parts[1].contains("Kế hoạch dài"));
    chat.stop_after_refusals().await;
}
