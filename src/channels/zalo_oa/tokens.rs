//! The OA's access token, from OAuth v4 refreshes. A refresh token works once and a new access
//! token invalidates the old one, so: one refresher at a time across all processes (the stored
//! row's lock), the new tokens stored before the new access token is used, and another process's
//! fresh token taken instead of refreshing again. New tokens the database could not take are
//! kept in memory, used for the next refresh, and saved again until it takes them: the refresh
//! token they replace is spent, so they are the only ones that work. No token is ever logged.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, TimeDelta, Utc};
use secrecy::{ExposeSecret, SecretString};
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
    app_secret: SecretString,
    clock: Clock,
    /// This process's copy; the lock also makes one refresher per process.
    current: Mutex<Option<Access>>,
    /// Tokens Zalo issued that are not stored yet, while they are being saved again.
    unsaved: Arc<std::sync::Mutex<Option<Tokens>>>,
}

impl TokenKeeper {
    pub fn new(
        channel: &'static str,
        store: Store,
        oauth_url: url::Url,
        app_id: String,
        app_secret: SecretString,
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
            unsaved: Arc::default(),
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
                token: token.expose_secret().to_owned(),
                expires_at,
            };
            if usable(&access) {
                tx.commit().await?;
                *current = Some(access.clone());
                return Ok(access.token);
            }
        }
        // Newer than the stored one if the database did not take the last refresh's yet.
        let unsaved = self.unsaved.lock().expect("tokens lock poisoned").clone();
        let refresh_token = unsaved.map_or(stored.refresh_token, |t| t.refresh_token);
        let fresh = self.refresh(refresh_token.expose_secret(), now).await?;
        // Stored before use: the old refresh token is spent now, and a crash after this commit
        // leaves the next start with the new one.
        let stored = match tx.save_tokens(self.channel, &fresh).await {
            Ok(()) => tx.commit().await,
            Err(e) => Err(e),
        };
        let access = Access {
            token: fresh
                .access_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned())
                .unwrap_or_default(),
            expires_at: fresh.access_expires_at.unwrap_or(now),
        };
        match stored {
            Ok(()) => *self.unsaved.lock().expect("tokens lock poisoned") = None,
            Err(e) => {
                tracing::error!(
                    error = %format!("{e:#}"),
                    "Zalo issued new OA tokens but the database did not take them; saving them \
                     again until it does"
                );
                self.save_later(fresh);
            }
        }
        tracing::info!(channel = self.channel, expires_at = %access.expires_at, "Zalo OA access token refreshed");
        *current = Some(access.clone());
        Ok(access.token)
    }

    /// Saves `tokens` until the database takes them, keeping them for the next refresh meanwhile;
    /// a refresh that comes first saves its own instead.
    fn save_later(&self, tokens: Tokens) {
        *self.unsaved.lock().expect("tokens lock poisoned") = Some(tokens.clone());
        let (store, channel, unsaved) = (self.store.clone(), self.channel, self.unsaved.clone());
        tokio::spawn(async move {
            // A refresh token works once, so it tells one refresh's tokens from another's.
            let these = |t: &Tokens| {
                t.refresh_token.expose_secret() == tokens.refresh_token.expose_secret()
            };
            let still_unsaved = || {
                unsaved
                    .lock()
                    .expect("tokens lock poisoned")
                    .as_ref()
                    .is_some_and(these)
            };
            let mut wait = Duration::from_millis(100);
            while still_unsaved() {
                match store.put_tokens(channel, &tokens).await {
                    Ok(()) => {
                        let mut unsaved = unsaved.lock().expect("tokens lock poisoned");
                        if unsaved.as_ref().is_some_and(these) {
                            *unsaved = None;
                        }
                        tracing::info!(channel, "the new Zalo OA tokens are stored");
                        return;
                    }
                    Err(e) => {
                        tracing::warn!(channel, error = %format!("{e:#}"), "saving the new Zalo OA tokens failed; trying again");
                        tokio::time::sleep(wait).await;
                        wait = (wait * 2).min(Duration::from_secs(5));
                    }
                }
            }
        });
    }

    /// One OAuth v4 refresh.
    async fn refresh(&self, refresh_token: &str, now: DateTime<Utc>) -> anyhow::Result<Tokens> {
        let url = self.oauth_url.join("/v4/oa/access_token")?;
        let response = self
            .http
            .post(url)
            .header("secret_key", self.app_secret.expose_secret())
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
            refresh_token: refresh.into(),
            access_token: Some(access.into()),
            access_expires_at: Some(now + TimeDelta::seconds(seconds)),
        })
    }
}
