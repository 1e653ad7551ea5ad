//! The Bot API's HTTP side: the token and method in the path, parameters from the query string and a
//! JSON or form body, and each method's rules.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::{Bot, FakeZaloBot};
use crate::Call;

/// Longest text or caption, in characters.
const MAX_TEXT: usize = 2000;

pub(super) fn router(fake: FakeZaloBot) -> Router {
    Router::new()
        .route("/{bot}/{method}", get(handle).post(handle))
        .fallback(not_found)
        .with_state(fake)
}

#[derive(Clone, Copy, PartialEq)]
enum Method {
    GetMe,
    GetUpdates,
    SetWebhook,
    DeleteWebhook,
    GetWebhookInfo,
    SendMessage,
    SendPhoto,
    SendChatAction,
}

impl Method {
    /// Method names are case-sensitive [?: undocumented; being strict catches typos].
    fn parse(name: &str) -> Option<Method> {
        Some(match name {
            "getMe" => Method::GetMe,
            "getUpdates" => Method::GetUpdates,
            "setWebhook" => Method::SetWebhook,
            "deleteWebhook" => Method::DeleteWebhook,
            "getWebhookInfo" => Method::GetWebhookInfo,
            "sendMessage" => Method::SendMessage,
            "sendPhoto" => Method::SendPhoto,
            "sendChatAction" => Method::SendChatAction,
            _ => return None,
        })
    }
}

/// A non-success answer.
struct Refusal {
    status: u16,
    description: String,
    /// Whether the request was at fault (recorded in `rejections()`), unlike a poll that timed out or
    /// a scripted failure.
    invalid: bool,
}

impl Refusal {
    fn invalid(status: u16, description: impl Into<String>) -> Refusal {
        Refusal {
            status,
            description: description.into(),
            invalid: true,
        }
    }

    fn answer(status: u16, description: impl Into<String>) -> Refusal {
        Refusal {
            status,
            description: description.into(),
            invalid: false,
        }
    }
}

