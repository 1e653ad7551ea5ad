//! A fake Telegram Bot API server for tests and benchmarks: the real HTTP protocol
//! (`/bot<token>/<method>`, JSON, form or query parameters, long-polled `getUpdates` with offset
//! semantics), checked against the published API description (`bot-api-spec.json`, MIT-licensed, see NOTICE.md) so
//! that it refuses what the real server would: unknown methods, missing parameters, text over 4096
//! characters, callback_data over 64 bytes, HTML that does not parse. It records every call.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::Notify;

const SPEC: &str = include_str!("../bot-api-spec.json");
const HTML_TAGS: [&str; 15] = [
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
];

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub params: Value,
    pub at: Instant,
    /// Whether it was answered with success (scripted failures are not).
    pub succeeded: bool,
}

/// A failure to answer the next matching sendMessage with.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Only for this chat; any chat when None.
    pub chat: Option<i64>,
    pub status: u16,
    pub description: String,
    pub retry_after: Option<u32>,
}

impl Failure {
    pub fn too_many_requests(retry_after: u32) -> Failure {
        Failure {
            chat: None,
            status: 429,
            description: format!("Too Many Requests: retry after {retry_after}"),
            retry_after: Some(retry_after),
        }
    }

    pub fn blocked(chat: i64) -> Failure {
        Failure {
            chat: Some(chat),
            status: 403,
            description: "Forbidden: bot was blocked by the user".into(),
            retry_after: None,
        }
    }
}

#[derive(Default)]
struct Fake {
    updates: VecDeque<(i64, Value)>,
    next_update_id: i64,
    next_message_id: i64,
    calls: Vec<Call>,
    rejections: Vec<String>,
    failures: VecDeque<Failure>,
    webhook: Option<String>,
    /// Keep only counts of sendMessage calls (benchmarks).
    count_only: bool,
    feeder: Option<Box<dyn FnMut(usize) -> Vec<Value> + Send>>,
    on_send: Option<Box<dyn FnMut(i64) + Send>>,
    /// How long each send takes to be answered (a slow platform).
    latency: Duration,
    /// Files people sent, by file id: (the path getFile gives, the bytes).
    files: HashMap<String, (String, Vec<u8>)>,
}

#[derive(Clone)]
pub struct FakeTelegram {
    pub url: String,
    state: Arc<Mutex<Fake>>,
    arrived: Arc<Notify>,
    changed: Arc<Notify>,
}

impl FakeTelegram {
    /// Starts the server on a free loopback port.
    pub async fn start() -> FakeTelegram {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake Bot API");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let fake = FakeTelegram {
            url,
            state: Arc::new(Mutex::new(Fake {
                next_update_id: 100_000,
                next_message_id: 1,
                ..Fake::default()
            })),
            arrived: Arc::new(Notify::new()),
            changed: Arc::new(Notify::new()),
        };
        let app = Router::new()
            .route("/{bot}/{method}", axum::routing::post(handle).get(handle))
            .route("/file/{bot}/{*path}", axum::routing::get(download))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    /// Keeps a file a person sent, for getFile and its download.
    pub fn add_file(&self, file_id: &str, bytes: Vec<u8>) {
        let mut s = self.lock();
        let path = format!("photos/file_{}.jpg", s.files.len());
        s.files.insert(file_id.to_owned(), (path, bytes));
    }

    /// The base URL to give teloxide (`Bot::set_api_url`).
    pub fn api_url(&self) -> url::Url {
        self.url.parse().expect("the fake's URL parses")
    }

    /// Queues an update for getUpdates (the same update twice is delivered twice) and returns its id.
    pub fn push(&self, update: Value) -> i64 {
        let id = update["update_id"]
            .as_i64()
            .expect("an update has an update_id");
        {
            let mut s = self.lock();
            s.next_update_id = s.next_update_id.max(id);
            s.updates.push_back((id, update));
        }
        self.arrived.notify_waiters();
        id
    }

    /// Queues a text message from `chat`.
    pub fn text(&self, chat: i64, text: &str) -> i64 {
        self.push(updates::text(self.next_update_id(), chat, text))
    }

