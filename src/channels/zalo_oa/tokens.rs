//! The OA's access token, from OAuth v4 refreshes. A refresh token works once and a new access
//! token invalidates the old one, so: one refresher at a time across all processes (the stored
//! row's lock), the new tokens stored before the new access token is used, and another process's
//! fresh token taken instead of refreshing again. No token is ever logged.

use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::channels::id_text;
use crate::clock::Clock;
use crate::store::Store;
use crate::store::tokens::Tokens;

/// Refresh this long before the access token expires (it lasts about 25 hours).
const AHEAD: TimeDelta = TimeDelta::hours(1);
const OAUTH_WAIT: Duration = Duration::from_secs(20);

/// An access token and when it expires.
#[derive(Clone)]
struct Access {
    token: String,
    expires_at: DateTime<Utc>,
}

pub struct TokenKeeper {
    /// The channel's name, which keys its stored tokens.
    channel: &'static str,
    store: Store,
    http: reqwest::Client,
    oauth_url: url::Url,
    app_id: String,
    app_secret: String,
    clock: Clock,
    /// This process's copy; the lock also makes one refresher per process.
    current: Mutex<Option<Access>>,
}

impl TokenKeeper {
    pub fn new(
        channel: &'static str,
        store: Store,
        oauth_url: url::Url,
        app_id: String,
        app_secret: String,
        clock: Clock,
    ) -> TokenKeeper {
        TokenKeeper {
            channel,
            store,
            http: crate::channels::http_client(),
            oauth_url,
            app_id,
            app_secret,
            clock,
            current: Mutex::new(None),
        }
    }

    /// A usable access token, refreshed first when it is about to expire.
    pub async fn access(&self) -> anyhow::Result<String> {
        self.fresh_or_refreshed(None).await
    }

    /// A new access token after Zalo refused `refused` as invalid or expired.
    pub async fn after_refusal(&self, refused: &str) -> anyhow::Result<String> {
        self.fresh_or_refreshed(Some(refused)).await
    }

    async fn fresh_or_refreshed(&self, refused: Option<&str>) -> anyhow::Result<String> {
        let mut current = self.current.lock().await;
        let now = (self.clock)();
        let usable = |a: &Access| Some(a.token.as_str()) != refused && a.expires_at - AHEAD > now;
        if let Some(access) = current.as_ref().filter(|a| usable(a)) {
            return Ok(access.token.clone());
        }
        let mut tx = self.store.begin().await?;
        let stored = tx.lock_tokens(self.channel).await?.context(
            "no Zalo OA refresh token is stored: set ZALO_OA_REFRESH_TOKEN, or run \
             `danvan zalo refresh-token TOKEN`",
        )?;
        // Another process may have refreshed while this one waited for the row.
        if let (Some(token), Some(expires_at)) = (&stored.access_token, stored.access_expires_at) {
            let access = Access {
                token: token.clone(),
                expires_at,
            };
            if usable(&access) {
                tx.commit().await?;
                *current = Some(access.clone());
                return Ok(access.token);
            }
        }
        let fresh = self.refresh(&stored.refresh_token, now).await?;
        // Stored before use: the old refresh token is spent now, and a crash after this commit
        // leaves the next start with the new one.
        let stored = match tx.save_tokens(self.channel, &fresh).await {
            Ok(()) => tx.commit().await,
            Err(e) => Err(e),
        };
        let access = Access {
            token: fresh.access_token.clone().unwrap_or_default(),
            expires_at: fresh.access_expires_at.unwrap_or(now),
        };
        if let Err(e) = stored {
            // The old refresh token is spent either way: keep sending with the new access token
            // while this process lives, and say what a restart will need.
            tracing::error!(
                error = %format!("{e:#}"),
                "Zalo issued new OA tokens but they could not be stored; after a restart, run \
                 `danvan zalo refresh-token TOKEN` with a new refresh token"
            );
        }
        tracing::info!(channel = self.channel, expires_at = %access.expires_at, "Zalo OA access token refreshed");
        *current = Some(access.clone());
        Ok(access.token)
    }

    /// One OAuth v4 refresh.
    async fn refresh(&self, refresh_token: &str, now: DateTime<Utc>) -> anyhow::Result<Tokens> {
        let url = self.oauth_url.join("/v4/oa/access_token")?;
        let response = self
            .http
            .post(url)
            .header("secret_key", &self.app_secret)
            .form(&[
                ("refresh_token", refresh_token),
                ("app_id", self.app_id.as_str()),
                ("grant_type", "refresh_token"),
            ])
            .timeout(OAUTH_WAIT)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("cannot reach Zalo OAuth: {}", e.without_url()))?;
        let body: Value = response.json().await.map_err(|e| {
            anyhow::anyhow!("Zalo OAuth answered without JSON: {}", e.without_url())
        })?;
        let (Some(access), Some(refresh)) = (
            body["access_token"].as_str(),
            body["refresh_token"].as_str(),
        ) else {
            bail!(
                "Zalo refused to refresh the OA token ({} {}): if the refresh token was revoked, \
                 run `danvan zalo refresh-token TOKEN` with a new one",
                body["error"],
                body["error_description"]
                    .as_str()
                    .or(body["error_name"].as_str())
                    .or(body["message"].as_str())
                    .unwrap_or("no reason given")
            );
        };
        let seconds = id_text(&body["expires_in"])
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(90_000);
        Ok(Tokens {
            refresh_token: refresh.to_owned(),
            access_token: Some(access.to_owned()),
            access_expires_at: Some(now + TimeDelta::seconds(seconds)),
        })
    }
}
