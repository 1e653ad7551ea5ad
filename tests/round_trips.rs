//! What one message costs the database: every message of every chat pays it, so a statement added
//! to the common path shows here before it shows in `danvan bench engine`.

mod common;

use common::{Person, demo_engine, ids};

/// A signed-up resident's plain message in an idle chat: BEGIN, claim the event and lock the chat
/// in one statement (with their person, grants and whether notices wait for them), save the
/// chat, COMMIT.
const PLAIN_TEXT_ROUND_TRIPS: u64 = 4;

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
