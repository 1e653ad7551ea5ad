//! Notices through the Telegram channel and the fake Bot API: targeting, schedule, quiet hours,
//! reading and asking, platform errors, cancel, crashes and two senders.

mod common;

use std::sync::Arc;

use common::{Person, TestClock, TestDb};
use danvan::channels::telegram::{Intake, Telegram, TelegramConfig};
use danvan::delivery::Account;
use danvan::delivery::broadcast::{self, Broadcaster};
use danvan::domain::access::Role;
use danvan::domain::notice::{Audience, NoticeText, Stage};
use danvan::domain::vn_time;
use danvan::engine::Engine;
use danvan::store::notices::NewNotice;
use danvan_fake_telegram::{Failure, FakeTelegram};

struct World {
    db: TestDb,
    engine: Arc<Engine>,
    fake: FakeTelegram,
    clock: TestClock,
}

impl World {
    async fn new() -> World {
        // A fixed morning: these stories are about the time of day, not the date.
        let clock = TestClock::at("2025-12-01 09:00");
        let (db, engine) = common::demo_engine_at(clock.shared()).await;
        World {
            db,
            engine: Arc::new(engine),
            fake: FakeTelegram::start().await,
            clock,
        }
    }

    /// The Telegram bot as delivery runs it.
    fn telegram(&self, rate: Option<f64>) -> Arc<Account> {
        let telegram = Telegram::new(TelegramConfig {
            token: "123:TEST".into(),
            api_url: Some(self.fake.api_url()),
            intake: Intake::None,
            rate,
        });
        Account::new(self.engine.clone(), telegram, 1)
    }

    /// A resident signed up on Telegram as chat `chat`, living in `place`, speaking `lang`.
    async fn resident(&self, chat: i64, place: &str, lang: &str) -> i64 {
        let mut p = Person::on(&self.engine, "telegram", &chat.to_string());
        p.send("/start").await;
        p.press(&format!("lang:{lang}")).await;
        p.press("consent:yes").await;
        p.send(place).await;
        p.press("unit:yes").await;
        chat
    }

    async fn grant(&self, chat: i64, role: Role, unit_code: &str) {
        Person::on(&self.engine, "telegram", &chat.to_string())
            .take_role(role, unit_code)
            .await;
    }

    async fn pool(&self) -> sqlx::PgPool {
        sqlx::PgPool::connect(&self.db.url).await.unwrap()
    }

    /// Creates and sends a notice to `units` (codes); returns its id.
    async fn notice(&self, title: &str, units: &[&str], f: impl FnOnce(&mut NewNotice)) -> i64 {
        let directory = self.engine.units();
        let unit_ids = units
            .iter()
            .map(|c| directory.by_code(c).unwrap().id)
            .collect();
        let mut notice = NewNotice::to_units(title, "Nội dung **quan trọng**.", unit_ids);
        notice.directive = "Nghị quyết số 60-NQ/TW ngày 12/4/2025".into();
        f(&mut notice);
        let store = self.engine.store();
        let id = store.create_notice(&notice).await.unwrap();
        store.schedule_notice(id, self.clock.now()).await.unwrap();
        id
    }

