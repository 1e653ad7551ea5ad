//! `danvan serve`: the HTTP endpoints (health, webhooks) and the configured chat channels, until
//! SIGTERM or Ctrl-C; then stop taking updates, finish what is in hand, and return.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::channels::{Channel, public_images};
use crate::delivery::Account;
use crate::domain::survey;
use crate::engine::Engine;
use crate::http_server;

/// Connections one channel keeps busy at most besides its inbox workers' transactions: its
/// broadcast sender, its outbox sweeper, its pause listener, and a webhook commit or a send-slot
/// reservation.
const CONNECTIONS_PER_CHANNEL: u32 = 4;
/// Connections for the dashboard's pages, `/health`, upkeep and the session store.
const CONNECTIONS_FOR_WEB: u32 = 8;
/// The longest wait for a connection: a webhook waiting longer could not answer within the 2 s
/// Zalo allows (its statement still has to run); it is answered 503 and Zalo sends it again.
pub const ACQUIRE_WAIT: Duration = Duration::from_secs(1);
/// PostgreSQL cancels a statement of `serve`'s running longer: a runaway query must not hold a
/// connection for good. Well above the longest real one (fanning a notice out to a province).
pub const STATEMENT_LIMIT: Duration = Duration::from_secs(60);

/// `serve`'s pool for `channels` channels of `workers` inbox workers each and the web: each
/// worker holds a connection while it handles a batch, and nothing should wait for one.
pub fn pool(channels: usize, workers: usize) -> crate::store::Pool {
    let per_channel = workers.max(1) as u32 + CONNECTIONS_PER_CHANNEL;
    crate::store::Pool {
        max_connections: channels as u32 * per_channel + CONNECTIONS_FOR_WEB,
        acquire_timeout: ACQUIRE_WAIT,
        statement_timeout: Some(STATEMENT_LIMIT),
    }
}

/// A running service.
pub struct Running {
    /// Where the HTTP endpoints listen (useful when asked for port 0).
    pub addr: SocketAddr,
    pub shutdown: CancellationToken,
    /// The channel accounts, in the order given.
    pub accounts: Vec<Arc<Account>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Waits until the service has stopped (after `shutdown` is cancelled).
    pub async fn finished(self) -> anyhow::Result<()> {
        self.task.await?
    }

    /// Stops taking updates and waits for work in hand to finish.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.finished().await
    }
}

/// Starts the HTTP server (health, and every channel's webhooks) and each channel's intake,
/// workers and senders, with `workers` events handled at once per channel.
pub async fn start(
    engine: Arc<Engine>,
    channels: Vec<Arc<dyn Channel>>,
    workers: usize,
    listen: SocketAddr,
) -> anyhow::Result<Running> {
    start_with(engine, channels, workers, listen, Router::new()).await
}

/// [`start`], with `pages` (the dashboard) served beside the channels.
pub async fn start_with(
    engine: Arc<Engine>,
    channels: Vec<Arc<dyn Channel>>,
    workers: usize,
    listen: SocketAddr,
    pages: Router,
) -> anyhow::Result<Running> {
    let shutdown = CancellationToken::new();
    let mut app = Router::new()
        .route("/health", axum::routing::get(health))
        .route(public_images::ROUTE, axum::routing::get(image))
        .with_state(engine.clone())
        .merge(pages);
    let mut accounts = Vec::new();
    for channel in channels {
        channel
            .register()
            .await
            .with_context(|| format!("registering the {} channel", channel.name()))?;
        let account = Account::new(engine.clone(), channel.clone(), workers);
        if let Some(routes) = channel.routes(account.arrivals(), shutdown.clone()) {
            app = app.merge(routes);
        }
        accounts.push(account);
    }
    let upkeep = upkeep(engine.clone(), shutdown.clone());
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let task = {
        let (shutdown, accounts) = (shutdown.clone(), accounts.clone());
        tokio::spawn(async move {
            // Handlers that limit per address (sign-in attempts, the web chat) read the peer's.
            let http = http_server::serve(listener, app, shutdown.clone());
            let channels = futures::future::try_join_all(
                accounts.into_iter().map(|a| a.run(shutdown.clone())),
            );
            let (http, channels, ()) = tokio::join!(
                async {
                    let result = http.await;
                    shutdown.cancel();
                    result
                },
                async {
                    // Channels end on shutdown, or with an error that stops the rest; with no
                    // channel at all there is nothing to wait for.
                    let result = channels.await;
                    if result.is_err() {
                        shutdown.cancel();
                    }
                    result
                },
                upkeep
            );
            http?;
            channels.map(drop)
        })
    };
    Ok(Running {
        addr,
        shutdown,
        accounts,
        task,
    })
}

