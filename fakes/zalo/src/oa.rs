//! The fake Zalo Official Account Open API: the message API (v3.0), image upload (v2.0) and the OAuth
//! v4 token endpoint on one server, so a test points both base URLs (`openapi.zalo.me` and
//! `oauth.zaloapp.com`) at it. Like Zalo it answers errors with HTTP 200 and an `error` code, refuses
//! a spent refresh token or an access token that a newer one replaced, and sends only to followers
//! (consultation messages only within 7 days of their last interaction). It also delivers signed
//! webhook events ([`FakeZaloOa::send_event`]) built by [`events`].

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::Call;

pub mod events;
mod message;
mod oauth;
mod upload;
mod webhook;

pub use webhook::signature;

/// The OA's own id, the `recipient.id` of its followers' events.
const OA_ID: &str = "3662729599332560487";

/// What the app and the OA were given by Zalo.
#[derive(Clone)]
pub struct OaKeys {
    pub app_id: String,
    /// Signs webhook events; not the app secret.
    pub oa_secret_key: String,
    /// Sent as `secret_key` when refreshing tokens.
    pub app_secret: String,
    /// The refresh token the OA starts with.
    pub refresh_token: String,
}

impl OaKeys {
    /// Keys for tests: the app id and OA secret key of Zalo's published signature example.
    pub fn example() -> OaKeys {
        OaKeys {
            app_id: "2553928453557884079".into(),
            oa_secret_key: "test_oa_secret_key".into(),
            app_secret: "test_app_secret".into(),
            refresh_token: "test_refresh_token".into(),
        }
    }
}

/// A Zalo error to answer the next matching message send with (-32 rate limit, -234 night hours…).
#[derive(Debug, Clone)]
pub struct OaFailure {
    pub error: i64,
    pub message: String,
    /// Only for sends to this user; any user when None.
    pub user: Option<String>,
    /// Matching sends let through before this one fails (0: the next).
    pub after: usize,
}

struct Access {
    token: String,
    expires_at: DateTime<Utc>,
}

struct Oa {
    /// The one refresh token that works; each refresh spends it and issues the next.
    refresh_token: String,
    spent_refresh_tokens: Vec<String>,
    refreshes: usize,
    /// Only the newest access token works.
    access: Option<Access>,
    expires_in: u64,
    followers: HashSet<String>,
    last_interaction: HashMap<String, DateTime<Utc>>,
    uploads: HashSet<String>,
    /// Accepted messages: recipient and the `message` object.
    messages: Vec<(String, Value)>,
    calls: Vec<Call>,
    rejections: Vec<String>,
    failures: VecDeque<OaFailure>,
    /// Counts sends instead of recording them (benchmarks).
    on_send: Option<OnSend>,
    /// How long each message send takes to be answered (a slow platform).
    latency: Duration,
    /// How long each token refresh takes to be answered.
    oauth_latency: Duration,
    /// Until then every message send is answered by a gateway error with this HTTP status.
    outage: Option<(Instant, u16)>,
}

/// Told the recipient of each accepted message.
type OnSend = Box<dyn FnMut(&str) + Send>;

/// A running fake OA Open API and OAuth server.
#[derive(Clone)]
pub struct FakeZaloOa {
    /// Base URL, `http://127.0.0.1:PORT`, for both the open API and the OAuth host.
    pub url: String,
    keys: Arc<OaKeys>,
    state: Arc<Mutex<Oa>>,
    /// Woken after every request.
    changed: Arc<Notify>,
    /// Delivers webhook events.
    http: reqwest::Client,
}

impl FakeZaloOa {
    /// Starts the server on a free loopback port. There is no access token until the client refreshes
    /// with `keys.refresh_token`.
    pub async fn start(keys: OaKeys) -> FakeZaloOa {
        let state = Oa {
            refresh_token: keys.refresh_token.clone(),
            spent_refresh_tokens: Vec::new(),
            refreshes: 0,
            access: None,
            expires_in: 90_000,
            followers: HashSet::new(),
            last_interaction: HashMap::new(),
            uploads: HashSet::new(),
            messages: Vec::new(),
            calls: Vec::new(),
            rejections: Vec::new(),
            failures: VecDeque::new(),
            on_send: None,
            latency: Duration::ZERO,
            oauth_latency: Duration::ZERO,
            outage: None,
        };
        let mut fake = FakeZaloOa {
            url: String::new(),
            keys: Arc::new(keys),
            state: Arc::new(Mutex::new(state)),
            changed: Arc::default(),
            http: reqwest::Client::new(),
        };
        let app = Router::new()
            .route("/v4/oa/access_token", post(oauth::access_token))
            .route("/v3.0/oa/message/cs", post(message::send))
            .route("/v3.0/oa/message/transaction", post(message::send))
            .route("/v3.0/oa/message/promotion", post(message::send))
            .route("/v2.0/oa/upload/image", post(upload::image))
            .fallback(not_found)
            .with_state(fake.clone());
        fake.url = crate::serve(app).await;
        fake
    }