    /// Runs broadcast rounds until nothing is left to send, but what waits for its time or for
    /// quiet hours to end.
    async fn deliver(&self, telegram: &Account) {
        let mut state = Broadcaster::default();
        let pool = self.pool().await;
        for _ in 0..100 {
            if broadcast::round(telegram, &mut state).await.unwrap() {
                continue;
            }
            let waiting: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM deliveries WHERE status = 'pending' AND next_attempt_at > now()",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            if waiting == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("deliveries kept waiting");
    }

    /// Notice messages each chat received (titles of successful sends, in order).
    fn notices_to(&self, chat: i64) -> Vec<String> {
        self.fake
            .texts_to(chat)
            .into_iter()
            .filter(|t| t.starts_with("📢"))
            .collect()
    }

    fn no_rejections(&self) {
        assert_eq!(self.fake.rejections(), Vec::<String>::new());
    }
}

#[tokio::test]
async fn notices_reach_exactly_their_units_roles_and_languages() {
    let w = World::new().await;
    let vi = w.resident(101, "bac dong quan", "vi").await;
    let en = w.resident(102, "bac dong quan", "en").await;
    let elsewhere = w.resident(103, "pho hien", "vi").await;
    let cadre = w.resident(104, "bac dong quan", "vi").await;
    w.grant(cadre, Role::Cadre, "12745").await;
    let telegram = w.telegram(None);

    let commune = w
        .notice("Họp dân thôn Đông Kinh", &["12745"], |n| {
            n.roles = vec![Audience::Resident];
            n.texts.insert(
                "en".into(),
                NoticeText {
                    title: "Village meeting".into(),
                    body: "Please come.".into(),
                },
            );
        })
        .await;
    let cadres = w
        .notice("Tập huấn cán bộ", &["33"], |n| {
            n.roles = vec![Audience::Cadre]
        })
        .await;
    let vietnamese = w
        .notice("Thông báo tiếng Việt", &["33"], |n| {
            n.languages = vec!["vi".into()]
        })
        .await;
    w.deliver(&telegram).await;

    // One a second per chat, oldest first; markup as Telegram HTML.
    assert_eq!(
        w.notices_to(vi),
        ["Họp dân thôn Đông Kinh", "Thông báo tiếng Việt"].map(|t| format!(
            "📢 <b>{t}</b>\nNội dung <b>quan trọng</b>.\nVăn bản: Nghị quyết số 60-NQ/TW ngày 12/4/2025"
        ))
    );
    assert_eq!(
        w.notices_to(en),
        [
            "📢 <b>Village meeting</b>\nPlease come.\nDocument: Nghị quyết số 60-NQ/TW ngày 12/4/2025"
        ]
    );
    assert_eq!(
        w.notices_to(elsewhere).len(),
        1,
        "only the province-wide Vietnamese one"
    );
    assert_eq!(
        w.notices_to(cadre).len(),
        2,
        "cadre notice and the Vietnamese one"
    );
    let call = w
        .fake
        .calls("sendMessage")
        .into_iter()
        .find(|c| c.params["chat_id"] == vi)
        .unwrap();
    assert_eq!(
        call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        format!("ack:{commune}")
    );
    let store = w.engine.store();
    assert_eq!(
        store
            .notice_status(commune)
            .await
            .unwrap()
            .unwrap()
            .totals
            .sent,
        2
    );
    assert_eq!(
        store
            .notice_status(cadres)
            .await
            .unwrap()
            .unwrap()
            .totals
            .targeted,
        1
    );
    assert_eq!(
        store
            .notice_status(vietnamese)
            .await
            .unwrap()
            .unwrap()
            .totals
            .sent,
        3
    );
    w.no_rejections();
}

#[tokio::test]
async fn a_scheduled_notice_waits_for_its_time_and_quiet_hours_for_the_morning() {
    let w = World::new().await;
    let chat = w.resident(201, "tien lu", "vi").await;
    let telegram = w.telegram(None);
    w.clock.set("2025-12-01 20:00");
    let evening = w
        .notice("Lịch tiếp dân", &["33"], |n| {
            n.send_at = vn_time::parse("2025-12-01 20:30")
        })
        .await;
    w.deliver(&telegram).await;
    assert!(w.notices_to(chat).is_empty(), "not before 20:30");

    // Due at 20:30, but quiet hours start at 21:00 Vietnam time: at 21:05 it waits.
    w.clock.set("2025-12-01 21:05");
    let urgent = w
        .notice("Cảnh báo bão số 9", &["33"], |n| n.urgent = true)
        .await;
    w.deliver(&telegram).await;
    assert_eq!(w.notices_to(chat).len(), 1);
    assert!(w.notices_to(chat)[0].contains("Cảnh báo bão số 9"));

    w.clock.set("2025-12-02 07:00");
    w.deliver(&telegram).await;
    assert_eq!(w.notices_to(chat).len(), 2);
    assert!(w.notices_to(chat)[1].contains("Lịch tiếp dân"));
    let store = w.engine.store();
    for id in [evening, urgent] {
        assert_eq!(
            store.notice_status(id).await.unwrap().unwrap().totals.sent,
            1
        );
    }
    w.no_rejections();
}

#[tokio::test]
async fn residents_mark_notices_read_ask_about_them_and_list_them() {
    let w = World::new().await;
    let chat = w.resident(301, "tien lu", "vi").await;
    let other = w.resident(302, "pho hien", "vi").await;
    let id = w.notice("Lấy ý kiến dự thảo", &["12364"], |_| {}).await;
    w.deliver(&w.telegram(None)).await;

    let mut p = Person::on(&w.engine, "telegram", &chat.to_string());
    let read = p.press(&format!("ack:{id}")).await;
    assert_eq!(common::ids(&read), ["notice-read-thanks"]);
    // Twice is still once.
    p.press(&format!("ack:{id}")).await;
    assert_eq!(
        common::ids(&p.press(&format!("ask:{id}")).await),
        ["notice-ask-prompt"]
    );
    // The question is a ticket about the notice: typed, then sent as it stands.
    assert_eq!(
        common::ids(&p.send("Khi nào họp thôn?").await),
        ["ticket-confirm"]
    );
    assert_eq!(common::ids(&p.press("tkd:send").await), ["ticket-created"]);
    let mine = common::render(&w.engine, &p.send("/mydata").await);
    assert!(
        mine.contains(
            "• Thông báo đã nhận: 1\n• Câu hỏi, góp ý đã gửi: “PA-0001: Khi nào họp thôn?”"
        ),
        "{mine}"
    );
    let listed = p.send("/notices").await;
    assert_eq!(
        common::button_labels(&w.engine, &listed),
        ["Lấy ý kiến dự thảo"]
    );
    let again = p.tap("Lấy ý kiến dự thảo").await;
    assert!(common::render(&w.engine, &again).starts_with("📢 Lấy ý kiến dự thảo"));

    // Someone the notice did not go to cannot read or ask about it.
    let mut q = Person::on(&w.engine, "telegram", &other.to_string());
    assert_eq!(
        common::ids(&q.press(&format!("ack:{id}")).await),
        ["button-expired"]
    );
    q.press(&format!("ask:{id}")).await;
    q.send("Họp ở đâu?").await;
    assert_eq!(common::ids(&q.press("tkd:send").await), ["button-expired"]);
    assert_eq!(
        common::ids(&q.press(&format!("notice:{id}")).await),
        ["button-expired"]
    );

    let status = w.engine.store().notice_status(id).await.unwrap().unwrap();
    assert_eq!((status.totals.read, status.totals.questions), (1, 1));
}

#[tokio::test]
async fn blocked_chats_become_unreachable_and_429_waits_and_loses_nothing() {
    let w = World::new().await;
    let blocker = w.resident(401, "tien lu", "vi").await;
    let others = [
        w.resident(402, "tien lu", "vi").await,
        w.resident(403, "tien lu", "vi").await,
    ];
    w.fake.fail_next(Failure::too_many_requests(1));
    w.fake.fail_next(Failure::blocked(blocker));
    let id = w.notice("Thông báo", &["12364"], |_| {}).await;
    let telegram = w.telegram(None);
    w.deliver(&telegram).await;

    for chat in others {
        assert_eq!(w.notices_to(chat).len(), 1, "chat {chat}");
    }
    let status = w.engine.store().notice_status(id).await.unwrap().unwrap();
    assert_eq!((status.totals.sent, status.totals.blocked), (2, 1));
    // Nothing more goes to someone who blocked the bot.
    let next = w.notice("Thông báo 2", &["12364"], |_| {}).await;
    w.deliver(&telegram).await;
    let status = w.engine.store().notice_status(next).await.unwrap().unwrap();
    assert_eq!((status.totals.targeted, status.totals.sent), (2, 2));
}

#[tokio::test]
async fn cancel_stops_what_is_not_sent_yet() {
    let w = World::new().await;
    let chats: Vec<i64> =
        futures::future::join_all((0..6).map(|i| w.resident(500 + i, "tien lu", "vi"))).await;
    // Two a second: the first round takes two, then the notice is cancelled.
    let telegram = w.telegram(Some(2.0));
    let id = w.notice("Sẽ huỷ", &["12364"], |_| {}).await;
    broadcast::round(&telegram, &mut Broadcaster::default())
        .await
        .unwrap();
    let stopped = w.engine.store().cancel_notice(id).await.unwrap();
    assert_eq!(stopped, Some(4));
    w.deliver(&telegram).await;
    let sent: usize = chats.iter().map(|&c| w.notices_to(c).len()).sum();
    assert_eq!(sent, 2);
    let status = w.engine.store().notice_status(id).await.unwrap().unwrap();
    assert_eq!(
        (status.stage, status.totals.cancelled),
        (Stage::Cancelled, 4)
    );
}

#[tokio::test]
async fn a_crashed_sender_s_deliveries_go_out_once_and_two_senders_never_double_send() {
    let w = World::new().await;
    let chats: Vec<i64> =
        futures::future::join_all((0..40).map(|i| w.resident(600 + i, "tien lu", "vi"))).await;
    let id = w.notice("Gửi một lần", &["12364"], |_| {}).await;
    let store = w.engine.store();
    store.fan_out_due(w.clock.now()).await.unwrap();
    // A sender claims 10 and dies before sending any: after the lease they go to someone else.
    let lost = store.claim_deliveries("telegram", 10, false).await.unwrap();
    assert_eq!(lost.deliveries.len(), 10);
    // Not while its sender may still write what it sent (a minute after the lease)…
    sqlx::query(
        "UPDATE deliveries SET lease_until = now() - interval '50 seconds' WHERE status = 'sending'",
    )
    .execute(&w.pool().await)
    .await
    .unwrap();
    assert_eq!(
        store.release_stranded_deliveries("telegram").await.unwrap(),
        0
    );
    // …and only its own channel's.
    sqlx::query(
        "UPDATE deliveries SET lease_until = now() - interval '61 seconds' WHERE status = 'sending'",
    )
    .execute(&w.pool().await)
    .await
    .unwrap();
    assert_eq!(
        store.release_stranded_deliveries("zalo_bot").await.unwrap(),
        0
    );
    assert_eq!(
        store.release_stranded_deliveries("telegram").await.unwrap(),
        10
    );

    // Two senders (two processes' worth) share the rest.
    let (a, b) = (w.telegram(None), w.telegram(None));
    tokio::join!(w.deliver(&a), w.deliver(&b));
    for chat in &chats {
        assert_eq!(w.notices_to(*chat).len(), 1, "chat {chat}");
    }
    let status = store.notice_status(id).await.unwrap().unwrap();
    assert_eq!((status.totals.sent, status.totals.pending), (40, 0));
    let ids: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT message_id) FROM deliveries WHERE notice_id = $1",
    )
    .bind(id)
    .fetch_one(&w.pool().await)
    .await
    .unwrap();
    assert_eq!(ids, 40, "every send's platform message id is kept");
    w.no_rejections();
}

