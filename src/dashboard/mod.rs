//! The committee dashboard: server-rendered pages (askama templates) over the same application
//! layer the chat and the command line use. Staff sign in with a login that acts as an admin of its
//! unit; every page reads and acts within that scope through `domain::access::authorize`.
//! Sessions live in PostgreSQL (tower-sessions), every form carries a CSRF token (axum_csrf), and
//! requests from another origin are refused.

mod auth;
mod consultations;
mod documents;
mod frame;
mod households;
mod kept;
mod notices;
mod overview;
mod reports;
mod survey_form;
mod surveys;
mod tickets;
mod unit_import;
mod units;

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_csrf::{CsrfConfig, Key};
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration as CookieDuration;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use crate::channels::Channel;
use crate::engine::Engine;
use crate::store::Store;

pub use auth::SignInLimits;

/// How the dashboard is reached.
#[derive(Debug, Clone, Default)]
pub struct WebSettings {
    /// The public origin (`DANVAN_PUBLIC_URL`): forms are only taken from this origin. Without
    /// it, from the address the browser used.
    pub public_url: Option<url::Url>,
    /// Cookies without `Secure` (`DANVAN_PLAIN_HTTP`), for a browser reaching a development
    /// machine over plain http by a network address. Browsers take secure cookies from
    /// `http://127.0.0.1` and `http://localhost`, so the demo needs no such thing.
    pub plain_http: bool,
}

/// What every handler reads.
#[derive(Clone)]
pub struct Dash {
    pub engine: Arc<Engine>,
    /// The channels served beside the pages, which activity photos are fetched from.
    channels: Arc<[Arc<dyn Channel>]>,
    csrf: CsrfConfig,
    limits: Arc<SignInLimits>,
    origin: Option<String>,
    /// Where danvan is reached from outside: links to public pages (a draft's whole text).
    public_url: Option<url::Url>,
    /// Whether cookies say `Secure`: always, unless plain http was asked for.
    secure: bool,
}

impl FromRef<Dash> for CsrfConfig {
    fn from_ref(dash: &Dash) -> CsrfConfig {
        dash.csrf.clone()
    }
}

/// A signed-in session lasts this long without a request.
pub(crate) const IDLE_HOURS: i64 = 8;

/// Where the dashboard's sessions are kept (tower-sessions' PostgreSQL store).
pub fn session_store(store: &Store) -> anyhow::Result<PostgresStore> {
    PostgresStore::new(store.pool().clone())
        .with_schema_name("public")
        .and_then(|s| s.with_table_name("web_sessions"))
        .map_err(|e| anyhow::anyhow!(e))
}

