//! `POST /v4/oa/access_token`: a refresh token buys a new access token and a new refresh token, once.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

use super::{Access, FakeZaloOa, Oa, OaKeys};

const PATH: &str = "/v4/oa/access_token";

/// An OAuth error, which Zalo answers with HTTP 200 in its own shape.
struct OauthError {
    error: i64,
    name: &'static str,
    description: &'static str,
    reason: String,
}

pub(super) async fn access_token(
    State(fake): State<FakeZaloOa>,
    headers: HeaderMap,
    body: Bytes,
) -> Json<Value> {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let latency = fake.lock().oauth_latency;
    tokio::time::sleep(latency).await;
    let answer = {
        let mut s = fake.lock();
        let outcome = refresh(&mut s, &fake.keys, &headers, &form);
        s.record(PATH, json!(form), outcome.is_ok());
        outcome.unwrap_or_else(|e| {
            s.rejections.push(format!("{PATH}: {}", e.reason));
            json!({"error": e.error, "error_name": e.name, "error_description": e.description})
        })
    };
    fake.changed.notify_waiters();
    Json(answer)
}

fn refresh(
    s: &mut Oa,
    keys: &OaKeys,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<Value, OauthError> {
    // [?] Zalo's codes for a malformed request or a wrong app id are not published; -14001 stands in.
    let invalid_request = |reason: &str| OauthError {
        error: -14001,
        name: "invalid_request",
        description: "Invalid request",
        reason: reason.to_owned(),
    };
    let is_form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(invalid_request("the body is not form-encoded"));
    }
    let field = |name: &str| form.get(name).map(String::as_str);
    if field("grant_type") != Some("refresh_token") {
        return Err(invalid_request("grant_type is not refresh_token"));
    }
    if field("app_id") != Some(&keys.app_id) {
        return Err(invalid_request("wrong app_id"));
    }
    let secret = headers.get("secret_key").and_then(|v| v.to_str().ok());
    if secret != Some(&keys.app_secret) {
        return Err(OauthError {
            error: -14002,
            name: "invalid_client",
            description: "Invalid secret key",
            reason: "missing or wrong secret_key header".into(),
        });
    }
    let token = field("refresh_token").unwrap_or_default();
    if token != s.refresh_token {
        let spent = s.spent_refresh_tokens.iter().any(|t| t == token);
        return Err(OauthError {
            error: -14014,
            name: "invalid_grant",
            description: "Invalid refresh token",
            reason: if spent {
                "the refresh token was already used".into()
            } else {
                "unknown refresh token".into()
            },
        });
    }
    let spent = std::mem::replace(&mut s.refresh_token, crate::unique_hex(64));
    s.spent_refresh_tokens.push(spent);
    let access = crate::unique_hex(64);
    // Replacing it is what makes every older access token invalid.
    s.access = Some(Access {
        token: access.clone(),
        expires_at: Utc::now() + TimeDelta::seconds(s.expires_in as i64),
    });
    s.refreshes += 1;
    Ok(json!({
        "access_token": access,
        "refresh_token": s.refresh_token,
        // Zalo sends the lifetime as a string.
        "expires_in": s.expires_in.to_string(),
    }))
}