#[tokio::test]
async fn the_cli_creates_sends_and_reports_a_notice_from_the_documented_example() {
    let w = World::new().await;
    let run = |args: &[&str]| common::danvan_ok(args, &w.db.url);
    // The example as documented, scheduled for a day a month from whenever the test runs.
    let send_at = vn_time::format(chrono::Utc::now() + chrono::Duration::days(30));
    let example = include_str!("../examples/notice.toml");
    let documented = "# (Asia/Ho_Chi_Minh): send_at = \"YYYY-MM-DD HH:MM\".";
    assert!(example.contains(documented));
    let scheduled = example.replace(documented, &format!("\nsend_at = \"{send_at}\""));
    let file = std::env::temp_dir().join(format!("danvan-notice-{}.toml", std::process::id()));
    std::fs::write(&file, scheduled).unwrap();
    let id = run(&["notice", "create", file.to_str().unwrap()])
        .trim()
        .to_owned();
    assert!(run(&["notice", "send", &id]).contains(&send_at));
    let status = run(&["notice", "status", &id]);
    assert!(
        status.starts_with(&format!("notice {id}: scheduled, send at {send_at}")),
        "{status}"
    );
    assert!(run(&["notice", "cancel", &id]).starts_with(&format!("notice {id} cancelled")));
}

