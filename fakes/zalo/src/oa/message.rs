//! `POST /v3.0/oa/message/{cs,transaction,promotion}`: text, buttons and uploaded images to followers.

use std::collections::HashSet;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

use super::{FakeZaloOa, Oa, Refusal};

/// Longest text, in characters.
const MAX_TEXT: usize = 2000;
const MAX_BUTTONS: usize = 5;
/// Longest button title: Zalo's limit is reported both as 20 and as 100; the stricter one is safe.
const MAX_TITLE: usize = 20;
/// How long after a user's last interaction consultation messages may be sent.
const CONSULTATION_WINDOW: TimeDelta = TimeDelta::days(7);

pub(super) async fn send(
    State(fake): State<FakeZaloOa>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let request = serde_json::from_slice::<Value>(&body);
    let latency = fake.lock().latency;
    tokio::time::sleep(latency).await;
    let answer = {
        let mut s = fake.lock();
        if let Some(status) = s.down() {
            s.record(path, request.unwrap_or(Value::Null), false);
            drop(s);
            fake.changed.notify_waiters();
            let page = format!("<html><body><h1>{status}</h1>nginx</body></html>");
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            return (status, [("content-type", "text/html")], page).into_response();
        }
        let outcome = match &request {
            Ok(request) => accept(&mut s, path, &headers, request),
            Err(e) => Err(Refusal::invalid_parameter(format!("body is not JSON: {e}"))),
        };
        let counted = s.on_send.is_some() && outcome.is_ok();
        let params = (!counted).then(|| request.unwrap_or(Value::Null));
        s.reply(path, params, outcome)
    };
    fake.changed.notify_waiters();
    Json(answer).into_response()
}

fn accept(s: &mut Oa, path: &str, headers: &HeaderMap, request: &Value) -> Result<Value, Refusal> {
    s.check_token(headers)?;
    let user = match request.pointer("/recipient/user_id") {
        Some(Value::String(user)) => user.as_str(),
        // A number loses digits of a 19-digit id, so Zalo takes ids as strings only.
        Some(_) => {
            return Err(Refusal::invalid_parameter(
                "recipient.user_id must be a string",
            ));
        }
        None => return Err(Refusal::invalid_parameter("recipient.user_id is required")),
    };
    let message = request
        .get("message")
        .filter(|m| m.is_object())
        .ok_or_else(|| Refusal::invalid_parameter("message must be an object"))?;
    check(message, &s.uploads).map_err(Refusal::invalid_parameter)?;
    if !s.followers.contains(user) {
        return Err(Refusal::new(
            -213,
            "User has not followed OA",
            format!("{user} does not follow the OA"),
        ));
    }
    let window_open = s
        .last_interaction
        .get(user)
        .is_some_and(|at| Utc::now() - *at <= CONSULTATION_WINDOW);
    if path.ends_with("/cs") && !window_open {
        return Err(Refusal::new(
            -230,
            "User has not interacted with the OA in the last 7 days",
            format!("{user} has not interacted in the last 7 days"),
        ));
    }
    if let Some(failure) = s.take_failure(user) {
        return Err(Refusal {
            error: failure.error,
            message: failure.message,
            reason: None,
        });
    }
    match s.on_send.as_mut() {
        Some(on_send) => on_send(user),
        None => s.messages.push((user.to_owned(), message.clone())),
    }
    Ok(json!({"message_id": crate::unique_hex(32), "user_id": user}))
}

/// Refuses a `message` object Zalo would refuse; `uploads` are the attachment ids issued.
fn check(message: &Value, uploads: &HashSet<String>) -> Result<(), String> {
    let text = message.get("text");
    if let Some(text) = text {
        check_text(text)?;
    }
    let Some(attachment) = message.get("attachment") else {
        return match text {
            Some(_) => Ok(()),
            None => Err("message has neither text nor attachment".into()),
        };
    };
    if attachment["type"] != "template" {
        return Err(format!(
            "attachment type {} is not supported",
            attachment["type"]
        ));
    }
    let payload = &attachment["payload"];
    match payload["template_type"].as_str() {
        // Some clients name the button template and put its text inside the payload.
        None | Some("button") => {
            if let Some(text) = payload.get("text") {
                check_text(text)?;
            }
            check_buttons(&payload["buttons"])
        }
        Some("media") => check_media(&payload["elements"], uploads),
        Some(other) => Err(format!("template_type {other} is not supported")),
    }
}

fn check_text(text: &Value) -> Result<(), String> {
    let length = text
        .as_str()
        .ok_or("text must be a string")?
        .chars()
        .count();
    if length == 0 {
        return Err("text is empty".into());
    }
    if length > MAX_TEXT {
        return Err(format!("text has {length} characters (at most {MAX_TEXT})"));
    }
    Ok(())
}

