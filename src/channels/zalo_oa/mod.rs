//! The Zalo Official Account channel (Open API v3): the commune's public account that residents
//! follow. Events arrive at a signed webhook; messages go out through the consultation API with up
//! to five buttons, under OAuth tokens that [`tokens::TokenKeeper`] refreshes. Zalo allows such
//! messages only within 7 days of the person's last interaction: outside it a notice is recorded as
//! not deliverable now and given when the person next writes.

pub mod adapt;
pub mod signature;
pub mod tokens;
pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use chrono::{DateTime, NaiveTime, Utc};
use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::{Buttons, Capabilities, Channel, Event, Markup, Photos, Sent};
use crate::clock::Clock;
use crate::delivery::Arrivals;
use crate::domain::vn_time;
use crate::i18n::Localizer;
use crate::message::Outbound;
use crate::message::Picture;
use crate::store::Store;
use adapt::Rendered;
use tokens::TokenKeeper;

pub const DEFAULT_API_URL: &str = "https://openapi.zalo.me";
pub const DEFAULT_OAUTH_URL: &str = "https://oauth.zaloapp.com";
/// 4,000 requests a minute per app.
pub const RATE: f64 = 4000.0 / 60.0;
const SEND_WAIT: Duration = Duration::from_secs(15);

#[derive(Clone)]
pub struct ZaloOaConfig {
    pub app_id: String,
    /// Signs webhook events.
    pub secret_key: SecretString,
    /// Authenticates token refreshes.
    pub app_secret: SecretString,
    /// The first refresh token; once one is stored, the stored one is used.
    pub refresh_token: Option<SecretString>,
    pub api_url: url::Url,
    pub oauth_url: url::Url,
    /// Messages per second (None: no limit, for fakes and benchmarks).
    pub rate: Option<f64>,
    /// Judges webhook events' age and tokens' expiry.
    pub clock: Clock,
}

impl std::fmt::Debug for ZaloOaConfig {
    // By hand only because the clock, a closure, has no `Debug`; the secrets redact themselves.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZaloOaConfig")
            .field("app_id", &self.app_id)
            .field("secret_key", &self.secret_key)
            .field("app_secret", &self.app_secret)
            .field("refresh_token", &self.refresh_token)
            .field("api_url", &self.api_url)
            .field("oauth_url", &self.oauth_url)
            .field("rate", &self.rate)
            .finish_non_exhaustive()
    }
}

/// A Zalo OA as a [`Channel`].
pub struct ZaloOa {
    config: ZaloOaConfig,
    store: Store,
    tokens: TokenKeeper,
    http: reqwest::Client,
    capabilities: Capabilities,
}

/// What one call of the message API came to.
enum Answer {
    Ok(Value),
    /// Zalo's error code and message.
    Refused(i64, String),
    Failed(String),
}

impl ZaloOa {
    /// `store` keeps the OAuth tokens.
    pub fn new(config: ZaloOaConfig, store: Store) -> Arc<ZaloOa> {
        let capabilities = Capabilities {
            buttons: Buttons::Inline {
                max_payload: adapt::MAX_PAYLOAD,
            },
            typed_numbers: true,
            max_text: adapt::MAX_TEXT,
            markup: Markup::Plain,
            photos: Photos::Upload,
            location: false,
            receipts: true,
            can_push: true,
            rate: config.rate,
        };
        let tokens = TokenKeeper::new(
            adapt::CHANNEL,
            store.clone(),
            config.oauth_url.clone(),
            config.app_id.clone(),
            config.app_secret.clone(),
            config.clock.clone(),
        );
        Arc::new(ZaloOa {
            config,
            store,
            tokens,
            http: super::http_client(),
            capabilities,
        })
    }

    /// One call with the current access token; on an invalid or expired token, refreshes once and
    /// calls again.
    async fn call(&self, path: &str, body: Body<'_>) -> Answer {
        let mut token = match self.tokens.access().await {
            Ok(token) => token,
            Err(e) => return Answer::Failed(format!("{e:#}")),
        };
        for attempt in 0..2 {
            let answer = self.call_with(path, &body, &token).await;
            match answer {
                Answer::Refused(-216 | -220, _) if attempt == 0 => {
                    token = match self.tokens.after_refusal(&token).await {
                        Ok(token) => token,
                        Err(e) => return Answer::Failed(format!("{e:#}")),
                    };
                }
                answer => return answer,
            }
        }
        unreachable!("the second attempt returns")
    }