    /// Queues a photo from `chat` whose file (`bytes`) getFile then finds under `file_id`.
    pub fn photo(&self, chat: i64, file_id: &str, bytes: Vec<u8>) -> i64 {
        self.add_file(file_id, bytes);
        self.push(updates::photo(
            self.next_update_id(),
            chat,
            &[(&format!("{file_id}-small"), 90), (file_id, 1280)],
        ))
    }

    /// Queues a press on a button carrying `data` in `chat`.
    pub fn press(&self, chat: i64, data: &str) -> i64 {
        self.push(updates::button(self.next_update_id(), chat, data))
    }

    /// Calls `feeder` for more updates whenever getUpdates finds none waiting (benchmarks); it may
    /// return none, and is asked again after the next sendMessage.
    pub fn feed_with(&self, feeder: impl FnMut(usize) -> Vec<Value> + Send + 'static) {
        self.lock().feeder = Some(Box::new(feeder));
    }

    /// Calls `on_send` with the chat id of every accepted sendMessage, and stops recording them.
    pub fn count_sends(&self, on_send: impl FnMut(i64) + Send + 'static) {
        let mut s = self.lock();
        s.count_only = true;
        s.on_send = Some(Box::new(on_send));
    }

    pub fn next_update_id(&self) -> i64 {
        let mut s = self.lock();
        s.next_update_id += 1;
        s.next_update_id
    }

    /// Answers every send only after `latency`, as a slow platform does.
    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    pub fn fail_next(&self, failure: Failure) {
        self.lock().failures.push_back(failure);
    }

