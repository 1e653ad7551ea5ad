//! A person on one channel, through the channel's real client code and a fake platform: what
//! they type or tap, and what they see.

use std::sync::Arc;
use std::time::Duration;

use danvan::channels::shell::Shell;
use danvan::channels::telegram::{Intake, Telegram, TelegramConfig};
use danvan::channels::web::{WebChat, WebChatConfig, visitor};
use danvan::channels::zalo_bot::{ZaloBot, ZaloBotConfig};
use danvan::channels::zalo_oa::webhook::WEBHOOK_PATH;
use danvan::channels::zalo_oa::{ZaloOa, ZaloOaConfig};
use danvan::channels::{Channel, Event};
use danvan::engine::Engine;
use danvan::serve::{self, Running};
use danvan_fake_telegram::FakeTelegram;
use danvan_fake_zalo::{FakeCdn, FakeZaloBot, FakeZaloOa, OaKeys};
use serde_json::{Value, json};

use crate::browser::{Browser, plain};

pub const WAIT: Duration = Duration::from_secs(20);
/// A reply is complete when nothing more has come for this long.
const QUIET: Duration = Duration::from_millis(400);
pub const PROVINCE: &str = "33";
pub const BOT_TOKEN: &str = "8123:zalo-test";

#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Shell,
    Telegram,
    ZaloBot,
    ZaloOa,
    Web,
}

/// A fake platform, and the chat on it.
pub enum Platform {
    Shell(Shell),
    Telegram(FakeTelegram, i64),
    ZaloBot(FakeZaloBot, String),
    ZaloOa(FakeZaloOa, String),
    /// The web chat's page: the browser is the platform.
    Web(Browser),
}

/// What a message offers: press a button (its data, as the platform sends it back), or type.
#[derive(Debug, Clone)]
pub enum Act {
    Press(String),
    Type(String),
}

/// One message as the person sees it: its text, and its choices by label.
#[derive(Debug, Clone)]
pub struct Seen {
    pub text: String,
    pub choices: Vec<(String, Act)>,
}

/// A person on one channel, talking to danvan.
pub struct Chat {
    kind: Kind,
    pub db: Arc<crate::common::TestDb>,
    pub engine: Arc<Engine>,
    pub platform: Platform,
    intake: Intake,
    pub running: Option<Running>,
    /// Messages to this chat read so far.
    read: usize,
    /// Every message read, in order.
    pub seen: Vec<Seen>,
    events: u64,
}

impl Chat {
    pub async fn start(kind: Kind) -> Chat {
        Chat::start_with(kind, Intake::LongPolling).await
    }

    /// A chat whose bot (Telegram, Zalo bot) takes updates by `intake`.
    pub async fn start_with(kind: Kind, intake: Intake) -> Chat {
        let (db, engine) = crate::common::demo_engine().await;
        Chat::on(kind, intake, Arc::new(db), Arc::new(engine)).await
    }

    /// The same person's chat on another channel of the same service.
    pub async fn beside(kind: Kind, other: &Chat) -> Chat {
        Chat::on(
            kind,
            Intake::LongPolling,
            other.db.clone(),
            other.engine.clone(),
        )
        .await
    }

    async fn on(
        kind: Kind,
        intake: Intake,
        db: Arc<crate::common::TestDb>,
        engine: Arc<Engine>,
    ) -> Chat {
        let platform = match kind {
            Kind::Shell => Platform::Shell(Shell::new("shell-1")),
            Kind::Telegram => Platform::Telegram(FakeTelegram::start().await, 7001),
            Kind::ZaloBot => Platform::ZaloBot(
                FakeZaloBot::start(BOT_TOKEN).await,
                "5551234567890123456".into(),
            ),
            Kind::ZaloOa => Platform::ZaloOa(
                FakeZaloOa::start(OaKeys::example()).await,
                danvan_fake_zalo::oa::events::user_id(1),
            ),
            Kind::Web => Platform::Web(Browser::new()),
        };
        let mut chat = Chat {
            kind,
            db,
            engine,
            platform,
            intake,
            running: None,
            read: 0,
            seen: Vec::new(),
            events: 0,
        };
        chat.serve().await.unwrap();
        chat
    }

