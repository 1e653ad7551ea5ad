//! Updates as the Zalo Bot API delivers them (by getUpdates or to a webhook), from a person in a
//! private chat, each with a fresh `message_id` and the current time as `date` (ms).

use serde_json::{Value, json};

pub fn text(user: &str, text: &str) -> Value {
    message("message.text.received", user, json!({"text": text}))
}

/// A photo, which the Bot API gives as a URL; `caption` only when the person wrote one.
pub fn image(user: &str, url: &str, caption: Option<&str>) -> Value {
    let mut content = json!({"photo": url});
    if let Some(caption) = caption {
        content["caption"] = json!(caption);
    }
    message("message.image.received", user, content)
}

pub fn sticker(user: &str) -> Value {
    message(
        "message.sticker.received",
        user,
        json!({"sticker": "0e078a2fb66a5f34067b"}),
    )
}

/// What Zalo sends instead of the content when the sender is in a protected group.
pub fn unsupported(user: &str) -> Value {
    message("message.unsupported.received", user, json!({}))
}

/// An update of `event_name` whose message carries `content`'s fields.
pub fn message(event_name: &str, user: &str, content: Value) -> Value {
    let mut message = json!({
        "from": {"id": user, "display_name": "Lan Nguyễn", "is_bot": false},
        "chat": {"id": user, "chat_type": "PRIVATE"},
        "message_id": crate::unique_hex(20),
        "date": crate::now_ms(),
    });
    if let (Some(message), Value::Object(content)) = (message.as_object_mut(), content) {
        message.extend(content);
    }
    json!({"event_name": event_name, "message": message})
}
