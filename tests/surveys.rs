//! Surveys answered in chat through the engine, against a real database: every question kind,
//! branching, going back, resuming in a new process, one response each, closing, consent, anonymity,
//! results, CSV and scope.

mod common;

use chrono::{Duration, Utc};
use common::{Person, demo_engine, ids, render};
use danvan::domain::access::Role;
use danvan::domain::survey::SurveyFile;
use danvan::engine::Engine;
use sqlx::PgPool;

/// Buttons and text for the example: agree, concerns, rating, age, comment.
type Taps = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    Option<&'static str>,
);

const EXAMPLE: &str = include_str!("../examples/survey.toml");

/// The example survey (open for a month from when it opens), with `changes` applied to its text.
fn survey_file(changes: &[(&str, &str)]) -> SurveyFile {
    let mut text = EXAMPLE.to_owned();
    for (from, to) in changes {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    SurveyFile::parse(&text).unwrap()
}

/// Creates and opens the survey for `unit_codes`; returns its id.
async fn open(engine: &Engine, file: &SurveyFile, unit_codes: &[&str]) -> i64 {
    let units: Vec<i64> = unit_codes
        .iter()
        .map(|c| engine.units().by_code(c).unwrap().id)
        .collect();
    common::open_survey(engine, file, &units).await
}

async fn resident<'a>(engine: &'a Engine, chat: &str, place: &str) -> Person<'a> {
    let mut p = Person::on(engine, "telegram", chat);
    p.sign_up(place).await;
    p
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn a_resident_answers_every_kind_with_branching_back_and_a_resume_in_a_new_process() {
    let (db, engine) = demo_engine().await;
    let pool = PgPool::connect(&db.url).await.unwrap();
    let mut r = resident(&engine, "9001", "tien lu").await;
    let id = open(&engine, &survey_file(&[]), &["33"]).await;

    // The invitation waits in the delivery queue with its two buttons.
    let invitation: serde_json::Value = sqlx::query_scalar(
        "SELECT message FROM deliveries WHERE message->'body'->>'id' = 'survey-invitation'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        invitation["buttons"][0][0]["payload"],
        format!("sv:{id}:start")
    );
    assert_eq!(
        invitation["buttons"][0][1]["payload"],
        format!("sv:{id}:later")
    );

    // Sensitive: a separate consent first.
    assert_eq!(
        ids(&r.press(&format!("sv:{id}:start")).await),
        ["survey-intro", "survey-consent"]
    );
    let first = r.tap("Đồng ý").await;
    assert_eq!(ids(&first), ["survey-question"]);
    assert!(render(&engine, &first).starts_with("Câu 1/5. Ông/bà có đồng ý"));

    // Typed without diacritics; "no" opens the question on concerns.
    let concerns = r.send("khong").await;
    assert!(render(&engine, &concerns).starts_with("Câu 2/5. Ông/bà còn băn khoăn"));
    let ticked = r.tap("▫️ Chi phí cho người dân").await;
    assert!(
        common::button_labels(&engine, &ticked).contains(&"✅ Chi phí cho người dân".to_owned())
    );
    assert_eq!(ids(&r.tap("Xong").await), ["survey-question"]);
    // Back to the concerns, changed.
    let back = r.tap("← Quay lại").await;
    assert!(render(&engine, &back).starts_with("Câu 2/5."));
    // The same "Quay lại" tapped again, on the message it came from, undoes nothing more.
    assert_eq!(
        ids(&r.press(&format!("sv:{id}:back:rating")).await),
        ["survey-old-button", "survey-question"]
    );
    r.tap("▫️ Thời gian chuyển đổi").await;
    let rating = r.tap("Xong").await;
    assert!(render(&engine, &rating).starts_with("Câu 3/5."));

    // A new process over the same database picks up where the resident stopped.
    let engine2 = Engine::new(engine.store().clone()).await.unwrap();
    let mut r2 = Person::on(&engine2, "telegram", "9001");
    let resumed = r2.press(&format!("sv:{id}:start")).await;
    assert_eq!(ids(&resumed), ["survey-question"]);
    assert!(render(&engine2, &resumed).starts_with("Câu 3/5."));
    assert_eq!(ids(&r2.send("9").await), ["use-buttons", "survey-question"]);
    // A button from an earlier question.
    assert_eq!(
        ids(&r2.press(&format!("sv:{id}:a:agree:yes")).await),
        ["survey-old-button", "survey-question"]
    );
    r2.tap("4").await;
    for wrong in ["bốn mươi", "150"] {
        assert_eq!(
            ids(&r2.send(wrong).await),
            ["survey-number-invalid", "survey-question"]
        );
    }
    let comment = r2.send("45").await;
    assert!(common::button_labels(&engine2, &comment).contains(&"Bỏ qua".to_owned()));
    assert_eq!(
        ids(&r2.send(&"x".repeat(301)).await),
        ["text-too-long", "survey-question"]
    );
    let thanks = r2
        .send("Cần giải thích rõ hơn về thời gian chuyển đổi")
        .await;
    assert_eq!(ids(&thanks), ["survey-thanks"]);
    let text = render(&engine2, &thanks);
    assert!(text.contains("— Không"), "{text}");
    assert!(
        text.contains("— Thời gian chuyển đổi; Chi phí cho người dân"),
        "{text}"
    );

    // One response each: a second try shows the answers.
    let again = r2.press(&format!("sv:{id}:start")).await;
    assert_eq!(ids(&again), ["survey-already"]);
    assert!(render(&engine2, &again).contains("— 45"));

    // Anonymous: the response waits without the person, then is stored in a batch.
    assert_eq!(
        count(&pool, "SELECT count(*) FROM survey_responses").await,
        0
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM survey_pending").await, 1);
    // One alone is not stored before enough others come, or it has waited.
    let early = engine
        .store()
        .store_waiting_responses(20, std::time::Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(early, 0);
    let stored = engine
        .store()
        .store_waiting_responses(20, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    assert_eq!(count(&pool, "SELECT count(*) FROM survey_pending").await, 0);
    assert_eq!(
        ids(&r2.press(&format!("sv:{id}:start")).await),
        ["survey-already"]
    );
    // Nothing ties the stored answers to the person.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM survey_responses WHERE person_id IS NULL AND submitted_at IS NULL"
        )
        .await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM survey_progress").await,
        0
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM survey_answers").await, 6);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM survey_consents").await,
        1
    );
}