    /// The chat's channel, as serve would build it from its settings.
    pub fn build_channel(&self) -> Option<Arc<dyn Channel>> {
        let store = self.engine.store().clone();
        Some(match &self.platform {
            Platform::Shell(_) => return None,
            Platform::Telegram(fake, _) => Telegram::new(TelegramConfig {
                token: "123:TEST".into(),
                api_url: Some(fake.api_url()),
                intake: self.intake.clone(),
                rate: None,
            }),
            Platform::ZaloBot(fake, _) => ZaloBot::new(
                ZaloBotConfig {
                    token: BOT_TOKEN.into(),
                    api_url: fake.api_url(),
                    intake: self.intake.clone(),
                    public_images: None,
                    rate: None,
                    // Short, so that stopping serve does not wait long for the poll under way.
                    poll_wait: std::time::Duration::from_secs(1),
                },
                store,
            ),
            Platform::ZaloOa(fake, _) => ZaloOa::new(oa_config(fake), store),
            Platform::Web(_) => WebChat::new(WebChatConfig::default(), store),
        })
    }

    /// Starts serve with the chat's channel (after stopping one that runs).
    pub async fn serve(&mut self) -> anyhow::Result<()> {
        if let Some(running) = self.running.take() {
            running.stop().await?;
        }
        if let Some(channel) = self.build_channel() {
            let listen = "127.0.0.1:0".parse().unwrap();
            self.running = Some(serve::start(self.engine.clone(), vec![channel], 2, listen).await?);
        }
        if let Some(running) = &self.running
            && let Platform::Web(browser) = &mut self.platform
        {
            browser.load(&format!("http://{}", running.addr)).await;
        }
        Ok(())
    }

