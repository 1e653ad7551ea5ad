//! What one message costs the database: every message of every chat pays it, so a statement added
//! to the common path shows here before it shows in `danvan bench engine`.

mod common;

use common::{Person, TestClock, demo_engine, demo_engine_at, ids};
use danvan::store::inbox::{Arrival, CLAIM_BATCH};

/// A signed-up resident's plain message in an idle chat: BEGIN, claim the event and lock the chat
/// in one statement (with their person, grants and whether notices wait for them), COMMIT; the
/// chat, left as it was and seen under a minute ago, is not written.
const PLAIN_TEXT_ROUND_TRIPS: u64 = 3;

#[tokio::test]
async fn a_plain_message_in_an_idle_chat_costs_a_fixed_number_of_round_trips() {
    let (_db, engine) = demo_engine().await;
    let mut lan = Person::new(&engine, "lan");
    lan.sign_up("bac dong quan").await;

    let before = engine.store().round_trips();
    let answer = lan.send("xin chào").await;
    let used = engine.store().round_trips() - before;

    assert!(!ids(&answer).is_empty());
    assert!(
        used <= PLAIN_TEXT_ROUND_TRIPS,
        "a plain message took {used} round trips, more than the {PLAIN_TEXT_ROUND_TRIPS} written down"
    );
}

/// A message that leaves the chat as it was writes it again once its last-seen time is a minute
/// old, and at once when the chat was unreachable: a chat's last-seen time lags by under a minute.
#[tokio::test]
async fn a_chat_left_as_it_was_is_written_when_last_seen_a_minute_ago_or_unreachable() {
    let clock = TestClock::at("2025-12-01 09:00");
    let (db, engine) = demo_engine_at(clock.shared()).await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let seen = || async {
        sqlx::query_scalar::<_, chrono::DateTime<chrono::Utc>>(
            "SELECT last_seen_at FROM chats WHERE address = 'lan'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let mut lan = Person::new(&engine, "lan");
    lan.sign_up("bac dong quan").await;
    let signed_up = seen().await;

    clock.set("2025-12-01 09:00:50");
    let trips = engine.store().round_trips();
    assert!(!ids(&lan.send("xin chào").await).is_empty());
    assert_eq!(engine.store().round_trips() - trips, PLAIN_TEXT_ROUND_TRIPS);
    assert_eq!(
        seen().await,
        signed_up,
        "50 s later the chat is not written"
    );

    clock.set("2025-12-01 09:01:10");
    assert!(!ids(&lan.send("xin chào").await).is_empty());
    assert_eq!(seen().await, clock.now(), "70 s later it is");

    sqlx::query("UPDATE chats SET unreachable_at = last_seen_at WHERE address = 'lan'")
        .execute(&pool)
        .await
        .unwrap();
    clock.set("2025-12-01 09:01:20");
    assert!(!ids(&lan.send("xin chào").await).is_empty());
    let unreachable: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT unreachable_at FROM chats WHERE address = 'lan'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        unreachable, None,
        "writing again makes an unreachable chat reachable"
    );
    assert_eq!(seen().await, clock.now());
}

/// The inbox hands out batches of `CLAIM_BATCH` events, the oldest first and one per chat; the
/// batch's size is written in the claim's statement, and this keeps the two together.
#[tokio::test]
async fn the_inbox_claims_a_batch_of_the_oldest_events_one_per_chat() {
    let db = common::test_db().await;
    let payload = serde_json::json!({});
    let arrivals: Vec<Arrival> = (0..20)
        .map(|n| Arrival {
            event_id: format!("e{n}"),
            chat: format!("c{}", n % 10),
            payload: &payload,
        })
        .collect();
    db.store.intake("test", &arrivals).await.unwrap();
    let events = |claimed: Vec<danvan::store::inbox::Claimed>| {
        claimed.into_iter().map(|c| c.event_id).collect::<Vec<_>>()
    };

    let mut first = db.store.begin().await.unwrap();
    let batch = events(first.claim_inbox("test", None).await.unwrap());
    assert_eq!(batch.len(), CLAIM_BATCH);
    assert_eq!(
        batch,
        (0..CLAIM_BATCH)
            .map(|n| format!("e{n}"))
            .collect::<Vec<_>>()
    );
    // Chats 0 to 7 have an earlier event in the first batch's hands.
    let mut second = db.store.begin().await.unwrap();
    assert_eq!(
        events(second.claim_inbox("test", None).await.unwrap()),
        ["e8", "e9"]
    );
}

/// A claim starts where `inbox_floor` put it, past the entries handled events leave in the
/// pending index; an event due before that place (its intake took long to commit) waits for the
/// next lookup, which starts before it.
#[tokio::test]
async fn the_inbox_claims_from_its_floor_and_the_next_floor_finds_an_event_due_before_it() {
    let db = common::test_db().await;
    let store = &db.store;
    let payload = serde_json::json!({});
    let arrive = |event_id: &str, chat: &str| Arrival {
        event_id: event_id.to_owned(),
        chat: chat.to_owned(),
        payload: &payload,
    };
    let claim = |from| async move {
        let mut tx = store.begin().await.unwrap();
        let claimed = tx.claim_inbox("test", from).await.unwrap();
        (tx, claimed)
    };

    store.intake("test", &[arrive("first", "a")]).await.unwrap();
    let (mut tx, claimed) = claim(None).await;
    let ids: Vec<i64> = claimed.iter().map(|c| c.id).collect();
    tx.finish_events("test", &ids, &[]).await.unwrap();
    tx.commit().await.unwrap();
    let floor = store
        .inbox_floor("test", std::time::Duration::ZERO)
        .await
        .unwrap();

    store.intake("test", &[arrive("late", "b")]).await.unwrap();
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    sqlx::query(
        "UPDATE inbox SET next_attempt_at = now() - interval '1 hour' WHERE event_id = 'late'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let (held, claimed) = claim(Some(floor)).await;
    assert!(claimed.is_empty(), "{claimed:?}");
    drop(held);

    let next = store
        .inbox_floor("test", std::time::Duration::from_secs(1))
        .await
        .unwrap();
    assert!(next < floor, "{next:?} is not before {floor:?}");
    let (_held, claimed) = claim(Some(next)).await;
    let events: Vec<String> = claimed.into_iter().map(|c| c.event_id).collect();
    assert_eq!(events, ["late"]);
}
