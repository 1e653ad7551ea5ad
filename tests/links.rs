//! One person, several chats: a code asked for on one channel links a chat on another, which is
//! then the same person for sign-up, surveys, `/mydata`, `/forget` and notices.

mod common;

use common::{Person, TestClock, TestDb, button_labels, ids, render};
use danvan::domain::access::Role;
use danvan::domain::survey::SurveyFile;
use danvan::engine::Engine;
use danvan::message::Outbound;
use danvan::store::notices::{NewNotice, Outcome};
use sqlx::PgPool;

/// A fixed morning, moved on by the stories that need time to pass.
async fn world() -> (TestDb, Engine, TestClock) {
    let clock = TestClock::at("2025-12-01 09:00");
    let (db, engine) = common::demo_engine_at(clock.shared()).await;
    (db, engine, clock)
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    let pool = PgPool::connect(&db.url).await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
}

/// The code a `/link` reply shows ("480 213 795").
fn code_in(out: &Outbound) -> String {
    assert_eq!(ids(out), ["link-code"]);
    common::text_arg(out, "code")
}

/// A code that is not `code`.
fn other_than(code: &str) -> &'static str {
    if code == "100 000 000" {
        "100 000 001"
    } else {
        "100 000 000"
    }
}

/// Signs up in English, typing `place`.
async fn sign_up_in_english(p: &mut Person<'_>, place: &str) {
    p.send("/start").await;
    p.press("lang:en").await;
    p.press("consent:yes").await;
    assert_eq!(ids(&p.send(place).await), ["unit-confirm"]);
    assert_eq!(ids(&p.press("unit:yes").await), ["signup-done"]);
}

#[tokio::test]
async fn a_code_from_telegram_makes_a_new_zalo_chat_the_same_person() {
    let (db, engine, _clock) = world().await;
    let mut telegram = Person::on(&engine, "telegram", "7001");
    telegram.sign_up("tien lu").await;
    let menu = telegram.send("/menu").await;
    assert!(button_labels(&engine, &menu).contains(&"🔗 Liên kết Zalo/Telegram".to_owned()));
    let asked = telegram.tap("🔗 Liên kết Zalo/Telegram").await;
    let code = code_in(&asked);
    assert!(
        render(&engine, &asked).contains("trước 09:10"),
        "{}",
        render(&engine, &asked)
    );
    assert_eq!(ids(&telegram.send(&code).await), ["link-same-chat"]);

    // A new chat sends the code before anything else, as shown or typed together.
    let mut zalo = Person::on(&engine, "zalo_bot", "z-7001");
    let linked = zalo.send(&code).await;
    assert_eq!(ids(&linked), ["link-joined"]);
    assert!(
        render(&engine, &linked)
            .contains("dùng chung lần đăng ký của bạn tại Xã Tiên Lữ, Tỉnh Hưng Yên"),
        "{}",
        render(&engine, &linked)
    );
    assert_eq!(count(&db, "SELECT count(*) FROM people").await, 1);
    let data = render(&engine, &zalo.send("/mydata").await);
    assert!(
        data.contains("Kênh liên lạc: Telegram (mã chat 7001), Zalo (mã người dùng z-7001)"),
        "{data}"
    );

    // The code works once; a wrong one says so.
    let mut stranger = Person::on(&engine, "zalo_bot", "z-stranger");
    let typed = format!("/link {}", code.replace(' ', ""));
    assert_eq!(ids(&stranger.send(&typed).await), ["link-expired"]);
    assert_eq!(ids(&zalo.send(&typed).await), ["link-already"]);
    assert_eq!(ids(&stranger.send(other_than(&code)).await), ["link-wrong"]);
    assert_eq!(ids(&stranger.send("/link 12").await), ["link-usage"]);
    // Someone who has not signed up is told where codes come from.
    assert_eq!(
        ids(&stranger.send("/link").await),
        ["link-how", "start-hint"]
    );
}

