//! A thin client for Zalo's Bot API: `<base>/bot<TOKEN>/<method>` with JSON parameters, answered
//! `{ok, result}` or `{ok: false, error_code, description}` (a 200 can still be a failure).

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// How a call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// Zalo answered with an error.
    #[error("Zalo Bot API error {code}: {description}")]
    Api { code: i64, description: String },
    /// No usable answer (network, timeout, not JSON); never shows the URL, which holds the token.
    #[error("cannot reach the Zalo Bot API: {0}")]
    Network(String),
}

impl CallError {
    pub fn code(&self) -> Option<i64> {
        match self {
            CallError::Api { code, .. } => Some(*code),
            CallError::Network(_) => None,
        }
    }
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: url::Url,
    token: SecretString,
}

impl Client {
    pub fn new(base: url::Url, token: SecretString) -> Client {
        Client {
            http: crate::channels::http_client(),
            base,
            token,
        }
    }

    /// The HTTP client, for fetching what the platform links to (photos people sent).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Calls `method`; `wait` bounds the whole request.
    pub async fn call(
        &self,
        method: &str,
        params: &Value,
        wait: Duration,
    ) -> Result<Value, CallError> {
        let url = format!(
            "{}/bot{}/{method}",
            self.base.as_str().trim_end_matches('/'),
            self.token.expose_secret()
        );
        let response = self
            .http
            .post(url)
            .json(params)
            .timeout(wait)
            .send()
            .await
            .map_err(|e| CallError::Network(e.without_url().to_string()))?;
        let status = response.status().as_u16();
        let body: Value = match response.json().await {
            Ok(body) => body,
            Err(_) => {
                return Err(CallError::Api {
                    code: i64::from(status),
                    description: format!("HTTP {status} without a Bot API answer"),
                });
            }
        };
        if body["ok"].as_bool() == Some(true) {
            return Ok(body["result"].clone());
        }
        Err(CallError::Api {
            code: body["error_code"].as_i64().unwrap_or(i64::from(status)),
            description: body["description"]
                .as_str()
                .unwrap_or("no description")
                .to_owned(),
        })
    }
}
