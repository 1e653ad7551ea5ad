//! The same stories on every channel — the shell, Telegram, the Zalo bot and the Zalo OA — each
//! through its real client code against a fake platform that refuses what the real one would:
//! sign-up with consent and a typed commune, a notice and its read receipt, a survey answered to
//! the end, a quick log, and `/mydata` then `/forget`.

mod common;

use std::sync::Arc;
use std::time::Duration;

use danvan::channels::shell::Shell;
use danvan::channels::telegram::{Intake, Telegram, TelegramConfig};
use danvan::channels::zalo_bot::{ZaloBot, ZaloBotConfig};
use danvan::channels::zalo_oa::webhook::WEBHOOK_PATH;
use danvan::channels::zalo_oa::{ZaloOa, ZaloOaConfig};
use danvan::channels::{Channel, Event};
use danvan::domain::access::{Grant, Role};
use danvan::domain::survey::SurveyFile;
use danvan::engine::Engine;
use danvan::serve::{self, Running};
use danvan::store::notices::NewNotice;
use danvan_fake_telegram::FakeTelegram;
use danvan_fake_zalo::{FakeZaloBot, FakeZaloOa, OaKeys};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);
/// A reply is complete when nothing more has come for this long.
const QUIET: Duration = Duration::from_millis(400);
const PROVINCE: &str = "33";

#[derive(Clone, Copy, Debug)]
enum Kind {
    Shell,
    Telegram,
    ZaloBot,
    ZaloOa,
}

/// A fake platform, and the chat on it.
enum Platform {
    Shell(Shell),
    Telegram(FakeTelegram, i64),
    ZaloBot(FakeZaloBot, String),
    ZaloOa(FakeZaloOa, String),
}

/// What a message offers: press a button (its data, as the platform sends it back), or type.
#[derive(Debug, Clone)]
enum Act {
    Press(String),
    Type(String),
}

/// One message as the person sees it: its text, and its choices by label.
#[derive(Debug, Clone)]
struct Seen {
    text: String,
    choices: Vec<(String, Act)>,
}

/// A person on one channel, talking to danvan.
struct Chat {
    kind: Kind,
    _db: common::TestDb,
    engine: Arc<Engine>,
    platform: Platform,
    running: Option<Running>,
    /// Messages to this chat read so far.
    read: usize,
    /// Every message read, in order.
    seen: Vec<Seen>,
    events: u64,
}

impl Chat {
    async fn start(kind: Kind) -> Chat {
        let (db, engine) = common::demo_engine().await;
        let engine = Arc::new(engine);
        let (platform, channel): (Platform, Option<Arc<dyn Channel>>) = match kind {
            Kind::Shell => (Platform::Shell(Shell::new("shell-1")), None),
            Kind::Telegram => {
                let fake = FakeTelegram::start().await;
                let channel = Telegram::new(TelegramConfig {
                    token: "123:TEST".into(),
                    api_url: Some(fake.api_url()),
                    intake: Intake::LongPolling,
                    rate: None,
                });
                (Platform::Telegram(fake, 7001), Some(channel))
            }
            Kind::ZaloBot => {
                let fake = FakeZaloBot::start("8123:zalo-test").await;
                let channel = ZaloBot::new(
                    ZaloBotConfig {
                        token: "8123:zalo-test".into(),
                        api_url: fake.api_url(),
                        intake: Intake::LongPolling,
                        public_images: None,
                        rate: None,
                    },
                    engine.store().clone(),
                );
                (
                    Platform::ZaloBot(fake, "5551234567890123456".into()),
                    Some(channel),
                )
            }
            Kind::ZaloOa => {
                let fake = FakeZaloOa::start(OaKeys::example()).await;
                let channel = ZaloOa::new(oa_config(&fake), engine.store().clone());
                let user = danvan_fake_zalo::oa::events::user_id(1);
                (Platform::ZaloOa(fake, user), Some(channel))
            }
        };
        let running = match channel {
            Some(channel) => Some(
                serve::start(
                    engine.clone(),
                    vec![channel],
                    2,
                    "127.0.0.1:0".parse().unwrap(),
                )
                .await
                .unwrap(),
            ),
            None => None,
        };
        Chat {
            kind,
            _db: db,
            engine,
            platform,
            running,
            read: 0,
            seen: Vec::new(),
            events: 0,
        }
    }