#[tokio::test]
async fn refusing_the_sensitive_consent_keeps_nothing_and_a_closed_survey_ends_politely() {
    let (db, engine) = demo_engine().await;
    let pool = PgPool::connect(&db.url).await.unwrap();
    let id = open(&engine, &survey_file(&[]), &["33"]).await;
    let mut r = resident(&engine, "9002", "tien lu").await;
    r.press(&format!("sv:{id}:start")).await;
    assert_eq!(ids(&r.tap("Không đồng ý").await), ["survey-refused"]);
    for table in ["survey_progress", "survey_consents", "survey_responses"] {
        assert_eq!(
            count(&pool, &format!("SELECT count(*) FROM {table}")).await,
            0
        );
    }
    // Asked again next time.
    assert_eq!(
        ids(&r.press(&format!("sv:{id}:start")).await),
        ["survey-intro", "survey-consent"]
    );
    r.tap("Đồng ý").await;
    r.tap("Có").await;
    // Refusing from the old consent message takes the consent back and forgets the answers.
    assert_eq!(
        ids(&r.press(&format!("sv:{id}:refuse")).await),
        ["survey-refused"]
    );
    for table in ["survey_progress", "survey_consents"] {
        assert_eq!(
            count(&pool, &format!("SELECT count(*) FROM {table}")).await,
            0
        );
    }
    r.press(&format!("sv:{id}:start")).await;
    r.tap("Đồng ý").await;
    r.tap("Có").await;

    let mut tx = engine.store().begin().await.unwrap();
    danvan::app::surveys::close(&mut tx, id)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    // Closing forgets answers in progress at once, whether or not their people come back.
    assert_eq!(
        count(&pool, "SELECT count(*) FROM survey_progress").await,
        0
    );
    assert_eq!(ids(&r.tap("4").await), ["survey-closed-midway"]);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM survey_progress").await,
        0
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM survey_responses").await,
        0
    );
    assert_eq!(
        ids(&r.press(&format!("sv:{id}:start")).await),
        ["survey-closed"]
    );
    // Typed text no longer goes to the survey.
    assert_eq!(ids(&r.send("45").await), ["unknown-text"]);
}