#[tokio::test]
async fn codes_expire_after_ten_minutes_and_five_an_hour_is_the_most() {
    let (_db, engine, clock) = world().await;
    let mut telegram = Person::on(&engine, "telegram", "7101");
    telegram.sign_up("tien lu").await;
    let late = code_in(&telegram.send("/link").await);
    clock.set("2025-12-01 09:11");
    let mut zalo = Person::on(&engine, "zalo_bot", "z-7101");
    assert_eq!(ids(&zalo.send(&late).await), ["link-expired"]);

    let mut codes = Vec::new();
    for _ in 0..4 {
        codes.push(code_in(&telegram.send("/link").await));
    }
    let refused = telegram.send("/link").await;
    assert_eq!(ids(&refused), ["link-too-many"]);
    assert!(render(&engine, &refused).contains('5'));
    // An hour after the first, one more.
    clock.set("2025-12-01 10:01");
    let fresh = code_in(&telegram.send("/link").await);
    assert_eq!(ids(&zalo.send(&codes[0]).await), ["link-expired"]);
    assert_eq!(ids(&zalo.send(&fresh).await), ["link-joined"]);
}

#[tokio::test]
async fn guessing_from_many_fresh_chats_pauses_every_code_until_the_guesses_age() {
    let (_db, engine, clock) = world().await;
    let mut admin = Person::on(&engine, "telegram", "7301");
    admin.sign_up("tien lu").await;
    let code = code_in(&admin.send("/link").await);
    // A hundred visitors of the web chat, each new (as a fresh browser is), four wrong codes
    // apiece: under each chat's own limit.
    for visitor in 0..25 {
        let mut guesser = Person::on(&engine, "web", &format!("visitor-{visitor}"));
        for _ in 0..4 {
            assert_eq!(ids(&guesser.send(other_than(&code)).await), ["link-wrong"]);
        }
    }
    // Now no code is looked up for anyone, the right one included.
    let mut lucky = Person::on(&engine, "web", "visitor-lucky");
    assert_eq!(ids(&lucky.send(&code).await), ["link-guessing"]);
    let mut owner = Person::on(&engine, "zalo_bot", "z-7301");
    assert_eq!(ids(&owner.send(&code).await), ["link-guessing"]);
    // Once a code's lifetime has passed since the guesses, a fresh code works.
    clock.set("2025-12-01 09:11");
    let code = code_in(&admin.send("/link").await);
    assert_eq!(ids(&owner.send(&code).await), ["link-joined"]);
}

#[tokio::test]
async fn five_wrong_codes_make_a_chat_wait_an_hour() {
    let (_db, engine, clock) = world().await;
    let mut telegram = Person::on(&engine, "telegram", "7201");
    telegram.sign_up("tien lu").await;
    let code = code_in(&telegram.send("/link").await);
    let mut guesser = Person::on(&engine, "zalo_bot", "z-7201");
    for _ in 0..5 {
        assert_eq!(ids(&guesser.send(other_than(&code)).await), ["link-wrong"]);
    }
    assert_eq!(ids(&guesser.send(&code).await), ["link-tries"]);
    clock.set("2025-12-01 10:01");
    let code = code_in(&telegram.send("/link").await);
    assert_eq!(ids(&guesser.send(&code).await), ["link-joined"]);
}