#[tokio::test]
async fn questions_about_a_notice_are_tickets_the_commune_answers() {
    let w = World::new().await;
    let resident = w.resident(701, "tien lu", "vi").await;
    let cadre = w.resident(702, "tien lu", "vi").await;
    w.grant(cadre, Role::Cadre, "12364").await;
    let admin = w.resident(703, "pho hien", "vi").await;
    w.grant(admin, Role::Admin, "33").await;
    let elsewhere = w.resident(704, "bac dong quan", "vi").await;
    w.grant(elsewhere, Role::Cadre, "12745").await;
    let telegram = w.telegram(None);
    let notice = w
        .notice("Lấy ý kiến", &["12364"], |n| {
            n.roles = vec![Audience::Resident]
        })
        .await;
    w.deliver(&telegram).await;

    let mut asker = Person::on(&w.engine, "telegram", &resident.to_string());
    asker.press(&format!("ask:{notice}")).await;
    asker.send("Họp ở đâu <hội trường>?").await;
    asker.press("tkd:send").await;
    w.deliver(&telegram).await;
    // The commune's own staff hear of it, with the notice it is about; the province's admin
    // (above them) and another commune do not.
    let told = w.fake.texts_to(cadre);
    assert!(
        told.len() == 1
            && told[0].contains("về thông báo “Lấy ý kiến”")
            && told[0].contains("Họp ở đâu &lt;hội trường&gt;?"),
        "{told:?}"
    );
    assert!(w.fake.texts_to(admin).is_empty());
    assert!(w.fake.texts_to(elsewhere).is_empty());
    let call = w
        .fake
        .calls("sendMessage")
        .into_iter()
        .find(|c| c.params["chat_id"] == cadre)
        .unwrap();
    let open = call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = format!("{open}:answer");

    // A cadre of another commune finds no such ticket.
    let mut other = Person::on(&w.engine, "telegram", &elsewhere.to_string());
    other.press(&answer).await;
    assert_eq!(
        common::ids(&other.send("Không biết").await),
        ["ticket-not-found"]
    );

    let mut staff = Person::on(&w.engine, "telegram", &cadre.to_string());
    assert_eq!(common::ids(&staff.press(&answer).await), ["answer-prompt"]);
    staff.send("Hội trường xã, <b>8 giờ</b> & 14 giờ").await;
    // The province's admin may answer too, but not twice.
    let mut late = Person::on(&w.engine, "telegram", &admin.to_string());
    late.press(&answer).await;
    assert_eq!(
        common::ids(&late.send("Trả lời muộn").await),
        ["ticket-not-now"]
    );

    w.deliver(&telegram).await;
    let got = w.fake.texts_to(resident);
    let last = got.last().unwrap();
    assert!(
        last.contains("Hội trường xã, &lt;b&gt;8 giờ&lt;/b&gt; &amp; 14 giờ"),
        "{last}"
    );
    let status = w
        .engine
        .store()
        .notice_status(notice)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.totals.questions, 1);
    w.no_rejections();
}