#[tokio::test]
async fn results_add_up_per_question_and_unit_within_the_admins_scope() {
    let (db, engine) = demo_engine().await;
    let pool = PgPool::connect(&db.url).await.unwrap();
    let named = survey_file(&[
        ("anonymous = true", "anonymous = false"),
        ("sensitive = true", "sensitive = false"),
    ]);
    // Three residents in Tiên Lữ, one in Bắc Đông Quan; an admin of the province.
    let mut people = Vec::new();
    for (i, place) in ["tien lu", "tien lu", "tien lu", "bac dong quan"]
        .iter()
        .enumerate()
    {
        people.push(resident(&engine, &format!("91{i}"), place).await);
    }
    let mut admin = Person::on(&engine, "telegram", "9100");
    admin.sign_up("tien lu").await;
    admin.take_role(Role::Admin, "33").await;
    let id = open(&engine, &named, &["33"]).await;
    let answers: [Taps; 3] = [
        ("Có", &[], "5", "30", None),
        (
            "Không",
            &["▫️ Chi phí cho người dân"],
            "2",
            "60",
            Some("Cần họp dân"),
        ),
        (
            "Không",
            &["▫️ Chi phí cho người dân", "▫️ Tiếp cận dịch vụ công"],
            "3",
            "45",
            None,
        ),
    ];
    for (p, (agree, concerns, rating, age, comment)) in people.iter_mut().zip(answers) {
        p.press(&format!("sv:{id}:start")).await;
        p.tap(agree).await;
        if agree == "Không" {
            for c in concerns {
                p.tap(c).await;
            }
            p.tap("Xong").await;
        }
        p.tap(rating).await;
        p.send(age).await;
        let done = match comment {
            Some(text) => p.send(text).await,
            None => p.tap("Bỏ qua").await,
        };
        assert_eq!(ids(&done), ["survey-thanks"]);
    }

    let results = admin.send(&format!("/results {id}")).await;
    // The text, then a chart for each question but the free text one.
    assert_eq!(
        ids(&results),
        [
            "results",
            "results-chart",
            "results-chart",
            "results-chart",
            "results-chart"
        ]
    );
    let ages = results.replies[4].chart.as_ref().unwrap();
    assert_eq!(
        ages.bars.iter().map(|b| b.value).collect::<Vec<_>>(),
        [1, 1, 1]
    );
    let text = render(&engine, &results);
    let expected = [
        // 3 responded of 4 invited (the survey is for residents: not the admin).
        "Kết quả khảo sát “Góp ý dự thảo sửa đổi, bổ sung Hiến pháp năm 2013”, toàn tỉnh: 3 người trả lời / 4 người được mời (75,0%).",
        "• Có: 1 (33,3%)",
        "• Không: 2 (66,7%)",
        "• Chi phí cho người dân: 2 (100,0%)",
        "• Tiếp cận dịch vụ công: 1 (50,0%)",
        "• Sắp xếp đơn vị hành chính: 0 (0,0%)",
        "• Thấp nhất 2, cao nhất 5, trung bình 3,3",
        "• Thấp nhất 30, cao nhất 60, trung bình 45,0",
        "• “Cần họp dân”",
        "• Xã Tiên Lữ: 3/3 (100,0%)",
        "• Xã Bắc Đông Quan: 0/1 (0,0%)",
    ];
    for line in expected {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let chart = results.replies[1].chart.as_ref().unwrap();
    assert_eq!(
        chart.bars.iter().map(|b| b.value).collect::<Vec<_>>(),
        [1, 2]
    );

    // CSV: BOM, the columns, one row per response with the unit and labels.
    let csv = common::danvan_ok(&["survey", "export", &id.to_string()], &db.url);
    assert!(csv.starts_with('\u{feff}'));
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next().unwrap(),
        "response,unit_code,unit,language,channel,submitted_at,person,agree,concerns,rating,age,comment"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .any(|r| r.contains(",12364,Xã Tiên Lữ,vi,telegram,")
                && r.ends_with(",Không,Tiếp cận dịch vụ công; Chi phí cho người dân,3,45,"))
    );

    // Scope: an admin of Bắc Đông Quan sees only that commune; a cadre may not ask.
    let mut local = Person::on(&engine, "telegram", "9101");
    local.sign_up("bac dong quan").await;
    local.take_role(Role::Admin, "12745").await;
    let theirs = render(&engine, &local.send(&format!("/results {id}")).await);
    assert!(
        theirs.contains("Xã Bắc Đông Quan: 0 người trả lời / 1 người được mời"),
        "{theirs}"
    );
    // A cadre role on the whole province does not widen what the commune's admin sees.
    local.take_role(Role::Cadre, "33").await;
    let still = render(&engine, &local.send(&format!("/results {id}")).await);
    assert!(
        still.contains("Xã Bắc Đông Quan: 0 người trả lời"),
        "{still}"
    );
    let mut cadre = Person::on(&engine, "telegram", "9102");
    cadre.sign_up("tien lu").await;
    cadre.take_role(Role::Cadre, "33").await;
    assert_eq!(
        ids(&cadre.send(&format!("/results {id}")).await),
        ["not-allowed", "menu"]
    );
    let elsewhere = open(&engine, &named, &["12364"]).await;
    assert_eq!(
        ids(&local.send(&format!("/results {elsewhere}")).await),
        ["not-allowed"]
    );

    // A named respondent who erases their data leaves the counts too.
    people[0].send("/forget").await;
    people[0].tap("Xoá dữ liệu").await;
    let after = render(&engine, &admin.send(&format!("/results {id}")).await);
    // They were invited all the same.
    assert!(
        after.contains(": 2 người trả lời / 4 người được mời"),
        "{after}"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM survey_responses").await,
        2
    );
}

