//! `danvan demo`: Hưng Yên with a history, the dashboard and the web chat on localhost.

use anyhow::Context;
use secrecy::SecretString;

use crate::app;
use crate::engine::Engine;
use crate::store::{DatabaseSource, Store};

/// The demo's login name.
const DEMO_LOGIN: &str = "demo";

pub async fn run(
    source: &DatabaseSource,
    listen: std::net::SocketAddr,
    plain_http: bool,
    survey_key: Option<SecretString>,
) -> anyhow::Result<()> {
    let store = Store::open(source, 16).await?;
    crate::seed::demo_if_empty(&store).await?;
    let engine = Engine::new(store).await?.with_survey_key(survey_key);
    let engine = std::sync::Arc::new(engine);
    let store = engine.store();
    if crate::seed::demo_history_if_new(store, engine.now()).await? {
        eprintln!(
            "danvan: wrote the demo's history (Hưng Yên: residents, notices, a survey, activities)"
        );
    }
    let province = engine
        .units()
        .by_code(crate::seed::DEMO_PROVINCE)
        .context("the demo province is not loaded")?
        .id;
    let password = app::logins::demo(store, DEMO_LOGIN, province, engine.now()).await?;
    let personas = crate::seed::demo_personas(store, &engine.units(), engine.localizer()).await?;
    let channels: Vec<std::sync::Arc<dyn crate::channels::Channel>> =
        vec![crate::channels::web::WebChat::new(
            crate::channels::web::WebChatConfig {
                personas,
                ..Default::default()
            },
            store.clone(),
        )];
    let web = crate::dashboard::WebSettings {
        public_url: None,
        plain_http,
    };
    let pages = crate::dashboard::routes(engine.clone(), &web, &channels).await?;
    println!("danvan demo");
    println!("  dashboard: http://{listen}/   sign in as {DEMO_LOGIN} / {password}");
    println!("  web chat:  http://{listen}/chat");
    crate::serve::run_until_signal(engine, channels, 4, listen, pages).await
}