#[tokio::test]
async fn an_admin_writes_a_notice_in_chat_within_their_scope_and_follows_it() {
    let w = World::new().await;
    let resident = w.resident(801, "tien lu", "vi").await;
    let outside = w.resident(802, "pho hien", "vi").await;
    let admin = w.resident(803, "tien lu", "vi").await;
    w.grant(admin, Role::Admin, "12364").await;
    let other_admin = w.resident(804, "pho hien", "vi").await;
    w.grant(other_admin, Role::Admin, "11953").await;
    let cadre = w.resident(805, "tien lu", "vi").await;
    w.grant(cadre, Role::Cadre, "12364").await;
    let ids = common::ids;

    let mut c = Person::on(&w.engine, "telegram", &cadre.to_string());
    assert_eq!(ids(&c.send("/notice").await), ["not-allowed", "menu"]);

    let mut a = Person::on(&w.engine, "telegram", &admin.to_string());
    assert_eq!(ids(&a.send("/notice").await), ["compose-title"]);
    assert_eq!(
        ids(&a.send("Họp dân về sáp nhập thôn").await),
        ["compose-body"]
    );
    assert_eq!(
        ids(&a.send("Mời bà con dự **họp** tối thứ Sáu.").await),
        ["compose-directive"]
    );
    assert_eq!(ids(&a.tap("Bỏ qua").await), ["compose-unit"]);
    // Outside their scope, typed or forged, is refused with the reason.
    let typed = a.send("pho hien").await;
    assert_eq!(ids(&typed), ["compose-unit-out-of-scope", "compose-unit"]);
    assert!(
        common::render(&w.engine, &typed)
            .starts_with("Phường Phố Hiến, Tỉnh Hưng Yên nằm ngoài phạm vi")
    );
    assert_eq!(
        ids(&a.press("draft:unit:11953").await)[0],
        "compose-unit-out-of-scope"
    );
    assert_eq!(
        ids(&a.tap("Xã Tiên Lữ, Tỉnh Hưng Yên").await),
        ["compose-send-at"]
    );
    assert_eq!(
        ids(&a.send("mai").await),
        ["compose-send-at-invalid", "compose-send-at"]
    );
    let preview = a.tap("Gửi ngay").await;
    assert_eq!(
        ids(&preview),
        ["compose-preview", "notice", "compose-confirm"]
    );
    let shown = common::render(&w.engine, &preview);
    assert!(
        shown.contains("📢 Họp dân về sáp nhập thôn\nMời bà con dự họp tối thứ Sáu."),
        "{shown}"
    );
    assert!(
        shown.contains("Gửi tới Xã Tiên Lữ, Tỉnh Hưng Yên (3 người đang nhận tin), ngay?"),
        "{shown}"
    );
    let created = a.tap("Gửi").await;
    assert_eq!(ids(&created), ["compose-created"]);
    let id: i64 = sqlx::query_scalar("SELECT max(id) FROM notices")
        .fetch_one(&w.pool().await)
        .await
        .unwrap();

    w.deliver(&w.telegram(None)).await;
    assert_eq!(w.notices_to(resident).len(), 1);
    assert!(w.notices_to(outside).is_empty());

    let status = a.send(&format!("/status {id}")).await;
    assert_eq!(ids(&status), ["notice-status"]);
    let text = common::render(&w.engine, &status);
    assert!(
        text.contains("Tổng: gửi 3/3, chờ 0, lỗi 0, chặn bot 0, đã đọc 0, hỏi 0"),
        "{text}"
    );
    let mut b = Person::on(&w.engine, "telegram", &other_admin.to_string());
    assert_eq!(
        ids(&b.send(&format!("/status {id}")).await),
        ["not-allowed"]
    );
    w.no_rejections();
}

