//! Sign-up with consent and a typed commune, a notice and its read receipt, a survey answered to
//! the end, a quick log, `/mydata` then `/forget`, a ticket, a draft answered part by part, and a
//! cadre's "1+10" households: on every channel (the shell, Telegram, the Zalo bot, the Zalo OA
//! and the web chat).

use std::time::Duration;

use danvan::app::consultations;
use danvan::domain::access::{Grant, Role};
use danvan::domain::notice::Audience;
use danvan::domain::survey::SurveyFile;
use danvan::store::notices::NewNotice;

use crate::common::Person;
use crate::driver::{Chat, Kind, PROVINCE, Platform, WAIT, text};

async fn sign_up_with_consent_and_a_typed_commune(kind: Kind) {
    let mut chat = Chat::start(kind).await;
    chat.sign_up().await;
    let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
    let unit: Option<String> = sqlx::query_scalar(
        "SELECT u.name FROM chats c JOIN people p ON p.id = c.person_id JOIN units u ON u.id = p.unit_id
         WHERE c.channel = $1 AND c.address = $2",
    )
    .bind(chat.channel())
    .bind(chat.address())
    .fetch_optional(&pool)
    .await
    .unwrap();
    assert_eq!(unit.as_deref(), Some("Xã Tiên Lữ"), "{kind:?}");
    chat.stop().await;
}