#[tokio::test]
async fn a_reminder_goes_once_to_those_who_started_another_to_those_who_did_not_and_the_cli_runs_the_example()
 {
    let (db, engine) = demo_engine().await;
    let pool = PgPool::connect(&db.url).await.unwrap();
    let mut started = resident(&engine, "9201", "tien lu").await;
    resident(&engine, "9202", "tien lu").await;
    let created = common::danvan_ok(&["survey", "create", "examples/survey.toml"], &db.url);
    let id: i64 = created.trim().parse().unwrap();
    // Shift the example's dates so it is open now, then open it from the command line.
    sqlx::query("UPDATE surveys SET opens_at = now() - interval '1 day', closes_at = now() + interval '30 days'")
        .execute(&pool)
        .await
        .unwrap();
    let opened = common::danvan_ok(&["survey", "open", &id.to_string()], &db.url);
    assert!(opened.contains("2 people invited"), "{opened}");
    started.press(&format!("sv:{id}:start")).await;
    started.tap("Đồng ý").await;
    started.tap("Có").await;

    let remind = |db_url: &str| common::danvan_ok(&["survey", "remind", &id.to_string()], db_url);
    assert!(remind(&db.url).contains("1 people reminded"));
    assert!(remind(&db.url).contains("0 people reminded"));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM deliveries WHERE message->'body'->>'id' = 'survey-reminder'"
        )
        .await,
        1
    );
    // Those who never started are reminded apart, once, with a button to start.
    let not_started = |db_url: &str| {
        common::danvan_ok(
            &["survey", "remind", &id.to_string(), "--not-started"],
            db_url,
        )
    };
    assert!(not_started(&db.url).contains("1 people reminded"));
    assert!(not_started(&db.url).contains("0 people reminded"));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM deliveries WHERE message->'body'->>'id' = 'survey-reminder-new'"
        )
        .await,
        1
    );
    let status = common::danvan_ok(&["survey", "status", &id.to_string()], &db.url);
    assert!(
        status.contains("open") && status.contains("2 invited, 0 responded"),
        "{status}"
    );
    let results = common::danvan_ok(&["survey", "results", &id.to_string()], &db.url);
    assert!(
        results.contains("0 người trả lời / 2 người được mời"),
        "{results}"
    );
    // Past its closing time, the survey closes and its answers in progress go.
    let closes: chrono::DateTime<Utc> = sqlx::query_scalar("SELECT closes_at FROM surveys")
        .fetch_one(&pool)
        .await
        .unwrap();
    let store = engine.store();
    let before = closes - Duration::minutes(1);
    assert_eq!(store.close_expired_surveys(before).await.unwrap(), 0);
    assert_eq!(store.close_expired_surveys(closes).await.unwrap(), 1);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM survey_progress").await,
        0
    );
    // An opened survey's questions cannot change.
    let update = std::process::Command::new(env!("CARGO_BIN_EXE_danvan"))
        .args(["survey", "update", &id.to_string(), "examples/survey.toml"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(!update.status.success());
    assert!(String::from_utf8_lossy(&update.stderr).contains("--replaces"));
}

#[tokio::test]
async fn a_response_with_every_question_skipped_counts_once_and_lists_fine() {
    let (_db, engine) = demo_engine().await;
    let only_optional = SurveyFile::parse(
        "title = \"Góp ý\"\nintro = \"Một câu\"\nopen_days = 1\n\
         [target]\nunits = [\"33\"]\n\
         [[questions]]\nid = \"idea\"\nkind = \"text\"\ntext = \"Ý kiến?\"\noptional = true\n",
    )
    .unwrap();
    let id = open(&engine, &only_optional, &["33"]).await;
    let mut r = resident(&engine, "9301", "tien lu").await;
    r.press(&format!("sv:{id}:start")).await;
    assert_eq!(ids(&r.tap("Bỏ qua").await), ["survey-thanks"]);
    let listed = r.send("/surveys").await;
    assert!(render(&engine, &listed).contains("Góp ý — đã trả lời"));
    let again = render(&engine, &r.press(&format!("sv:{id}:start")).await);
    assert!(
        again.starts_with("Bạn đã trả lời khảo sát “Góp ý” rồi"),
        "{again}"
    );
}

#[tokio::test]
async fn without_buttons_a_typed_number_picks_a_choice_unless_the_question_wants_a_number() {
    let (_db, engine) = demo_engine().await;
    let id = open(
        &engine,
        &survey_file(&[("sensitive = true", "sensitive = false")]),
        &["33"],
    )
    .await;
    let mut r = common::Person::numbered(&engine, "numbered", "9401");
    r.sign_up("tien lu").await;
    let text = |out: &danvan::message::Outbound| common::render(&engine, out);
    let first = r.press(&format!("sv:{id}:start")).await;
    assert!(text(&first).contains("Câu 1/"), "{}", text(&first));
    // "1" is the first choice, "Có": agreeing skips the question about concerns.
    let rating = r.send("1").await;
    assert!(text(&rating).contains("Câu 3/5"), "{}", text(&rating));
    // A rating is a number: "4" is the rating, whatever the fourth choice is.
    let age = r.send("4").await;
    assert!(text(&age).contains("Câu 4/5"), "{}", text(&age));
    // An age is a number: "1" is an age out of range, not the first choice ("Quay lại").
    let refused = r.send("1").await;
    assert_eq!(
        ids(&refused)[0],
        "survey-number-invalid",
        "{}",
        text(&refused)
    );
    let comment = r.send("45").await;
    assert!(text(&comment).contains("Câu 5/5"), "{}", text(&comment));
    // The numbering lives with the chat: another engine (a restart) reads the same choices.
    let restarted = Engine::new(engine.store().clone()).await.unwrap();
    let mut again = common::Person::numbered(&restarted, "numbered", "9401");
    let buttons = common::button_labels(&engine, &comment);
    let skip = buttons.iter().position(|b| b == "Bỏ qua").unwrap() + 1;
    let thanks = again.send(&skip.to_string()).await;
    assert_eq!(ids(&thanks), ["survey-thanks"], "{}", text(&thanks));
}
