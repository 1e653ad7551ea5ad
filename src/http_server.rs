//! The HTTP server's connections, held to limits a slow or hostile client cannot stretch: the
//! request head must arrive within [`HEADER_TIMEOUT`], an idle kept-alive connection closes, one
//! address holds at most [`PER_ADDRESS`] connections and everyone together [`CONNECTIONS`], and
//! on shutdown open connections get [`SHUTDOWN_GRACE`] to finish, then are dropped. (axum's own
//! `serve` sets none of these: a thousand clients sending a header byte every few seconds left
//! `/health` unanswered and SIGTERM waiting.)

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::holds::Holds;

/// Time for a request's head (request line and headers) to arrive, and for a kept-alive
/// connection to start its next request.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Open connections from one address: a browser opens six, a platform's webhook calls a few.
pub const PER_ADDRESS: usize = 64;
/// Open connections in all, below the usual 1,024 open files with room for the database pool.
pub const CONNECTIONS: usize = 768;
/// Time open connections get to finish once the server stops.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `shutdown`, handlers seeing the peer as `ConnectInfo`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let slots = Arc::new(Semaphore::new(CONNECTIONS));
    let per_address = Holds::<IpAddr>::new(PER_ADDRESS);
    let mut connections = tokio::task::JoinSet::new();
    let closing = CancellationToken::new();
    loop {
        let slot = tokio::select! {
            () = shutdown.cancelled() => break,
            slot = slots.clone().acquire_owned() => slot?,
        };
        let (stream, peer) = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of files or the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        // Finished connections' tasks go as new ones come.
        while connections.try_join_next().is_some() {}
        let Some(held) = per_address.take(peer.ip()) else {
            // Closed at once: this address holds its share already.
            drop(stream);
            continue;
        };
        let service = app
            .clone()
            .map_request(move |mut request: axum::http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            })
            .map_err(|never: Infallible| match never {});
        let closing = closing.clone();
        connections.spawn(async move {
            let _slot = slot;
            let _held = held;
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT);
            let connection =
                http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            tokio::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, %peer, "a connection ended badly");
                    }
                }
                () = closing.cancelled() => {
                    // Finish the request in hand, take no other.
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    drop(listener);
    closing.cancel();
    let finished = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, finished)
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the grace period were dropped");
    }
    // Dropping the set ends whatever is left.
    Ok(())
}
