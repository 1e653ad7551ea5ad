//! The web chat's page as a test drives it: the same requests, with the same JSON, as
//! `assets/web-chat/chat.js` — a visitor token in a bearer header, events with their own ids, a
//! long poll for messages, and a read receipt for what it has shown.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

/// A page open on the web chat.
pub struct Browser {
    http: reqwest::Client,
    pub token: String,
    /// Where serve answers (it moves when serve restarts).
    base: Arc<Mutex<String>>,
    shown: Arc<Mutex<Vec<Value>>>,
    /// Answers other than 200 to what the page sent.
    refused: Arc<Mutex<Vec<String>>>,
    poller: Option<tokio::task::JoinHandle<()>>,
}

impl Browser {
    /// A page not yet loaded.
    pub fn new() -> Browser {
        Browser {
            http: reqwest::Client::new(),
            token: String::new(),
            base: Arc::default(),
            shown: Arc::default(),
            refused: Arc::default(),
            poller: None,
        }
    }

    /// Loads the page from serve at `base` ("http://127.0.0.1:…"): a new visitor the first time,
    /// then the long poll, as the page does.
    pub async fn load(&mut self, base: &str) {
        *self.base.lock().unwrap() = base.to_owned();
        if self.token.is_empty() {
            let (status, body) = self.new_visitor().await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            self.token = body["token"].as_str().unwrap().to_owned();
        }
        if self.poller.is_none() {
            self.poller = Some(tokio::spawn(poll(
                self.http.clone(),
                self.token.clone(),
                self.base.clone(),
                self.shown.clone(),
                self.refused.clone(),
            )));
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.lock().unwrap())
    }

    pub async fn new_visitor(&self) -> (StatusCode, Value) {
        answer(self.http.post(self.url("/chat/api/visitor")).send().await).await
    }

    /// Posts what the visitor did (`{"text": …}`, `{"button": …}`, …) as a new event.
    pub async fn post(&self, act: Value) -> (StatusCode, Value) {
        let mut event = json!({ "id": uuid() });
        event
            .as_object_mut()
            .unwrap()
            .extend(act.as_object().unwrap().clone());
        self.post_event(&event).await
    }

    /// Posts an event as given (the same one again, say), with this page's token.
    pub async fn post_event(&self, event: &Value) -> (StatusCode, Value) {
        self.post_body(&self.token, event.to_string()).await
    }

    /// Posts any body with any token, as a page (or a forger) could.
    pub async fn post_body(&self, token: &str, body: String) -> (StatusCode, Value) {
        let (status, answer) = answer(
            self.http
                .post(self.url("/chat/api/events"))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await,
        )
        .await;
        if status != StatusCode::OK {
            self.refused
                .lock()
                .unwrap()
                .push(format!("{status} {answer}"));
        }
        (status, answer)
    }

    /// Sends a photo (the file's bytes) under the page's id for it, as the page's photo button does.
    pub async fn post_photo(&self, id: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        answer(
            self.http
                .post(self.url(&format!("/chat/api/photos?id={id}")))
                .bearer_auth(&self.token)
                .header("content-type", "image/jpeg")
                .body(bytes)
                .send()
                .await,
        )
        .await
    }

    /// The messages after `after`, as a page that reloads asks for them (after=0: all).
    pub async fn fetch(&self, token: &str, after: i64) -> (StatusCode, Value) {
        answer(
            self.http
                .get(self.url(&format!("/chat/api/messages?after={after}")))
                .bearer_auth(token)
                .send()
                .await,
        )
        .await
    }

    /// Every message the page has shown, in order.
    pub fn shown(&self) -> Vec<Value> {
        self.shown.lock().unwrap().clone()
    }

    pub fn refused(&self) -> Vec<String> {
        self.refused.lock().unwrap().clone()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(poller) = self.poller.take() {
            poller.abort();
        }
    }
}

/// The page's loop: fetch what came after the last message shown, show it, report it read.
async fn poll(
    http: reqwest::Client,
    token: String,
    base: Arc<Mutex<String>>,
    shown: Arc<Mutex<Vec<Value>>>,
    refused: Arc<Mutex<Vec<String>>>,
) {
    let mut last = 0;
    loop {
        let url = format!("{}/chat/api/messages?after={last}", base.lock().unwrap());
        let (status, body) = answer(http.get(url).bearer_auth(&token).send().await).await;
        if status != StatusCode::OK {
            // serve restarting: the page tries again.
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        }
        let messages = body["messages"].as_array().cloned().unwrap_or_default();
        if messages.is_empty() {
            continue;
        }
        let ids: Vec<i64> = messages.iter().map(|m| m["id"].as_i64().unwrap()).collect();
        last = *ids.last().unwrap();
        shown.lock().unwrap().extend(messages);
        let receipt = json!({"id": uuid(), "read": ids});
        let url = format!("{}/chat/api/events", base.lock().unwrap());
        let sent = http
            .post(url)
            .bearer_auth(&token)
            .json(&receipt)
            .send()
            .await;
        let (status, body) = answer(sent).await;
        if status != StatusCode::OK {
            refused
                .lock()
                .unwrap()
                .push(format!("receipt: {status} {body}"));
        }
    }
}

async fn answer(sent: reqwest::Result<reqwest::Response>) -> (StatusCode, Value) {
    match sent {
        Ok(response) => {
            let status = response.status();
            (status, response.json().await.unwrap_or(Value::Null))
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Value::Null),
    }
}

/// A version-4 UUID, as `crypto.randomUUID()` makes.
pub fn uuid() -> String {
    let b: [u8; 16] = rand::random();
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// What a message says, as a person reads it: its HTML without tags and entities.
pub fn plain(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}