    pub fn keys(&self) -> &OaKeys {
        &self.keys
    }

    /// The OA's id, as its followers' events carry it in `recipient.id`.
    pub fn oa_id(&self) -> &str {
        OA_ID
    }

    /// Builds webhook events for this app and OA, stamped now.
    pub fn events(&self) -> events::Events {
        events::Events::new(&self.keys.app_id, OA_ID)
    }

    /// How many times a token was refreshed successfully.
    pub fn refreshes(&self) -> usize {
        self.lock().refreshes
    }

    /// Refresh tokens already used, oldest first.
    pub fn spent_refresh_tokens(&self) -> Vec<String> {
        self.lock().spent_refresh_tokens.clone()
    }

    /// The refresh token that works now.
    pub fn current_refresh_token(&self) -> String {
        self.lock().refresh_token.clone()
    }

    /// The access token that works now, if one was issued.
    pub fn access_token(&self) -> Option<String> {
        self.lock().access.as_ref().map(|a| a.token.clone())
    }

    /// Makes the current access token answer -220 (expired) from now on.
    pub fn expire_access_token(&self) {
        if let Some(access) = self.lock().access.as_mut() {
            access.expires_at = Utc::now();
        }
    }

    /// Lifetime of the access tokens issued from now on (Zalo's is 90000 s, 25 h).
    pub fn set_expires_in(&self, seconds: u64) {
        self.lock().expires_in = seconds;
    }

    /// Makes `user` a follower who has just interacted.
    pub fn add_follower(&self, user: &str) {
        let mut s = self.lock();
        s.followers.insert(user.to_owned());
        s.last_interaction.insert(user.to_owned(), Utc::now());
    }

    /// Sets when `user` last interacted with the OA (for the 7-day consultation window).
    pub fn set_last_interaction(&self, user: &str, at: DateTime<Utc>) {
        self.lock().last_interaction.insert(user.to_owned(), at);
    }

    pub fn fail_next(&self, failure: OaFailure) {
        self.lock().failures.push_back(failure);
    }

    /// Answers every message send only after `latency`, as a slow platform does.
    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    /// Answers every token refresh only after `latency`: what the client does meanwhile (its
    /// database going away) happens between spending the refresh token and learning the new one.
    pub fn set_oauth_latency(&self, latency: Duration) {
        self.lock().oauth_latency = latency;
    }

    /// For `window` from now, answers every message send with HTTP `status` (a 5xx) and a
    /// gateway's HTML page instead of Zalo's JSON, as when the Open API is down behind its proxy.
    pub fn outage(&self, status: u16, window: Duration) {
        self.lock().outage = Some((Instant::now() + window, status));
    }

    /// Calls `on_send` with the recipient of every accepted message, and stops recording them and
    /// their calls (benchmarks). It runs under the fake's lock: it must not call the fake.
    pub fn count_sends(&self, on_send: impl FnMut(&str) + Send + 'static) {
        self.lock().on_send = Some(Box::new(on_send));
    }

    /// Requests to `path` (`/v3.0/oa/message/cs`, `/v4/oa/access_token`…).
    pub fn calls(&self, path: &str) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.endpoint == path)
            .cloned()
            .collect()
    }

    /// The `message` objects accepted for `user`, in order.
    pub fn messages_to(&self, user: &str) -> Vec<Value> {
        self.lock()
            .messages
            .iter()
            .filter(|(to, _)| to == user)
            .map(|(_, message)| message.clone())
            .collect()
    }

    /// Texts of the messages accepted for `user` (also a button template's own text), in order.
    pub fn texts_to(&self, user: &str) -> Vec<String> {
        self.messages_to(user)
            .iter()
            .filter_map(|m| {
                m.get("text")
                    .or(m.pointer("/attachment/payload/text"))?
                    .as_str()
                    .map(str::to_owned)
            })
            .collect()
    }

    /// For every message accepted for `user`, its buttons as (title, payload); a payload that is not
    /// a string (a URL's, a phone number's) as its JSON text. Empty for a message without buttons.
    pub fn buttons_to(&self, user: &str) -> Vec<Vec<(String, String)>> {
        let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        self.messages_to(user)
            .iter()
            .map(|m| {
                m.pointer("/attachment/payload/buttons")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|b| (text(&b["title"]), text(&b["payload"])))
                    .collect()
            })
            .collect()
    }

    /// The images sent to `user`, in order: their `attachment_id` (or `url`).
    pub fn images_to(&self, user: &str) -> Vec<String> {
        self.messages_to(user)
            .iter()
            .filter_map(|m| m.pointer("/attachment/payload/elements/0"))
            .filter_map(|e| e.get("attachment_id").or(e.get("url"))?.as_str())
            .map(str::to_owned)
            .collect()
    }

    /// Requests refused because the real API would refuse them, each with its reason.
    pub fn rejections(&self) -> Vec<String> {
        self.lock().rejections.clone()
    }

    /// Waits until `done` holds (checked after every request), or `limit` passes. Returns whether it
    /// held.
    pub async fn wait_until(
        &self,
        limit: Duration,
        mut done: impl FnMut(&FakeZaloOa) -> bool,
    ) -> bool {
        crate::wait_until(&self.changed, limit, || done(self)).await
    }

    fn lock(&self) -> MutexGuard<'_, Oa> {
        self.state.lock().expect("fake state poisoned")
    }
}