#[tokio::test]
async fn linking_two_sign_ups_keeps_the_newer_commune_and_language_and_says_so() {
    let (db, engine, _clock) = world().await;
    let mut telegram = Person::on(&engine, "telegram", "7301");
    telegram.sign_up("tien lu").await;
    telegram.take_role(Role::Cadre, "12364").await;
    let mut zalo = Person::on(&engine, "zalo_bot", "z-7301");
    sign_up_in_english(&mut zalo, "pho hien").await;

    let code = code_in(&telegram.send("/link").await);
    let merged = zalo.send(&code).await;
    assert_eq!(ids(&merged), ["link-merged"]);
    assert!(
        render(&engine, &merged)
            .contains("We kept Phường Phố Hiến, Tỉnh Hưng Yên and English from the newer one"),
        "{}",
        render(&engine, &merged)
    );
    assert_eq!(count(&db, "SELECT count(*) FROM people").await, 1);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM people p JOIN units u ON u.id = p.unit_id
             WHERE u.code = '11953' AND p.language = 'en'"
        )
        .await,
        1
    );
    // Both chats speak the language kept; the older sign-up's role came along.
    let data = render(&engine, &telegram.send("/mydata").await);
    for needle in [
        "Commune or ward: Phường Phố Hiến, Tỉnh Hưng Yên",
        "Roles: cadre — Xã Tiên Lữ, Tỉnh Hưng Yên",
        "Reached through: Telegram (chat id 7301), Zalo (user id z-7301)",
    ] {
        assert!(data.contains(needle), "missing {needle:?} in {data}");
    }
}

/// A one-question survey of the province, named or anonymous, opened now.
async fn open_survey(engine: &Engine, anonymous: bool) -> i64 {
    let file = SurveyFile::parse(&format!(
        r#"title = "Đường thôn"
intro = "Một câu hỏi."
anonymous = {anonymous}
[target]
units = ["33"]
[[questions]]
id = "agree"
kind = "yes_no"
text = "Có nên làm đường thôn không?""#
    ))
    .unwrap();
    let unit = engine.units().by_code("33").unwrap().id;
    common::open_survey(engine, &file, &[unit]).await
}

async fn answer(p: &mut Person<'_>, survey: i64) {
    p.press(&format!("sv:{survey}:start")).await;
    let thanks = p.send("co").await;
    assert_eq!(ids(&thanks).last(), Some(&"survey-thanks"), "{thanks:?}");
}

#[tokio::test]
async fn a_survey_answered_on_one_chat_counts_for_both() {
    let (db, engine, _clock) = world().await;
    let mut telegram = Person::on(&engine, "telegram", "7401");
    telegram.sign_up("tien lu").await;
    let mut zalo = Person::on(&engine, "zalo_bot", "z-7401");
    zalo.sign_up("tien lu").await;
    let named = open_survey(&engine, false).await;
    let anonymous = open_survey(&engine, true).await;
    answer(&mut telegram, named).await;
    answer(&mut zalo, named).await;
    answer(&mut telegram, anonymous).await;

    let code = code_in(&telegram.send("/link").await);
    assert_eq!(ids(&zalo.send(&code).await), ["link-merged"]);

    // Both answered the named survey: one response stays, counted once.
    let responses = format!("SELECT count(*) FROM survey_responses WHERE survey_id = {named}");
    assert_eq!(count(&db, &responses).await, 1);
    let tallied = format!(
        "SELECT sum(count)::bigint FROM survey_tallies WHERE survey_id = {named} AND question = '*'"
    );
    assert_eq!(count(&db, &tallied).await, 1);
    let invited = format!(
        "SELECT sum(count)::bigint FROM survey_tallies WHERE survey_id = {named} AND question = '+'"
    );
    assert_eq!(count(&db, &invited).await, 1);
    // The anonymous one, answered on Telegram only, is answered on Zalo too, and still waits
    // unchanged, without anyone's name.
    for p in [&mut zalo, &mut telegram] {
        for survey in [named, anonymous] {
            let again = p.press(&format!("sv:{survey}:start")).await;
            assert_eq!(ids(&again), ["survey-already"], "{}", p.channel);
        }
    }
    assert_eq!(count(&db, "SELECT count(*) FROM survey_pending").await, 1);
    let data = render(&engine, &zalo.send("/mydata").await);
    assert!(data.contains("Khảo sát: 1 câu trả lời có tên"), "{data}");
}