async fn handle(
    State(fake): State<FakeZaloBot>,
    Path((bot, name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(token) = bot.strip_prefix("bot") else {
        return fake.refused(&name, Refusal::invalid(404, "Not Found"));
    };
    if token != &*fake.token {
        return fake.refused(&name, Refusal::invalid(401, "Unauthorized"));
    }
    let Some(method) = Method::parse(&name) else {
        return fake.refused(&name, Refusal::invalid(404, "Not Found"));
    };
    let params = match parse_params(&headers, &body, query.as_deref()) {
        Ok(params) => params,
        Err(reason) => return fake.refused(&name, Refusal::invalid(400, reason)),
    };
    let call = fake.record(&name, &params);
    if method.sends() {
        let latency = fake.lock().latency;
        tokio::time::sleep(latency).await;
        if let Some(status) = fake.down() {
            fake.changed.notify_waiters();
            let page = format!("<html><body><h1>{status}</h1>nginx</body></html>");
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            return (status, [("content-type", "text/html")], page).into_response();
        }
    }
    let outcome = answer(&fake, method, &params).await;
    fake.finish(call, &name, outcome)
}

async fn not_found(State(fake): State<FakeZaloBot>, uri: Uri) -> Response {
    fake.refused(uri.path(), Refusal::invalid(404, "Not Found"))
}

impl Method {
    fn sends(self) -> bool {
        matches!(self, Method::SendMessage | Method::SendPhoto)
    }
}

impl FakeZaloBot {
    /// The status of the outage under way, if one is.
    fn down(&self) -> Option<u16> {
        let mut s = self.lock();
        match s.outage {
            Some((until, status)) if Instant::now() < until => Some(status),
            _ => {
                s.outage = None;
                None
            }
        }
    }

    /// Records a call as it arrives (so a waiting poll is visible) and returns its index.
    fn record(&self, method: &str, params: &Value) -> usize {
        let mut s = self.lock();
        s.calls.push(Call {
            endpoint: method.to_owned(),
            params: params.clone(),
            at: Instant::now(),
            succeeded: false,
        });
        s.calls.len() - 1
    }

    fn finish(&self, call: usize, method: &str, outcome: Result<Value, Refusal>) -> Response {
        self.lock().calls[call].succeeded = outcome.is_ok();
        match outcome {
            Ok(result) => {
                self.changed.notify_waiters();
                ok(result)
            }
            Err(refusal) => self.refused(method, refusal),
        }
    }

    fn refused(&self, method: &str, refusal: Refusal) -> Response {
        if refusal.invalid {
            let reason = format!("{method}: {}", refusal.description);
            self.lock().rejections.push(reason);
        }
        self.changed.notify_waiters();
        let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body =
            json!({"ok": false, "error_code": refusal.status, "description": refusal.description});
        (status, axum::Json(body)).into_response()
    }
}

async fn answer(fake: &FakeZaloBot, method: Method, params: &Value) -> Result<Value, Refusal> {
    match method {
        Method::GetMe => Ok(json!({
            "id": fake.bot_id(), "account_name": "bot.danvan", "account_type": "BASIC", "can_join_groups": false
        })),
        Method::GetUpdates => get_updates(fake, params).await,
        Method::SetWebhook => set_webhook(&mut fake.lock(), params),
        Method::DeleteWebhook => {
            let mut s = fake.lock();
            s.webhook = None;
            s.webhook_updated_at = crate::now_ms();
            Ok(json!({"url": "", "updated_at": s.webhook_updated_at}))
        }
        Method::GetWebhookInfo => {
            let s = fake.lock();
            Ok(
                json!({"url": s.webhook.clone().unwrap_or_default(), "updated_at": s.webhook_updated_at}),
            )
        }
        Method::SendMessage | Method::SendPhoto | Method::SendChatAction => {
            send(&mut fake.lock(), method, params)
        }
    }
}

/// Long-polls for one update, which is then gone: Zalo has no offset to confirm it with.
async fn get_updates(fake: &FakeZaloBot, params: &Value) -> Result<Value, Refusal> {
    let seconds = match &params["timeout"] {
        Value::Null => Some(30),
        Value::Number(n) => n.as_u64(),
        // Zalo documents the timeout as a string.
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| Refusal::invalid(400, "timeout must be a number of seconds"))?;
    let _poll = Poll::begin(fake)?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        let arrived = fake.arrived.notified();
        if let Some(update) = fake.lock().updates.pop_front() {
            return Ok(update);
        }
        if tokio::time::timeout_at(deadline, arrived).await.is_err() {
            return Err(Refusal::answer(408, "Request timeout"));
        }
    }
}

/// A getUpdates waiting; counted down when it ends, also when the client hangs up mid-poll.
struct Poll(FakeZaloBot);

impl Poll {
    fn begin(fake: &FakeZaloBot) -> Result<Poll, Refusal> {
        let mut s = fake.lock();
        if s.webhook.is_some() {
            return Err(Refusal::invalid(409, "Conflict: webhook is active"));
        }
        if s.polls_waiting > 0 {
            s.concurrent_polls += 1;
        }
        s.polls_waiting += 1;
        drop(s);
        fake.changed.notify_waiters();
        Ok(Poll(fake.clone()))
    }
}

impl Drop for Poll {
    fn drop(&mut self) {
        self.0.lock().polls_waiting -= 1;
    }
}

fn set_webhook(s: &mut Bot, params: &Value) -> Result<Value, Refusal> {
    let url = string(params, "url")?;
    if !url.starts_with("https://") || url::Url::parse(url).is_err() {
        return Err(Refusal::invalid(400, "url must be https"));
    }
    if !(8..=256).contains(&string(params, "secret_token")?.chars().count()) {
        return Err(Refusal::invalid(
            400,
            "secret_token must be between 8 and 256 characters",
        ));
    }
    s.webhook = Some(url.to_owned());
    s.webhook_updated_at = crate::now_ms();
    Ok(json!({"url": url, "updated_at": s.webhook_updated_at}))
}

fn send(s: &mut Bot, method: Method, params: &Value) -> Result<Value, Refusal> {
    let chat = string(params, "chat_id")?;
    match method {
        Method::SendMessage => {
            text_length("text", string(params, "text")?)?;
            let mode = optional_string(params, "parse_mode")?;
            if mode.is_some_and(|m| !["markdown", "html"].contains(&m.to_lowercase().as_str())) {
                return Err(Refusal::invalid(400, "parse_mode must be markdown or html"));
            }
        }
        Method::SendPhoto => {
            let photo = string(params, "photo")?;
            let scheme = url::Url::parse(photo).map(|u| u.scheme().to_owned());
            if !scheme.is_ok_and(|s| s == "https" || s == "http") {
                return Err(Refusal::invalid(400, "photo must be a URL"));
            }
            if let Some(caption) = optional_string(params, "caption")? {
                text_length("caption", caption)?;
            }
        }
        _ => {
            if !["typing", "upload_photo"].contains(&string(params, "action")?) {
                return Err(Refusal::invalid(
                    400,
                    "action must be typing or upload_photo",
                ));
            }
        }
    }
    if !s.chats.contains(chat) {
        return Err(Refusal::invalid(
            403,
            "user has not interacted with the bot",
        ));
    }
    if method == Method::SendChatAction {
        // Zalo answers `{"ok":true}` with no result.
        return Ok(Value::Null);
    }
    if let Some(failure) = s.take_failure(chat) {
        return Err(Refusal::answer(failure.status, failure.description));
    }
    Ok(json!({"message_id": crate::unique_hex(20), "date": crate::now_ms()}))
}

fn text_length(field: &str, text: &str) -> Result<(), Refusal> {
    if !(1..=MAX_TEXT).contains(&text.chars().count()) {
        return Err(Refusal::invalid(
            400,
            format!("{field} length must be between 1 and {MAX_TEXT}"),
        ));
    }
    Ok(())
}

fn string<'a>(params: &'a Value, field: &str) -> Result<&'a str, Refusal> {
    optional_string(params, field)?
        .ok_or_else(|| Refusal::invalid(400, format!("{field} is required")))
}

