//! Prometheus metrics at `/metrics` (through the `metrics` facade and its Prometheus exporter):
//! updates handled per channel and outcome with their handling time, sends per channel and
//! outcome, and the depth of each queue read from the database at most once per
//! [`DEPTHS_FRESH`]. Served only when `DANVAN_METRICS_TOKEN` is set, and only to requests bearing
//! it: a proxy on the same machine makes every request look local, so the peer's address proves
//! nothing.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use moka::future::Cache;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use crate::channels::Sent;
use crate::engine::Engine;
use crate::store::inbox::Depth;

/// How long queue depths read once are served to every scrape: however many scrapers, the
/// queues are counted at most this often.
pub const DEPTHS_FRESH: Duration = Duration::from_secs(5);

/// Handling time buckets, in seconds: a chat reply takes milliseconds, a slow database seconds.
const SECONDS_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process's one recorder, installed at first use (tests start many servers in one process).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&SECONDS_BUCKETS)
            .expect("buckets are given")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder may be installed already (a test harness's); then ours only renders.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Counts handled updates (`outcome`: done, failed, retried) and the time they took.
pub fn updates_handled(channel: &'static str, outcome: &'static str, count: usize, took: Duration) {
    handle();
    metrics::counter!("danvan_updates_total", "channel" => channel, "outcome" => outcome)
        .increment(count as u64);
    let histogram = metrics::histogram!("danvan_update_handling_seconds", "channel" => channel);
    for _ in 0..count {
        histogram.record(took.as_secs_f64());
    }
}

/// Counts one send by how it went.
pub fn sent(channel: &'static str, sent: &Sent) {
    handle();
    let outcome = match sent {
        Sent::Ok { .. } => "ok",
        Sent::RetryAfter(_) => "retry_after",
        Sent::NotBefore(_) => "not_before",
        Sent::Unreachable => "unreachable",
        Sent::NotDeliverableNow(_) => "not_deliverable_now",
        Sent::Rejected(_) => "rejected",
        Sent::Transient(_) => "transient",
    };
    metrics::counter!("danvan_sends_total", "channel" => channel, "outcome" => outcome)
        .increment(1);
}

/// What a scrape reads: the token it must bear, and the queue depths last read.
#[derive(Clone)]
struct Access {
    engine: Arc<Engine>,
    token: SecretString,
    depths: Cache<(), Arc<Vec<Depth>>>,
}

/// The `/metrics` route, for requests bearing `token`; none without a token.
pub fn routes(engine: Arc<Engine>, token: Option<SecretString>) -> Router {
    let Some(token) = token.filter(|t| !t.expose_secret().is_empty()) else {
        return Router::new();
    };
    Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .with_state(Access {
            engine,
            token,
            depths: Cache::builder()
                .max_capacity(1)
                .time_to_live(DEPTHS_FRESH)
                .build(),
        })
}

async fn scrape(State(access): State<Access>, headers: HeaderMap) -> Response {
    let allowed = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| {
            bool::from(
                given
                    .as_bytes()
                    .ct_eq(access.token.expose_secret().as_bytes()),
            )
        });
    if !allowed {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let mut body = handle().render();
    // Scrapes at once wait for one read.
    let store = access.engine.store();
    let depths = access
        .depths
        .try_get_with((), async { store.queue_depths().await.map(Arc::new) })
        .await;
    match depths {
        Ok(depths) => {
            body.push_str("# HELP danvan_queue_depth Work waiting, per queue and channel.\n");
            body.push_str("# TYPE danvan_queue_depth gauge\n");
            for d in depths.iter() {
                body.push_str(&format!(
                    "danvan_queue_depth{{queue=\"{}\",channel=\"{}\"}} {}\n",
                    d.queue, d.channel, d.waiting
                ));
            }
        }
        Err(e) => tracing::warn!(error = %format!("{e:#}"), "cannot read queue depths"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
