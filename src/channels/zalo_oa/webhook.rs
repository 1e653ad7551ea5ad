//! The OA webhook: verify the signature over the raw bytes, refuse stale events, commit the event
//! to the inbox, and only then answer 200 (Zalo wants it within two seconds and retries otherwise).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use secrecy::{ExposeSecret, SecretString};

use super::adapt::key;
use super::signature::{self, Refusal};
use crate::clock::Clock;
use crate::delivery::Arrivals;

pub const WEBHOOK_PATH: &str = "/zalo/oa/webhook";

pub struct Keys {
    pub app_id: String,
    /// The OA secret key that signs events (not the app secret).
    pub secret_key: SecretString,
}

pub fn router(keys: Keys, clock: Clock, arrivals: Arrivals) -> Router {
    Router::new()
        .route(WEBHOOK_PATH, axum::routing::post(webhook))
        .layer(DefaultBodyLimit::max(crate::channels::webhook::MAX_BODY))
        .with_state(Arc::new(Webhook {
            keys,
            clock,
            arrivals,
        }))
}

struct Webhook {
    keys: Keys,
    clock: Clock,
    arrivals: Arrivals,
}

async fn webhook(State(hook): State<Arc<Webhook>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = headers.get(signature::HEADER).and_then(|v| v.to_str().ok());
    let verified = signature::verify(
        header,
        &body,
        &hook.keys.app_id,
        hook.keys.secret_key.expose_secret(),
        (hook.clock)(),
    );
    let event = match verified {
        Ok(event) => event,
        Err(refusal) => {
            tracing::warn!(%refusal, bytes = body.len(), "Zalo OA webhook event refused");
            return match refusal {
                Refusal::Malformed => StatusCode::BAD_REQUEST,
                // Signed but too old to be anything but a replay: dropped, yet answered as taken,
                // since Zalo disables a webhook whose retries keep failing.
                Refusal::Stale => StatusCode::OK,
                Refusal::Unsigned | Refusal::Forged | Refusal::OtherApp => StatusCode::UNAUTHORIZED,
            };
        }
    };
    let (event_id, chat) = key(&event);
    let committed = hook.arrivals.commit_one(event_id, chat, event).await;
    crate::channels::webhook::answer(committed, super::adapt::CHANNEL)
}
