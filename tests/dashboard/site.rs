//! A running dashboard on a fresh database, and a browser-like client (cookies, forms with their
//! CSRF token) signed in as some login.

use std::sync::Arc;

use danvan::channels::Channel;
use danvan::engine::Engine;
use danvan::serve::{self, Running};
use danvan::store::Store;
use reqwest::StatusCode;

/// The token /metrics asks for.
pub const METRICS_TOKEN: &str = "scrape-9f3c";

pub struct Site {
    // Kept for the life of the site: dropping it would drop the database under it.
    pub _db: crate::common::TestDb,
    pub engine: Arc<Engine>,
    pub running: Running,
}

impl Site {
    /// The demo province, the dashboard and /metrics, on a port of its own.
    pub async fn start() -> Site {
        Site::start_with(|_| vec![]).await
    }

    /// [`Site::start`], with channels (made from the site's store) served beside it.
    pub async fn start_with(channels: impl FnOnce(&Store) -> Vec<Arc<dyn Channel>>) -> Site {
        Site::start_as(danvan::clock::system(), &Default::default(), channels).await
    }

    /// The demo province and the dashboard reading the time from `clock`, reached as `web`
    /// says, with /metrics.
    pub async fn start_as(
        clock: danvan::clock::Clock,
        web: &danvan::dashboard::WebSettings,
        channels: impl FnOnce(&Store) -> Vec<Arc<dyn Channel>>,
    ) -> Site {
        let (db, engine) = crate::common::demo_engine_at(clock).await;
        let engine = Arc::new(engine);
        let channels = channels(engine.store());
        let pages = danvan::dashboard::routes(engine.clone(), web, &channels)
            .await
            .unwrap()
            .merge(danvan::telemetry::routes(
                engine.clone(),
                Some(METRICS_TOKEN.into()),
            ));
        let running = serve::start_with(
            engine.clone(),
            channels,
            1,
            "127.0.0.1:0".parse().unwrap(),
            pages,
        )
        .await
        .unwrap();
        Site {
            _db: db,
            engine,
            running,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.running.addr)
    }

    pub fn unit(&self, code: &str) -> i64 {
        self.engine.units().by_code(code).unwrap().id
    }

    /// A login for an admin of `unit`, its own password already chosen; a client signed in as it.
    pub async fn signed_in(&self, name: &str, unit: &str) -> Browser {
        let one_time = danvan::app::logins::create(
            self.engine.store(),
            name,
            self.unit(unit),
            self.engine.now(),
        )
        .await
        .unwrap();
        let mut browser = Browser::new(self);
        let response = browser.sign_in(name, &one_time).await;
        assert_eq!(response.url().path(), "/password");
        let response = browser
            .submit(
                "/password",
                &[
                    ("password", "mat-khau-rieng-1"),
                    ("repeated", "mat-khau-rieng-1"),
                ],
            )
            .await;
        assert_eq!(response.url().path(), "/");
        browser
    }
}

/// A client keeping cookies, as a browser would.
pub struct Browser {
    client: reqwest::Client,
    /// The same browser (its cookies), following no redirect: what a form answers itself.
    unfollowed: reqwest::Client,
    base: String,
}

/// The page a form went back to, once the form answered with a redirect (Post/Redirect/Get):
/// `path` with what the form kept (`kept=N`). Its text.
pub async fn back_to(response: reqwest::Response, path: &str) -> String {
    let url = response.url().clone();
    assert_eq!(url.path(), path, "{url}");
    assert!(
        url.query().is_some_and(|q| q.contains("kept=")),
        "not a page a form went back to: {url}"
    );
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    response.text().await.unwrap()
}

/// The sign-in page a refused sign-in went back to, saying `why` (its address carries it: there
/// is no session before signing in). Its text.
pub async fn sign_in_refused(response: reqwest::Response, why: &str) -> String {
    let url = response.url().clone();
    assert_eq!(url.path(), "/login", "{url}");
    assert!(
        url.query_pairs().any(|(k, v)| k == "refused" && v == why),
        "not refused as {why}: {url}"
    );
    response.text().await.unwrap()
}

impl Browser {
    pub fn new(site: &Site) -> Browser {
        Browser::from(site, std::net::Ipv4Addr::LOCALHOST)
    }

    /// A browser on another machine: its requests come from `address` (any of 127.0.0.0/8).
    pub fn from(site: &Site, address: std::net::Ipv4Addr) -> Browser {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client = || {
            reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .local_address(std::net::IpAddr::V4(address))
        };
        Browser {
            client: client().build().unwrap(),
            unfollowed: client()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: site.url(""),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        (response.status(), response.text().await.unwrap())
    }

    /// The CSRF token of the forms on `path`.
    pub async fn token(&self, path: &str) -> String {
        let (_, html) = self.page(path).await;
        let start = html
            .find("name=\"csrf\" value=\"")
            .expect("a form with a token")
            + 19;
        html[start..start + html[start..].find('"').unwrap()].to_owned()
    }

    /// Posts a form as the page at `path` would (with the token it carries).
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.token(path).await;
        self.post(path, &token, fields).await
    }

    /// Posts to `action` with the token from the page at `from`.
    pub async fn submit_from(
        &self,
        from: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.token(from).await;
        self.post(action, &token, fields).await
    }

    pub async fn post(
        &self,
        action: &str,
        token: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_with(&self.client, action, token, fields).await
    }

    /// What a form answers itself, its redirect not followed.
    pub async fn answer(
        &self,
        action: &str,
        token: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_with(&self.unfollowed, action, token, fields)
            .await
    }

    async fn post_with(
        &self,
        client: &reqwest::Client,
        action: &str,
        token: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf", token)];
        form.extend_from_slice(fields);
        client
            .post(format!("{}{action}", self.base))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    pub async fn sign_in(&mut self, name: &str, password: &str) -> reqwest::Response {
        self.submit("/login", &[("name", name), ("password", password)])
            .await
    }
}

impl Browser {
    pub async fn multipart(&self, url: &str, form: reqwest::multipart::Form) -> reqwest::Response {
        self.client.post(url).multipart(form).send().await.unwrap()
    }
}