fn optional_string<'a>(params: &'a Value, field: &str) -> Result<Option<&'a str>, Refusal> {
    match params.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        // IDs are strings, never numbers: a client that parses them loses digits.
        Some(_) => Err(Refusal::invalid(400, format!("{field} must be a string"))),
    }
}

/// The query string's and the body's parameters; form and query values are strings.
fn parse_params(headers: &HeaderMap, body: &[u8], query: Option<&str>) -> Result<Value, String> {
    let form = |bytes: &[u8]| -> Map<String, Value> {
        url::form_urlencoded::parse(bytes)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect()
    };
    let mut params = form(query.unwrap_or_default().as_bytes());
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if body.is_empty() {
    } else if content_type.starts_with("application/json") {
        match serde_json::from_slice(body) {
            Ok(Value::Object(fields)) => params.extend(fields),
            Ok(_) => return Err("JSON body is not an object".into()),
            Err(e) => return Err(format!("JSON body does not parse: {e}")),
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        params.extend(form(body));
    } else {
        return Err(format!("unsupported content type {content_type:?}"));
    }
    Ok(Value::Object(params))
}

/// `{"ok":true,"result":…}`; a method with nothing to return (`Null`) answers `{"ok":true}` alone.
fn ok(result: Value) -> Response {
    let body = match result {
        Value::Null => json!({"ok": true}),
        result => json!({"ok": true, "result": result}),
    };
    axum::Json(body).into_response()
}