/// The dashboard's routes, with their session, CSRF and origin layers; activity photos are
/// fetched from `channels`.
pub async fn routes(
    engine: Arc<Engine>,
    settings: &WebSettings,
    channels: &[Arc<dyn Channel>],
) -> anyhow::Result<Router> {
    let store = engine.store().clone();
    // Secure by default: a session cookie must never cross a network in clear text.
    let secure = !settings.plain_http;
    // Every process signs CSRF tokens with the same key, so a form served by one is taken by another.
    let key = store.kept_secret("csrf_key").await?;
    let salt = crate::channels::hex(&store.kept_secret("csrf_salt").await?);
    let csrf = CsrfConfig::default()
        .with_key(Some(Key::from(&key)))
        .with_salt(salt)
        .with_cookie_name("dv_csrf")
        .with_cookie_path("/")
        .with_http_only(true)
        .with_secure(secure)
        .with_cookie_same_site(SameSite::Strict);
    let dash = Dash {
        engine,
        channels: channels.into(),
        csrf,
        limits: Arc::new(SignInLimits::new()),
        origin: settings
            .public_url
            .as_ref()
            .map(|u| u.origin().ascii_serialization()),
        public_url: settings.public_url.clone(),
        secure,
    };
    let kept_sessions = session_store(&store)?;
    // A request reads only its own session: expired ones are swept hourly, or they would pile up.
    // The sweep ends at a database error; it starts again a minute later.
    let swept = kept_sessions.clone();
    tokio::spawn(async move {
        loop {
            let period = std::time::Duration::from_secs(3600);
            if let Err(e) = swept.clone().continuously_delete_expired(period).await {
                tracing::warn!(error = %e, "sweeping expired sessions failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
    });
    let sessions = SessionManagerLayer::new(kept_sessions)
        .with_name("dv_session")
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(CookieDuration::hours(IDLE_HOURS)));
    Ok(Router::new()
        .route("/", get(overview::page))
        .route("/login", get(auth::sign_in_page).post(auth::sign_in))
        .route("/logout", post(auth::sign_out))
        .route(
            "/password",
            get(auth::password_page).post(auth::change_password),
        )
        .route("/lang", post(frame::switch_language))
        .route("/notices", get(notices::list).post(notices::create))
        .route("/notices/new", get(notices::compose))
        .route("/notices/{id}", get(notices::status))
        .route("/notices/{id}/live", get(notices::live))
        .route("/notices/{id}/cancel", post(notices::cancel))
        .route("/surveys", get(surveys::list).post(surveys::upload))
        .route(
            "/surveys/new",
            get(survey_form::form).post(survey_form::create),
        )
        .route("/surveys/{id}", get(surveys::results))
        .route("/surveys/{id}/action", post(surveys::act))
        .route("/surveys/{id}/chart/{question}", get(surveys::chart))
        .route("/surveys/{id}/export.csv", get(surveys::export))
        .route("/surveys/{id}/results.docx", get(documents::survey))
        .route(
            "/consultations",
            get(consultations::list).post(consultations::create),
        )
        .route("/consultations/{id}", get(consultations::results))
        .route("/consultations/{id}/action", post(consultations::act))
        .route(
            "/consultations/{id}/meetings",
            post(consultations::add_meeting),
        )
        .route("/consultations/{id}/export.csv", get(consultations::export))
        .route(
            "/consultations/{id}/results.docx",
            get(documents::consultation),
        )
        .route("/du-thao/{id}", get(consultations::public_draft))
        .route("/reports", get(reports::page))
        .route("/reports/chart/{n}", get(reports::chart))
        .route("/reports/export/{kind}", get(reports::export))
        .route("/reports/report.docx", get(documents::report))
        .route("/activities", get(reports::activities))
        .route("/activities/{id}/photos/{n}", get(reports::photo))
        .route("/households", get(households::page))
        .route("/households/assign", post(households::assign))
        .route("/households/add", post(households::add))
        .route("/households/{code}", get(households::household))
        .route("/tickets", get(tickets::queue))
        .route("/tickets/{id}", get(tickets::show))
        .route("/tickets/{id}/photos/{n}", get(tickets::photo))
        .route("/tickets/{id}/{move}", post(tickets::act))
        .route("/units", get(units::tree))
        .route(
            "/units/import",
            get(unit_import::form).post(unit_import::preview),
        )
        .route("/units/import/apply", post(unit_import::apply))
        .route("/invites", get(units::invites).post(units::invite))
        .route("/assets/dashboard.css", get(stylesheet))
        .route("/assets/dashboard.js", get(script))
        .fallback(|| async { WebError::NotFound })
        .layer(middleware::from_fn_with_state(dash.clone(), not_found_page))
        .layer(middleware::from_fn_with_state(dash.clone(), same_origin))
        .layer(sessions)
        .layer(middleware::map_response(guarded))
        .with_state(dash))
}

/// Every answer of the dashboard: never shown inside another site's frame (a click on a hidden
/// "send" button), never kept by a shared cache or the browser's history (pages and CSV files
/// name people), unless it says otherwise (the stylesheet); read as the type it says.
async fn guarded(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("frame-ancestors 'none'"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/dashboard/dashboard.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/dashboard/dashboard.js"),
    )
}

#[derive(askama::Template)]
#[template(path = "dashboard/not_found.html")]
struct NotFoundPage<'a> {
    t: frame::Texts<'a>,
}

/// A page that is not there (or not the login's to see) says so in the reader's language, with
/// the way back, rather than a bare "404".
async fn not_found_page(State(dash): State<Dash>, request: Request, next: Next) -> Response {
    let lang = frame::language(request.headers());
    let response = next.run(request).await;
    if response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    let page = NotFoundPage {
        t: frame::Texts::new(dash.engine.localizer(), lang),
    };
    match askama::Template::render(&page) {
        Ok(html) => (StatusCode::NOT_FOUND, axum::response::Html(html)).into_response(),
        Err(_) => response,
    }
}

/// Refuses a form posted from another origin (a second line behind the CSRF token): the Origin
/// header, when the browser sends one, must be ours.
async fn same_origin(State(dash): State<Dash>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET
        && request.method() != Method::HEAD
        && !origin_allowed(request.headers(), dash.origin.as_deref())
    {
        return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
    }
    next.run(request).await
}

fn origin_allowed(headers: &HeaderMap, ours: Option<&str>) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    match ours {
        Some(ours) => origin == ours,
        // Without a configured origin, the one the browser addressed.
        None => headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|host| {
                origin
                    .strip_prefix("http://")
                    .or_else(|| origin.strip_prefix("https://"))
                    == Some(host)
            }),
    }
}

/// What a handler can fail with; internal errors are logged and hidden.
#[derive(Debug)]
pub enum WebError {
    /// No such thing, or not the admin's to see: the same answer, so an id reveals nothing.
    NotFound,
    /// The form's CSRF token is missing or wrong.
    BadToken,
    Internal(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for WebError {
    fn from(e: E) -> WebError {
        WebError::Internal(e.into())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::NotFound => (StatusCode::NOT_FOUND, "404").into_response(),
            WebError::BadToken => (
                StatusCode::FORBIDDEN,
                "the form has expired: go back, reload the page and send it again",
            )
                .into_response(),
            WebError::Internal(e) => {
                tracing::error!(error = %format!("{e:#}"), "dashboard request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "500").into_response()
            }
        }
    }
}

pub type WebResult = Result<Response, WebError>;

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(o) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
        }
        h
    }

    #[test]
    fn forms_are_taken_only_from_our_own_origin() {
        let ours = Some("https://danvan.hungyen.gov.vn");
        assert!(origin_allowed(&headers(None, "x"), ours));
        assert!(origin_allowed(
            &headers(Some("https://danvan.hungyen.gov.vn"), "x"),
            ours
        ));
        assert!(!origin_allowed(
            &headers(Some("https://evil.example"), "x"),
            ours
        ));
        assert!(origin_allowed(
            &headers(Some("http://127.0.0.1:8080"), "127.0.0.1:8080"),
            None
        ));
        assert!(!origin_allowed(
            &headers(Some("http://evil.example"), "127.0.0.1:8080"),
            None
        ));
    }
}