fn check_buttons(buttons: &Value) -> Result<(), String> {
    let buttons = buttons
        .as_array()
        .ok_or("payload.buttons must be an array")?;
    if !(1..=MAX_BUTTONS).contains(&buttons.len()) {
        return Err(format!(
            "{} buttons (1 to {MAX_BUTTONS} allowed)",
            buttons.len()
        ));
    }
    for button in buttons {
        let title = button["title"]
            .as_str()
            .ok_or("button title must be a string")?;
        if !(1..=MAX_TITLE).contains(&title.chars().count()) {
            return Err(format!(
                "button title {title:?} is not 1 to {MAX_TITLE} characters"
            ));
        }
        let payload = &button["payload"];
        let fits = match button["type"].as_str().unwrap_or_default() {
            // The payload comes back to the webhook as the text of a user_send_text.
            "oa.query.show" | "oa.query.hide" => payload.as_str().is_some_and(|p| !p.is_empty()),
            "oa.open.url" => payload["url"].as_str().is_some_and(is_web_url),
            "oa.open.phone" => payload["phone_code"].is_string(),
            "oa.open.sms" => payload["phone_code"].is_string() && payload["content"].is_string(),
            other => return Err(format!("button type {other:?} is not supported")),
        };
        if !fits {
            return Err(format!(
                "button {title:?} has a payload its type does not take: {payload}"
            ));
        }
    }
    Ok(())
}

/// One image, uploaded first (its `attachment_id`) or at a URL.
fn check_media(elements: &Value, uploads: &HashSet<String>) -> Result<(), String> {
    let [element] = elements.as_array().map(Vec::as_slice).unwrap_or_default() else {
        return Err("a media template takes exactly one element".into());
    };
    if element["media_type"] != "image" {
        return Err(format!(
            "media_type {} is not supported",
            element["media_type"]
        ));
    }
    match (element["attachment_id"].as_str(), element["url"].as_str()) {
        (Some(id), _) if uploads.contains(id) => Ok(()),
        (Some(id), _) => Err(format!("attachment_id {id} was not uploaded")),
        (None, Some(url)) if is_web_url(url) => Ok(()),
        _ => Err("an image element needs an uploaded attachment_id or a URL".into()),
    }
}

fn is_web_url(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|u| u.scheme() == "https" || u.scheme() == "http")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buttons(buttons: Value) -> Value {
        json!({"text": "Chọn", "attachment": {"type": "template", "payload": {"buttons": buttons}}})
    }

    fn query(title: &str) -> Value {
        json!({"title": title, "type": "oa.query.show", "payload": "1"})
    }

    #[test]
    fn messages_zalo_refuses_are_refused() {
        let uploads = HashSet::from(["att1".to_owned()]);
        let media = |id: &str| {
            json!({"attachment": {"type": "template", "payload": {"template_type": "media",
                "elements": [{"media_type": "image", "attachment_id": id}]}}})
        };
        let cases = [
            (json!({"text": "Xin chào"}), None),
            (json!({"text": "đ".repeat(2000)}), None),
            (json!({"text": "đ".repeat(2001)}), Some("2001 characters")),
            (json!({"text": ""}), Some("empty")),
            (json!({}), Some("neither")),
            (buttons(json!([query("1"), query("2")])), None),
            (buttons(json!(vec![query("x"); 5])), None),
            (buttons(json!(vec![query("x"); 6])), Some("6 buttons")),
            (buttons(json!([])), Some("0 buttons")),
            (buttons(json!([query(&"a".repeat(21))])), Some("title")),
            (buttons(json!([query("")])), Some("title")),
            (
                buttons(json!([{"title": "x", "type": "oa.query.show", "payload": {"a": 1}}])),
                Some("payload"),
            ),
            (
                buttons(
                    json!([{"title": "x", "type": "oa.open.url", "payload": {"url": "https://xa.vn"}}]),
                ),
                None,
            ),
            (
                buttons(json!([{"title": "x", "type": "postback", "payload": "1"}])),
                Some("not supported"),
            ),
            (
                json!({"attachment": {"type": "template", "payload": {"template_type": "button",
                    "text": "Chọn", "buttons": [query("1")]}}}),
                None,
            ),
            (media("att1"), None),
            (media("att2"), Some("not uploaded")),
        ];
        for (message, refusal) in cases {
            let outcome = check(&message, &uploads);
            match refusal {
                None => assert_eq!(outcome, Ok(()), "{message}"),
                Some(part) => assert!(
                    outcome.as_ref().is_err_and(|e| e.contains(part)),
                    "{message} gave {outcome:?}, not {part:?}"
                ),
            }
        }
    }
}