    fn channel(&self) -> &'static str {
        match self.kind {
            Kind::Shell => "shell",
            Kind::Telegram => "telegram",
            Kind::ZaloBot => "zalo_bot",
            Kind::ZaloOa => "zalo_oa",
        }
    }

    fn address(&self) -> String {
        match &self.platform {
            Platform::Shell(_) => "shell-1".into(),
            Platform::Telegram(_, chat) => chat.to_string(),
            Platform::ZaloBot(_, user) | Platform::ZaloOa(_, user) => user.clone(),
        }
    }

    /// The first thing a new person does: follow the OA, or write anything.
    async fn begin(&mut self) -> Vec<Seen> {
        if let Platform::ZaloOa(fake, user) = &self.platform {
            let body = fake.events().follow(user);
            self.post_oa(&body).await;
            return self.replies().await;
        }
        self.say("Xin chào").await
    }

    async fn say(&mut self, text: &str) -> Vec<Seen> {
        self.act(&Act::Type(text.into())).await
    }

    /// Chooses the choice labelled `label` in the latest message that has it.
    async fn choose(&mut self, label: &str) -> Vec<Seen> {
        let act = self
            .seen
            .iter()
            .rev()
            .find_map(|s| s.choices.iter().find(|(l, _)| l == label))
            .map(|(_, act)| act.clone())
            .unwrap_or_else(|| {
                panic!("no choice {label:?} on {:?} in {:#?}", self.kind, self.seen)
            });
        self.act(&act).await
    }

    async fn act(&mut self, act: &Act) -> Vec<Seen> {
        self.events += 1;
        match (&self.platform, act) {
            (Platform::Shell(shell), Act::Type(line) | Act::Press(line)) => {
                let event = shell
                    .decode(&json!({"id": format!("e{}", self.events), "line": line}))
                    .unwrap();
                let Event::Chat { inbound, .. } = event else {
                    panic!("the shell reads every line")
                };
                let out = self.engine.handle(&inbound).await.unwrap().unwrap();
                let text = shell.render(self.engine.localizer(), &out)[0]
                    .as_str()
                    .unwrap()
                    .to_owned();
                let seen = vec![numbered(&text, &[])];
                self.seen.extend(seen.clone());
                return seen;
            }
            (Platform::Telegram(fake, chat), Act::Type(text)) => {
                fake.text(*chat, text);
            }
            (Platform::Telegram(fake, chat), Act::Press(data)) => {
                fake.press(*chat, data);
            }
            (Platform::ZaloBot(fake, user), Act::Type(text) | Act::Press(text)) => {
                fake.text(user, text);
            }
            (Platform::ZaloOa(fake, user), Act::Type(text) | Act::Press(text)) => {
                let body = fake.events().user_send_text(user, text);
                self.post_oa(&body).await;
            }
        }
        self.replies().await
    }

    async fn post_oa(&self, body: &str) {
        let Platform::ZaloOa(fake, _) = &self.platform else {
            unreachable!()
        };
        let url = format!(
            "http://{}{WEBHOOK_PATH}",
            self.running.as_ref().unwrap().addr
        );
        let (status, _) = fake.send_event(&url, body).await;
        assert_eq!(status, 200, "the OA webhook refused {body}");
    }

    /// Every message sent to this chat, as the person sees it.
    fn messages(&self) -> Vec<Seen> {
        match &self.platform {
            Platform::Shell(_) => self.seen.clone(),
            Platform::Telegram(fake, chat) => fake
                .calls("sendMessage")
                .iter()
                .filter(|c| {
                    c.succeeded
                        && c.params["chat_id"].to_string().trim_matches('"') == chat.to_string()
                })
                .map(|c| Seen {
                    text: c.params["text"].as_str().unwrap_or_default().to_owned(),
                    choices: c.params["reply_markup"]["inline_keyboard"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
                        .filter_map(|b| {
                            Some((
                                b["text"].as_str()?.to_owned(),
                                Act::Press(b["callback_data"].as_str()?.to_owned()),
                            ))
                        })
                        .collect(),
                })
                .collect(),
            Platform::ZaloBot(fake, user) => fake
                .texts_to(user)
                .iter()
                .map(|t| numbered(t, &[]))
                .collect(),
            Platform::ZaloOa(fake, user) => fake
                .messages_to(user)
                .iter()
                .map(|m| {
                    let buttons: Vec<(String, String)> = m["attachment"]["payload"]["buttons"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|b| {
                            (
                                b["title"].as_str().unwrap_or_default().to_owned(),
                                b["payload"].as_str().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect();
                    numbered(m["text"].as_str().unwrap_or_default(), &buttons)
                })
                .collect(),
        }
    }

    /// Waits for the answer to what was just done: new messages, then a quiet moment.
    async fn replies(&mut self) -> Vec<Seen> {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut count = self.messages().len();
        while count <= self.read && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
            count = self.messages().len();
        }
        loop {
            tokio::time::sleep(QUIET).await;
            let now = self.messages().len();
            if now == count {
                break;
            }
            count = now;
        }
        let all = self.messages();
        assert!(
            all.len() > self.read,
            "no answer on {:?}; rejected: {:?}",
            self.kind,
            self.rejections()
        );
        let new = all[self.read..].to_vec();
        self.read = all.len();
        self.seen.extend(new.clone());
        new
    }

    fn rejections(&self) -> Vec<String> {
        match &self.platform {
            Platform::Shell(_) => Vec::new(),
            Platform::Telegram(fake, _) => fake.rejections(),
            Platform::ZaloBot(fake, _) => fake.rejections(),
            Platform::ZaloOa(fake, _) => fake.rejections(),
        }
    }

    async fn stop(self) {
        assert_eq!(
            self.rejections(),
            Vec::<String>::new(),
            "{:?}: the fake refused requests",
            self.kind
        );
        if let Some(running) = self.running {
            running.stop().await.unwrap();
        }
    }

    async fn sign_up(&mut self) {
        let greeting = text(&self.begin().await);
        assert!(greeting.contains("Xin chào"), "{:?}: {greeting}", self.kind);
        self.choose("Tiếng Việt").await;
        self.choose("Tôi đồng ý").await;
        // Typed without diacritics, as on a cheap phone.
        let found = text(&self.say("tien lu").await);
        assert!(found.contains("Tiên Lữ"), "{:?}: {found}", self.kind);
        let done = text(&self.choose("Đúng").await);
        assert!(
            done.contains("Bạn đã đăng ký tại"),
            "{:?}: {done}",
            self.kind
        );
    }
}

fn oa_config(fake: &FakeZaloOa) -> ZaloOaConfig {
    let keys = fake.keys();
    ZaloOaConfig {
        app_id: keys.app_id.clone(),
        secret_key: keys.oa_secret_key.clone(),
        app_secret: keys.app_secret.clone(),
        refresh_token: Some(keys.refresh_token.clone()),
        api_url: fake.url.parse().unwrap(),
        oauth_url: fake.url.parse().unwrap(),
        rate: None,
        clock: danvan::clock::system(),
    }
}

/// A message's text and its choices: buttons by title, and numbered choices ("[2] English") by
/// their label — pressed by the button that carries the number, or typed.
fn numbered(text: &str, buttons: &[(String, String)]) -> Seen {
    let mut choices: Vec<(String, Act)> = buttons
        .iter()
        .map(|(title, payload)| (title.clone(), Act::Press(payload.clone())))
        .collect();
    for line in text.lines() {
        for item in line.trim().split("   ") {
            let Some((number, label)) = item
                .trim()
                .strip_prefix('[')
                .and_then(|r| r.split_once("] "))
            else {
                continue;
            };
            if number.parse::<u32>().is_err() {
                continue;
            }
            let act = buttons
                .iter()
                .find(|(title, _)| title == number)
                .map(|(_, payload)| Act::Press(payload.clone()))
                .unwrap_or_else(|| Act::Type(number.to_owned()));
            choices.push((label.trim().to_owned(), act));
        }
    }
    Seen {
        text: text.to_owned(),
        choices,
    }
}

fn text(seen: &[Seen]) -> String {
    seen.iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn sign_up_with_consent_and_a_typed_commune(kind: Kind) {
    let mut chat = Chat::start(kind).await;
    chat.sign_up().await;
    let pool = sqlx::PgPool::connect(&chat._db.url).await.unwrap();
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
        let pool = sqlx::PgPool::connect(&chat._db.url).await.unwrap();
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
            if status.totals.read == 1
                && (!matches!(kind, Kind::ZaloOa) || status.totals.delivered == 1)
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
    let mut tx = chat.engine.store().begin().await.unwrap();
    let id = tx.create_survey(&file, &[province], None).await.unwrap();
    tx.open_survey(id, chat.engine.now())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
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
            .fetch_one(&sqlx::PgPool::connect(&chat._db.url).await.unwrap())
            .await
            .unwrap();
    assert_eq!(responses, 1);
    chat.stop().await;
}

async fn a_cadre_logs_an_activity_in_one_message(kind: Kind) {
    let mut chat = Chat::start(kind).await;
    chat.sign_up().await;
    let grant = Grant {
        role: Role::Cadre,
        unit_id: tien_lu(&chat).await,
    };
    let mut tx = chat.engine.store().begin().await.unwrap();
    let expires = chat.engine.now() + chrono::Duration::days(1);
    let code = tx.create_invite(&grant, 1, expires, "test").await.unwrap();
    tx.commit().await.unwrap();
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

async fn tien_lu(chat: &Chat) -> i64 {
    let pool = sqlx::PgPool::connect(&chat._db.url).await.unwrap();
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
    chat.say("/forget").await;
    let gone = text(&chat.choose("Xoá dữ liệu").await);
    assert!(gone.contains("Đã xoá dữ liệu của bạn"), "{kind:?}: {gone}");
    let counts = chat.engine.store().personal_data_counts().await.unwrap();
    assert!(
        counts.iter().all(|(table, n)| *n == 0 || table == "chats"),
        "{counts:?}"
    );
    chat.stop().await;
}

macro_rules! on_every_channel {
    ($($story:ident),* $(,)?) => {
        mod shell { $(#[tokio::test] async fn $story() { super::$story(super::Kind::Shell).await } )* }
        mod telegram { $(#[tokio::test] async fn $story() { super::$story(super::Kind::Telegram).await } )* }
        mod zalo_bot { $(#[tokio::test] async fn $story() { super::$story(super::Kind::ZaloBot).await } )* }
        mod zalo_oa { $(#[tokio::test] async fn $story() { super::$story(super::Kind::ZaloOa).await } )* }
    };
}

on_every_channel!(
    sign_up_with_consent_and_a_typed_commune,
    a_notice_arrives_and_its_reading_is_counted,
    a_survey_is_answered_to_the_end,
    a_cadre_logs_an_activity_in_one_message,
    mydata_shows_what_is_kept_and_forget_erases_it,
);
