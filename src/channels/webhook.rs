//! What every webhook endpoint does the same way: check the shared secret, and answer the platform
//! only once the event is committed.

use axum::http::{HeaderMap, StatusCode};
use subtle::ConstantTimeEq;

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