    async fn call_with(&self, path: &str, body: &Body<'_>, token: &str) -> Answer {
        let url = match self.config.api_url.join(path) {
            Ok(url) => url,
            Err(e) => return Answer::Failed(e.to_string()),
        };
        let request = self
            .http
            .post(url)
            .header("access_token", token)
            .timeout(SEND_WAIT);
        let request = match body {
            Body::Json(json) => request.json(json),
            Body::Png(png) => {
                let part = reqwest::multipart::Part::bytes(png.to_vec())
                    .file_name("chart.png")
                    .mime_str("image/png")
                    .expect("a valid MIME type");
                request.multipart(reqwest::multipart::Form::new().part("file", part))
            }
        };
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => return Answer::Failed(e.without_url().to_string()),
        };
        let status = response.status();
        match response.json::<Value>().await {
            Ok(body) => match body["error"].as_i64() {
                Some(0) => Answer::Ok(body["data"].clone()),
                Some(code) => Answer::Refused(
                    code,
                    body["message"].as_str().unwrap_or_default().to_owned(),
                ),
                None => Answer::Failed(format!("HTTP {status}: an answer without an error code")),
            },
            Err(_) => Answer::Failed(format!("HTTP {status} without a JSON answer")),
        }
    }

    async fn send_rendered(&self, user: &str, message: &Rendered) -> Sent {
        let attachment = match &message.chart {
            Some(plot) => match self.upload(plot).await {
                Ok(id) => Some(id),
                Err(sent) => return sent,
            },
            None => None,
        };
        let body = json!({
            "recipient": { "user_id": user },
            "message": message.message(attachment.as_deref()),
        });
        let answer = self.call("/v3.0/oa/message/cs", Body::Json(&body)).await;
        match answer {
            Answer::Ok(data) => Sent::Ok {
                message_id: super::id_text(&data["message_id"]).unwrap_or_default(),
            },
            answer => classify(answer, (self.config.clock)()),
        }
    }

    /// Draws and uploads a chart; its attachment id.
    async fn upload(&self, plot: &crate::chart::Plot) -> Result<String, Sent> {
        let plot = plot.clone();
        let png = tokio::task::spawn_blocking(move || plot.png())
            .await
            .map_err(|e| Sent::Transient(e.to_string()))?
            .map_err(|e| Sent::Rejected(format!("cannot draw the chart: {e:#}")))?;
        match self.call("/v2.0/oa/upload/image", Body::Png(&png)).await {
            Answer::Ok(data) => super::id_text(&data["attachment_id"])
                .ok_or_else(|| Sent::Transient("an upload without attachment_id".into())),
            answer => Err(classify(answer, (self.config.clock)())),
        }
    }
}

enum Body<'a> {
    Json(&'a Value),
    Png(&'a [u8]),
}

/// Zalo's error codes as delivery outcomes.
fn classify(answer: Answer, now: DateTime<Utc>) -> Sent {
    let (code, message) = match answer {
        Answer::Ok(_) => unreachable!("classify is for failures"),
        Answer::Failed(error) => return Sent::Transient(error),
        Answer::Refused(code, message) => (code, message),
    };
    let reason = |what: &str| format!("{what} (Zalo {code})");
    match code {
        -32 => Sent::RetryAfter(Duration::from_secs(60)),
        // Out of this kind of message's quota, or a kind not sent at night: this message waits,
        // replies to people who write meanwhile still go.
        -211 | -218 => Sent::NotBefore(Duration::from_secs(3600)),
        -234 => Sent::NotBefore(until_six(now)),
        -213 => Sent::Unreachable,
        -230 | -232 => Sent::NotDeliverableNow(reason(
            "outside Zalo's 7-day window: the person has not written to the OA for 7 days",
        )),
        -227 => Sent::NotDeliverableNow(reason("the person has not used Zalo for 45 days")),
        -244 => Sent::NotDeliverableNow(reason("the person refused this type of message")),
        -216 | -220 => Sent::Transient(reason("Zalo refuses the OA access token")),
        _ => Sent::Rejected(format!("Zalo {code}: {message}")),
    }
}

/// Until 06:00 in Vietnam, when Zalo allows the messages it holds back at night.
fn until_six(now: DateTime<Utc>) -> Duration {
    let local = vn_time::local(now);
    let six = NaiveTime::from_hms_opt(6, 0, 0).expect("a valid time");
    let mut day = local.date_naive();
    if local.time() >= six {
        day = day.succ_opt().unwrap_or(day);
    }
    vn_time::from_local(day.and_time(six))
        .map(|at| (at - now).to_std().unwrap_or_default())
        .unwrap_or(Duration::from_secs(3600))
}

impl Channel for ZaloOa {
    fn name(&self) -> &'static str {
        adapt::CHANNEL
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn decode(&self, payload: &Value) -> anyhow::Result<Event> {
        adapt::event(payload)
    }

    fn render(&self, localizer: &Localizer, outbound: &Outbound) -> Vec<Value> {
        super::stored(adapt::render(localizer, outbound))
    }

    // A photo's id is the URL in its event's attachment.
    fn photo<'a>(&'a self, file_id: &'a str) -> BoxFuture<'a, anyhow::Result<Option<Picture>>> {
        Box::pin(super::pictures::fetch(&self.http, file_id))
    }

    fn send<'a>(&'a self, address: &'a str, message: &'a Value) -> BoxFuture<'a, Sent> {
        Box::pin(async move {
            match super::restored::<Rendered>(message, "Zalo OA") {
                Ok(message) => self.send_rendered(address, &message).await,
                Err(refused) => refused,
            }
        })
    }

    /// Stores the first refresh token (unless one is kept) and makes sure a token can be had, so
    /// that a wrong key stops serve at once with the reason.
    fn register(&self) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async move {
            if let Some(refresh) = &self.config.refresh_token
                && self
                    .store
                    .seed_refresh_token(adapt::CHANNEL, refresh.expose_secret())
                    .await?
            {
                tracing::info!("stored the Zalo OA refresh token from the environment");
            }
            self.tokens.access().await?;
            Ok(())
        })
    }

    fn routes(self: Arc<Self>, arrivals: Arrivals, _: CancellationToken) -> Option<Router> {
        let keys = webhook::Keys {
            app_id: self.config.app_id.clone(),
            secret_key: self.config.secret_key.clone(),
        };
        Some(webhook::router(keys, self.config.clock.clone(), arrivals))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn night_refusals_wait_for_six_in_the_morning() {
        let at = |s: &str| vn_time::parse(s).unwrap();
        assert_eq!(
            until_six(at("2025-03-01 23:00")),
            Duration::from_secs(7 * 3600)
        );
        assert_eq!(until_six(at("2025-03-01 05:30")), Duration::from_secs(1800));
    }
}