async fn a_notice_arrives_and_its_reading_is_counted(kind: Kind) {
    let mut chat = Chat::start(kind).await;
    chat.sign_up().await;
    let province = chat.engine.units().by_code(PROVINCE).unwrap().id;
    let mut notice = NewNotice::to_units(
        "Lịch tiếp dân tháng này",
        "Thứ Năm hằng tuần.",
        vec![province],
    );
    notice.quiet_hours = false;
    let store = chat.engine.store().clone();
    let id = store.create_notice(&notice).await.unwrap();
    store.schedule_notice(id, chat.engine.now()).await.unwrap();
    if matches!(kind, Kind::Shell) {
        // The shell only answers whoever types: nothing is pushed to it.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let status = store.notice_status(id).await.unwrap().unwrap();
        assert_eq!(status.totals.targeted, 0);
        chat.stop().await;
        return;
    }
    let arrived = text(&chat.replies().await);
    assert!(
        arrived.contains("Lịch tiếp dân tháng này"),
        "{kind:?}: {arrived}"
    );
    let thanks = text(&chat.choose("✅ Đã đọc").await);
    assert!(thanks.contains("Cảm ơn bạn đã đọc"), "{kind:?}: {thanks}");
    if let Platform::ZaloOa(fake, user) = &chat.platform {
        // The OA also reports the message on the phone, then seen.
        let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
        let message_id: String =
            sqlx::query_scalar("SELECT message_id FROM deliveries WHERE notice_id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap();
        let events = fake.events();
        chat.post_oa(&events.user_received_message(user, &message_id))
            .await;
        chat.post_oa(&events.user_seen_message(user, &[&message_id]))
            .await;
    }
    let counted = async {
        loop {
            let status = store.notice_status(id).await.unwrap().unwrap();
            // The OA and the web page also report the message on the phone (the page: shown).
            if status.totals.read == 1
                && (!matches!(kind, Kind::ZaloOa | Kind::Web) || status.totals.delivered == 1)
            {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let status = tokio::time::timeout(WAIT, counted)
        .await
        .expect("the reading is counted");
    assert_eq!((status.totals.targeted, status.totals.sent), (1, 1));
    chat.stop().await;
}

const SURVEY: &str = r#"
title = "Ý kiến về đường làng"
intro = "Hai câu hỏi ngắn."
anonymous = false
sensitive = false
open_days = 30

[target]
units = ["33"]

[[questions]]
id = "road"
kind = "yes_no"
text = "Bà con có đồng ý làm đường bê tông không?"

[[questions]]
id = "note"
kind = "text"
text = "Góp ý thêm cho ban công tác mặt trận?"
max_length = 200
"#;

async fn a_survey_is_answered_to_the_end(kind: Kind) {
    let mut chat = Chat::start(kind).await;
    // Open before the person signs up, so no invitation arrives in the middle of the story.
    let file = SurveyFile::parse(SURVEY).unwrap();
    let province = chat.engine.units().by_code(PROVINCE).unwrap().id;
    let id = crate::common::open_survey(&chat.engine, &file, &[province]).await;
    chat.sign_up().await;
    chat.say("/surveys").await;
    chat.choose("Ý kiến về đường làng").await;
    let question = text(&chat.seen[chat.seen.len() - 1..]);
    let question = if question.contains("Câu 1/2") {
        question
    } else {
        text(&chat.choose("Tham gia").await)
    };
    assert!(question.contains("Câu 1/2"), "{kind:?}: {question}");
    let second = text(&chat.choose("Có").await);
    assert!(second.contains("Câu 2/2"), "{kind:?}: {second}");
    let thanks = text(&chat.say("Nen lam truoc mua mua").await);
    assert!(
        thanks.contains("Cảm ơn bạn đã trả lời khảo sát"),
        "{kind:?}: {thanks}"
    );
    let responses: i64 =
        sqlx::query_scalar("SELECT count(*) FROM survey_responses WHERE survey_id = $1")
            .bind(id)
            .fetch_one(&sqlx::PgPool::connect(&chat.db.url).await.unwrap())
            .await
            .unwrap();
    assert_eq!(responses, 1);
    chat.stop().await;
}

async fn a_cadre_logs_an_activity_in_one_message(kind: Kind) {
    let mut chat = Chat::start(kind).await;
    chat.sign_up().await;
    let code = cadre_invitation(&chat).await;
    let joined = text(&chat.say(&format!("/join {code}")).await);
    assert!(joined.contains("cán bộ"), "{kind:?}: {joined}");
    let saved = text(
        &chat
            .say("/log hom nay | Mo hinh nuoi ong | kt | 25 nguoi")
            .await,
    );
    assert!(saved.contains("Đã ghi hoạt động"), "{kind:?}: {saved}");
    chat.stop().await;
}

/// A cadre logs an activity step by step with a photo; the photo is fetched back from the platform
/// by the channel, as the dashboard does (the shell takes no photos).
async fn a_photo_logged_with_an_activity_is_fetched_back_from_the_platform(kind: Kind) {
    if matches!(kind, Kind::Shell) {
        return;
    }
    let mut chat = Chat::start(kind).await;
    chat.sign_up().await;
    let code = cadre_invitation(&chat).await;
    chat.say(&format!("/join {code}")).await;
    chat.say("/log").await;
    chat.choose("Văn hóa – xã hội").await;
    chat.choose("Không thuộc mô hình nào").await;
    chat.say("Thăm hỏi gia đình chính sách").await;
    chat.choose("Hôm nay").await;
    chat.say("30").await;
    let jpeg = std::fs::read("assets/demo/photos/2-gift.jpg").unwrap();
    let got = text(&chat.send_photo(jpeg.clone()).await);
    assert!(got.contains("Đã nhận 1 ảnh"), "{kind:?}: {got}");
    let next = text(&chat.choose("Xong").await);
    // Where the platform can share a location, the flow asks for it, and it can be skipped (on
    // Telegram, by a key of the location keyboard).
    if next.contains("(7/7)") {
        chat.choose("Bỏ qua").await;
    }
    let saved = text(&chat.choose("Lưu").await);
    assert!(saved.contains("Đã ghi hoạt động"), "{kind:?}: {saved}");
    let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
    let (channel, file_id): (String, String) = sqlx::query_as(
        "SELECT photos_channel, photos[1] FROM activities WHERE title = 'Thăm hỏi gia đình chính sách'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(channel, chat.channel());
    let channel = chat.build_channel().unwrap();
    let photo = channel.photo(&file_id).await.unwrap();
    assert_eq!(photo.map(|p| p.bytes), Some(jpeg), "{kind:?}");
    chat.stop().await;
}

/// An invitation code for the cadre role in Tiên Lữ, as staff hand them out.
async fn cadre_invitation(chat: &Chat) -> String {
    let grant = Grant {
        role: Role::Cadre,
        unit_id: tien_lu(chat).await,
    };
    let mut tx = chat.engine.store().begin().await.unwrap();
    let expires = chat.engine.now() + chrono::Duration::days(1);
    let code = tx.create_invite(&grant, 1, expires, "test").await.unwrap();
    tx.commit().await.unwrap();
    code
}

async fn tien_lu(chat: &Chat) -> i64 {
    let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
    sqlx::query_scalar("SELECT id FROM units WHERE name = 'Xã Tiên Lữ'")
        .fetch_one(&pool)
        .await
        .unwrap()
}

async fn mydata_shows_what_is_kept_and_forget_erases_it(kind: Kind) {
    let mut chat = Chat::start(kind).await;
    chat.sign_up().await;
    let mine = text(&chat.say("/mydata").await);
    assert!(
        mine.contains("Dữ liệu chúng tôi lưu về bạn") && mine.contains("Tiên Lữ"),
        "{kind:?}: {mine}"
    );
    // A reply the platform refused for good stays parked, with what it said.
    let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
    sqlx::query(
        "INSERT INTO outbox (channel, address, payload, status) VALUES ($1, $2, '{}', 'failed')",
    )
    .bind(chat.channel())
    .bind(chat.address())
    .execute(&pool)
    .await
    .unwrap();
    let before = traces((chat.channel(), chat.address()), &pool).await;
    assert!(before.1 == 1, "{kind:?}: {before:?}");
    if matches!(kind, Kind::ZaloOa | Kind::Web) {
        assert!(before.0 > 0, "{kind:?}: events name the chat: {before:?}");
    }
    chat.say("/forget").await;
    let gone = text(&chat.choose("Xoá dữ liệu").await);
    assert!(gone.contains("Đã xoá dữ liệu của bạn"), "{kind:?}: {gone}");
    let counts = chat.engine.store().personal_data_counts().await.unwrap();
    assert!(
        counts.iter().all(|(table, n)| *n == 0 || table == "chats"),
        "{counts:?}"
    );
    let (store, named) = (
        chat.engine.store().clone(),
        (chat.channel(), chat.address()),
    );
    chat.stop().await;
    // The web chat's visitor goes, with `/forget`'s own event, once it had time to read the goodbye.
    store
        .forget_erased_web_visitors(Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(traces(named, &pool).await, (0, 0), "{kind:?}");
}

/// Handled or parked events naming the chat (by its chat or inside their id, as a Zalo OA
/// `follow:<id>:<time>` or a web chat `<visitor>:<id>`), and failed replies to it.
async fn traces((channel, address): (&str, String), pool: &sqlx::PgPool) -> (i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM inbox WHERE channel = $1 AND status <> 'pending'
                   AND (chat = $2 OR strpos(':' || event_id || ':', ':' || $2 || ':') > 0)),
                (SELECT count(*) FROM outbox WHERE channel = $1 AND address = $2 AND status = 'failed')",
    )
    .bind(channel)
    .bind(address)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn a_question_becomes_a_ticket_the_commune_answers_and_the_resident_rates(kind: Kind) {
    let mut chat = Chat::start(kind).await;
    chat.sign_up().await;
    let greeted = text(&chat.say("xin chao").await);
    assert!(greeted.contains("Xin chào!"), "{kind:?}: {greeted}");
    let asked = text(&chat.say("Khi nao xa tiem phong dai cho cho?").await);
    assert!(asked.contains("Đây là:"), "{kind:?}: {asked}");
    let confirm = text(&chat.choose("❓ Câu hỏi").await);
    assert!(
        confirm.contains("Kiểm tra lại trước khi gửi"),
        "{kind:?}: {confirm}"
    );
    let sent = text(&chat.choose("Gửi").await);
    assert!(sent.contains("mã PA-0001"), "{kind:?}: {sent}");

    let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    let units = chat.engine.units();
    let mut tx = chat.engine.store().begin().await.unwrap();
    let answered = danvan::app::tickets::act(
        &mut tx,
        danvan::app::tickets::By::Operator,
        danvan::domain::ids::TicketId(id),
        danvan::domain::ticket::Move::Answer,
        "Ngày 10 tháng này, tại <nhà văn hoá> thôn.",
        None,
        &units,
        chat.engine.now(),
    )
    .await
    .unwrap();
    assert!(answered.is_ok());
    tx.commit().await.unwrap();
    if !matches!(kind, Kind::Shell) {
        // Pushed to the chat, the markup escaped for the channel.
        let pushed = text(&chat.replies().await);
        assert!(pushed.contains("nhà văn hoá"), "{kind:?}: {pushed}");
    }
    chat.say("/phananh").await;
    let shown = text(
        &chat
            .choose("PA-0001 · Đã trả lời · Khi nao xa tiem phong dai cho cho?")
            .await,
    );
    assert!(shown.contains("Trả lời: Ngày 10"), "{kind:?}: {shown}");
    let rated = text(&chat.choose("👍 Hài lòng").await);
    assert!(
        rated.contains("Cảm ơn bạn đã đánh giá"),
        "{kind:?}: {rated}"
    );
    let (status, satisfied): (String, Option<bool>) =
        sqlx::query_as("SELECT status, satisfied FROM tickets WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), satisfied),
        ("closed", Some(true)),
        "{kind:?}"
    );
    chat.stop().await;
}

async fn a_report_with_a_photo_and_a_location_lands_where_the_location_is(kind: Kind) {
    let mut chat = Chat::start(kind).await;
    chat.sign_up().await;
    let units = chat.engine.units();
    // A point in another commune of the province than the resident's own.
    let (latitude, longitude) = (20.6464, 106.0511);
    let holder = units.locate(latitude, longitude)[0].id;
    let home = units.by_code("12364").unwrap().id;
    assert_ne!(holder, home);
    // The shell takes no photos; the Zalo Bot API brings no locations.
    let photos = !matches!(kind, Kind::Shell);
    let located = !matches!(kind, Kind::ZaloBot);
    if photos {
        let photo = std::fs::read("assets/demo/photos/6-road.jpg").unwrap();
        let asked = text(&chat.send_photo(photo).await);
        assert!(
            asked.contains("Hãy gõ điều bạn muốn gửi"),
            "{kind:?}: {asked}"
        );
    }
    chat.say("O ga lon truoc cong cho, xe may nga lien tuc")
        .await;
    chat.choose("⚠️ Phản ánh").await;
    let confirm = text(&chat.choose("Hạ tầng – giao thông").await);
    assert!(
        confirm.contains("Kiểm tra lại trước khi gửi"),
        "{kind:?}: {confirm}"
    );
    if located {
        chat.send_location(latitude, longitude).await;
    }
    let sent = text(&chat.choose("Gửi").await);
    assert!(sent.contains("mã PA-0001"), "{kind:?}: {sent}");

    let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
    let (unit, kept, category): (i64, i32, Option<String>) =
        sqlx::query_as("SELECT unit_id, cardinality(photos), category FROM tickets")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (unit, kept, category.as_deref()),
        (
            if located { holder } else { home },
            i32::from(photos),
            Some("ha_tang")
        ),
        "{kind:?}"
    );
    chat.stop().await;
}

/// A resident answers a draft part by part (a button, a comment typed without diacritics, an
/// opinion typed in words, a part skipped), then changes one answer from their list.
async fn a_draft_is_answered_part_by_part_and_one_answer_changed(kind: Kind) {
    let mut chat = Chat::start(kind).await;
    chat.sign_up().await;
    let file = danvan::domain::consultation::ConsultationFile::parse(include_str!(
        "../../examples/consultation.md"
    ))
    .unwrap();
    let units = chat.engine.units();
    let store = chat.engine.store().clone();
    let mut tx = store.begin().await.unwrap();
    let by = danvan::app::By::Operator;
    let id = consultations::create(&mut tx, by, &file, &units)
        .await
        .unwrap()
        .unwrap();
    let (notice, _) = consultations::open(&mut tx, by, id, None, &units, chat.engine.now())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    // The invitation goes now, whatever the hour the test runs at.
    sqlx::query("UPDATE notices SET quiet_hours = false WHERE id = $1")
        .bind(notice)
        .execute(&sqlx::PgPool::connect(&chat.db.url).await.unwrap())
        .await
        .unwrap();
    if matches!(kind, Kind::Shell) {
        // Nothing is pushed to the shell: the resident asks for the drafts open to them.
        chat.say("/gopy").await;
        chat.choose(&file.title).await;
    } else {
        let invitation = text(&chat.replies().await);
        assert!(invitation.contains(&file.title), "{kind:?}: {invitation}");
        let intro = text(&chat.choose("📝 Góp ý dự thảo").await);
        assert!(intro.contains("Dự thảo có 5 điều"), "{kind:?}: {intro}");
    }
    let part = text(&chat.choose("📖 Đọc và góp ý từng điều").await);
    // Telegram shows the heading in bold, as HTML.
    assert!(
        part.contains("Điều 1. Phạm vi áp dụng") && part.contains("(1/5)"),
        "{kind:?}: {part}"
    );
    chat.choose("✅ Tán thành").await;
    let ask = text(&chat.choose("❌ Không tán thành").await);
    assert!(
        ask.contains("Bạn muốn góp ý gì về Điều 2"),
        "{kind:?}: {ask}"
    );
    let third = text(&chat.say("nen thu gom ca ngay chu nhat").await);
    assert!(third.contains("(3/5)"), "{kind:?}: {third}");
    chat.say("tan thanh").await;
    chat.choose("⏭ Bỏ qua").await;
    let done = text(&chat.choose("✅ Tán thành").await);
    assert!(
        done.contains("4/5 điều: 3 tán thành, 1 không tán thành"),
        "{kind:?}: {done}"
    );
    chat.choose("📋 Ý kiến của tôi").await;
    let second = text(&chat.choose("Sửa Điều 2").await);
    assert!(
        second.contains("Ý kiến hiện tại của bạn: ❌ Không tán thành"),
        "{kind:?}: {second}"
    );
    chat.choose("✅ Tán thành").await;
    let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
    let opinions: Vec<(i16, String, bool)> = sqlx::query_as(
        "SELECT part, opinion, comment IS NOT NULL FROM consultation_opinions
         WHERE consultation_id = $1 ORDER BY part",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    let agree = |part: i16, commented: bool| (part, "agree".to_owned(), commented);
    assert_eq!(
        opinions,
        vec![
            agree(1, false),
            agree(2, true),
            agree(3, false),
            agree(5, false)
        ],
        "{kind:?}"
    );
    assert_eq!(
        store.consultation_counts(id).await.unwrap(),
        store.recount_consultation(id).await.unwrap()
    );
    chat.stop().await;
}

/// A cadre adds a household, whose two members join it with its code (on a channel this serve
/// does not send for, so what is queued for them stays to be seen); a notice reaches both and one
/// reads it. The cadre's list says how many read it, never more, and "Nhắc" sends the other a
/// polite reminder, once that day.
async fn a_cadre_sees_who_in_their_households_read_a_notice_and_sends_a_reminder(kind: Kind) {
    let mut chat = Chat::start(kind).await;
    chat.sign_up().await;
    let invitation = cadre_invitation(&chat).await;
    chat.say(&format!("/join {invitation}")).await;
    let added = text(&chat.say("/hogiadinh them Ho ba Lan, xom 3").await);
    let code: String = added
        .split("/ho ")
        .nth(1)
        .unwrap_or_else(|| panic!("{kind:?}: no code in {added}"))
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let elsewhere = match kind {
        Kind::Telegram => "zalo_bot",
        _ => "telegram",
    };
    let engine = chat.engine.clone();
    let mut members = Vec::new();
    for address in ["9001", "9002"] {
        let mut member = Person::on(&engine, elsewhere, address);
        member.sign_up("tien lu").await;
        member.send(&format!("/ho {code}")).await;
        member.tap("Đồng ý tham gia").await;
        members.push(member);
    }
    // To residents only: the cadre, who lives there too, is not sent it.
    let mut notice = NewNotice::to_units(
        "Lịch tiêm phòng cho chó mèo",
        "Sáng thứ Bảy tại nhà văn hoá.",
        vec![tien_lu(&chat).await],
    );
    notice.roles = vec![Audience::Resident];
    notice.quiet_hours = false;
    let store = engine.store().clone();
    let id = store.create_notice(&notice).await.unwrap();
    store.schedule_notice(id, engine.now()).await.unwrap();
    store.fan_out_due(engine.now()).await.unwrap();
    let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
    // Sent by the channel the members use, which this test does not run.
    let sent =
        sqlx::query("UPDATE deliveries SET status = 'sent', sent_at = $2 WHERE notice_id = $1")
            .bind(id)
            .bind(engine.now())
            .execute(&pool)
            .await
            .unwrap();
    assert_eq!(sent.rows_affected(), 2, "{kind:?}");
    members[0].press(&format!("ack:{id}")).await;

    let list = text(&chat.say("/hogiadinh").await);
    assert!(
        list.contains("Ho ba Lan, xom 3 — 2 người")
            && list.contains("“Lịch tiêm phòng cho chó mèo”: 1/2 người đã đọc"),
        "{kind:?}: {list}"
    );
    let reminded = text(&chat.choose("🔔 Nhắc Ho ba Lan, xom 3").await);
    assert!(
        reminded.contains("Đã gửi lời nhắc tới 1 người"),
        "{kind:?}: {reminded}"
    );
    let waiting: Vec<String> = sqlx::query_scalar(
        "SELECT address FROM deliveries
         WHERE notice_id IS NULL AND message->'body'->>'id' = 'household-reminder-notice'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        waiting,
        ["9002"],
        "{kind:?}: only the one who has not read it"
    );
    // Asked again the same day, from a fresh list (typed numbers only pick from the latest).
    chat.say("/hogiadinh").await;
    let again = text(&chat.choose("🔔 Nhắc Ho ba Lan, xom 3").await);
    assert!(
        again.contains("đã được nhắc việc này rồi"),
        "{kind:?}: {again}"
    );
    chat.stop().await;
}

/// A resident without a code names their household by its village group and address, typed
/// without diacritics, and says yes; a neighbour typing the same place with them joins the same
/// household. A mistyped code is a wrong code, never a place.
async fn a_resident_joins_their_household_by_its_place(kind: Kind) {
    let mut chat = Chat::start(kind).await;
    chat.sign_up().await;
    let wrong = text(&chat.say("/ho 99999999x").await);
    assert!(
        wrong.contains("Không có hộ nào với mã này"),
        "{kind:?}: {wrong}"
    );
    let asked = text(&chat.say("/ho xom 3, so 12 ngo 4").await);
    assert!(
        asked.contains("Tham gia hộ ở so 12 ngo 4, xom 3?"),
        "{kind:?}: {asked}"
    );
    let joined = text(&chat.choose("Đồng ý tham gia").await);
    assert!(
        joined.contains("Bạn đã tham gia Hộ ở so 12 ngo 4, xom 3."),
        "{kind:?}: {joined}"
    );
    let mut neighbour = Person::on(&chat.engine, "telegram", "9101");
    neighbour.sign_up("tien lu").await;
    neighbour.send("/ho Xóm 3, số 12 ngõ 4").await;
    let joined = neighbour.tap("Đồng ý tham gia").await;
    assert_eq!(
        crate::common::text_arg(&joined, "name"),
        "Hộ ở so 12 ngo 4, xom 3",
        "{kind:?}"
    );
    let pool = sqlx::PgPool::connect(&chat.db.url).await.unwrap();
    let members: Vec<i64> =
        sqlx::query_scalar("SELECT count(*) FROM household_members GROUP BY household_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(members, [2], "{kind:?}: one place, one household");
    chat.stop().await;
}

macro_rules! on_every_channel {
    ($($story:ident),* $(,)?) => {
        mod shell { $(#[tokio::test] async fn $story() { super::$story(crate::driver::Kind::Shell).await } )* }
        mod telegram { $(#[tokio::test] async fn $story() { super::$story(crate::driver::Kind::Telegram).await } )* }
        mod zalo_bot { $(#[tokio::test] async fn $story() { super::$story(crate::driver::Kind::ZaloBot).await } )* }
        mod zalo_oa { $(#[tokio::test] async fn $story() { super::$story(crate::driver::Kind::ZaloOa).await } )* }
        mod web { $(#[tokio::test] async fn $story() { super::$story(crate::driver::Kind::Web).await } )* }
    };
}

on_every_channel!(
    sign_up_with_consent_and_a_typed_commune,
    a_notice_arrives_and_its_reading_is_counted,
    a_survey_is_answered_to_the_end,
    a_cadre_logs_an_activity_in_one_message,
    a_photo_logged_with_an_activity_is_fetched_back_from_the_platform,
    mydata_shows_what_is_kept_and_forget_erases_it,
    a_question_becomes_a_ticket_the_commune_answers_and_the_resident_rates,
    a_report_with_a_photo_and_a_location_lands_where_the_location_is,
    a_draft_is_answered_part_by_part_and_one_answer_changed,
    a_cadre_sees_who_in_their_households_read_a_notice_and_sends_a_reminder,
    a_resident_joins_their_household_by_its_place,
);

/// `/link` through two real channels: one sign-up, notices once to the chat used last, `/forget`
/// from either erasing both.
#[tokio::test]
async fn one_person_on_telegram_and_zalo_is_linked_by_a_code() {
    let mut telegram = Chat::start(Kind::Telegram).await;
    telegram.sign_up().await;
    let code = text(&telegram.say("/link").await);
    let code: String = code
        .split("Mã liên kết của bạn: ")
        .nth(1)
        .expect("a code")
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ' ')
        .collect();
    let mut zalo = Chat::beside(Kind::ZaloBot, &telegram).await;
    zalo.begin().await;
    let joined = text(&zalo.say(code.trim()).await);
    assert!(joined.contains("Đã liên kết"), "{joined}");
    let mine = text(&zalo.say("/mydata").await);
    assert!(
        mine.contains("Telegram (mã chat") && mine.contains("Zalo (mã người dùng"),
        "{mine}"
    );
    // The Zalo chat was used last: the notice goes there, once.
    let province = zalo.engine.units().by_code(PROVINCE).unwrap().id;
    let mut notice = NewNotice::to_units("Họp tổ dân phố", "Tối thứ Sáu.", vec![province]);
    notice.quiet_hours = false;
    let store = zalo.engine.store().clone();
    let id = store.create_notice(&notice).await.unwrap();
    store.schedule_notice(id, zalo.engine.now()).await.unwrap();
    assert!(text(&zalo.replies().await).contains("Họp tổ dân phố"));
    let status = store.notice_status(id).await.unwrap().unwrap();
    assert_eq!((status.totals.targeted, status.totals.sent), (1, 1));
    telegram.say("/forget").await;
    let gone = text(&telegram.choose("Xoá dữ liệu").await);
    assert!(gone.contains("Đã xoá dữ liệu của bạn"), "{gone}");
    let people = store.personal_data_counts().await.unwrap();
    assert!(
        people.iter().any(|(t, n)| t == "people" && *n == 0),
        "{people:?}"
    );
    telegram.stop().await;
    zalo.stop().await;
}
