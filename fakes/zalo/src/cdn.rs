//! Zalo's photo CDN: a photo a person sends reaches a bot or an OA as a URL on it, which danvan
//! fetches when the dashboard shows the photo. Photos that were never hosted (or were taken down)
//! answer 404, as an expired link does.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Clone)]
pub struct FakeCdn {
    /// Base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    photos: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl FakeCdn {
    pub async fn start() -> FakeCdn {
        let mut cdn = FakeCdn {
            url: String::new(),
            photos: Arc::default(),
        };
        let app = Router::new()
            .route("/photos/{name}", axum::routing::get(photo))
            .with_state(cdn.clone());
        cdn.url = crate::serve(app).await;
        cdn
    }

    /// Hosts `bytes`; the URL Zalo would put in the person's message.
    pub fn host(&self, bytes: Vec<u8>) -> String {
        let mut photos = self.photos.lock().expect("cdn state poisoned");
        photos.push(bytes);
        format!("{}/photos/{}.jpg", self.url, photos.len() - 1)
    }
}

async fn photo(State(cdn): State<FakeCdn>, Path(name): Path<String>) -> Response {
    let photos = cdn.photos.lock().expect("cdn state poisoned");
    let found = name
        .strip_suffix(".jpg")
        .and_then(|n| n.parse::<usize>().ok())
        .and_then(|n| photos.get(n));
    match found {
        Some(bytes) => ([("content-type", "image/jpeg")], bytes.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
