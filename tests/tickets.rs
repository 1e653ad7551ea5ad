//! Residents write to their commune and are answered: free words become a ticket with a code and
//! a due date, staff answer it in chat, the resident rates it; reports with a location go to the
//! place that holds it; limits, strangers, replays and erasure.

mod common;

use common::{Person, TestClock, TestDb, ids, render};
use danvan::domain::access::Role;
use danvan::engine::Engine;
use danvan::message::InboundKind;

struct World {
    db: TestDb,
    engine: Engine,
    clock: TestClock,
}

impl World {
    async fn new() -> World {
        // A Monday morning in office hours: these stories are about office time, not the date.
        let clock = TestClock::at("2025-12-01 09:00");
        let (db, engine) = common::demo_engine_at(clock.shared()).await;
        World { db, engine, clock }
    }

    async fn pool(&self) -> sqlx::PgPool {
        sqlx::PgPool::connect(&self.db.url).await.unwrap()
    }

    /// The ids of the messages queued for the chat `address`, in order.
    async fn queued_for(&self, address: &str) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT message->'body'->>'id' FROM deliveries WHERE address = $1 AND message IS NOT NULL
             ORDER BY id",
        )
        .bind(address)
        .fetch_all(&self.pool().await)
        .await
        .unwrap()
    }

    async fn ticket_row(&self, id: i64) -> (String, Option<bool>, String, i64) {
        sqlx::query_as("SELECT status, satisfied, text, unit_id FROM tickets WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool().await)
            .await
            .unwrap()
    }
}

/// The ticket id a reply's first ticket button carries.
fn ticket_id(out: &danvan::message::Outbound) -> i64 {
    out.replies
        .iter()
        .flat_map(|r| r.buttons.iter().flatten())
        .find_map(|b| {
            b.payload
                .strip_prefix("tk:")?
                .split(':')
                .next()?
                .parse()
                .ok()
        })
        .expect("a ticket button")
}

#[tokio::test]
async fn a_question_typed_in_chat_is_answered_by_the_commune_and_rated() {
    let w = World::new().await;
    let mut resident = Person::on(&w.engine, "telegram", "501");
    resident.sign_up("tien lu").await;
    let mut cadre = Person::on(&w.engine, "telegram", "601");
    cadre.sign_up("tien lu").await;
    cadre.take_role(Role::Cadre, "12364").await;

    // A greeting is greeted, not filed.
    assert_eq!(ids(&resident.send("Xin chào").await), ["greeting"]);

    let asked = resident
        .send("Cho tôi hỏi khi nào xã tiêm phòng dại cho chó ạ?")
        .await;
    assert_eq!(ids(&asked), ["ticket-ask-kind"]);
    assert!(render(&w.engine, &asked).contains("tiêm phòng dại"));
    assert_eq!(ids(&resident.tap("❓ Câu hỏi").await), ["ticket-confirm"]);
    let sent = resident.tap("Gửi").await;
    let text = render(&w.engine, &sent);
    // Monday 9:00 plus three office days: Thursday 9:00.
    assert!(
        text.contains("mã PA-0001") && text.contains("trước 4/12/2025 09:00"),
        "{text}"
    );
    assert!(text.contains("Xã Tiên Lữ"), "{text}");
    assert_eq!(w.queued_for("601").await, ["ticket-announced"]);

    // The cadre lists the open ones and answers by the ticket's button.
    let listed = cadre.send("/phananh").await;
    assert_eq!(ids(&listed), ["tickets-open", "tickets-none"]);
    assert!(render(&w.engine, &listed).contains("chờ xử lý: 1"));
    let id = ticket_id(&listed);
    assert_eq!(
        ids(&cadre.press(&format!("tk:{id}")).await),
        ["ticket-details"]
    );
    assert_eq!(
        ids(&cadre.press(&format!("tk:{id}:answer")).await),
        ["answer-prompt"]
    );
    let answered = cadre
        .send("Xã tiêm phòng dại ngày 10/12 tại nhà văn hoá thôn.")
        .await;
    assert_eq!(ids(&answered), ["ticket-moved"]);
    assert_eq!(w.queued_for("501").await, ["ticket-update-answer"]);
    // Answered twice: the second is refused, and the resident hears once.
    cadre.press(&format!("tk:{id}:answer")).await;
    assert_eq!(ids(&cadre.send("Lần nữa").await), ["ticket-not-now"]);
    assert_eq!(w.queued_for("501").await, ["ticket-update-answer"]);

    // The resident rates it and adds a word, which is no new ticket.
    assert_eq!(
        ids(&resident.press(&format!("tk:{id}:good")).await),
        ["ticket-rated"]
    );
    assert_eq!(
        ids(&resident.send("Cảm ơn xã nhiều").await),
        ["ticket-rating-thanks"]
    );
    let (status, satisfied, ..) = w.ticket_row(id).await;
    assert_eq!((status.as_str(), satisfied), ("closed", Some(true)));
    // An old rating button does nothing twice.
    assert_eq!(
        ids(&resident.press(&format!("tk:{id}:bad")).await),
        ["ticket-not-now"]
    );
    let mine = resident.send("/phananh").await;
    assert!(
        render(&w.engine, &mine).contains("PA-0001 · Đã đóng"),
        "{}",
        render(&w.engine, &mine)
    );
}

