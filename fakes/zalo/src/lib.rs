//! Fake Zalo servers for tests and benchmarks, so that danvan's real Zalo clients run against them:
//!
//! - [`FakeZaloBot`]: the Zalo Bot API (`/bot<token>/<method>`, one update per long poll, webhook with
//!   a shared secret), and [`bot::post_webhook`] to deliver updates to our webhook;
//! - [`FakeZaloOa`]: the Official Account Open API v3 (message API, OAuth v4 with single-use refresh
//!   tokens, image upload), and [`FakeZaloOa::send_event`] to deliver signed webhook events built by
//!   [`oa::events`].
//!
//! - [`FakeCdn`]: where the photos people send are, by URL.
//!
//! Both speak the real paths and JSON shapes, refuse what Zalo would refuse (recorded in
//! `rejections()`), record every call, and can be scripted to fail the next send.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::Notify;

pub mod bot;
pub mod cdn;
pub mod oa;

pub use bot::{Failure, FakeZaloBot};
pub use cdn::FakeCdn;
pub use oa::{FakeZaloOa, OaFailure, OaKeys};

/// One request a client made to a fake.
#[derive(Debug, Clone)]
pub struct Call {
    /// The Bot API method (`sendMessage`) or the OA path (`/v3.0/oa/message/cs`).
    pub endpoint: String,
    /// The request's parameters as JSON (form and query values are strings).
    pub params: Value,
    pub at: Instant,
    /// Whether it was answered with success (refused and scripted failures are not).
    pub succeeded: bool,
}

/// Serves `app` on a free loopback port; returns its base URL.
async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding a fake Zalo server");
    let url = format!("http://{}", listener.local_addr().expect("a bound address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// Waits until `done` holds, checking after every `changed` notification, or until `limit` passes.
/// Returns whether it held.
async fn wait_until(changed: &Notify, limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        // Created before checking, so a change between the check and the wait is not missed.
        let notified = changed.notified();
        if done() {
            return true;
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return done();
        }
    }
}

/// A fresh lowercase hex id of `len` digits (at most 64), as Zalo uses for message ids and tokens.
fn unique_hex(len: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let digest = Sha256::digest(format!("{n}:{nanos}:{}", std::process::id()));
    hex(&digest)[..len].to_owned()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
