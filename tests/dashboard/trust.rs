//! What keeps a stranger out of the dashboard (issue #22): sessions that end, one-time passwords
//! that lapse, logins that can be disabled, cookies only over TLS, no session rows for visitors
//! who never signed in, and /metrics only for its token.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use danvan::dashboard::WebSettings;
use reqwest::StatusCode;

use crate::site::{Browser, METRICS_TOKEN, Site, sign_in_refused};

const PROVINCE: &str = "33";

/// A clock that runs with the system's, moved on by the test.
#[derive(Clone, Default)]
struct Later(Arc<AtomicI64>);

impl Later {
    fn clock(&self) -> danvan::clock::Clock {
        let later = self.0.clone();
        Arc::new(move || {
            chrono::Utc::now() + chrono::Duration::seconds(later.load(Ordering::SeqCst))
        })
    }

    fn move_on(&self, hours: i64) {
        self.0.fetch_add(hours * 3600, Ordering::SeqCst);
    }
}

async fn session_rows(site: &Site) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM web_sessions")
        .fetch_one(site.engine.store().pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn choosing_a_language_a_refused_sign_in_or_signing_out_makes_no_session_row() {
    let site = Site::start().await;
    let mut browser = Browser::new(&site);
    // Refused, the sign-in page says why from its address: nothing is kept for the stranger.
    let refused = browser.sign_in("tinh", "doan-bua-di").await;
    sign_in_refused(refused, "wrong").await;
    assert_eq!(session_rows(&site).await, 0);
    let token = browser.token("/login").await;
    let chosen = browser
        .post("/lang", &token, &[("lang", "en"), ("back", "/login")])
        .await;
    assert_eq!(chosen.url().path(), "/login");
    assert!(chosen.text().await.unwrap().contains("Sign in"));
    browser.post("/logout", &token, &[]).await;
    assert_eq!(session_rows(&site).await, 0);

    // Signed in, one row; signed out, none, and the language chosen stays.
    let signed_in = site.signed_in("tinh", PROVINCE).await;
    assert_eq!(session_rows(&site).await, 1);
    let token = signed_in.token("/").await;
    signed_in
        .post("/lang", &token, &[("lang", "en"), ("back", "/")])
        .await;
    let out = signed_in.post("/logout", &token, &[]).await;
    assert_eq!(out.url().path(), "/login");
    assert!(out.text().await.unwrap().contains("Sign in"));
    assert_eq!(session_rows(&site).await, 0);
}

fn cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn cookies_are_secure_unless_plain_http_is_asked_for() {
    for plain_http in [false, true] {
        let web = WebSettings {
            public_url: None,
            plain_http,
        };
        let site = Site::start_as(danvan::clock::system(), &web, |_| vec![]).await;
        let password = danvan::app::logins::create(
            site.engine.store(),
            "tinh",
            site.unit(PROVINCE),
            site.engine.now(),
        )
        .await
        .unwrap();
        // Each answer as it comes, redirects not followed.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        let form = http.get(site.url("/login")).send().await.unwrap();
        let mut set = cookies(&form);
        let html = form.text().await.unwrap();
        let start = html.find("name=\"csrf\" value=\"").unwrap() + 19;
        let token = &html[start..start + html[start..].find('"').unwrap()];
        let lang = http
            .post(site.url("/lang"))
            .form(&[("csrf", token), ("lang", "en")])
            .send()
            .await
            .unwrap();
        set.extend(cookies(&lang));
        let signed_in = http
            .post(site.url("/login"))
            .form(&[("csrf", token), ("name", "tinh"), ("password", &password)])
            .send()
            .await
            .unwrap();
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
        set.extend(cookies(&signed_in));
        for name in ["dv_csrf=", "dv_lang=", "dv_session="] {
            let cookie = set
                .iter()
                .find(|c| c.starts_with(name))
                .unwrap_or_else(|| panic!("{name} among {set:?}"));
            assert_eq!(cookie.contains("; Secure"), !plain_http, "{cookie}");
        }
        // Browsers (and this client) send secure cookies to http://127.0.0.1: the quick start works.
        let mut browser = Browser::new(&site);
        let again = browser.sign_in("tinh", &password).await;
        assert_eq!(again.url().path(), "/password");
        assert_eq!(browser.page("/password").await.0, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_session_ends_a_working_day_after_its_sign_in_however_busy() {
    let later = Later::default();
    let site = Site::start_as(later.clock(), &Default::default(), |_| vec![]).await;
    let browser = site.signed_in("tinh", PROVINCE).await;
    // A request every few hours keeps it from going idle, not from ending.
    for _ in 0..5 {
        later.move_on(2);
        assert_eq!(browser.page("/").await.0, StatusCode::OK);
    }
    later.move_on(2);
    assert_eq!(browser.get("/").await.url().path(), "/login");
    assert_eq!(session_rows(&site).await, 0);
}

#[tokio::test]
async fn a_one_time_password_lapses_after_seven_days() {
    let later = Later::default();
    let site = Site::start_as(later.clock(), &Default::default(), |_| vec![]).await;
    let store = site.engine.store();
    let on_time =
        danvan::app::logins::create(store, "xa-tien-lu", site.unit("12364"), site.engine.now())
            .await
            .unwrap();
    let lapsing =
        danvan::app::logins::create(store, "tinh", site.unit(PROVINCE), site.engine.now())
            .await
            .unwrap();
    later.move_on(6 * 24);
    let mut browser = Browser::new(&site);
    assert_eq!(
        browser.sign_in("xa-tien-lu", &on_time).await.url().path(),
        "/password"
    );
    later.move_on(24 + 1);
    let mut other = Browser::from(&site, std::net::Ipv4Addr::new(127, 0, 0, 2));
    let lapsed = other.sign_in("tinh", &lapsing).await;
    assert!(
        sign_in_refused(lapsed, "one-time-lapsed")
            .await
            .contains("hết hạn")
    );
    // A new one works again, for another seven days.
    let fresh = danvan::app::logins::reset(store, "tinh", site.engine.now())
        .await
        .unwrap();
    assert_eq!(
        other.sign_in("tinh", &fresh).await.url().path(),
        "/password"
    );
}

#[tokio::test]
async fn a_disabled_login_cannot_sign_in_and_its_open_sessions_end() {
    let site = Site::start().await;
    let desk = site.signed_in("tinh", PROVINCE).await;
    assert_eq!(desk.page("/").await.0, StatusCode::OK);
    // What `danvan admin disable tinh` does.
    assert!(site.engine.store().disable_login("tinh").await.unwrap());
    assert_eq!(desk.get("/").await.url().path(), "/login");
    assert_eq!(session_rows(&site).await, 0);
    let mut again = Browser::from(&site, std::net::Ipv4Addr::new(127, 0, 0, 3));
    let refused = again.sign_in("tinh", "mat-khau-rieng-1").await;
    sign_in_refused(refused, "wrong").await;
    assert!(!site.engine.store().disable_login("nobody").await.unwrap());
}

async fn scrape(site: &Site, token: Option<&str>) -> (StatusCode, String) {
    let mut request = reqwest::Client::new().get(site.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn metrics_ask_for_their_token_even_from_this_machine_and_count_queues_every_few_seconds() {
    let site = Site::start().await;
    // A proxy on this machine makes every request come from loopback: that proves nothing.
    assert_eq!(scrape(&site, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        scrape(&site, Some("guess")).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, text) = scrape(&site, Some(METRICS_TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("# TYPE danvan_queue_depth gauge"), "{text}");
    let waiting = "danvan_queue_depth{queue=\"outbox\",channel=\"telegram\"} 1";
    assert!(!text.contains(waiting), "{text}");

    // Scrapes within a few seconds read the same counts: the queues are not counted for each.
    sqlx::query("INSERT INTO outbox (channel, address, payload) VALUES ('telegram', '1', '{}')")
        .execute(site.engine.store().pool())
        .await
        .unwrap();
    for _ in 0..20 {
        let (_, text) = scrape(&site, Some(METRICS_TOKEN)).await;
        assert!(!text.contains(waiting), "{text}");
    }
    tokio::time::sleep(danvan::telemetry::DEPTHS_FRESH + Duration::from_millis(200)).await;
    let (_, text) = scrape(&site, Some(METRICS_TOKEN)).await;
    assert!(text.contains(waiting), "{text}");

    let health = reqwest::get(site.url("/health")).await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
}
