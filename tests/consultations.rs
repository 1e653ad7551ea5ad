//! Consultations on a draft through the engine, against a real database: the invitation's button,
//! part by part with comments and typed words, changing an answer with an old button, agreeing with
//! the rest, one response per person across linked chats, meetings kept apart, erasure, and the
//! kept counts against a recount after random changes.

mod common;

use common::{Person, TestClock, demo_engine_at, ids, render, text_arg};
use danvan::app::By;
use danvan::app::consultations::{self, Refused};
use danvan::domain::consultation::{ConsultationFile, MeetingFile, Tally};
use danvan::engine::Engine;

const DRAFT: &str = include_str!("../examples/consultation.md");
const MEETING: &str = include_str!("../examples/meeting.toml");

/// Creates and opens the example draft for Tiên Lữ; its id and the invitation notice's.
async fn open(engine: &Engine) -> (i64, i64) {
    let file = ConsultationFile::parse(DRAFT).expect("the example reads");
    let units = engine.units();
    let mut tx = engine.store().begin().await.unwrap();
    let id = consultations::create(&mut tx, By::Operator, &file, &units)
        .await
        .unwrap()
        .unwrap();
    let page = "https://danvan.example/du-thao/1";
    let (notice, _) =
        consultations::open(&mut tx, By::Operator, id, Some(page), &units, engine.now())
            .await
            .unwrap()
            .unwrap();
    tx.commit().await.unwrap();
    (id, notice)
}

async fn resident<'a>(engine: &'a Engine, chat: &str, place: &str) -> Person<'a> {
    let mut p = Person::on(engine, "telegram", chat);
    p.sign_up(place).await;
    p
}

/// The kept counts equal a recount from the opinions, before and after a squash, and the results
/// read the same either side of it.
async fn counts_hold(engine: &Engine, id: i64) {
    let store = engine.store();
    let recount = store.recount_consultation(id).await.unwrap();
    assert_eq!(store.consultation_counts(id).await.unwrap(), recount);
    let before = results(engine, id).await;
    store.squash_counts().await.unwrap();
    assert_eq!(store.consultation_counts(id).await.unwrap(), recount);
    assert_eq!(results(engine, id).await, before);
}

async fn results(engine: &Engine, id: i64) -> consultations::Results {
    let scope = engine.units().by_code("12364").unwrap().id;
    consultations::results(engine.store(), By::Operator, id, scope, &engine.units())
        .await
        .unwrap()
        .expect("the consultation reaches Tiên Lữ")
}

fn tally(agree: i64, disagree: i64, other: i64, comments: i64) -> Tally {
    Tally {
        agree,
        disagree,
        other,
        comments,
    }
}