#[tokio::test]
async fn forget_on_either_chat_erases_both() {
    let (db, engine, _clock) = world().await;
    let mut telegram = Person::on(&engine, "telegram", "7501");
    telegram.sign_up("tien lu").await;
    let mut zalo = Person::on(&engine, "zalo_bot", "z-7501");
    zalo.sign_up("pho hien").await;
    let code = code_in(&telegram.send("/link").await);
    zalo.send(&code).await;
    telegram.send("/link").await;

    zalo.send("/forget").await;
    assert_eq!(ids(&zalo.tap("Xoá dữ liệu").await), ["forget-done"]);
    for (table, rows) in db.store.personal_data_counts().await.unwrap() {
        assert_eq!(rows, 0, "{table} still holds personal data");
    }
    for table in ["link_codes", "person_aliases"] {
        let sql = format!("SELECT count(*) FROM {table}");
        assert_eq!(count(&db, &sql).await, 0, "{table}");
    }
    // Telegram starts over too.
    assert_eq!(ids(&telegram.send("xin chào").await), ["greeting"]);
}

/// Creates and schedules a notice to Xã Tiên Lữ; returns its id.
async fn notice(engine: &Engine, title: &str) -> i64 {
    let unit = engine.units().by_code("12364").unwrap().id;
    let store = engine.store();
    let id = store
        .create_notice(&NewNotice::to_units(title, "Nội dung.", vec![unit]))
        .await
        .unwrap();
    store.schedule_notice(id, engine.now()).await.unwrap();
    id
}

/// (channel, status) of the person's deliveries of the notice, oldest first.
async fn deliveries(db: &TestDb, notice: i64, address: &str) -> Vec<(String, String)> {
    let pool = PgPool::connect(&db.url).await.unwrap();
    sqlx::query_as(
        "SELECT d.channel, d.status FROM deliveries d
         WHERE d.notice_id = $1
           AND d.person_id = (SELECT person_id FROM chats WHERE address = $2)
         ORDER BY d.id",
    )
    .bind(notice)
    .bind(address)
    .fetch_all(&pool)
    .await
    .unwrap()
}

/// Claims what waits on `channel` and records `outcome` for each.
async fn send_all(engine: &Engine, channel: &str, outcome: Outcome) -> usize {
    let store = engine.store();
    let claimed = store.claim_deliveries(channel, 100, false).await.unwrap();
    let outcomes: Vec<_> = claimed
        .deliveries
        .iter()
        .map(|d| (d.id, outcome.clone()))
        .collect();
    store
        .record_deliveries(claimed.token, &outcomes)
        .await
        .unwrap();
    claimed.deliveries.len()
}

/// A resident on Telegram and Zalo (Zalo linked to Telegram's sign-up), and one on Telegram only.
async fn two_residents<'a>(engine: &'a Engine, clock: &TestClock) -> (Person<'a>, Person<'a>) {
    let mut telegram = Person::on(engine, "telegram", "7601");
    telegram.sign_up("tien lu").await;
    Person::on(engine, "telegram", "7602")
        .sign_up("tien lu")
        .await;
    let code = code_in(&telegram.send("/link").await);
    let mut zalo = Person::on(engine, "zalo_bot", "z-7601");
    zalo.send(&code).await;
    // Zalo is where they wrote last.
    clock.set("2025-12-01 09:05");
    zalo.send("/notices").await;
    (telegram, zalo)
}

