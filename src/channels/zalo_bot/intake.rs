//! Taking Zalo Bot API updates in durably. `getUpdates` hands each update out once and keeps no
//! offset, so an update is committed to the inbox before the next is asked for, and only one
//! process polls at a time; the webhook answers 200 only after the commit.

use std::time::Duration;

use axum::Router;
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::adapt::{key, unwrap};
use super::client::{CallError, Client};
use crate::channels::webhook;
use crate::delivery::{Arrivals, backoff};
use crate::store::Store;
use crate::store::inbox::Arrival;
use crate::store::locks::Held;

pub const WEBHOOK_PATH: &str = "/zalo/bot/webhook";
pub const SECRET_HEADER: &str = "x-bot-api-secret-token";
/// The lock every `serve` takes before polling: two pollers would each get half the updates.
const POLL_LOCK: &str = "zalo_bot:getUpdates";
/// How often a process without the lock asks for it again.
const LOCK_RETRY: Duration = Duration::from_secs(5);

/// Polls while this process holds the polling lock, each long poll waiting up to `wait`.
pub async fn poll(
    client: Client,
    store: Store,
    arrivals: Arrivals,
    wait: Duration,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    while !shutdown.is_cancelled() {
        let held = match store.try_lock(POLL_LOCK).await {
            Ok(Some(held)) => held,
            Ok(None) => {
                tracing::debug!("another process polls the Zalo bot");
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = tokio::time::sleep(LOCK_RETRY) => continue,
                }
            }
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "cannot take the Zalo polling lock");
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = tokio::time::sleep(LOCK_RETRY) => continue,
                }
            }
        };
        poll_holding(&client, held, &arrivals, wait, &shutdown).await;
    }
    Ok(())
}

/// Polls until shutdown or until the lock is lost. A poll under way is never abandoned: Zalo
/// would hand the next update to the dropped request, and it would be lost.
async fn poll_holding(
    client: &Client,
    mut held: Held,
    arrivals: &Arrivals,
    wait: Duration,
    shutdown: &CancellationToken,
) {
    let params = json!({ "timeout": wait.as_secs().max(1) });
    let deadline = wait + Duration::from_secs(10);
    let mut failures = 0u32;
    while !shutdown.is_cancelled() {
        if !held.still_held().await {
            tracing::warn!("lost the Zalo polling lock's connection; taking the lock again");
            return;
        }
        let answer = client.call("getUpdates", &params, deadline).await;
        let update = match answer {
            Ok(update) => unwrap(update),
            // Nothing arrived while we waited.
            Err(CallError::Api { code: 408, .. }) => {
                failures = 0;
                continue;
            }
            Err(e) => {
                failures += 1;
                if e.code() == Some(401) {
                    tracing::error!(
                        "Zalo rejects ZALO_BOT_TOKEN (401): set the bot's current token"
                    );
                } else {
                    tracing::warn!(error = %e, "getUpdates failed");
                }
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(backoff(failures.min(6))) => continue,
                }
            }
        };
        failures = 0;
        let (event_id, chat) = key(&update);
        let batch = [Arrival {
            event_id,
            chat,
            payload: &update,
        }];
        // Zalo will not hand this update out again: keep trying until it is stored.
        while let Err(e) = arrivals.commit(&batch).await {
            tracing::error!(error = %e, "cannot store a Zalo update; retrying before asking for more");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// The webhook endpoint.
pub fn router(secret: SecretString, arrivals: Arrivals) -> Router {
    let channel = super::adapt::CHANNEL;
    webhook::with_secret(WEBHOOK_PATH, SECRET_HEADER, secret, read, channel, arrivals)
}

/// A webhook body, bare or wrapped, as an update to store.
fn read(body: &[u8]) -> Result<(String, String, Value), String> {
    let update = unwrap(serde_json::from_slice::<Value>(body).map_err(|e| e.to_string())?);
    let (event_id, chat) = key(&update);
    Ok((event_id, chat, update))
}
