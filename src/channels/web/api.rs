//! The web chat's HTTP side: the page, the embed script, and the API the page calls. Every answer
//! of the API is JSON; a refusal carries a code and a message in the page's language
//! (`Accept-Language`, which the page sets), which the page shows.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::adapt::{Act, Malformed, Posted, Stored};
use super::limits::{Client, Limits, TooMany};
use super::{WebChat, page, visitor};
use crate::channels::pictures;
use crate::delivery::Arrivals;
use crate::holds::Holds;
use crate::message::Picture;
use crate::message::{Lang, MAX_TEXT_CHARS, Msg};
use crate::store::web_chat::WebVisitor;

pub const PAGE_PATH: &str = "/chat";
/// Largest event body: the longest text the engine reads, in Vietnamese (up to three bytes a
/// letter) and JSON-escaped, fits with room to spare.
const MAX_BODY: usize = 16 * 1024;
/// How long a fetch waits for a message before answering with none (the page asks again).
const LONG_POLL: Duration = Duration::from_secs(20);
/// Long polls one visitor may hold open at once: a page holds one, a few tabs a few.
const POLLS_PER_VISITOR: usize = 3;
/// Long polls one network address may hold open at once: half the connections it may open
/// (`http_server::PER_ADDRESS`), so that the pages behind it can still post what people do.
const POLLS_PER_ADDRESS: usize = crate::http_server::PER_ADDRESS / 2;

struct Api {
    chat: Arc<WebChat>,
    arrivals: Arrivals,
    limits: Limits,
    /// Long polls open, per visitor and per network address.
    polls_per_visitor: Holds<String>,
    polls_per_address: Holds<IpAddr>,
    shutdown: CancellationToken,
}

pub fn router(chat: Arc<WebChat>, arrivals: Arrivals, shutdown: CancellationToken) -> Router {
    Router::new()
        .route(PAGE_PATH, get(chat_page))
        .route("/chat/embed.js", get(embed_script))
        .route("/chat/api/visitor", post(new_visitor))
        .route("/chat/api/events", post(take_event))
        .route("/chat/api/photos", post(take_photo))
        .route("/chat/api/messages", get(messages))
        .with_state(Arc::new(Api {
            chat,
            arrivals,
            limits: Limits::new(),
            polls_per_visitor: Holds::new(POLLS_PER_VISITOR),
            polls_per_address: Holds::new(POLLS_PER_ADDRESS),
            shutdown,
        }))
}

/// Why a request is refused, as the page hears it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Refusal {
    Malformed,
    TooLong,
    /// A photo that is no JPEG, PNG, WebP or GIF, or larger than a platform would take.
    NotAPhoto,
    UnknownVisitor,
    TooMany(Duration),
    Unavailable,
}

