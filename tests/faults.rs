//! Faults from outside the process: PostgreSQL going away under a running `serve`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use danvan::engine::Engine;
use danvan::serve;
use danvan::store::Store;

#[tokio::test]
async fn health_says_unavailable_within_two_seconds_when_postgresql_goes_down() {
    let db = common::test_db().await;
    let (proxy, url) = common::outage::Proxy::start(&db.url).await;
    let store = Store::connect(&url, 4).await.unwrap();
    let engine = Arc::new(Engine::new(store).await.unwrap());
    let running = serve::start(engine, vec![], 1, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let health = format!("http://{}/health", running.addr);
    let up = reqwest::get(&health).await.unwrap();
    assert_eq!(up.status(), 200);

    proxy.cut();
    for _ in 0..3 {
        let asked = Instant::now();
        let down = reqwest::get(&health).await.unwrap();
        assert_eq!(down.status(), 503);
        assert_eq!(down.text().await.unwrap(), "database unavailable");
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "answered after {:?}",
            asked.elapsed()
        );
    }
    drop(running);
}

/// Opens a connection from `from` and sends a request head that never ends.
async fn slow_client(from: std::net::Ipv4Addr, to: std::net::SocketAddr) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind((from, 0).into()).unwrap();
    let mut stream = socket.connect(to).await.unwrap();
    // An accepted connection takes the head; one turned away may already be closed.
    let _ = stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: danvan\r\nX-Slow: ")
        .await;
    stream
}

/// Whether the server has closed `stream` (it reads the end, or an error).
async fn closed(stream: &mut tokio::net::TcpStream, within: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buffer = [0_u8; 1024];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            // A "408 Request Timeout" may come before the close.
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn slow_clients_cannot_keep_health_or_shutdown_waiting() {
    use danvan::http_server::{HEADER_TIMEOUT, PER_ADDRESS, SHUTDOWN_GRACE};
    let db = common::test_db().await;
    let engine = Arc::new(Engine::new(db.store.clone()).await.unwrap());
    let running = serve::start(engine, vec![], 1, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let attacker = std::net::Ipv4Addr::new(127, 0, 0, 2);
    let mut slow = Vec::new();
    for _ in 0..PER_ADDRESS + 20 {
        slow.push(slow_client(attacker, running.addr).await);
    }
    // Beyond its share, the attacker's connections are closed at once.
    let mut turned_away = slow.split_off(PER_ADDRESS);
    for stream in &mut turned_away {
        assert!(closed(stream, Duration::from_secs(2)).await);
    }
    // Everyone else is served meanwhile.
    let health = format!("http://{}/health", running.addr);
    for _ in 0..15 {
        let asked = Instant::now();
        let answer = reqwest::get(&health).await.unwrap();
        assert_eq!(answer.status(), 200);
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "{:?}",
            asked.elapsed()
        );
    }
    // A head that never ends is cut off after its time.
    assert!(closed(&mut slow[0], HEADER_TIMEOUT + Duration::from_secs(3)).await);

    // Stopping does not wait on a slow client past the grace period.
    let _last = slow_client(attacker, running.addr).await;
    let stopping = Instant::now();
    running.stop().await.unwrap();
    assert!(
        stopping.elapsed() < SHUTDOWN_GRACE + Duration::from_secs(2),
        "stopped after {:?}",
        stopping.elapsed()
    );
}