#[tokio::test]
async fn staff_of_another_commune_cannot_see_or_move_a_ticket() {
    let w = World::new().await;
    let mut resident = Person::on(&w.engine, "telegram", "502");
    resident.sign_up("tien lu").await;
    resident.send("Đèn đường thôn 2 hỏng cả tháng nay").await;
    resident.press("tkd:kind:report").await;
    resident.press("tkd:cat:ha_tang").await;
    resident.press("tkd:anon").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM tickets")
        .fetch_one(&w.pool().await)
        .await
        .unwrap();

    let mut stranger = Person::on(&w.engine, "telegram", "701");
    stranger.sign_up("tien hoa").await;
    stranger.take_role(Role::Admin, "12361").await;
    for payload in [format!("tk:{id}"), format!("tk:{id}:accept")] {
        assert_eq!(ids(&stranger.press(&payload).await), ["ticket-not-found"]);
    }
    stranger.press(&format!("tk:{id}:reject")).await;
    assert_eq!(ids(&stranger.send("không").await), ["ticket-not-found"]);
    assert_eq!(
        ids(&stranger.send("/phananh PA-0001").await),
        ["ticket-not-found"]
    );
    assert_eq!(w.ticket_row(id).await.0, "received");
    // Nor can another resident, by its code.
    let mut other = Person::on(&w.engine, "telegram", "503");
    other.sign_up("tien lu").await;
    assert_eq!(
        ids(&other.send("/phananh PA-0001").await),
        ["ticket-not-found"]
    );
}

#[tokio::test]
async fn a_report_with_a_location_goes_to_the_place_that_holds_it() {
    let w = World::new().await;
    let units = w.engine.units();
    let (lat, lon) = (20.6464, 106.0511);
    let holder = units.locate(lat, lon)[0].id;
    let mut resident = Person::on(&w.engine, "telegram", "504");
    resident.sign_up("tien lu").await;
    assert_ne!(units.by_code("12364").unwrap().id, holder);

    // A photo alone starts the report; the words, the kind and the place follow.
    resident
        .event(InboundKind::Photo {
            file_id: "photo-1".into(),
            caption: None,
        })
        .await;
    resident.send("Rác đổ trộm bên kênh").await;
    resident.press("tkd:kind:report").await;
    resident.press("tkd:cat:moi_truong").await;
    // Outside the province: refused, and the draft waits without it.
    resident
        .event(InboundKind::Location {
            latitude: 21.0285,
            longitude: 105.8542,
        })
        .await;
    assert_eq!(
        ids(&resident.press("tkd:send").await),
        ["ticket-outside-province"]
    );
    resident
        .event(InboundKind::Location {
            latitude: lat,
            longitude: lon,
        })
        .await;
    assert_eq!(ids(&resident.press("tkd:send").await), ["ticket-created"]);
    let (status, _, text, unit): (String, Option<bool>, String, i64) =
        sqlx::query_as("SELECT status, satisfied, text, unit_id FROM tickets")
            .fetch_one(&w.pool().await)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), text.as_str(), unit),
        ("received", "Rác đổ trộm bên kênh", holder)
    );
    let photos: Vec<String> = sqlx::query_scalar("SELECT unnest(photos) FROM tickets")
        .fetch_all(&w.pool().await)
        .await
        .unwrap();
    assert_eq!(photos, ["photo-1"]);
}

#[tokio::test]
async fn a_flood_is_refused_politely_and_what_was_written_is_kept() {
    let w = World::new().await;
    let mut resident = Person::on(&w.engine, "telegram", "505");
    resident.sign_up("tien lu").await;
    for n in 1..=5 {
        resident.send(&format!("Kiến nghị số {n}")).await;
        resident.press("tkd:kind:suggestion").await;
        assert_eq!(ids(&resident.press("tkd:send").await), ["ticket-created"]);
    }
    resident.send("Kiến nghị số 6").await;
    resident.press("tkd:kind:suggestion").await;
    assert_eq!(ids(&resident.press("tkd:send").await), ["ticket-too-many"]);
    // A day later the same draft goes.
    w.clock.set("2025-12-02 09:30");
    let sent = resident.press("tkd:send").await;
    assert_eq!(ids(&sent), ["ticket-created"]);
    assert!(render(&w.engine, &sent).contains("PA-0006"));
    // Words too long for a ticket are refused, not cut.
    let long = resident.send(&"dài ".repeat(600)).await;
    assert_eq!(ids(&long), ["text-too-long"]);
}