impl Refusal {
    fn status(self) -> StatusCode {
        match self {
            Refusal::Malformed => StatusCode::BAD_REQUEST,
            Refusal::TooLong => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::NotAPhoto => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refusal::UnknownVisitor => StatusCode::UNAUTHORIZED,
            Refusal::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The code the page reads, and the message it shows.
    fn said(self) -> (&'static str, Msg) {
        match self {
            Refusal::Malformed => ("malformed", Msg::new("web-chat-error-malformed")),
            Refusal::TooLong => (
                "too-long",
                Msg::new("web-chat-error-too-long").number("max", MAX_TEXT_CHARS as i64),
            ),
            Refusal::NotAPhoto => (
                "not-a-photo",
                Msg::new("web-chat-error-not-a-photo")
                    .number("max", (pictures::MAX_BYTES / (1024 * 1024)) as i64),
            ),
            Refusal::UnknownVisitor => (
                "unknown-visitor",
                Msg::new("web-chat-error-unknown-visitor"),
            ),
            Refusal::TooMany(_) => ("too-many", Msg::new("web-chat-error-too-many")),
            Refusal::Unavailable => ("unavailable", Msg::new("web-chat-error-unavailable")),
        }
    }
}

impl From<TooMany> for Refusal {
    fn from(TooMany(wait): TooMany) -> Refusal {
        Refusal::TooMany(wait)
    }
}

impl From<Malformed> for Refusal {
    fn from(malformed: Malformed) -> Refusal {
        match malformed {
            Malformed::Unreadable => Refusal::Malformed,
            Malformed::TooLong => Refusal::TooLong,
        }
    }
}

impl Api {
    fn refuse(&self, refusal: Refusal, headers: &HeaderMap) -> Response {
        let (code, msg) = refusal.said();
        let message = self.chat.localizer.render(&msg, lang(headers));
        let mut response = (
            refusal.status(),
            Json(json!({"error": code, "message": message})),
        )
            .into_response();
        if let Refusal::TooMany(wait) = refusal {
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }

    /// Commits what the visitor did to the inbox; only then is the page answered.
    async fn commit(&self, stored: Stored) -> Result<(), Refusal> {
        let event = serde_json::to_value(&stored).expect("an event serializes");
        self.arrivals
            .commit_one(stored.event_id(), stored.visitor, event)
            .await
            .map_err(|e| unavailable(&e))
    }

    /// The page's answer to something it posted.
    fn answer(&self, taken: Result<(), Refusal>, headers: &HeaderMap) -> Response {
        match taken {
            Ok(()) => Json(json!({"ok": true})).into_response(),
            Err(refusal) => self.refuse(refusal, headers),
        }
    }

    /// The visitor a request comes from, within the limit of its network address.
    async fn visitor(
        &self,
        Client(from): Client,
        headers: &HeaderMap,
    ) -> Result<WebVisitor, Refusal> {
        self.limits.address(from)?;
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        visitor::find(&self.chat.store, token.trim())
            .await
            .map_err(|e| unavailable(&e))?
            .ok_or(Refusal::UnknownVisitor)
    }

    /// The visitor posting, within their limit.
    async fn poster(&self, client: Client, headers: &HeaderMap) -> Result<WebVisitor, Refusal> {
        let visitor = self.visitor(client, headers).await?;
        self.limits.visitor(&visitor.address)?;
        Ok(visitor)
    }
}

/// The page's language for its messages: English when it asks for it, else Vietnamese.
fn lang(headers: &HeaderMap) -> Lang {
    let asked = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if asked.trim_start().to_ascii_lowercase().starts_with("en") {
        Lang::En
    } else {
        Lang::Vi
    }
}

fn unavailable(error: &anyhow::Error) -> Refusal {
    tracing::error!(error = %format!("{error:#}"), "web chat cannot reach the database");
    Refusal::Unavailable
}

#[derive(Deserialize)]
struct PageQuery {
    lang: Option<String>,
}

fn page_lang(query: &PageQuery) -> Lang {
    query
        .lang
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or_default()
}

async fn chat_page(State(api): State<Arc<Api>>, Query(query): Query<PageQuery>) -> Response {
    let nonce = crate::channels::hex(&rand::random::<[u8; 16]>());
    let html = page::page(
        &api.chat.localizer,
        page_lang(&query),
        &api.chat.config.personas,
        &nonce,
    );
    let policy = format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; \
         img-src 'self' https: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'"
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CONTENT_SECURITY_POLICY, policy),
            // A demo's page carries its personas' tokens.
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::REFERRER_POLICY, "no-referrer".to_owned()),
        ],
        html,
    )
        .into_response()
}

async fn embed_script(State(api): State<Arc<Api>>, Query(query): Query<PageQuery>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        page::embed(&api.chat.localizer, page_lang(&query)),
    )
        .into_response()
}

async fn new_visitor(State(api): State<Arc<Api>>, client: Client, headers: HeaderMap) -> Response {
    if let Err(too_many) = api.limits.new_visitor(client.0) {
        return api.refuse(too_many.into(), &headers);
    }
    match visitor::create(&api.chat.store).await {
        Ok(visitor) => (
            StatusCode::CREATED,
            [(header::CACHE_CONTROL, "no-store")],
            Json(json!({"token": visitor.token.expose_secret()})),
        )
            .into_response(),
        Err(e) => api.refuse(unavailable(&e), &headers),
    }
}

