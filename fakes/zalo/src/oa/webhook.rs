//! Delivering OA webhook events to our service as Zalo does, signed with the OA secret key.

use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::FakeZaloOa;

/// Zalo's event signature: lowercase hex of the plain SHA-256 (not an HMAC) of `app_id`, the raw body,
/// `timestamp` and the OA secret key, concatenated. Sent as `X-ZEvent-Signature: mac=<hex>`.
pub fn signature(app_id: &str, body: &[u8], timestamp: &str, oa_secret_key: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(app_id);
    hash.update(body);
    hash.update(timestamp);
    hash.update(oa_secret_key);
    crate::hex(&hash.finalize())
}

impl FakeZaloOa {
    /// POSTs the event `body` (from [`super::events`]) to our webhook, signed as Zalo signs it, and
    /// returns the HTTP status and how long the answer took. The user whose event it is now follows
    /// the OA and last interacted at the event's timestamp (an unfollow ends following).
    pub async fn send_event(&self, webhook_url: &str, body: &str) -> (u16, Duration) {
        let event: Value = serde_json::from_str(body).expect("an event is JSON");
        let field = |name: &str| {
            event[name]
                .as_str()
                .unwrap_or_else(|| panic!("an event has a string {name}"))
        };
        let mac = signature(
            field("app_id"),
            body.as_bytes(),
            field("timestamp"),
            &self.keys.oa_secret_key,
        );
        self.lock().note_event(&event);
        self.send_event_with(webhook_url, body, Some(format!("mac={mac}")))
            .await
    }

    /// POSTs `body` to our webhook with `X-ZEvent-Signature: <signature_header>`, or none: for forged,
    /// missing or differently spelled signatures and tampered bodies. It changes no follower state.
    pub async fn send_event_with(
        &self,
        webhook_url: &str,
        body: &str,
        signature_header: Option<String>,
    ) -> (u16, Duration) {
        let mut request = self
            .http
            .post(webhook_url)
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(signature) = signature_header {
            request = request.header("X-ZEvent-Signature", signature);
        }
        let started = Instant::now();
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("posting an event to {webhook_url}: {e}"));
        (response.status().as_u16(), started.elapsed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_zalos_published_example() {
        let body = r#"{"event_name":"user_send_text","app_id":"2553928453557884079","sender":{"id":"6142494823000000000"},"recipient":{"id":"3662729599332560487"},"message":{"text":"Chào A4B","msg_id":"cb31dff1c39642cc1b83"},"timestamp":"1699003881354","user_id_by_app":"979122185046046317"}"#;
        assert_eq!(body.len(), 270);
        assert_eq!(
            signature(
                "2553928453557884079",
                body.as_bytes(),
                "1699003881354",
                "test_oa_secret_key"
            ),
            "9dcb7291c93dfae058cdbb30002f8e4149b452d0fbd52cfa14c3a05be06811da"
        );
    }
}
