//! Prometheus metrics at `/metrics` (through the `metrics` facade and its Prometheus exporter):
//! updates handled per channel and outcome with their handling time, sends per channel and
//! outcome, and the depth of each queue read from the database when scraped. Answered to loopback
//! only, unless `DANVAN_METRICS_TOKEN` is set: then to anyone sending it as a bearer token.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use subtle::ConstantTimeEq;

use crate::channels::Sent;
use crate::engine::Engine;

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

/// Who may read the metrics.
#[derive(Clone)]
struct Access {
    engine: Arc<Engine>,
    token: Option<String>,
}

/// The `/metrics` route.
pub fn routes(engine: Arc<Engine>, token: Option<String>) -> Router {
    Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .with_state(Access {
            engine,
            token: token.filter(|t| !t.is_empty()),
        })
}

async fn scrape(
    State(access): State<Access>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let allowed = match &access.token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| bool::from(given.as_bytes().ct_eq(token.as_bytes()))),
        None => peer.ip().is_loopback(),
    };
    if !allowed {
        return StatusCode::FORBIDDEN.into_response();
    }
    let mut body = handle().render();
    match access.engine.store().queue_depths().await {
        Ok(depths) => {
            body.push_str("# HELP danvan_queue_depth Work waiting, per queue and channel.\n");
            body.push_str("# TYPE danvan_queue_depth gauge\n");
            for d in depths {
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