#[tokio::test]
async fn a_notice_goes_once_to_the_chat_used_last_and_then_to_the_other_if_it_cannot() {
    let (db, engine, clock) = world().await;
    let (_telegram, mut zalo) = two_residents(&engine, &clock).await;
    let id = notice(&engine, "Họp dân").await;
    let fanned = engine.store().fan_out_due(clock.now()).await.unwrap();
    assert_eq!(fanned, [(id, 2)], "one delivery per person");
    assert_eq!(
        deliveries(&db, id, "7601").await,
        [("zalo_bot".into(), "pending".into())]
    );

    // Zalo's window rule forbids it now: Telegram is tried, once.
    let window = Outcome::Undeliverable("outside the messaging window".into());
    assert_eq!(send_all(&engine, "zalo_bot", window.clone()).await, 1);
    assert_eq!(
        deliveries(&db, id, "7601").await,
        [
            ("zalo_bot".into(), "undeliverable".into()),
            ("telegram".into(), "pending".into())
        ]
    );
    let sent = Outcome::Sent {
        message_id: "m1".into(),
    };
    assert_eq!(send_all(&engine, "telegram", sent).await, 2);
    assert_eq!(
        deliveries(&db, id, "7601").await,
        [
            ("zalo_bot".into(), "undeliverable".into()),
            ("telegram".into(), "sent".into())
        ]
    );
    // It reached them: nothing is missed.
    assert_eq!(ids(&zalo.send("xin chào").await), ["greeting"]);

    // A person who blocked the bot on the chat they used last gets the next one on the other.
    clock.set("2025-12-01 09:10");
    zalo.send("/notices").await;
    let next = notice(&engine, "Lịch tiếp dân").await;
    engine.store().fan_out_due(clock.now()).await.unwrap();
    send_all(&engine, "zalo_bot", Outcome::Blocked).await;
    assert_eq!(
        deliveries(&db, next, "7601").await,
        [
            ("zalo_bot".into(), "blocked".into()),
            ("telegram".into(), "pending".into())
        ]
    );

    // A survey invitation, too, goes once, to the chat that can still take it.
    open_survey(&engine, false).await;
    let invitations: Vec<String> = sqlx::query_scalar(
        "SELECT d.channel FROM deliveries d JOIN chats c ON c.person_id = d.person_id
         WHERE c.address = '7601' AND d.message->'body'->>'id' = 'survey-invitation'",
    )
    .fetch_all(&PgPool::connect(&db.url).await.unwrap())
    .await
    .unwrap();
    assert_eq!(invitations, ["telegram"]);
}

#[tokio::test]
async fn notices_no_chat_could_take_are_shown_first_when_the_person_next_writes() {
    let (db, engine, clock) = world().await;
    let (mut telegram, _zalo) = two_residents(&engine, &clock).await;
    let first = notice(&engine, "Họp dân").await;
    let second = notice(&engine, "Lịch tiếp dân").await;
    let cancelled = notice(&engine, "Đã huỷ").await;
    let store = engine.store();
    store.fan_out_due(clock.now()).await.unwrap();
    let window = || Outcome::Undeliverable("outside the messaging window".into());
    send_all(&engine, "zalo_bot", window()).await;
    send_all(&engine, "telegram", window()).await;
    assert_eq!(
        send_all(&engine, "telegram", window()).await,
        0,
        "each chat once"
    );
    store.cancel_notice(cancelled).await.unwrap();

    let out = telegram.send("xin chào").await;
    assert_eq!(
        ids(&out),
        ["missed-notices", "notice", "notice", "greeting"]
    );
    let text = render(&engine, &out);
    assert!(text.starts_with("Bạn có 2 thông báo mới:"), "{text}");
    assert!(
        text.contains("📢 Họp dân") && text.contains("📢 Lịch tiếp dân"),
        "{text}"
    );
    assert!(!text.contains("Đã huỷ"), "{text}");
    for id in [first, second] {
        assert_eq!(
            deliveries(&db, id, "7601").await,
            [
                ("zalo_bot".into(), "undeliverable".into()),
                ("telegram".into(), "sent".into())
            ]
        );
    }
    // Shown once.
    assert_eq!(ids(&telegram.send("xin chào").await), ["greeting"]);
    let status = store.notice_status(first).await.unwrap().unwrap();
    assert_eq!(status.totals.pending, 0);
}

