//! Taking updates in durably: long polling advances its offset, and the webhook answers 200, only
//! after the raw updates are committed to the inbox.

use std::time::Duration;

use axum::Router;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use teloxide::payloads::{GetUpdatesSetters, SetWebhookSetters};
use teloxide::requests::{Request, Requester};
use teloxide::types::Update;
use teloxide::{Bot, RequestError};
use tokio_util::sync::CancellationToken;

use super::adapt::chat_key;
use super::{Intake, allowed_updates};
use crate::channels::webhook;
use crate::delivery::{Arrivals, backoff};
use crate::store::inbox::Arrival;

/// Long-poll wait; below teloxide's 17 s HTTP timeout.
const POLL_SECONDS: u32 = 10;
pub const WEBHOOK_PATH: &str = "/telegram/webhook";
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// Tells Telegram where updates go: our webhook, or nowhere (so getUpdates works).
pub async fn register(bot: &Bot, intake: &Intake) -> anyhow::Result<()> {
    match intake {
        Intake::Webhook { url, secret } => {
            bot.set_webhook(url.clone())
                .secret_token(secret.expose_secret())
                .allowed_updates(allowed_updates())
                .await?;
        }
        Intake::LongPolling => {
            bot.delete_webhook().await?;
        }
        Intake::None => {}
    }
    Ok(())
}

pub async fn poll(bot: Bot, arrivals: Arrivals, shutdown: CancellationToken) -> anyhow::Result<()> {
    let mut offset: Option<i32> = None;
    let mut failures = 0u32;
    while !shutdown.is_cancelled() {
        let mut request = bot
            .get_updates()
            .timeout(POLL_SECONDS)
            .limit(100)
            .allowed_updates(allowed_updates());
        if let Some(offset) = offset {
            request = request.offset(offset);
        }
        let updates = tokio::select! {
            _ = shutdown.cancelled() => break,
            result = request.send() => result,
        };
        let updates = match updates {
            Ok(updates) => updates,
            Err(RequestError::RetryAfter(wait)) => {
                tokio::time::sleep(wait.duration()).await;
                continue;
            }
            Err(e) => {
                failures += 1;
                tracing::warn!(error = %e, "getUpdates failed");
                tokio::time::sleep(backoff(failures.min(5))).await;
                continue;
            }
        };
        failures = 0;
        let Some(last) = updates.last() else { continue };
        let payloads: Vec<Value> = updates
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<_, _>>()?;
        let batch: Vec<Arrival> = updates
            .iter()
            .zip(&payloads)
            .map(|(u, payload)| Arrival {
                event_id: u.id.0.to_string(),
                chat: chat_key(u),
                payload,
            })
            .collect();
        // Until this commits, the offset stays put and Telegram keeps the updates for us.
        while let Err(e) = arrivals.commit(&batch).await {
            tracing::error!(error = %e, "cannot store updates; retrying before acknowledging them");
            tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
        offset = Some(last.id.0 as i32 + 1);
    }
    Ok(())
}

/// The webhook endpoint, when the channel takes updates that way.
pub fn router(secret: SecretString, arrivals: Arrivals) -> Router {
    webhook::with_secret(
        WEBHOOK_PATH,
        SECRET_HEADER,
        secret,
        read,
        "telegram",
        arrivals,
    )
}

/// A webhook body as an update to store.
fn read(body: &[u8]) -> Result<(String, String, Value), String> {
    let payload = serde_json::from_slice::<Value>(body).map_err(|e| e.to_string())?;
    let update = serde_json::from_slice::<Update>(body).map_err(|e| e.to_string())?;
    Ok((update.id.0.to_string(), chat_key(&update), payload))
}
