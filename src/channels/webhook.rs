//! What every webhook endpoint does the same way: check the shared secret, and answer the platform
//! only once the event is committed.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::delivery::Arrivals;

/// Largest webhook body read: a platform's update is a few kilobytes (a 4,096-character text with
/// its entities, a photo's sizes); anything much larger is not one, and is refused (413) unread
/// rather than held in memory.
pub const MAX_BODY: usize = 256 * 1024;

/// Reads a webhook body: (event id, chat, the event as stored), or why it is not an event.
pub type Reader = fn(&[u8]) -> Result<(String, String, Value), String>;

/// A webhook at `path` for platforms that send a shared secret in `header`: checked, read by
/// `read`, committed, then answered.
pub fn with_secret(
    path: &str,
    header: &'static str,
    secret: SecretString,
    read: Reader,
    channel: &'static str,
    arrivals: Arrivals,
) -> Router {
    Router::new()
        .route(path, axum::routing::post(take))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(Arc::new(SecretHook {
            header,
            secret,
            read,
            channel,
            arrivals,
        }))
}

struct SecretHook {
    header: &'static str,
    secret: SecretString,
    read: Reader,
    channel: &'static str,
    arrivals: Arrivals,
}

async fn take(State(hook): State<Arc<SecretHook>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if !carries_secret(&headers, hook.header, hook.secret.expose_secret()) {
        tracing::warn!(
            channel = hook.channel,
            "webhook call without the right secret"
        );
        return StatusCode::UNAUTHORIZED;
    }
    match (hook.read)(&body) {
        Ok((event_id, chat, event)) => {
            let committed = hook.arrivals.commit_one(event_id, chat, event).await;
            answer(committed, hook.channel)
        }
        Err(error) => {
            tracing::warn!(channel = hook.channel, %error, bytes = body.len(), "webhook body is not an event");
            StatusCode::BAD_REQUEST
        }
    }
}

/// Whether the request carries `secret` in `header`, compared in constant time.
pub fn carries_secret(headers: &HeaderMap, header: &str, secret: &str) -> bool {
    let given = headers
        .get(header)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    given.ct_eq(secret.as_bytes()).into()
}

/// 200 once the event is committed; otherwise 503, which platforms answer by sending it again.
pub fn answer(committed: anyhow::Result<()>, channel: &str) -> StatusCode {
    match committed {
        Ok(()) => StatusCode::OK,
        Err(error) => {
            tracing::error!(channel, error = %format!("{error:#}"), "cannot store a webhook event");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