#[tokio::test]
async fn the_same_update_twice_makes_one_ticket() {
    let w = World::new().await;
    let mut resident = Person::on(&w.engine, "telegram", "506");
    resident.sign_up("tien lu").await;
    resident.send("Ống nước vỡ ở ngõ 5").await;
    resident.press("tkd:kind:report").await;
    resident.press("tkd:cat:ha_tang").await;
    let send = resident.inbound(InboundKind::Button("tkd:send".into()), "replayed");
    assert!(w.engine.handle(&send).await.unwrap().is_some());
    assert!(w.engine.handle(&send).await.unwrap().is_none());
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&w.pool().await)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn staff_ask_for_more_the_resident_adds_it_and_forget_erases_the_words() {
    let w = World::new().await;
    let mut resident = Person::on(&w.engine, "telegram", "507");
    resident.sign_up("tien lu").await;
    let mut admin = Person::on(&w.engine, "telegram", "602");
    admin.sign_up("tien lu").await;
    admin.take_role(Role::Admin, "12364").await;
    resident.send("Nhà ông Ba xây lấn đường").await;
    resident.press("tkd:kind:report").await;
    resident.press("tkd:cat:trat_tu").await;
    resident.press("tkd:send").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM tickets")
        .fetch_one(&w.pool().await)
        .await
        .unwrap();

    assert_eq!(
        ids(&admin.press(&format!("tk:{id}:accept")).await),
        ["ticket-moved"]
    );
    admin.press(&format!("tk:{id}:ask_more")).await;
    admin.send("Xin cho biết số nhà").await;
    assert_eq!(w.ticket_row(id).await.0, "needs_info");
    assert_eq!(
        w.queued_for("507").await,
        ["ticket-update-accept", "ticket-update-ask_more"]
    );
    resident.press(&format!("tk:{id}:info")).await;
    assert_eq!(
        ids(&resident.send("Số 12 ngõ 3").await),
        ["ticket-info-added"]
    );
    assert_eq!(w.ticket_row(id).await.0, "accepted");
    let history: Vec<String> =
        sqlx::query_scalar("SELECT action FROM ticket_events WHERE ticket_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&w.pool().await)
            .await
            .unwrap();
    assert_eq!(history, ["received", "accept", "ask_more", "info"]);

    resident.send("/forget").await;
    resident.press("forget:yes").await;
    let (status, _, text, _) = w.ticket_row(id).await;
    assert_eq!((status.as_str(), text.as_str()), ("accepted", ""));
    let words: Option<String> = sqlx::query_scalar(
        "SELECT string_agg(text, '') FROM ticket_events WHERE ticket_id = $1 AND actor = 'resident'",
    )
    .bind(id)
    .fetch_one(&w.pool().await)
    .await
    .unwrap();
    assert_eq!(words, None);
}

#[tokio::test]
async fn the_command_line_lists_answers_transfers_and_shows_a_ticket() {
    let w = World::new().await;
    let mut resident = Person::on(&w.engine, "telegram", "508");
    resident.sign_up("tien lu").await;
    resident.send("Cống thoát nước thôn 1 bị tắc").await;
    resident.press("tkd:kind:report").await;
    resident.press("tkd:cat:ha_tang").await;
    resident.press("tkd:send").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM tickets")
        .fetch_one(&w.pool().await)
        .await
        .unwrap();
    let run = |args: &[&str]| common::danvan_ok(args, &w.db.url);

    let listed = run(&["tickets", "list", "--unit", "12364"]);
    // The command line reads the system's clock; how overdue it is depends on the day.
    assert!(listed.starts_with("1 tickets, "), "{listed}");
    assert!(
        listed.contains("PA-0001") && listed.contains("report/ha_tang"),
        "{listed}"
    );
    let moved = run(&[
        "tickets",
        "transfer",
        &id.to_string(),
        "--to",
        "12361",
        "Cống thuộc địa bàn Tiên Hoa",
    ]);
    assert_eq!(moved.trim(), "PA-0001: transfer → received");
    assert!(run(&["tickets", "list", "--unit", "12364"]).starts_with("0 tickets"));
    let answered = run(&["tickets", "answer", &id.to_string(), "Đã nạo vét xong."]);
    assert_eq!(answered.trim(), "PA-0001: answer → answered");
    let shown = run(&["tickets", "show", "PA-0001", "--unit", "12364"]);
    for line in [
        "received",
        "transfer",
        "Cống thuộc địa bàn Tiên Hoa",
        "answer",
        "Đã nạo vét xong.",
    ] {
        assert!(shown.contains(line), "{line} in {shown}");
    }
    assert_eq!(
        w.queued_for("508").await,
        ["ticket-update-transfer", "ticket-update-answer"]
    );
    // A move the status does not allow is refused with a clear line and changes nothing.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_danvan"))
        .args(["tickets", "act", &id.to_string(), "accept"])
        .env("DATABASE_URL", &w.db.url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("This report is no longer at that step."),
        "{said}"
    );
    assert!(run(&["tickets", "holiday", "2026-02-17", "Tết"]).contains("day off"));
}
