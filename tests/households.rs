//! "1+10" through the engine against a real database: a cadre adds a household, residents join
//! with its code and their consent, the cadre sees who read the latest notice and who answered the
//! open consultation (never what), reminds once a day, and logs a visit as an activity.

mod common;

use common::{Person, TestClock, demo_engine_at, ids, render, text_arg};
use danvan::app::By;
use danvan::domain::access::Role;
use danvan::store::notices::NewNotice;

#[tokio::test]
async fn a_cadre_sees_who_in_their_households_read_a_notice_and_reminds_them_once_a_day() {
    let clock = TestClock::at("2025-12-01 09:00");
    let (db, engine) = demo_engine_at(clock.shared()).await;
    let mut cadre = Person::on(&engine, "telegram", "6001");
    cadre.sign_up("tien lu").await;
    assert_eq!(ids(&cadre.send("/hogiadinh").await)[0], "not-allowed");
    cadre.take_role(Role::Cadre, "12364").await;
    assert_eq!(ids(&cadre.send("/hogiadinh").await), ["households-none"]);
    let added = cadre.send("/hogiadinh them Hộ bà Lan, xóm 3").await;
    assert_eq!(ids(&added), ["households-added"]);
    let code = text_arg(&added, "code");

    let mut lan = Person::on(&engine, "telegram", "6002");
    lan.sign_up("tien lu").await;
    let mut minh = Person::on(&engine, "zalo_bot", "z-6003");
    minh.sign_up("tien lu").await;
    assert_eq!(
        ids(&lan.send("/ho 99999999x").await),
        ["household-code-wrong"]
    );
    let asked = lan.send(&format!("/ho {code}")).await;
    assert_eq!(ids(&asked), ["household-join-ask"]);
    assert_eq!(ids(&lan.tap("Đồng ý tham gia").await), ["household-joined"]);
    minh.send(&format!("/ho {code}")).await;
    assert_eq!(ids(&minh.tap("Không").await), ["household-join-declined"]);
    minh.send(&format!("/ho {code}")).await;
    minh.tap("Đồng ý tham gia").await;

    // A notice reaches both; Lan reads it.
    let unit = engine.units().by_code("12364").unwrap().id;
    let mut notice = NewNotice::to_units("Lịch tiêm phòng", "Sáng thứ Bảy.", vec![unit]);
    notice.quiet_hours = false;
    let store = engine.store();
    let id = store.create_notice(&notice).await.unwrap();
    store.schedule_notice(id, engine.now()).await.unwrap();
    store.fan_out_due(engine.now()).await.unwrap();
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    sqlx::query("UPDATE deliveries SET status = 'sent', sent_at = $2 WHERE notice_id = $1")
        .bind(id)
        .bind(engine.now())
        .execute(&pool)
        .await
        .unwrap();
    lan.press(&format!("ack:{id}")).await;
    // The household's history: given to the cadre by the cadre, in chat.
    let given: Vec<(String, bool)> =
        sqlx::query_as("SELECT by_kind, by_person_id = cadre_id FROM household_assignments")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(given, [("person".to_owned(), true)]);

    let list = cadre.send("/hogiadinh").await;
    let text = render(&engine, &list);
    assert!(text.contains("Hộ bà Lan, xóm 3 — 2 người"), "{text}");
    assert!(
        text.contains("Thông báo “Lịch tiêm phòng”: 1/2 người đã đọc"),
        "{text}"
    );
    let remind = list.replies[0].buttons[0][0].payload.clone();
    let visit = list.replies[0].buttons[1][0].payload.clone();
    assert_eq!(remind, "hh:1:remind");
    let reminded = cadre.tap("🔔 Nhắc Hộ bà Lan, xóm 3").await;
    assert!(
        render(&engine, &reminded).contains("tới 1 người"),
        "{}",
        render(&engine, &reminded)
    );
    let waiting: Vec<String> = sqlx::query_scalar(
        "SELECT address FROM deliveries WHERE notice_id IS NULL AND message->'body'->>'id' = 'household-reminder-notice'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(waiting, ["z-6003"], "only the one who has not read it");
    // The old button again, the same day: once a day.
    assert_eq!(
        ids(&cadre.press(&remind).await),
        ["households-reminded-today"]
    );
    clock.set("2025-12-02 09:00");
    assert_eq!(ids(&cadre.press(&remind).await), ["households-reminded"]);

    // Someone else's household is not theirs to remind or visit.
    let mut other = Person::on(&engine, "telegram", "6004");
    other.sign_up("tien lu").await;
    other.take_role(Role::Cadre, "12364").await;
    assert_eq!(ids(&other.press(&remind).await), ["button-expired"]);
    assert_eq!(ids(&other.press(&visit).await), ["button-expired"]);

    let visit = cadre.press(&visit).await;
    assert_eq!(ids(&visit), ["households-visit-logged"]);
    let logged: String =
        sqlx::query_scalar("SELECT title FROM activities ORDER BY id DESC LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(logged, "Thăm hộ Hộ bà Lan, xóm 3 (Dân vận khéo 1+10)");
    let units = engine.units();
    let mut tx = store.begin().await.unwrap();
    let view = danvan::app::households::overview(&mut tx, By::Operator, unit, &units, engine.now())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    let coverage = view.coverage;
    assert_eq!(
        (coverage.households, coverage.accompanied, coverage.cadres),
        (1, 2, 1)
    );
    assert_eq!(coverage.unreached, 0, "the notice reached them today");
    assert_eq!(coverage.total_visits(), 1);

    // What is kept is told (Law 91/2025): the household joined and when, the households accompanied.
    let mine = render(&engine, &minh.send("/mydata").await);
    assert!(
        mine.contains(
            "Hộ gia đình (mô hình 1+10): Hộ bà Lan, xóm 3 (đồng ý tham gia ngày 1/12/2025)"
        ),
        "{mine}"
    );
    let theirs = render(&engine, &cadre.send("/mydata").await);
    assert!(
        theirs.contains("chưa tham gia; bạn theo dõi 1 hộ"),
        "{theirs}"
    );
    // The household was given to the cadre once, by the cadre's own message; the resident
    // neither received nor made an assignment.
    assert!(
        theirs
            .contains("Lịch sử giao hộ (1+10): 1 lần giao hộ cho bạn theo dõi, 1 lần do bạn giao"),
        "{theirs}"
    );
    assert!(
        mine.contains("Lịch sử giao hộ (1+10): 0 lần giao hộ cho bạn theo dõi, 0 lần do bạn giao"),
        "{mine}"
    );
    // Leaving: /forget takes the person out of the household.
    minh.send("/forget").await;
    minh.press("forget:yes").await;
    let text = render(&engine, &cadre.send("/hogiadinh").await);
    assert!(text.contains("— 1 người"), "{text}");
}

/// An anonymous survey shows nothing; a consultation shows how many answered, never what.
#[tokio::test]
async fn the_cadre_sees_that_someone_answered_a_draft_never_what() {
    let (_db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let mut cadre = Person::on(&engine, "telegram", "6101");
    cadre.sign_up("tien lu").await;
    cadre.take_role(Role::Cadre, "12364").await;
    let code = text_arg(&cadre.send("/hogiadinh them Hộ ông Minh").await, "code");
    let mut minh = Person::on(&engine, "telegram", "6102");
    minh.sign_up("tien lu").await;
    minh.send(&format!("/ho {code}")).await;
    minh.tap("Đồng ý tham gia").await;
    let file = danvan::domain::consultation::ConsultationFile::parse(include_str!(
        "../examples/consultation.md"
    ))
    .unwrap();
    let units = engine.units();
    let mut tx = engine.store().begin().await.unwrap();
    let by = danvan::app::By::Operator;
    let id = danvan::app::consultations::create(&mut tx, by, &file, &units)
        .await
        .unwrap()
        .unwrap();
    danvan::app::consultations::open(&mut tx, by, id, None, &units, engine.now())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    let before = render(&engine, &cadre.send("/hogiadinh").await);
    assert!(before.contains("0/1 người đã góp ý"), "{before}");
    minh.press(&format!("gy:{id}:2:d")).await;
    minh.send("rieng y kien cua toi").await;
    let after = render(&engine, &cadre.send("/hogiadinh").await);
    assert!(after.contains("1/1 người đã góp ý"), "{after}");
    assert!(
        !after.contains("Không tán thành") && !after.contains("rieng y kien"),
        "{after}"
    );
}

/// A survey in one question, to the whole province; `anonymous` as given.
fn survey(title: &str, anonymous: bool) -> danvan::domain::survey::SurveyFile {
    danvan::domain::survey::SurveyFile::parse(&format!(
        r#"
title = "{title}"
intro = "Một câu hỏi."
anonymous = {anonymous}
sensitive = false
open_days = 30

[target]
units = ["33"]

[[questions]]
id = "ok"
kind = "yes_no"
text = "Bà con có đồng ý không?"
"#
    ))
    .unwrap()
}

/// Who answered an anonymous survey is shown to no one: the cadre sees nothing of it, not even
/// that it exists; of a named survey, how many answered, never what.
#[tokio::test]
async fn no_participation_is_shown_for_an_anonymous_survey() {
    let (db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let mut cadre = Person::on(&engine, "telegram", "6201");
    cadre.sign_up("tien lu").await;
    cadre.take_role(Role::Cadre, "12364").await;
    let code = text_arg(&cadre.send("/hogiadinh them Hộ ông Tư").await, "code");
    let mut tu = Person::on(&engine, "telegram", "6202");
    tu.sign_up("tien lu").await;
    tu.send(&format!("/ho {code}")).await;
    tu.tap("Đồng ý tham gia").await;

    let open = |file: danvan::domain::survey::SurveyFile| {
        let engine = &engine;
        async move {
            let province = engine.units().by_code("33").unwrap().id;
            common::open_survey(engine, &file, &[province]).await
        }
    };
    let secret = open(survey("Ý kiến kín", true)).await;
    tu.press(&format!("sv:{secret}:start")).await;
    tu.tap("Có").await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let invited: i64 = sqlx::query_scalar("SELECT count(*) FROM survey_invitations WHERE started")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(invited, 1, "the invitation knows they started");
    let seen = render(&engine, &cadre.send("/hogiadinh").await);
    assert!(
        !seen.contains("Ý kiến kín") && !seen.contains("Khảo sát"),
        "{seen}"
    );

    let named = open(survey("Đường làng", false)).await;
    let before = render(&engine, &cadre.send("/hogiadinh").await);
    assert!(
        before.contains("Khảo sát “Đường làng”: 0/1 người đã trả lời"),
        "{before}"
    );
    tu.press(&format!("sv:{named}:start")).await;
    tu.tap("Không").await;
    let after = render(&engine, &cadre.send("/hogiadinh").await);
    assert!(
        after.contains("Khảo sát “Đường làng”: 1/1 người đã trả lời") && !after.contains("Không"),
        "{after}"
    );
    assert!(!after.contains("Ý kiến kín"), "{after}");
}

/// Staff at the command line: a household added at a place, assigned to a cadre, listed.
#[tokio::test]
async fn the_command_line_adds_a_household_and_assigns_it_a_cadre() {
    let (db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let mut cadre = Person::on(&engine, "telegram", "6301");
    cadre.sign_up("tien lu").await;
    cadre.take_role(Role::Cadre, "12364").await;
    let added = common::danvan_ok(
        &[
            "household",
            "add",
            "--unit",
            "12364",
            "Hộ bà Hoa",
            "--village",
            "Xóm 3",
            "--address",
            "số 12",
        ],
        &db.url,
    );
    let code: String = added.split("/ho ").nth(1).unwrap().trim().to_owned();
    let again = common::danvan_ok(
        &[
            "household",
            "add",
            "--unit",
            "12364",
            "Hộ Hoa",
            "--village",
            "xom 3",
            "--address",
            "So 12",
        ],
        &db.url,
    );
    assert!(
        again.ends_with(&format!("/ho {code}\n")),
        "one household a place: {again}"
    );
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let id: i64 = sqlx::query_scalar("SELECT person_id FROM role_grants")
        .fetch_one(&pool)
        .await
        .unwrap();
    let assigned = common::danvan_ok(
        &["household", "assign", &code, "--cadre", &id.to_string()],
        &db.url,
    );
    assert!(assigned.contains("accompanies 1 household"), "{assigned}");
    let given: Vec<(String, bool, Option<i64>)> =
        sqlx::query_as("SELECT by_kind, assigned, cadre_id FROM household_assignments")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(given, [("cli".to_owned(), true, Some(id))]);
    let listed = common::danvan_ok(&["household", "list", "--unit", "12364"], &db.url);
    assert!(
        listed.starts_with("1 households, 1 with a cadre") && listed.contains("Xóm 3, số 12"),
        "{listed}"
    );
    assert!(render(&engine, &cadre.send("/hogiadinh").await).contains("Hộ bà Hoa"));
}

/// A resident without a code names their household by its village group and address, typed as
/// they like: one place is one household, staff's or made by the first who names it.
#[tokio::test]
async fn residents_join_their_household_by_its_place_however_they_type_it() {
    let (db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let mut hoa = Person::on(&engine, "telegram", "6401");
    hoa.sign_up("tien lu").await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let unit: i64 = sqlx::query_scalar("SELECT unit_id FROM people")
        .fetch_one(&pool)
        .await
        .unwrap();
    let units = engine.units();
    let mut tx = engine.store().begin().await.unwrap();
    let staffs = danvan::app::households::NewHousehold {
        unit_id: unit,
        name: "Hộ bà Hoa",
        place: Some(("Xóm 3", "số 12 ngõ 4")),
        cadre: None,
    };
    danvan::app::households::add(&mut tx, By::Operator, &staffs, &units, engine.now())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();

    // A mistyped code is a wrong code, never a place; a place needs both its parts.
    assert_eq!(
        ids(&hoa.send("/ho 99999999x").await),
        ["household-code-wrong"]
    );
    assert_eq!(ids(&hoa.send("/ho xom 3,").await), ["household-join-usage"]);

    // Without diacritics, other spacing and case: the staff's household, after saying yes.
    let asked = hoa.send("/ho xom  3, So 12 ngo 4").await;
    assert_eq!(ids(&asked), ["household-place-ask"]);
    let joined = hoa.tap("Đồng ý tham gia").await;
    assert_eq!(ids(&joined), ["household-joined"]);
    assert_eq!(text_arg(&joined, "name"), "Hộ bà Hoa");

    // A place no one has named yet: saying no keeps nothing; saying yes makes it.
    let mut nam = Person::on(&engine, "zalo_bot", "z-6402");
    nam.sign_up("tien lu").await;
    nam.send("/ho Thôn Đông, số 5").await;
    assert_eq!(ids(&nam.send("khong").await), ["household-join-declined"]);
    let households = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM households")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert_eq!(households().await, 1);
    nam.send("/ho Thôn Đông, số 5").await;
    let joined = nam.send("đồng ý").await;
    assert_eq!(ids(&joined), ["household-joined"]);
    assert_eq!(text_arg(&joined, "name"), "Hộ ở số 5, Thôn Đông");
    let mut lan = Person::on(&engine, "telegram", "6403");
    lan.sign_up("tien lu").await;
    lan.send("/ho thon dong, so 5").await;
    lan.tap("Đồng ý tham gia").await;
    let members: Vec<(String, i64)> = sqlx::query_as(
        "SELECT h.name, count(m.person_id) FROM households h
         LEFT JOIN household_members m ON m.household_id = h.id GROUP BY h.id ORDER BY h.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        members,
        [
            ("Hộ bà Hoa".to_owned(), 1),
            ("Hộ ở số 5, Thôn Đông".to_owned(), 2)
        ]
    );
}