#[tokio::test]
async fn a_notice_with_a_photo_or_file_sends_it_with_the_text_as_caption_where_it_fits() {
    use danvan::message::{Attachment, AttachmentKind};
    let w = World::new().await;
    let chat = w.resident(901, "tien lu", "vi").await;
    let short = w
        .notice("Ảnh hội nghị", &["12364"], |n| {
            n.attachment = Some(Attachment {
                kind: AttachmentKind::Photo,
                source: "https://hungyen.dcs.vn/anh.jpg".into(),
            })
        })
        .await;
    let long = w
        .notice("Toàn văn", &["12364"], |n| {
            n.attachment = Some(Attachment {
                kind: AttachmentKind::Document,
                source: "BQACAgUAAx0CfD".into(),
            });
            n.texts.get_mut("vi").unwrap().body = "Điều 1. ".repeat(200);
        })
        .await;
    w.deliver(&w.telegram(None)).await;

    let photos = w.fake.calls("sendPhoto");
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0].params["photo"], "https://hungyen.dcs.vn/anh.jpg");
    assert!(
        photos[0].params["caption"]
            .as_str()
            .unwrap()
            .starts_with("📢 <b>Ảnh hội nghị</b>")
    );
    assert_eq!(
        photos[0].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        format!("ack:{short}")
    );
    // Too long for a caption: the file alone, then the text with the buttons.
    let documents = w.fake.calls("sendDocument");
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0].params["document"], "BQACAgUAAx0CfD");
    assert!(documents[0].params.get("caption").is_none());
    let texts = w.notices_to(chat);
    assert_eq!(texts.len(), 1);
    assert!(texts[0].starts_with("📢 <b>Toàn văn</b>"));
    let status = w.engine.store().notice_status(long).await.unwrap().unwrap();
    assert_eq!(status.totals.sent, 1);
    w.no_rejections();
}

