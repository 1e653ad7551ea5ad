//! The fake Zalo Bot API (Zalo Bot Platform): `/bot<token>/<method>` with JSON, form or query
//! parameters; `getUpdates` long-polls and hands out one update at a time, each only once (there is no
//! offset); polling and a webhook exclude each other; sends go only to people who wrote to the bot.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::Call;

mod api;
pub mod updates;

/// A failure to answer the next matching sendMessage or sendPhoto with (429 quota, 401 token reset…).
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: u16,
    pub description: String,
    /// Only for this chat; any chat when None.
    pub chat: Option<String>,
}

#[derive(Default)]
struct Bot {
    updates: VecDeque<Value>,
    /// Chats that have written to the bot: the only ones it may send to.
    chats: HashSet<String>,
    calls: Vec<Call>,
    rejections: Vec<String>,
    failures: VecDeque<Failure>,
    webhook: Option<String>,
    webhook_updated_at: i64,
    polls_waiting: usize,
    concurrent_polls: usize,
    /// How long each send takes to be answered (a slow platform).
    latency: Duration,
    /// Until then every send is answered by a gateway error with this status, as in an outage.
    outage: Option<(std::time::Instant, u16)>,
}

impl Bot {
    /// Removes and returns the first scripted failure that applies to a send to `chat`.
    fn take_failure(&mut self, chat: &str) -> Option<Failure> {
        let at = self
            .failures
            .iter()
            .position(|f| f.chat.as_deref().is_none_or(|c| c == chat))?;
        self.failures.remove(at)
    }
}

/// A running fake Bot API for one bot token.
#[derive(Clone)]
pub struct FakeZaloBot {
    /// Base URL, `http://127.0.0.1:PORT`; methods are at `{url}/bot{token}/{method}`.
    pub url: String,
    token: Arc<str>,
    state: Arc<Mutex<Bot>>,
    /// Woken when an update is queued.
    arrived: Arc<Notify>,
    /// Woken after every request and every queued update.
    changed: Arc<Notify>,
}

impl FakeZaloBot {
    /// Starts the server on a free loopback port, accepting `token` only.
    pub async fn start(token: &str) -> FakeZaloBot {
        let mut fake = FakeZaloBot {
            url: String::new(),
            token: token.into(),
            state: Arc::default(),
            arrived: Arc::default(),
            changed: Arc::default(),
        };
        fake.url = crate::serve(api::router(fake.clone())).await;
        fake
    }

    /// The base URL to give our client in place of `https://bot-api.zaloplatforms.com`.
    pub fn api_url(&self) -> url::Url {
        self.url.parse().expect("the fake's URL parses")
    }

    /// The bot's id as getMe reports it: the part of the token before `:`, as Zalo's tokens are made.
    pub fn bot_id(&self) -> String {
        match self.token.split_once(':') {
            Some((id, _)) if !id.is_empty() => id.to_owned(),
            _ => "1459232241454765289".to_owned(),
        }
    }

    /// Queues an update for getUpdates (the same update twice is delivered twice); its chat may now be
    /// sent to.
    pub fn push(&self, update: Value) {
        {
            let mut s = self.lock();
            s.chats.extend(chat_of(&update));
            s.updates.push_back(update);
        }
        self.arrived.notify_waiters();
        self.changed.notify_waiters();
    }

    /// Queues a text message from `user` and returns the update.
    pub fn text(&self, user: &str, text: &str) -> Value {
        self.queue(updates::text(user, text))
    }

    /// Queues a photo (a URL, with an optional caption) from `user` and returns the update.
    pub fn image(&self, user: &str, url: &str, caption: Option<&str>) -> Value {
        self.queue(updates::image(user, url, caption))
    }

    /// Queues a sticker from `user` and returns the update.
    pub fn sticker(&self, user: &str) -> Value {
        self.queue(updates::sticker(user))
    }

    /// Queues the content-less update Zalo sends for a person in a protected group, and returns it.
    pub fn unsupported(&self, user: &str) -> Value {
        self.queue(updates::unsupported(user))
    }