/// Commits what the visitor did, and only then answers 200.
async fn take_event(
    State(api): State<Arc<Api>>,
    client: Client,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let taken = async {
        let visitor = api.poster(client, &headers).await?;
        let body = axum::body::to_bytes(body, MAX_BODY)
            .await
            .map_err(|_| Refusal::TooLong)?;
        let posted = Posted::read(&body)?;
        if visitor.forgotten {
            // Erased: the page may say it showed the goodbye, and nothing of it is kept; anything
            // else makes it start afresh as a new visitor.
            return match posted.act {
                Act::Read(_) => Ok(()),
                _ => Err(Refusal::UnknownVisitor),
            };
        }
        api.commit(Stored {
            visitor: visitor.address,
            posted,
        })
        .await
    };
    api.answer(taken.await, &headers)
}

#[derive(Deserialize)]
struct PhotoEvent {
    id: String,
}

/// Keeps a photo the visitor sent (the body, as the file's bytes), then commits it as an event
/// with the page's id for it, as `take_event` does: sent twice, it is one photo.
async fn take_photo(
    State(api): State<Arc<Api>>,
    client: Client,
    headers: HeaderMap,
    query: Result<Query<PhotoEvent>, axum::extract::rejection::QueryRejection>,
    body: Body,
) -> Response {
    let taken = async {
        let Query(PhotoEvent { id }) = query.map_err(|_| Refusal::Malformed)?;
        let visitor = api.poster(client, &headers).await?;
        if visitor.forgotten {
            return Err(Refusal::UnknownVisitor);
        }
        let address = visitor.address;
        let bytes = axum::body::to_bytes(body, pictures::MAX_BYTES)
            .await
            .map_err(|_| Refusal::NotAPhoto)?;
        let picture = Picture::read(bytes.to_vec()).ok_or(Refusal::NotAPhoto)?;
        let key = super::photo_key(&picture);
        let posted = Posted::photo(&id, key.clone())?;
        // Each photo is kept: the day's allowances bound what anyone can make us store.
        api.chat
            .store
            .keep_web_photo(&key, &address, client.0, &picture, &api.chat.config.photos)
            .await
            .map_err(|e| unavailable(&e))?
            .map_err(|_| Refusal::TooMany(Duration::from_secs(3600)))?;
        api.commit(Stored {
            visitor: address,
            posted,
        })
        .await
    };
    api.answer(taken.await, &headers)
}

#[derive(Deserialize)]
struct After {
    #[serde(default)]
    after: i64,
}

/// The visitor's messages after `after`, waiting for one when there is none yet.
async fn messages(
    State(api): State<Arc<Api>>,
    client: Client,
    headers: HeaderMap,
    query: Result<Query<After>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let fetched = async {
        let Query(After { after }) = query.map_err(|_| Refusal::Malformed)?;
        let Client(from) = client;
        // An erased visitor's page may still read the goodbye.
        let address = api.visitor(client, &headers).await?.address;
        // Held until the answer: a script cannot keep hundreds of polls waiting.
        let _held = (
            api.polls_per_visitor
                .take(address.clone())
                .ok_or(Refusal::TooMany(Duration::from_secs(1)))?,
            api.polls_per_address
                .take(from)
                .ok_or(Refusal::TooMany(Duration::from_secs(1)))?,
        );
        api.chat
            .mailbox
            .fetch(&address, after, LONG_POLL, &api.shutdown)
            .await
            .map_err(|e| unavailable(&e))
    };
    match fetched.await {
        Ok(messages) => {
            let messages: Vec<Value> = messages
                .into_iter()
                .map(|(id, mut message)| {
                    message["id"] = json!(id);
                    message
                })
                .collect();
            (
                [(header::CACHE_CONTROL, "no-store")],
                Json(json!({"messages": messages})),
            )
                .into_response()
        }
        Err(refusal) => api.refuse(refusal, &headers),
    }
}