#[tokio::test]
async fn questions_kept_before_they_were_tickets_become_tickets_numbered_on() {
    let url = common::empty_db().await;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    // The schema as it stood before questions were tickets (migrations up to 0010), with a
    // question answered, one not, a chat left asking, and tickets already numbered.
    let before = std::env::temp_dir().join(format!("danvan-migrations-{}", std::process::id()));
    std::fs::create_dir_all(&before).unwrap();
    for entry in std::fs::read_dir("migrations").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.as_str() <= "0010_tickets.sql" {
            std::fs::copy(&path, before.join(&name)).unwrap();
        }
    }
    let old = sqlx::migrate::Migrator::new(before.as_path())
        .await
        .unwrap();
    old.run(&pool).await.unwrap();
    std::fs::remove_dir_all(&before).unwrap();
    sqlx::raw_sql(
        "INSERT INTO units (id, code, name, division_type, parent_id) VALUES
             (1, '33', 'Tỉnh Hưng Yên', 'tỉnh', NULL), (2, '12364', 'Xã Tiên Lữ', 'xã', 1);
         INSERT INTO people (id, language, unit_id, consent_version, consented_at)
             VALUES (10, 'vi', 2, '1', now()), (11, 'vi', 2, '1', now());
         INSERT INTO chats (channel, address, language, state, person_id)
             VALUES ('telegram', '10', 'vi', '{\"step\": \"ask_about_notice\", \"notice\": 5}', 10);
         INSERT INTO notices (id, texts, unit_ids, send_at)
             VALUES (5, '{\"vi\": {\"title\": \"Lịch họp\", \"body\": \"…\"}}', '{1}', now());
         INSERT INTO ticket_counters (province_id, last) VALUES (1, 7);
         INSERT INTO notice_questions (notice_id, person_id, unit_id, text, asked_at, answer, answered_by, answered_at)
             VALUES (5, 10, 2, 'Họp ở đâu?', now() - interval '2 days', 'Hội trường xã', 11, now() - interval '1 day'),
                    (5, 10, 2, 'Mấy giờ?', now() - interval '1 hour', NULL, NULL, NULL);",
    )
    .execute(&pool)
    .await
    .unwrap();
    danvan::store::MIGRATOR.run(&pool).await.unwrap();

    let tickets: Vec<String> = sqlx::query_scalar(
        "SELECT concat_ws(' | ', number, status, text, answer, 'notice ' || notice_id)
         FROM tickets ORDER BY number",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        tickets,
        [
            "8 | answered | Họp ở đâu? | Hội trường xã | notice 5",
            "9 | received | Mấy giờ? | notice 5",
        ]
    );
    let events: Vec<(String, String)> =
        sqlx::query_as("SELECT action, actor FROM ticket_events ORDER BY at")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        events,
        [
            ("received".into(), "resident".into()),
            ("answer".into(), "person:11".into()),
            ("received".into(), "resident".into()),
        ]
    );
    let last: i32 = sqlx::query_scalar("SELECT last FROM ticket_counters WHERE province_id = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(last, 9);
    let gone: Option<String> = sqlx::query_scalar("SELECT to_regclass('notice_questions')::text")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(gone, None);
    let state: serde_json::Value = sqlx::query_scalar("SELECT state FROM chats")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(state, serde_json::json!({"step": "idle"}));
}