    /// Where serve answers HTTP.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.running.as_ref().unwrap().addr)
    }

    pub fn channel(&self) -> &'static str {
        match self.kind {
            Kind::Shell => "shell",
            Kind::Telegram => "telegram",
            Kind::ZaloBot => "zalo_bot",
            Kind::ZaloOa => "zalo_oa",
            Kind::Web => "web",
        }
    }

    pub fn address(&self) -> String {
        match &self.platform {
            Platform::Shell(_) => "shell-1".into(),
            Platform::Telegram(_, chat) => chat.to_string(),
            Platform::ZaloBot(_, user) | Platform::ZaloOa(_, user) => user.clone(),
            Platform::Web(browser) => visitor::address_for(&browser.token),
        }
    }

    /// The first thing a new person does: follow the OA, or write anything.
    pub async fn begin(&mut self) -> Vec<Seen> {
        if let Platform::ZaloOa(fake, user) = &self.platform {
            let body = fake.events().follow(user);
            self.post_oa(&body).await;
            return self.replies().await;
        }
        self.say("Xin chào").await
    }

    pub async fn say(&mut self, text: &str) -> Vec<Seen> {
        self.act(&Act::Type(text.into())).await
    }

    /// Sends a photo (a JPEG's bytes) the way the platform brings one: a Telegram file id, a URL on
    /// Zalo's CDN, a photo posted by the web chat's page. The shell takes no photos.
    pub async fn send_photo(&mut self, bytes: Vec<u8>) -> Vec<Seen> {
        self.events += 1;
        match &self.platform {
            Platform::Shell(_) => panic!("the shell takes no photos"),
            Platform::Telegram(fake, chat) => {
                fake.photo(*chat, &format!("AgADphoto{}", self.events), bytes);
            }
            Platform::ZaloBot(fake, user) => {
                let url = FakeCdn::start().await.host(bytes);
                fake.image(user, &url, None);
            }
            Platform::ZaloOa(fake, user) => {
                let url = FakeCdn::start().await.host(bytes);
                let body = fake.events().user_send_image(user, &url);
                self.post_oa(&body).await;
            }
            Platform::Web(browser) => {
                let (status, answer) = browser.post_photo(&crate::browser::uuid(), bytes).await;
                assert_eq!(status, 200, "the web chat refused a photo: {answer}");
            }
        }
        self.replies().await
    }

    /// Shares a location the way the platform brings one: Telegram's location message, the OA's
    /// `user_send_location`, the web chat's geolocation, "@lat,lon" typed in the shell. The Zalo
    /// Bot API brings no locations.
    pub async fn send_location(&mut self, latitude: f64, longitude: f64) -> Vec<Seen> {
        self.events += 1;
        match &self.platform {
            Platform::Shell(_) => return self.say(&format!("@{latitude},{longitude}")).await,
            Platform::Telegram(fake, chat) => {
                fake.push(danvan_fake_telegram::updates::location(
                    fake.next_update_id(),
                    *chat,
                    latitude,
                    longitude,
                ));
            }
            Platform::ZaloBot(..) => panic!("the Zalo Bot API brings no locations"),
            Platform::ZaloOa(fake, user) => {
                let body = fake.events().user_send_location(user, latitude, longitude);
                self.post_oa(&body).await;
            }
            Platform::Web(browser) => {
                let location = json!({"location": {"latitude": latitude, "longitude": longitude}});
                let (status, answer) = browser.post(location).await;
                assert_eq!(status, 200, "the web chat refused a location: {answer}");
            }
        }
        self.replies().await
    }

    /// Chooses the choice labelled `label` in the latest message that has it.
    pub async fn choose(&mut self, label: &str) -> Vec<Seen> {
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

    pub async fn act(&mut self, act: &Act) -> Vec<Seen> {
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
            (Platform::Web(browser), act) => {
                let act = match act {
                    Act::Type(text) => json!({ "text": text }),
                    Act::Press(payload) => json!({ "button": payload }),
                };
                let (status, answer) = browser.post(act).await;
                assert_eq!(status, 200, "the web chat refused an event: {answer}");
            }
        }
        self.replies().await
    }

    pub async fn post_oa(&self, body: &str) {
        let Platform::ZaloOa(fake, _) = &self.platform else {
            unreachable!()
        };
        let (status, _) = fake.send_event(&self.url(WEBHOOK_PATH), body).await;
        assert_eq!(status, 200, "the OA webhook refused {body}");
    }

    /// Every message sent to this chat, as the person sees it.
    pub fn messages(&self) -> Vec<Seen> {
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
                    choices: telegram_choices(&c.params["reply_markup"]),
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
            Platform::Web(browser) => browser
                .shown()
                .iter()
                .map(|m| Seen {
                    text: plain(m["html"].as_str().unwrap_or_default()),
                    choices: pressable(&m["buttons"], |b| Some((b[0].as_str()?, b[1].as_str()?))),
                })
                .collect(),
        }
    }

    /// Waits for the answer to what was just done: new messages, then a quiet moment.
    pub async fn replies(&mut self) -> Vec<Seen> {
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

    pub fn rejections(&self) -> Vec<String> {
        match &self.platform {
            Platform::Shell(_) => Vec::new(),
            Platform::Telegram(fake, _) => fake.rejections(),
            Platform::ZaloBot(fake, _) => fake.rejections(),
            Platform::ZaloOa(fake, _) => fake.rejections(),
            Platform::Web(browser) => browser.refused(),
        }
    }

    /// Stops serve; the platform refused what the test made it refuse.
    pub async fn stop_after_refusals(self) {
        if let Some(running) = self.running {
            running.stop().await.unwrap();
        }
    }

    pub async fn stop(self) {
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

    pub async fn sign_up(&mut self) {
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

pub fn oa_config(fake: &FakeZaloOa) -> ZaloOaConfig {
    let keys = fake.keys();
    ZaloOaConfig {
        app_id: keys.app_id.clone(),
        secret_key: keys.oa_secret_key.as_str().into(),
        app_secret: keys.app_secret.as_str().into(),
        refresh_token: Some(keys.refresh_token.as_str().into()),
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

/// Rows of buttons as choices, each button read by `read` as (label, data).
/// Inline buttons, pressed; and the keys of a reply keyboard other than "share my location",
/// which send their label as text.
fn telegram_choices(markup: &Value) -> Vec<(String, Act)> {
    let mut choices = pressable(&markup["inline_keyboard"], |b| {
        Some((b["text"].as_str()?, b["callback_data"].as_str()?))
    });
    let keys = pressable(&markup["keyboard"], |b| {
        let label = b["text"].as_str()?;
        (b["request_location"] != true).then_some((label, label))
    });
    choices.extend(
        keys.into_iter()
            .map(|(label, _)| (label.clone(), Act::Type(label))),
    );
    choices
}

fn pressable(rows: &Value, read: impl Fn(&Value) -> Option<(&str, &str)>) -> Vec<(String, Act)> {
    rows.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|b| {
            read(b).map(|(label, data)| (label.to_owned(), Act::Press(data.to_owned())))
        })
        .collect()
}

pub fn text(seen: &[Seen]) -> String {
    seen.iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}