    /// Posts `update` to our webhook like [`post_webhook`], after letting its chat be sent to (as
    /// Zalo would, the person having written).
    pub async fn post_webhook(
        &self,
        url: &str,
        secret: &str,
        update: &Value,
        wrapped: bool,
    ) -> u16 {
        self.lock().chats.extend(chat_of(update));
        post_webhook(url, secret, update, wrapped).await
    }

    pub fn fail_next(&self, failure: Failure) {
        self.lock().failures.push_back(failure);
    }

    /// Answers every send only after `latency`, as a slow platform does.
    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    /// For `window` from now, answers every send with `status` (a 5xx) and a gateway's HTML page,
    /// not the Bot API's JSON, as when Zalo's servers are down behind their proxy.
    pub fn outage(&self, status: u16, window: Duration) {
        self.lock().outage = Some((std::time::Instant::now() + window, status));
    }

    pub fn calls(&self, method: &str) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.endpoint == method)
            .cloned()
            .collect()
    }

    /// Texts delivered to `chat`, in order: sendMessage texts and sendPhoto captions.
    pub fn texts_to(&self, chat: &str) -> Vec<String> {
        self.delivered_to(chat)
            .filter_map(|c| c.params.get("text").or(c.params.get("caption")).cloned())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    }

    /// URLs of the photos delivered to `chat`, in order.
    pub fn photos_to(&self, chat: &str) -> Vec<String> {
        self.delivered_to(chat)
            .filter_map(|c| c.params["photo"].as_str().map(str::to_owned))
            .collect()
    }

    /// Requests refused because the real Bot API would refuse them, each with its reason.
    pub fn rejections(&self) -> Vec<String> {
        self.lock().rejections.clone()
    }

    /// The webhook URL set, if any.
    pub fn webhook(&self) -> Option<String> {
        self.lock().webhook.clone()
    }

    /// getUpdates calls waiting for an update right now.
    pub fn polls_waiting(&self) -> usize {
        self.lock().polls_waiting
    }

    /// How many times a getUpdates arrived while another was still waiting: more than one poller.
    pub fn concurrent_polls(&self) -> usize {
        self.lock().concurrent_polls
    }

    /// Waits until `done` holds (checked after every request), or `limit` passes. Returns whether it
    /// held.
    pub async fn wait_until(
        &self,
        limit: Duration,
        mut done: impl FnMut(&FakeZaloBot) -> bool,
    ) -> bool {
        crate::wait_until(&self.changed, limit, || done(self)).await
    }

    fn queue(&self, update: Value) -> Value {
        self.push(update.clone());
        update
    }

    /// Successful sendMessage and sendPhoto calls to `chat`.
    fn delivered_to(&self, chat: &str) -> impl Iterator<Item = Call> {
        let calls = self.lock().calls.clone();
        let chat = chat.to_owned();
        calls.into_iter().filter(move |c| {
            c.succeeded
                && ["sendMessage", "sendPhoto"].contains(&c.endpoint.as_str())
                && c.params["chat_id"].as_str() == Some(&chat)
        })
    }

    fn lock(&self) -> MutexGuard<'_, Bot> {
        self.state.lock().expect("fake state poisoned")
    }
}

/// POSTs `update` to our service's webhook at `url` as Zalo does, with `X-Bot-Api-Secret-Token:
/// <secret>`; the body is the bare update, or wrapped as `{"ok":true,"result":update}` as some senders
/// do. Returns the HTTP status.
pub async fn post_webhook(url: &str, secret: &str, update: &Value, wrapped: bool) -> u16 {
    let body = if wrapped {
        json!({"ok": true, "result": update})
    } else {
        update.clone()
    };
    // A client per call: a pooled connection outlives the test runtime that opened it.
    reqwest::Client::new()
        .post(url)
        .header("X-Bot-Api-Secret-Token", secret)
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("posting an update to {url}: {e}"))
        .status()
        .as_u16()
}

fn chat_of(update: &Value) -> Option<String> {
    update
        .pointer("/message/chat/id")
        .and_then(Value::as_str)
        .map(str::to_owned)
}