const SURVEY_CHECK: Duration = Duration::from_secs(30);
/// Web chat photos no activity kept are forgotten after this long (a log left unsaved that long
/// is not coming back). With the web chat's daily allowance in all, this bounds what it keeps.
pub const UNUSED_PHOTOS_KEPT: Duration = Duration::from_secs(7 * 24 * 3600);
/// A web chat visitor whose person was erased can read the goodbye this long.
const ERASED_VISITORS_KEPT: Duration = Duration::from_secs(600);

/// Now and then, until shutdown: closes surveys past their closing time, stores waiting anonymous
/// responses, forgets web chat photos no activity kept and web chat visitors erased, and
/// squashes the kept counts.
async fn upkeep(engine: Arc<Engine>, shutdown: CancellationToken) {
    loop {
        let store = engine.store();
        let done = async {
            store.close_expired_surveys(engine.now()).await?;
            store
                .store_waiting_responses(survey::ANONYMOUS_BATCH, survey::ANONYMOUS_PATIENCE)
                .await?;
            store.forget_unused_web_photos(UNUSED_PHOTOS_KEPT).await?;
            store
                .forget_erased_web_visitors(ERASED_VISITORS_KEPT)
                .await?;
            store.squash_counts().await.map(|_| ())
        };
        if let Err(e) = done.await {
            tracing::warn!(error = %format!("{e:#}"), "upkeep failed");
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(SURVEY_CHECK) => {}
        }
    }
}

/// Runs until SIGTERM or Ctrl-C.
pub async fn run_until_signal(
    engine: Arc<Engine>,
    channels: Vec<Arc<dyn Channel>>,
    workers: usize,
    listen: SocketAddr,
    pages: Router,
) -> anyhow::Result<()> {
    let running = start_with(engine, channels, workers, listen, pages).await?;
    tracing::info!(addr = %running.addr, "serving");
    eprintln!(
        "danvan: serving on http://{} (Ctrl-C to stop)",
        running.addr
    );
    let shutdown = running.shutdown.clone();
    tokio::spawn(async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
            _ = shutdown.cancelled() => {}
        }
        shutdown.cancel();
    });
    running.finished().await
}

/// How long `/health` waits for the database: a balancer probing it must hear "unavailable" in
/// time, not wait out the pool's connection timeout.
const HEALTH_WAIT: Duration = Duration::from_millis(1500);

async fn health(State(engine): State<Arc<Engine>>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(HEALTH_WAIT, engine.store().unit_count()).await {
        Ok(Ok(_)) => (StatusCode::OK, "ok"),
        Ok(Err(_)) | Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// A chart kept for a channel that fetches pictures by URL.
async fn image(
    State(engine): State<Arc<Engine>>,
    Path(file): Path<String>,
) -> axum::response::Response {
    match public_images::png(engine.store(), &file).await {
        Ok(Some(png)) => (
            [
                (axum::http::header::CONTENT_TYPE, "image/png"),
                // The key is the chart's content: it never changes.
                (
                    axum::http::header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable",
                ),
            ],
            png,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::warn!(error = %format!("{error:#}"), "cannot read a kept chart");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_pool_holds_every_worker_of_every_channel_and_the_web() {
        let pool = super::pool(4, 8);
        assert_eq!(pool.max_connections, 4 * (8 + 4) + 8);
        assert!(pool.acquire_timeout < std::time::Duration::from_secs(2));
        assert!(pool.statement_timeout.is_some());
        assert_eq!(super::pool(0, 8).max_connections, 8);
    }
}