    pub fn calls(&self, method: &str) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// Texts of the messages delivered to `chat`, in order.
    pub fn texts_to(&self, chat: i64) -> Vec<String> {
        self.calls("sendMessage")
            .iter()
            .filter(|c| c.succeeded)
            .filter(|c| {
                c.params["chat_id"].as_i64() == Some(chat)
                    || c.params["chat_id"].as_str() == Some(&chat.to_string())
            })
            .map(|c| c.params["text"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    /// Requests refused because the real Bot API would refuse them.
    pub fn rejections(&self) -> Vec<String> {
        self.lock().rejections.clone()
    }

    pub fn webhook(&self) -> Option<String> {
        self.lock().webhook.clone()
    }

    /// Waits until `done` holds (checked after every call), or `limit` passes. Returns whether it held.
    pub async fn wait_until(
        &self,
        limit: Duration,
        mut done: impl FnMut(&FakeTelegram) -> bool,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let changed = self.changed.notified();
            if done(self) {
                return true;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return done(self);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Fake> {
        self.state.lock().expect("fake state poisoned")
    }
}

async fn handle(
    State(fake): State<FakeTelegram>,
    Path((bot, method)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !bot.starts_with("bot") || bot.len() < 4 {
        return reply_error(StatusCode::NOT_FOUND, "Not Found", None);
    }
    let params = match parse_params(&headers, &body, query) {
        Ok(p) => p,
        Err(e) => return reply_error(StatusCode::BAD_REQUEST, &format!("Bad Request: {e}"), None),
    };
    let method = match validate(&method, &params) {
        Ok(name) => name,
        Err(reason) => {
            fake.lock().rejections.push(format!("{method}: {reason}"));
            fake.changed.notify_waiters();
            return reply_error(
                StatusCode::BAD_REQUEST,
                &format!("Bad Request: {reason}"),
                None,
            );
        }
    };
    let latency = fake.lock().latency;
    if method.starts_with("send") && !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let response = if method == "getUpdates" {
        get_updates(&fake, &params).await
    } else {
        answer(&fake, method, params)
    };
    fake.changed.notify_waiters();
    response
}

fn answer(fake: &FakeTelegram, method: &str, params: Value) -> Response {
    let mut s = fake.lock();
    let record = !(s.count_only && method == "sendMessage");
    if record {
        s.calls.push(Call {
            method: method.to_owned(),
            params: params.clone(),
            at: Instant::now(),
            succeeded: true,
        });
    }
    match method {
        "getMe" => ok(json!({
            "id": 7_000_000_001i64, "is_bot": true, "first_name": "danvan", "username": "danvan_bot",
            "can_join_groups": false, "can_read_all_group_messages": false, "supports_inline_queries": false,
            "can_connect_to_business": false, "has_main_web_app": false
        })),
        "setWebhook" => {
            s.webhook = params["url"]
                .as_str()
                .filter(|u| !u.is_empty())
                .map(str::to_owned);
            ok(json!(true))
        }
        "deleteWebhook" => {
            s.webhook = None;
            ok(json!(true))
        }
        "getFile" => {
            let id = params["file_id"].as_str().unwrap_or_default();
            match s.files.get(id) {
                Some((path, bytes)) => ok(json!({
                    "file_id": id, "file_unique_id": format!("u{id}"),
                    "file_size": bytes.len(), "file_path": path
                })),
                None => reply_error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: invalid file_id",
                    None,
                ),
            }
        }
        "sendMessage" | "sendPhoto" | "sendDocument" => {
            let chat = params["chat_id"]
                .as_i64()
                .or_else(|| params["chat_id"].as_str()?.parse().ok())
                .unwrap_or(0);
            let failure = s
                .failures
                .iter()
                .position(|f| f.chat.is_none_or(|c| c == chat));
            if let Some(failure) = failure.and_then(|i| s.failures.remove(i)) {
                if let Some(call) = s.calls.last_mut().filter(|_| record) {
                    call.succeeded = false;
                }
                let status =
                    StatusCode::from_u16(failure.status).unwrap_or(StatusCode::BAD_REQUEST);
                return reply_error(status, &failure.description, failure.retry_after);
            }
            if let Some(on_send) = s.on_send.as_mut() {
                on_send(chat);
                // The callback may have readied more updates for the feeder.
                fake.arrived.notify_waiters();
            }
            s.next_message_id += 1;
            let mut message = json!({
                "message_id": s.next_message_id,
                "date": chrono::Utc::now().timestamp(),
                "chat": {"id": chat, "type": "private", "first_name": "Resident"},
            });
            let file = json!({"file_id": format!("f{}", s.next_message_id), "file_unique_id": "u", "width": 1280, "height": 960});
            let content = match method {
                "sendPhoto" => ("photo", json!([file])),
                "sendDocument" => ("document", file),
                _ => ("text", params["text"].clone()),
            };
            message[content.0] = content.1;
            if let Some(caption) = params.get("caption") {
                message["caption"] = caption.clone();
            }
            ok(message)
        }
        _ => ok(json!(true)),
    }
}

/// `/file/bot<token>/<file_path>`, as getFile's path names it.
async fn download(
    State(fake): State<FakeTelegram>,
    Path((bot, path)): Path<(String, String)>,
) -> Response {
    let s = fake.lock();
    match s.files.values().find(|(p, _)| *p == path) {
        Some((_, bytes)) if bot.starts_with("bot") => bytes.clone().into_response(),
        _ => reply_error(StatusCode::NOT_FOUND, "Not Found", None),
    }
}

async fn get_updates(fake: &FakeTelegram, params: &Value) -> Response {
    let offset = params["offset"].as_i64();
    let limit = params["limit"].as_i64().unwrap_or(100).clamp(1, 100) as usize;
    let timeout = Duration::from_secs(params["timeout"].as_u64().unwrap_or(0));
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let arrived = fake.arrived.notified();
        {
            let mut s = fake.lock();
            s.calls.push(Call {
                method: "getUpdates".into(),
                params: params.clone(),
                at: Instant::now(),
                succeeded: true,
            });
            if s.webhook.is_some() {
                return reply_error(
                    StatusCode::CONFLICT,
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
                    None,
                );
            }
            // An offset confirms every update before it.
            if let Some(offset) = offset {
                while s.updates.front().is_some_and(|(id, _)| *id < offset) {
                    s.updates.pop_front();
                }
            }
            if s.updates.is_empty() {
                let more = s
                    .feeder
                    .as_mut()
                    .map(|feed| feed(limit))
                    .unwrap_or_default();
                for mut update in more {
                    s.next_update_id += 1;
                    update["update_id"] = json!(s.next_update_id);
                    let id = s.next_update_id;
                    s.updates.push_back((id, update));
                }
            }
            let batch: Vec<Value> = s
                .updates
                .iter()
                .take(limit)
                .map(|(_, u)| u.clone())
                .collect();
            if !batch.is_empty() || timeout.is_zero() {
                return ok(Value::Array(batch));
            }
        }
        if tokio::time::timeout_at(deadline, arrived).await.is_err() {
            return ok(json!([]));
        }
    }
}

fn parse_params(
    headers: &HeaderMap,
    body: &Bytes,
    query: HashMap<String, String>,
) -> Result<Value, String> {
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut params = serde_json::Map::new();
    for (k, v) in query {
        params.insert(k, form_value(&v));
    }
    if body.is_empty() {
    } else if content_type.starts_with("application/json") {
        match serde_json::from_slice::<Value>(body).map_err(|e| e.to_string())? {
            Value::Object(map) => params.extend(map),
            _ => return Err("JSON body is not an object".into()),
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        for (k, v) in url::form_urlencoded::parse(body) {
            params.insert(k.into_owned(), form_value(&v));
        }
    } else if let Some(boundary) = content_type.split("boundary=").nth(1) {
        params.extend(multipart_fields(body, boundary.trim_matches('"'))?);
    } else {
        return Err(format!("unsupported content type {content_type:?}"));
    }
    Ok(Value::Object(params))
}

/// The fields of a multipart/form-data body (teloxide sends setWebhook and uploads this way). An
/// uploaded file is read as `{"filename", "size", "png": {"width", "height"}}`, the last only for a PNG.
fn multipart_fields(body: &[u8], boundary: &str) -> Result<serde_json::Map<String, Value>, String> {
    let delimiter = format!("--{boundary}");
    let mut fields = serde_json::Map::new();
    let mut rest = body;
    let mut parts = Vec::new();
    while let Some(at) = find(rest, delimiter.as_bytes()) {
        parts.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    for part in parts.into_iter().skip(1) {
        let at = find(part, b"\r\n\r\n").ok_or("malformed multipart part")?;
        let head = String::from_utf8_lossy(&part[..at]);
        let content = &part[at + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let quoted = |key: &str| {
            head.split(&format!("{key}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_owned)
        };
        let name = quoted(" name").ok_or("multipart part without a name")?;
        let value = match quoted("filename") {
            Some(filename) => json!({
                "filename": filename,
                "size": content.len(),
                "png": png_size(content).map(|(width, height)| json!({"width": width, "height": height})),
            }),
            None => form_value(&String::from_utf8_lossy(content)),
        };
        fields.insert(name, value);
    }
    // A field may name an uploaded part ("attach://<part>"), which then is no parameter itself.
    let attached: Vec<(String, String)> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.strip_prefix("attach://")?.to_owned())))
        .collect();
    for (field, part) in attached {
        let upload = fields
            .remove(&part)
            .ok_or_else(|| format!("{field} names a part {part} that was not sent"))?;
        fields.insert(field, upload);
    }
    Ok(fields)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Width and height from a PNG's header, if the bytes are one.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let header = bytes.get(..24)?;
    if &header[..8] != b"\x89PNG\r\n\x1a\n" || &header[12..16] != b"IHDR" {
        return None;
    }
    let number = |at: usize| u32::from_be_bytes(header[at..at + 4].try_into().expect("4 bytes"));
    Some((number(16), number(20)))
}

/// Form fields are strings; JSON-looking ones (keyboards, numbers) are read as JSON, as Telegram does.
fn form_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

struct MethodSpec {
    /// As the API description spells it; clients may use any case (teloxide sends "SendMessage").
    name: String,
    required: Vec<String>,
    known: Vec<String>,
}

fn methods() -> &'static HashMap<String, MethodSpec> {
    static METHODS: OnceLock<HashMap<String, MethodSpec>> = OnceLock::new();
    METHODS.get_or_init(|| {
        let spec: Value = serde_json::from_str(SPEC).expect("the Bot API description parses");
        let mut methods = HashMap::new();
        for (name, method) in spec["methods"].as_object().expect("methods") {
            let fields = method["fields"].as_array().cloned().unwrap_or_default();
            let names = |required_only: bool| {
                fields
                    .iter()
                    .filter(|f| !required_only || f["required"].as_bool() == Some(true))
                    .filter_map(|f| f["name"].as_str().map(str::to_owned))
                    .collect()
            };
            methods.insert(
                name.to_lowercase(),
                MethodSpec {
                    name: name.clone(),
                    required: names(true),
                    known: names(false),
                },
            );
        }
        methods
    })
}

/// Refuses what the real Bot API refuses; returns the method's canonical name.
fn validate(method: &str, params: &Value) -> Result<&'static str, String> {
    let spec = methods()
        .get(&method.to_lowercase())
        .ok_or_else(|| format!("method {method} not found"))?;
    for field in &spec.required {
        if params.get(field).is_none_or(Value::is_null) {
            return Err(format!("parameter {field} is required"));
        }
    }
    if let Some(unknown) = params
        .as_object()
        .unwrap()
        .keys()
        .find(|k| !spec.known.contains(k))
    {
        return Err(format!("unknown parameter {unknown}"));
    }
    let html = params["parse_mode"]
        .as_str()
        .is_some_and(|m| m.eq_ignore_ascii_case("html"));
    for (field, max) in [("text", 4096), ("caption", 1024)] {
        if let Some(text) = params.get(field).and_then(Value::as_str) {
            let plain = if html {
                html_to_plain(text)?
            } else {
                text.to_owned()
            };
            let length: usize = plain.chars().map(char::len_utf16).sum();
            if field == "text" && spec.name == "sendMessage" && plain.trim().is_empty() {
                return Err("message text is empty".into());
            }
            if length > max {
                return Err(format!("{field} is too long ({length} > {max})"));
            }
        }
    }
    if spec.name == "answerCallbackQuery"
        && params["text"]
            .as_str()
            .is_some_and(|t| t.chars().count() > 200)
    {
        return Err("callback answer text is too long".into());
    }
    for button in buttons(params, "keyboard") {
        if button["text"].as_str().is_none_or(str::is_empty) {
            return Err("keyboard button text is empty".into());
        }
        let requests = ["request_location", "request_contact", "request_poll"]
            .iter()
            .filter(|r| !button[**r].is_null())
            .count();
        if requests > 1 {
            return Err("a keyboard button can request one thing only".into());
        }
    }
    for button in buttons(params, "inline_keyboard") {
        if button["text"].as_str().is_none_or(str::is_empty) {
            return Err("inline keyboard button text is empty".into());
        }
        if let Some(data) = button["callback_data"].as_str()
            && !(1..=64).contains(&data.len())
        {
            return Err(format!("BUTTON_DATA_INVALID ({} bytes)", data.len()));
        }
    }
    Ok(&spec.name)
}

/// Every button of the request's reply markup of this kind ("keyboard", "inline_keyboard").
fn buttons<'a>(params: &'a Value, kind: &str) -> impl Iterator<Item = &'a Value> {
    params
        .pointer(&format!("/reply_markup/{kind}"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
}

/// The text a reader sees, or Telegram's "can't parse entities" complaint.
fn html_to_plain(html: &str) -> Result<String, String> {
    let mut plain = String::new();
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end = rest
                    .find('>')
                    .ok_or("can't parse entities: unclosed start tag")?;
                let tag = &rest[1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    if open.pop().as_deref() != Some(name.trim()) {
                        return Err(format!("can't parse entities: unexpected end tag {name}"));
                    }
                } else {
                    let name = tag.split_whitespace().next().unwrap_or("");
                    if !HTML_TAGS.contains(&name) {
                        return Err(format!(
                            "can't parse entities: unsupported start tag \"{name}\""
                        ));
                    }
                    open.push(name.to_owned());
                }
                rest = &rest[end + 1..];
            }
            '&' => {
                let end = rest
                    .find(';')
                    .filter(|&e| e <= 10)
                    .ok_or("can't parse entities: unescaped &")?;
                let entity = &rest[1..end];
                plain.push(match entity {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    e if e.starts_with('#') => e[1..]
                        .parse::<u32>()
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or("can't parse entities: bad entity")?,
                    _ => return Err(format!("can't parse entities: unknown entity &{entity};")),
                });
                rest = &rest[end + 1..];
            }
            c => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if let Some(tag) = open.pop() {
        return Err(format!("can't parse entities: unclosed tag {tag}"));
    }
    Ok(plain)
}

fn ok(result: Value) -> Response {
    axum::Json(json!({"ok": true, "result": result})).into_response()
}

fn reply_error(status: StatusCode, description: &str, retry_after: Option<u32>) -> Response {
    let mut body = json!({"ok": false, "error_code": status.as_u16(), "description": description});
    if let Some(seconds) = retry_after {
        body["parameters"] = json!({"retry_after": seconds});
    }
    (status, axum::Json(body)).into_response()
}

/// Updates as Telegram sends them, for tests and benchmarks.
pub mod updates {
    use serde_json::{Value, json};

    fn person(chat: i64) -> Value {
        json!({"id": chat, "is_bot": false, "first_name": "Lan", "language_code": "vi"})
    }

    fn private_chat(chat: i64) -> Value {
        json!({"id": chat, "type": "private", "first_name": "Lan"})
    }

    pub fn text(update_id: i64, chat: i64, text: &str) -> Value {
        json!({"update_id": update_id, "message": {
            "message_id": update_id, "date": 1_764_000_000, "chat": private_chat(chat), "from": person(chat), "text": text
        }})
    }

    pub fn button(update_id: i64, chat: i64, data: &str) -> Value {
        json!({"update_id": update_id, "callback_query": {
            "id": format!("cb{update_id}"), "from": person(chat), "chat_instance": "ci", "data": data
        }})
    }

    pub fn photo(update_id: i64, chat: i64, sizes: &[(&str, u32)]) -> Value {
        let photo: Vec<Value> = sizes
            .iter()
            .map(|(id, side)| json!({"file_id": id, "file_unique_id": format!("u{id}"), "width": side, "height": side}))
            .collect();
        json!({"update_id": update_id, "message": {
            "message_id": update_id, "date": 1_764_000_000, "chat": private_chat(chat), "from": person(chat), "photo": photo
        }})
    }

    pub fn location(update_id: i64, chat: i64, latitude: f64, longitude: f64) -> Value {
        json!({"update_id": update_id, "message": {
            "message_id": update_id, "date": 1_764_000_000, "chat": private_chat(chat), "from": person(chat),
            "location": {"latitude": latitude, "longitude": longitude}
        }})
    }

    /// The person blocked (`kicked`) or unblocked (`member`) the bot.
    pub fn membership(update_id: i64, chat: i64, status: &str) -> Value {
        let bot = json!({"id": 7_000_000_001i64, "is_bot": true, "first_name": "danvan"});
        let member = |status: &str| match status {
            "kicked" => json!({"user": bot, "status": "kicked", "until_date": 0}),
            s => json!({"user": bot, "status": s}),
        };
        json!({"update_id": update_id, "my_chat_member": {
            "chat": private_chat(chat), "from": person(chat), "date": 1_764_000_000,
            "old_chat_member": member(if status == "kicked" { "member" } else { "kicked" }),
            "new_chat_member": member(status)
        }})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_the_real_api_refuses_are_refused() {
        let ok = json!({"chat_id": 1, "text": "Xin chào"});
        assert_eq!(validate("SendMessage", &ok), Ok("sendMessage"));
        assert!(
            validate("sendMesage", &ok)
                .unwrap_err()
                .contains("not found")
        );
        assert!(
            validate("sendMessage", &json!({"text": "x"}))
                .unwrap_err()
                .contains("chat_id")
        );
        assert!(
            validate(
                "sendMessage",
                &json!({"chat_id": 1, "text": "đ".repeat(4097)})
            )
            .unwrap_err()
            .contains("too long")
        );
        let html = |t: &str| json!({"chat_id": 1, "text": t, "parse_mode": "HTML"});
        assert!(validate("sendMessage", &html("<b>a &amp; b</b>")).is_ok());
        assert!(validate("sendMessage", &html("a < b")).is_err());
        assert!(validate("sendMessage", &html("<script>x</script>")).is_err());
        assert!(validate("sendMessage", &html("a & b")).is_err());
        let long_data = json!({"chat_id": 1, "text": "x", "reply_markup": {"inline_keyboard": [[
            {"text": "ok", "callback_data": "x".repeat(65)}
        ]]}});
        assert!(
            validate("sendMessage", &long_data)
                .unwrap_err()
                .contains("BUTTON_DATA_INVALID")
        );
    }
}
