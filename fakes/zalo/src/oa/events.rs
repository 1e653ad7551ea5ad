//! OA webhook events as Zalo sends them, each as the exact JSON text to sign and post: `app_id`,
//! `event_name`, `timestamp` (ms, a string), `user_id_by_app`, and ids as 19-digit strings. A user's
//! own events go from `sender` (the user) to `recipient` (the OA); receipts and echoes of our sends go
//! the other way; follow and unfollow name the user as `follower` instead.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The `n`th test user's id, 19 digits like Zalo's.
pub fn user_id(n: u32) -> String {
    (6_142_494_823_000_000_000u64 + u64::from(n)).to_string()
}

/// Builds the events of one app and OA.
#[derive(Debug, Clone)]
pub struct Events {
    app_id: String,
    oa_id: String,
    /// When the events happened; now when None.
    at: Option<DateTime<Utc>>,
}

impl Events {
    pub fn new(app_id: &str, oa_id: &str) -> Events {
        Events {
            app_id: app_id.to_owned(),
            oa_id: oa_id.to_owned(),
            at: None,
        }
    }

    /// The same builder, stamping its events `at` (a stale event, a replay).
    pub fn at(&self, at: DateTime<Utc>) -> Events {
        Events {
            at: Some(at),
            ..self.clone()
        }
    }

    pub fn user_send_text(&self, user: &str, text: &str) -> String {
        self.by_user("user_send_text", user, json!({"text": text}))
    }

    pub fn user_send_image(&self, user: &str, url: &str) -> String {
        self.by_user(
            "user_send_image",
            user,
            attachment("image", json!({"url": url, "thumbnail": url})),
        )
    }

    /// Zalo sends the coordinates as strings.
    pub fn user_send_location(&self, user: &str, latitude: f64, longitude: f64) -> String {
        let coordinates =
            json!({"latitude": latitude.to_string(), "longitude": longitude.to_string()});
        self.by_user(
            "user_send_location",
            user,
            attachment("location", json!({"coordinates": coordinates})),
        )
    }

    pub fn user_send_sticker(&self, user: &str) -> String {
        let sticker = json!({"id": "b5ee5e3d4e78a726fe69", "url": "https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=1&size=130"});
        self.by_user("user_send_sticker", user, attachment("sticker", sticker))
    }

    pub fn user_send_file(&self, user: &str, url: &str, name: &str) -> String {
        let file = json!({"url": url, "name": name, "size": "10240", "checksum": crate::unique_hex(32),
            "type": name.rsplit('.').next().unwrap_or_default()});
        self.by_user("user_send_file", user, attachment("file", file))
    }

    pub fn follow(&self, user: &str) -> String {
        self.membership("follow", user)
    }

    pub fn unfollow(&self, user: &str) -> String {
        self.membership("unfollow", user)
    }

    /// Receipt: our message `msg_id` reached `user`.
    pub fn user_received_message(&self, user: &str, msg_id: &str) -> String {
        self.by_oa("user_received_message", user, json!({"msg_id": msg_id}))
    }

    /// Receipt: `user` saw our messages `msg_ids`.
    pub fn user_seen_message(&self, user: &str, msg_ids: &[&str]) -> String {
        self.by_oa("user_seen_message", user, json!({"msg_ids": msg_ids}))
    }

    /// The echo of a text we sent to `user`.
    pub fn oa_send_text(&self, user: &str, text: &str) -> String {
        let message = json!({"text": text, "msg_id": crate::unique_hex(32)});
        self.by_oa("oa_send_text", user, message)
    }

    fn by_user(&self, event_name: &str, user: &str, mut message: Value) -> String {
        message["msg_id"] = json!(crate::unique_hex(32));
        self.event(
            event_name,
            user,
            json!({"sender": {"id": user}, "recipient": {"id": self.oa_id}, "message": message}),
        )
    }

    fn by_oa(&self, event_name: &str, user: &str, message: Value) -> String {
        self.event(
            event_name,
            user,
            json!({"sender": {"id": self.oa_id}, "recipient": {"id": user}, "message": message}),
        )
    }

    fn membership(&self, event_name: &str, user: &str) -> String {
        self.event(
            event_name,
            user,
            json!({"oa_id": self.oa_id, "follower": {"id": user}, "source": "oa_profile"}),
        )
    }

    /// `fields` and what every event carries.
    fn event(&self, event_name: &str, user: &str, mut fields: Value) -> String {
        let at = self.at.unwrap_or_else(Utc::now);
        fields["app_id"] = json!(self.app_id);
        fields["event_name"] = json!(event_name);
        fields["timestamp"] = json!(at.timestamp_millis().to_string());
        fields["user_id_by_app"] = json!(user_id_by_app(user));
        fields.to_string()
    }
}

fn attachment(kind: &str, payload: Value) -> Value {
    json!({"attachments": [{"type": kind, "payload": payload}]})
}

/// The user's app-scoped id: another 19-digit id, the same for the same user.
fn user_id_by_app(user: &str) -> String {
    let digest = Sha256::digest(user.as_bytes());
    let n = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    (1_000_000_000_000_000_000 + n % 9_000_000_000_000_000_000).to_string()
}