#[tokio::test]
async fn a_resident_answers_part_by_part_typing_without_diacritics_and_changes_one_answer() {
    let (_db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let (id, notice) = open(&engine).await;
    let mut lan = resident(&engine, "801", "tien lu").await;

    // The invitation is a notice with the consultation's button first.
    let invitation = engine.store().notice(notice).await.unwrap().unwrap();
    let first_button = &invitation.reply(danvan::message::Lang::Vi).buttons[0][0];
    assert_eq!(first_button.payload, format!("gy:{id}:start"));
    let intro = lan.press(&first_button.payload).await;
    assert_eq!(ids(&intro), ["consult-intro"]);
    let text = render(&engine, &intro);
    assert!(
        text.contains("5 điều") && text.contains("https://danvan.example/du-thao/1"),
        "{text}"
    );

    let part1 = lan.tap("📖 Đọc và góp ý từng điều").await;
    assert!(render(&engine, &part1).contains("Điều 1. Phạm vi áp dụng (1/5)"));
    let part2 = lan.tap("✅ Tán thành").await;
    assert_eq!(ids(&part2), ["consult-noted", "consult-part"]);
    assert!(render(&engine, &part2).contains("Quy định hiện hành: Mỗi hộ quét dọn"));
    let why = lan.tap("❌ Không tán thành").await;
    assert_eq!(ids(&why), ["consult-noted-ask"]);
    // A comment typed without diacritics, then an opinion typed in words.
    let part3 = lan.send("nen thu gom ca ngay chu nhat").await;
    assert_eq!(ids(&part3), ["consult-comment-noted", "consult-part"]);
    let part4 = lan.send("tan thanh").await;
    assert_eq!(ids(&part4), ["consult-noted", "consult-part"]);
    assert!(render(&engine, &part4).contains("(4/5)"));
    // Words that are no opinion are a comment on the part, "ý kiến khác" until said otherwise.
    let part5 = lan.send("muc dong gop nen cong khai").await;
    assert_eq!(ids(&part5), ["consult-comment-noted", "consult-part"]);
    let done = lan.tap("✅ Tán thành").await;
    assert_eq!(ids(&done), ["consult-noted", "consult-finished"]);
    let text = render(&engine, &done);
    assert!(
        text.contains("5/5 điều: 3 tán thành, 1 không tán thành, 1 ý kiến khác"),
        "{text}"
    );

    // An old button changes that part's answer, once, however often it is tapped.
    let change = format!("gy:{id}:2:a");
    lan.press(&change).await;
    lan.press(&change).await;
    let mine = lan.press(&format!("gy:{id}:mine")).await;
    let text = render(&engine, &mine);
    assert!(
        text.contains("Điều 2: ✅ Tán thành") && text.contains("Điều 4: 💬 Ý kiến khác"),
        "{text}"
    );

    let r = results(&engine, id).await;
    assert_eq!(r.people, 1);
    assert_eq!(r.total, tally(4, 0, 1, 2));
    assert_eq!(
        r.parts[1],
        tally(1, 0, 0, 1),
        "the comment stays with the changed answer"
    );
    counts_hold(&engine, id).await;
}

#[tokio::test]
async fn agreeing_with_the_rest_keeps_what_was_said_and_a_consultation_elsewhere_or_closed_takes_nothing()
 {
    let clock = TestClock::at("2025-12-01 09:00");
    let (db, engine) = demo_engine_at(clock.shared()).await;
    let (id, _) = open(&engine).await;
    let mut lan = resident(&engine, "802", "tien lu").await;
    lan.press(&format!("gy:{id}:1:d")).await;
    let all = lan.press(&format!("gy:{id}:all")).await;
    assert_eq!(ids(&all), ["consult-agreed-rest", "consult-finished"]);
    assert!(render(&engine, &all).contains("tán thành 4 điều còn lại"));
    assert_eq!(results(&engine, id).await.total, tally(4, 1, 0, 0));

    // Someone in another commune sees nothing of it.
    let mut far = resident(&engine, "803", "pho hien").await;
    assert_eq!(
        ids(&far.press(&format!("gy:{id}:start")).await),
        ["button-expired"]
    );
    assert_eq!(
        ids(&far.press(&format!("gy:{id}:1:a")).await),
        ["button-expired"]
    );

    // After it closes, old buttons and typed words change nothing.
    clock.set("2025-12-23 09:00");
    let closed = lan.press(&format!("gy:{id}:2:d")).await;
    assert_eq!(ids(&closed), ["consult-closed"]);
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let opinions: i64 = sqlx::query_scalar("SELECT count(*) FROM consultation_opinions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(opinions, 5);
    assert_eq!(results(&engine, id).await.total, tally(4, 1, 0, 0));
    counts_hold(&engine, id).await;
}

#[tokio::test]
async fn one_response_per_person_across_linked_chats_and_erasing_takes_it_out_of_the_counts() {
    let (_db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let (id, _) = open(&engine).await;
    let mut telegram = resident(&engine, "804", "tien lu").await;
    telegram.press(&format!("gy:{id}:1:a")).await;
    telegram.press(&format!("gy:{id}:2:a")).await;
    // The same person on Zalo, who had signed up and answered there too.
    let mut zalo = Person::on(&engine, "zalo_bot", "z-804");
    zalo.sign_up("tien lu").await;
    zalo.press(&format!("gy:{id}:2:d")).await;
    zalo.press(&format!("gy:{id}:3:d")).await;
    assert_eq!(results(&engine, id).await.people, 2);
    let code = text_arg(&telegram.send("/link").await, "code");
    assert_eq!(ids(&zalo.send(&code).await), ["link-merged"]);

    // One person: the newer sign-up's answers stand, the other's fill what it left.
    let r = results(&engine, id).await;
    assert_eq!(r.people, 1);
    assert_eq!(r.total, tally(1, 2, 0, 0));
    counts_hold(&engine, id).await;
    // Answering again from either chat changes the one answer.
    telegram.press(&format!("gy:{id}:3:a")).await;
    assert_eq!(results(&engine, id).await.total, tally(2, 1, 0, 0));
    let data = render(&engine, &zalo.send("/mydata").await);
    assert!(
        data.contains("Góp ý dự thảo: 3 ý kiến (0 có ghi lời)"),
        "{data}"
    );

    zalo.send("/forget").await;
    zalo.press("forget:yes").await;
    let r = results(&engine, id).await;
    assert_eq!((r.people, r.total), (0, Tally::default()));
    counts_hold(&engine, id).await;
}

#[tokio::test]
async fn meetings_are_kept_beside_the_chat_and_checked() {
    let (db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let (id, _) = open(&engine).await;
    let mut lan = resident(&engine, "805", "tien lu").await;
    lan.press(&format!("gy:{id}:2:a")).await;
    let units = engine.units();
    let meeting = MeetingFile::parse(MEETING).unwrap();
    let tien_lu = units.by_code(&meeting.unit).unwrap().id;
    let mut tx = engine.store().begin().await.unwrap();
    consultations::add_meeting(&mut tx, By::Operator, id, &meeting.meeting(tien_lu), &units)
        .await
        .unwrap()
        .unwrap();
    // More opinions than people present, or a part the draft lacks: refused.
    let mut crowded = meeting.meeting(tien_lu);
    crowded.parts[0].1.agree = 1000;
    let mut unknown = meeting.meeting(tien_lu);
    unknown.parts[0].0 = 9;
    for bad in [crowded, unknown] {
        let refused = consultations::add_meeting(&mut tx, By::Operator, id, &bad, &units)
            .await
            .unwrap();
        assert_eq!(refused, Err(Refused::BadMeeting));
    }
    tx.commit().await.unwrap();

    let r = results(&engine, id).await;
    assert_eq!(r.parts[1], tally(1, 0, 0, 0), "the chat's figures alone");
    assert_eq!(r.meeting_parts[1], tally(70, 9, 7, 0));
    assert_eq!(r.attendance(), 86);
    let counts = engine.store().consultation_counts(id).await.unwrap();
    let csv = consultations::results_csv(&r, &counts, &units).unwrap();
    assert!(csv.contains("chat,Điều 2,12364"), "{csv}");
    assert!(
        csv.contains("meeting,Điều 2,12364,Xã Tiên Lữ,2026-05-20,Nhà văn hoá thôn Đông,86,70,9,7"),
        "{csv}"
    );
    let lines: Vec<String> = consultations::results_lines(&r, &units)
        .iter()
        .map(|m| engine.localizer().render(m, danvan::message::Lang::Vi))
        .collect();
    assert!(
        lines[1].starts_with("Tổng hợp được 1 ý kiến của 1 người, trong đó 100% tán thành"),
        "{lines:?}"
    );

    // The Word report says the same, with the meetings' counts beside the chat's in its table.
    let day = chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
    let vi = danvan::message::Lang::Vi;
    let document = consultations::results_document(&r, &units, engine.localizer(), vi, day);
    assert_eq!(document.issuer, "XÃ TIÊN LỮ");
    assert_eq!(document.place_and_date, "Tiên Lữ, ngày 1 tháng 12 năm 2025");
    assert!(
        document.subject.starts_with("Kết quả góp ý “"),
        "{}",
        document.subject
    );
    assert_eq!(document.paragraphs, lines[1..]);
    let table = document.table.as_ref().unwrap();
    assert_eq!(
        table.header,
        [
            "Điều",
            "Tán thành",
            "Không tán thành",
            "Ý kiến khác",
            "Tán thành (hội nghị)",
            "Không tán thành (hội nghị)",
            "Ý kiến khác (hội nghị)"
        ]
    );
    assert_eq!(
        table.rows[1],
        ["Điều 2", "1 (100%)", "0 (0%)", "0 (0%)", "70", "9", "7"]
    );
    assert_eq!(&document.docx().unwrap()[..2], b"PK");
    // The same report from the command line.
    let file =
        std::env::temp_dir().join(format!("danvan-consultation-{}.docx", std::process::id()));
    let printed = common::danvan_ok(
        &[
            "consultation",
            "results",
            &id.to_string(),
            "--docx",
            file.to_str().unwrap(),
        ],
        &db.url,
    );
    assert!(printed.contains("Tổng hợp được 1 ý kiến"), "{printed}");
    assert_eq!(&std::fs::read(&file).unwrap()[..2], b"PK");
    std::fs::remove_file(&file).unwrap();
}

/// Random answers, changes, comments, agreeing with the rest, links and erasures by a few people:
/// the kept counts always equal a recount.
#[tokio::test]
async fn kept_counts_equal_a_recount_after_random_changes() {
    let (_db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let (id, _) = open(&engine).await;
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(resident(&engine, &format!("9{i}"), "tien lu").await);
    }
    // A small deterministic generator: the same run every time, many shapes of change.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for step in 0..120 {
        let who = next(people.len() as u64) as usize;
        let part = next(5) + 1;
        let p = &mut people[who];
        match next(6) {
            0 => p.press(&format!("gy:{id}:{part}:a")).await,
            1 => p.press(&format!("gy:{id}:{part}:d")).await,
            2 => {
                p.press(&format!("gy:{id}:{part}:o")).await;
                p.send("y kien rieng").await
            }
            3 => p.press(&format!("gy:{id}:all")).await,
            4 => {
                p.press(&format!("gy:{id}:p:{part}")).await;
                p.send("khong tan thanh").await
            }
            _ => p.press(&format!("gy:{id}:mine")).await,
        };
        if step % 40 == 39 {
            // Someone leaves; someone new takes their chat.
            let gone = &mut people[who];
            gone.send("/forget").await;
            gone.press("forget:yes").await;
            gone.sign_up("tien lu").await;
        }
        if step % 30 == 29 {
            counts_hold(&engine, id).await;
        }
    }
    counts_hold(&engine, id).await;
    let r = results(&engine, id).await;
    assert!(r.total.opinions() > 0 && r.people <= 6, "{r:?}");
}

/// The counts follow every change to a stored opinion, including those no flow makes today: a
/// move to another unit (the trigger's own branch), a change of opinion and comment in place, and a
/// delete, each written straight to the table.
#[tokio::test]
async fn kept_counts_follow_opinions_moved_changed_and_deleted_in_the_table() {
    let (db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let (id, _) = open(&engine).await;
    for i in 0..3 {
        let mut p = resident(&engine, &format!("95{i}"), "tien lu").await;
        p.press(&format!("gy:{id}:1:a")).await;
        p.press(&format!("gy:{id}:2:d")).await;
    }
    counts_hold(&engine, id).await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let statements = [
        "UPDATE consultation_opinions SET unit_id = (
             SELECT u.id FROM units u WHERE u.parent_id IS NOT NULL
               AND u.id <> consultation_opinions.unit_id ORDER BY u.id LIMIT 1)
         WHERE consultation_id = $1 AND part = 1",
        "UPDATE consultation_opinions SET opinion = 'other', comment = 'ghi lai' WHERE consultation_id = $1 AND part = 2",
        "DELETE FROM consultation_opinions WHERE consultation_id = $1 AND part = 1",
    ];
    for statement in statements {
        let changed = sqlx::query(statement)
            .bind(id)
            .execute(&pool)
            .await
            .unwrap()
            .rows_affected();
        assert_eq!(changed, 3, "{statement}");
        counts_hold(&engine, id).await;
    }
    assert_eq!(results(&engine, id).await.total, tally(0, 0, 3, 3));
}

/// An opinion given in chat: BEGIN, the event claimed with its chat locked, the consultation with
/// the person's answers (one read), the opinion, the chat saved, COMMIT. `bench consultation` pays this per
/// opinion, so a statement added here shows before it shows there.
const OPINION_ROUND_TRIPS: u64 = 6;

#[tokio::test]
async fn an_opinion_costs_a_fixed_number_of_round_trips() {
    let (_db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let (id, _) = open(&engine).await;
    let mut lan = resident(&engine, "9001", "tien lu").await;
    lan.press(&format!("gy:{id}:start")).await;
    lan.press(&format!("gy:{id}:1:a")).await;
    let before = engine.store().round_trips();
    let answer = lan.press(&format!("gy:{id}:2:d")).await;
    let used = engine.store().round_trips() - before;
    assert!(!ids(&answer).is_empty());
    assert!(
        used <= OPINION_ROUND_TRIPS,
        "an opinion took {used} round trips, more than the {OPINION_ROUND_TRIPS} written down"
    );
    assert_eq!(
        results(&engine, id).await.total.opinions(),
        2,
        "both opinions kept"
    );
}

/// Age groups and occupations are counted only for those who consented to give them, and only
/// from what they answered; one who refused counts in no group.
#[tokio::test]
async fn profiles_given_under_their_own_consent_break_the_opinions_down() {
    let (_db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let (id, _) = open(&engine).await;
    for (n, (age, agrees)) in [("u30", true), ("u30", true), ("u30", false), ("o60", true)]
        .into_iter()
        .enumerate()
    {
        let mut p = resident(&engine, &format!("930{n}"), "tien lu").await;
        p.press(&format!("gy:{id}:start")).await;
        p.press(&format!("gy:{id}:1:{}", if agrees { "a" } else { "d" }))
            .await;
        p.press(&format!("gy:{id}:profile:yes")).await;
        p.press(&format!("gy:{id}:age:{age}")).await;
        p.press(&format!("gy:{id}:job:farmer")).await;
    }
    let mut refused = resident(&engine, "9309", "tien lu").await;
    refused.press(&format!("gy:{id}:start")).await;
    refused.press(&format!("gy:{id}:1:a")).await;
    refused.press(&format!("gy:{id}:profile:no")).await;
    refused.press(&format!("gy:{id}:age:u30")).await;

    let units = engine.units();
    let scope = units.subtree(units.by_code("12364").unwrap().id);
    let groups = engine
        .store()
        .consultation_breakdown(id, &scope)
        .await
        .unwrap();
    let line = |dim: &str, code: &str| {
        groups
            .iter()
            .find(|g| g.0 == dim && g.1 == code)
            .map(|g| (g.2, g.3.agree, g.3.disagree))
    };
    assert_eq!(line("age", "u30"), Some((3, 2, 1)), "{groups:?}");
    assert_eq!(line("age", "o60"), Some((1, 1, 0)), "{groups:?}");
    assert_eq!(line("job", "farmer"), Some((4, 3, 1)), "{groups:?}");
    assert_eq!(
        groups.len(),
        3,
        "no group for the one who refused: {groups:?}"
    );
    // Another commune's scope sees none of them.
    let elsewhere = units.subtree(units.by_code("12142").unwrap().id);
    assert!(
        engine
            .store()
            .consultation_breakdown(id, &elsewhere)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A units import that moves a commune into another province takes the commune's opinions with
/// it: the counts kept for the units above are rebuilt, and later answers count under the new tree.
#[tokio::test]
async fn a_commune_moved_by_a_units_import_takes_its_counts_along() {
    let (db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let (id, _) = open(&engine).await;
    let mut lan = resident(&engine, "9101", "tien lu").await;
    lan.press(&format!("gy:{id}:start")).await;
    lan.press(&format!("gy:{id}:1:a")).await;
    lan.press(&format!("gy:{id}:2:d")).await;
    let store = engine.store();
    let scope_total = |code: &'static str| {
        let engine = &engine;
        async move {
            let units = engine.units();
            let scope = units.by_code(code).unwrap().id;
            consultations::results(engine.store(), By::Operator, id, scope, &units)
                .await
                .unwrap()
                .map(|r| (r.people, r.total.opinions(), r.units.len()))
        }
    };
    assert_eq!(scope_total("33").await, Some((1, 2, 1)), "Hưng Yên, before");

    // The same list, but Tiên Lữ under a province new to it (written for this test).
    let (_, all) = store.units().await.unwrap();
    let code_of: std::collections::HashMap<i64, String> =
        all.iter().map(|u| (u.id, u.code.clone())).collect();
    let mut records: Vec<danvan::domain::units::UnitRecord> = all
        .iter()
        .filter(|u| !u.retired)
        .map(|u| danvan::domain::units::UnitRecord {
            code: u.code.clone(),
            name: u.name.clone(),
            name_en: u.name_en.clone(),
            division_type: u.division_type.clone(),
            parent_code: if u.code == "12364" {
                Some("99".to_owned())
            } else {
                u.parent_id.map(|p| code_of[&p].clone())
            },
        })
        .collect();
    records.push(danvan::domain::units::UnitRecord {
        code: "99".to_owned(),
        name: "Tỉnh Thử Nghiệm".to_owned(),
        name_en: "Test Province".to_owned(),
        division_type: "tỉnh".to_owned(),
        parent_code: None,
    });
    // Parents first, as a list gives them.
    records.sort_by_key(|r| r.parent_code.is_some());
    store
        .import_units(&records, "moved", &Default::default())
        .await
        .unwrap();

    // Another answer, handled with the new tree.
    lan.press(&format!("gy:{id}:3:a")).await;
    assert_eq!(
        scope_total("99").await,
        Some((1, 3, 1)),
        "the new province, after"
    );
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let left: i64 = sqlx::query_scalar(
        "SELECT COALESCE(sum(agree + disagree + other + people), 0)::bigint
         FROM consultation_tallies t JOIN units u ON u.id = t.unit_id WHERE u.code = '33'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(left, 0, "nothing is counted under Hưng Yên any more");
    counts_hold(&engine, id).await;
}

#[tokio::test]
async fn an_unreadable_stored_status_is_an_error_not_a_closed_consultation() {
    let (db, engine) = demo_engine_at(TestClock::at("2025-12-01 09:00").shared()).await;
    let (id, _) = open(&engine).await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    // Only a row written past the constraint can hold a status no code knows.
    sqlx::query("ALTER TABLE consultations DROP CONSTRAINT consultations_status_check")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE consultations SET status = 'paused' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let store = engine.store();
    assert!(store.consultation(id).await.is_err());
    assert!(store.consultations().await.is_err());
    let mut tx = store.begin().await.unwrap();
    assert!(tx.consultation(id).await.is_err());
}
