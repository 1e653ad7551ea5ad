//! A stand-in for our service's webhook: records what it is sent and answers 200.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;

/// One request the webhook received.
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

pub type Inbox = Arc<Mutex<Vec<Received>>>;

/// Starts the webhook; returns its URL and what it receives.
pub async fn webhook() -> (String, Inbox) {
    let inbox = Inbox::default();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, inbox)
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) {
    inbox.lock().unwrap().push(Received { headers, body });
}