/// Linking two sign-ups moves what names the older person; a new column that names a person
/// needs its own decision in `Tx::merge_people` (store/links.rs), then a place in this list.
#[tokio::test]
async fn every_column_that_names_a_person_has_its_place_in_a_merge() {
    let (db, _engine, _clock) = world().await;
    let pool = PgPool::connect(&db.url).await.unwrap();
    let columns: Vec<(String, String)> = sqlx::query_as(
        // Tables only: a view (`chat_people`) keeps nothing to move.
        "SELECT c.table_name::text, c.column_name::text
         FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
           AND c.column_name IN ('person_id', 'created_by', 'answered_by', 'former_id', 'cadre_id',
                               'by_person_id')
         ORDER BY 1, 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let handled = [
        ("activities", "created_by"),
        ("chats", "person_id"),
        ("consultation_opinions", "person_id"),
        ("consultation_people", "person_id"),
        ("consultation_profiles", "person_id"),
        ("consultations", "created_by"),
        ("deliveries", "person_id"),
        ("household_assignments", "by_person_id"),
        ("household_assignments", "cadre_id"),
        ("household_members", "person_id"),
        ("households", "cadre_id"),
        ("invites", "created_by"),
        ("link_codes", "person_id"),
        ("log_audit", "person_id"),
        ("models", "created_by"),
        ("notices", "created_by"),
        ("person_aliases", "former_id"),
        ("person_aliases", "person_id"),
        ("role_grants", "person_id"),
        ("survey_consents", "person_id"),
        ("survey_invitations", "person_id"),
        ("survey_progress", "person_id"),
        ("survey_responses", "person_id"),
        ("tickets", "person_id"),
    ]
    .map(|(t, c)| (t.to_owned(), c.to_owned()));
    assert_eq!(columns, handled);
}

/// The kept residents-by-unit-and-channel figures differ from a count made now, if at all.
async fn kept_counts_drift(db: &TestDb) -> Vec<(i64, String, i64, i64)> {
    let pool = PgPool::connect(&db.url).await.unwrap();
    sqlx::query_as(
        "WITH counted AS (
             SELECT p.unit_id, c.channel, count(DISTINCT p.id) AS people
             FROM people p JOIN chats c ON c.person_id = p.id
             WHERE p.unit_id IS NOT NULL GROUP BY 1, 2),
         kept AS (SELECT unit_id, channel, people FROM resident_counts WHERE people > 0)
         SELECT coalesce(k.unit_id, c.unit_id), coalesce(k.channel, c.channel),
                coalesce(k.people, 0), coalesce(c.people, 0)
         FROM kept k FULL JOIN counted c USING (unit_id, channel)
         WHERE k.people IS DISTINCT FROM c.people",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn residents_by_unit_and_channel_are_kept_through_sign_up_link_move_and_forget() {
    let (db, engine, _clock) = world().await;
    let mut telegram = Person::on(&engine, "telegram", "7101");
    telegram.sign_up("tien lu").await;
    let mut neighbour = Person::on(&engine, "telegram", "7102");
    neighbour.sign_up("tien lu").await;
    assert_eq!(kept_counts_drift(&db).await, vec![]);
    // A second chat on Zalo: the person now counts on both channels, once each.
    let code = code_in(&telegram.send("/link").await);
    let mut zalo = Person::on(&engine, "zalo_bot", "z-7101");
    assert_eq!(ids(&zalo.send(&code).await), ["link-joined"]);
    assert_eq!(kept_counts_drift(&db).await, vec![]);
    assert_eq!(
        count(
            &db,
            "SELECT sum(people)::bigint FROM resident_counts WHERE channel = 'telegram'"
        )
        .await,
        2
    );
    // Moving to another commune moves both channels.
    telegram.send("/unit").await;
    telegram.send("bac dong quan").await;
    telegram.tap("Đúng").await;
    assert_eq!(kept_counts_drift(&db).await, vec![]);
    // Erased: nothing of them is counted.
    zalo.send("/forget").await;
    zalo.tap("Xoá dữ liệu").await;
    assert_eq!(kept_counts_drift(&db).await, vec![]);
    assert_eq!(
        count(&db, "SELECT sum(people)::bigint FROM resident_counts").await,
        1
    );
}