/// A Zalo error answer.
struct Refusal {
    error: i64,
    message: String,
    /// Why the request is at fault, for `rejections()`; None for a scripted failure.
    reason: Option<String>,
}

impl Refusal {
    fn new(error: i64, message: &str, reason: impl Into<String>) -> Refusal {
        Refusal {
            error,
            message: message.to_owned(),
            reason: Some(reason.into()),
        }
    }

    fn invalid_parameter(reason: impl Into<String>) -> Refusal {
        Refusal::new(-201, "Invalid parameter", reason)
    }
}

impl Oa {
    /// The `access_token` header must name the newest token, unexpired. A Bearer `Authorization`
    /// header is not read, as Zalo does not read it.
    fn check_token(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let invalid = |reason: &str| Refusal::new(-216, "Access token is invalid", reason);
        let Some(token) = headers.get("access_token").and_then(|v| v.to_str().ok()) else {
            return Err(invalid(if headers.contains_key("authorization") {
                "no access_token header (an Authorization header is not read)"
            } else {
                "no access_token header"
            }));
        };
        match &self.access {
            Some(access) if access.token == token => {
                if Utc::now() >= access.expires_at {
                    return Err(Refusal::new(
                        -220,
                        "Access token has expired",
                        "the access token has expired",
                    ));
                }
                Ok(())
            }
            Some(_) => Err(invalid("not the newest access token")),
            None => Err(invalid("no access token was issued yet")),
        }
    }

    fn record(&mut self, path: &str, params: Value, succeeded: bool) {
        self.calls.push(Call {
            endpoint: path.to_owned(),
            params,
            at: Instant::now(),
            succeeded,
        });
    }

    /// Records the call (unless `params` is None) and a request's fault, and renders Zalo's answer.
    fn reply(
        &mut self,
        path: &str,
        params: Option<Value>,
        outcome: Result<Value, Refusal>,
    ) -> Value {
        if let Some(params) = params {
            self.record(path, params, outcome.is_ok());
        }
        match outcome {
            Ok(data) => json!({"error": 0, "message": "Success", "data": data}),
            Err(refusal) => {
                if let Some(reason) = refusal.reason {
                    self.rejections.push(format!("{path}: {reason}"));
                }
                json!({"error": refusal.error, "message": refusal.message})
            }
        }
    }

    /// The HTTP status of the outage under way, if one is.
    fn down(&mut self) -> Option<u16> {
        match self.outage {
            Some((until, status)) if Instant::now() < until => Some(status),
            _ => {
                self.outage = None;
                None
            }
        }
    }

    /// Removes and returns the first scripted failure that applies to a send to `user`.
    fn take_failure(&mut self, user: &str) -> Option<OaFailure> {
        let at = self
            .failures
            .iter()
            .position(|f| f.user.as_deref().is_none_or(|u| u == user))?;
        if self.failures[at].after > 0 {
            self.failures[at].after -= 1;
            return None;
        }
        self.failures.remove(at)
    }

    /// Notes an event Zalo delivered: a user who wrote or followed is a follower who interacted then.
    fn note_event(&mut self, event: &Value) {
        let at = event["timestamp"]
            .as_str()
            .and_then(|ms| ms.parse().ok())
            .and_then(DateTime::from_timestamp_millis)
            .unwrap_or_else(Utc::now);
        let name = event["event_name"].as_str().unwrap_or_default();
        let user = if name == "follow" || name == "unfollow" {
            event.pointer("/follower/id")
        } else if name.starts_with("user_send_") {
            event.pointer("/sender/id")
        } else {
            // Receipts and echoes of our own sends are not the user's doing.
            None
        };
        let Some(user) = user.and_then(Value::as_str).map(str::to_owned) else {
            return;
        };
        if name == "unfollow" {
            self.followers.remove(&user);
            return;
        }
        self.followers.insert(user.clone());
        let last = self.last_interaction.entry(user).or_insert(at);
        *last = (*last).max(at);
    }
}

async fn not_found(State(fake): State<FakeZaloOa>, uri: Uri) -> Response {
    fake.lock()
        .rejections
        .push(format!("{}: no such endpoint", uri.path()));
    fake.changed.notify_waiters();
    (StatusCode::NOT_FOUND, "404 page not found").into_response()
}
