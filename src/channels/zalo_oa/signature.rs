//! Zalo OA webhook signatures: `X-ZEvent-Signature: mac=<hex>`, the plain SHA-256 (not an HMAC)
//! of `app_id + raw body + timestamp + OA secret key`, with `app_id` and `timestamp` read from the
//! body. The raw bytes are hashed as received: re-serialized JSON would not match.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::channels::id_text;

pub const HEADER: &str = "x-zevent-signature";
/// Zalo's own retries span about two hours; anything older is a replay.
pub const MAX_AGE: TimeDelta = TimeDelta::hours(2);

/// Why an event was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("no signature")]
    Unsigned,
    #[error("not a JSON event with app_id and timestamp")]
    Malformed,
    #[error("the event is for another app")]
    OtherApp,
    #[error("the signature does not match the body")]
    Forged,
    #[error("the event is older than two hours, or dated in the future")]
    Stale,
}

/// Lowercase hex of the signature of `body`.
pub fn sign(app_id: &str, body: &[u8], timestamp: &str, secret_key: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(app_id.as_bytes());
    hash.update(body);
    hash.update(timestamp.as_bytes());
    hash.update(secret_key.as_bytes());
    crate::channels::hex(&hash.finalize())
}

/// Checks an event as received; returns it parsed.
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    app_id: &str,
    secret_key: &str,
    now: DateTime<Utc>,
) -> Result<Value, Refusal> {
    let header = header.ok_or(Refusal::Unsigned)?.trim();
    let given = header.strip_prefix("mac=").unwrap_or(header);
    let event: Value = serde_json::from_slice(body).map_err(|_| Refusal::Malformed)?;
    let (Some(sender_app), Some(timestamp)) =
        (id_text(&event["app_id"]), id_text(&event["timestamp"]))
    else {
        return Err(Refusal::Malformed);
    };
    let expected = sign(&sender_app, body, &timestamp, secret_key);
    let matches: bool = given
        .to_ascii_lowercase()
        .as_bytes()
        .ct_eq(expected.as_bytes())
        .into();
    if !matches {
        return Err(Refusal::Forged);
    }
    if sender_app != app_id {
        return Err(Refusal::OtherApp);
    }
    let sent = timestamp
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_millis)
        .ok_or(Refusal::Malformed)?;
    // A few minutes ahead is clock drift; more is not a real event's time.
    if now - sent > MAX_AGE || sent - now > TimeDelta::minutes(5) {
        return Err(Refusal::Stale);
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"event_name":"user_send_text","app_id":"2553928453557884079","sender":{"id":"6142494823000000000"},"recipient":{"id":"3662729599332560487"},"message":{"text":"Chào A4B","msg_id":"cb31dff1c39642cc1b83"},"timestamp":"1699003881354","user_id_by_app":"979122185046046317"}"#;
    const MAC: &str = "9dcb7291c93dfae058cdbb30002f8e4149b452d0fbd52cfa14c3a05be06811da";
    const APP: &str = "2553928453557884079";
    const SECRET: &str = "test_oa_secret_key";

    fn sent_at() -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_699_003_881_354).unwrap()
    }

    #[test]
    fn the_published_test_vector_signs_and_verifies() {
        assert_eq!(BODY.len(), 270);
        assert_eq!(sign(APP, BODY.as_bytes(), "1699003881354", SECRET), MAC);
        let now = sent_at() + TimeDelta::seconds(1);
        for header in [format!("mac={MAC}"), MAC.to_owned(), MAC.to_uppercase()] {
            let event = verify(Some(&header), BODY.as_bytes(), APP, SECRET, now).unwrap();
            assert_eq!(event["message"]["msg_id"], "cb31dff1c39642cc1b83");
        }
    }

    #[test]
    fn forged_changed_stale_and_unsigned_events_are_refused() {
        let now = sent_at() + TimeDelta::seconds(1);
        let header = format!("mac={MAC}");
        let check = |header: Option<&str>, body: &str, secret: &str, now| {
            verify(header, body.as_bytes(), APP, secret, now).unwrap_err()
        };
        assert_eq!(
            check(Some(&header), BODY, "another key", now),
            Refusal::Forged
        );
        let changed = BODY.replace("Chào A4B", "Chào A4C");
        assert_eq!(check(Some(&header), &changed, SECRET, now), Refusal::Forged);
        // Re-serialized JSON is not the body that was signed.
        let reserialized = serde_json::from_str::<Value>(BODY).unwrap().to_string();
        assert_eq!(
            check(Some(&header), &reserialized, SECRET, now),
            Refusal::Forged
        );
        let late = sent_at() + MAX_AGE + TimeDelta::seconds(1);
        assert_eq!(check(Some(&header), BODY, SECRET, late), Refusal::Stale);
        assert_eq!(check(None, BODY, SECRET, now), Refusal::Unsigned);
        assert_eq!(
            check(Some(&header), "not json", SECRET, now),
            Refusal::Malformed
        );
    }
}
