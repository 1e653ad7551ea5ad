//! Test support: a fresh, migrated database per test on a real PostgreSQL server — the one in
//! DATABASE_URL, or else a private cluster this test process starts (and that stops when it exits).

#![allow(dead_code)] // each test binary uses its own part of this module

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

pub mod outage;
pub mod pacing;

use danvan::engine::Engine;
use danvan::message::{Inbound, InboundKind, Outbound, Reply};
use danvan::store::{ClusterOptions, PrivateCluster, Store, provision};

pub struct TestDb {
    pub store: Store,
    pub url: String,
}

/// The URL of a database on the test server that we may create databases from.
fn server_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            let base = std::env::temp_dir();
            remove_clusters_of_dead_processes(&base);
            let dir = base.join(format!("danvan-test-{}", std::process::id()));
            let cluster = PrivateCluster::start(&dir, ClusterOptions { durable: false })
                .unwrap_or_else(|e| panic!("cannot start a test PostgreSQL cluster: {e}"));
            cluster.url("postgres")
        }
    })
}

fn remove_clusters_of_dead_processes(base: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name
            .strip_prefix("danvan-test-")
            .and_then(|p| p.parse::<u32>().ok())
            && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

pub async fn test_db() -> TestDb {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let server = server_url();
    static CLEANED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    CLEANED
        .get_or_init(|| async {
            // On a shared server, earlier runs' databases would pile up.
            provision::drop_abandoned_databases(server, "danvan_test_")
                .await
                .expect("dropping old test databases");
        })
        .await;
    let name = format!(
        "danvan_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    provision::create_migrated_database(server, &name)
        .await
        .expect("creating the test database");
    let url = provision::with_database(server, &name).unwrap();
    let store = Store::connect(&url, 8)
        .await
        .expect("connecting to the test database");
    TestDb { store, url }
}

/// A fresh, empty database (no migrations run): its URL.
pub async fn empty_db() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let server = server_url();
    let name = format!(
        "danvan_test_{}_empty_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    provision::ensure_database(server, &name)
        .await
        .expect("creating the test database");
    provision::with_database(server, &name).unwrap()
}

/// A fresh database with the demo units (Hưng Yên) and an engine on it.
pub async fn demo_engine() -> (TestDb, Engine) {
    demo_engine_at(danvan::clock::system()).await
}

/// The same, with the engine reading the time from `clock`.
pub async fn demo_engine_at(clock: danvan::clock::Clock) -> (TestDb, Engine) {
    let db = test_db().await;
    danvan::seed::demo_if_empty(&db.store).await.unwrap();
    let engine = Engine::with_clock(db.store.clone(), clock).await.unwrap();
    (db, engine)
}

/// A clock the test sets, in Vietnam time ("YYYY-MM-DD HH:MM").
#[derive(Clone)]
pub struct TestClock(std::sync::Arc<std::sync::Mutex<chrono::DateTime<chrono::Utc>>>);

impl TestClock {
    pub fn at(local: &str) -> TestClock {
        TestClock(std::sync::Arc::new(std::sync::Mutex::new(
            danvan::domain::vn_time::parse(local).unwrap(),
        )))
    }
    pub fn set(&self, local: &str) {
        *self.0.lock().unwrap() = danvan::domain::vn_time::parse(local).unwrap();
    }
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        *self.0.lock().unwrap()
    }
    pub fn shared(&self) -> danvan::clock::Clock {
        let time = self.0.clone();
        std::sync::Arc::new(move || *time.lock().unwrap())
    }
}

/// Creates survey `file` for the units with these ids and opens it, as staff would; its id.
pub async fn open_survey(
    engine: &Engine,
    file: &danvan::domain::survey::SurveyFile,
    units: &[i64],
) -> i64 {
    let mut tx = engine.store().begin().await.unwrap();
    let id = danvan::app::surveys::create(&mut tx, file, units, None, engine.now())
        .await
        .unwrap();
    danvan::app::surveys::open(&mut tx, id, engine.now())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// A fresh database with all 3,321 communes of the 2026 list and their former names (no boundaries).
pub async fn national_engine() -> (TestDb, Engine) {
    let db = test_db().await;
    let units = danvan::domain::units::parse_unit_list(danvan::seed::UNIT_LIST_2026).unwrap();
    db.store
        .import_units(&units, "2026-07", &Default::default())
        .await
        .unwrap();
    let map = danvan::domain::former::parse_merger_map(danvan::seed::MERGER_MAP_2025).unwrap();
    db.store.import_former(&map, "2025").await.unwrap();
    let engine = Engine::new(db.store.clone()).await.unwrap();
    (db, engine)
}

/// One person chatting with the engine, as a channel would deliver their events.
pub struct Person<'a> {
    pub engine: &'a Engine,
    pub channel: String,
    pub address: String,
    events: u32,
    pub last: Option<Outbound>,
    /// On a channel without buttons: typed numbers press numbered choices.
    pub numbered: bool,
}

impl<'a> Person<'a> {
    pub fn new(engine: &'a Engine, address: &str) -> Person<'a> {
        Person::on(engine, "test", address)
    }

    /// Someone chatting on `channel` (as "telegram", with a chat id as address, a channel can reach
    /// them later).
    pub fn on(engine: &'a Engine, channel: &str, address: &str) -> Person<'a> {
        Person {
            engine,
            channel: channel.into(),
            address: address.into(),
            events: 0,
            last: None,
            numbered: false,
        }
    }

    /// Someone on a channel without buttons (numbered choices), as the shell or Zalo's Bot API.
    pub fn numbered(engine: &'a Engine, channel: &str, address: &str) -> Person<'a> {
        Person {
            numbered: true,
            ..Person::on(engine, channel, address)
        }
    }

    pub async fn send(&mut self, text: &str) -> Outbound {
        self.event(InboundKind::typed(text)).await
    }

    pub async fn press(&mut self, payload: &str) -> Outbound {
        self.event(InboundKind::Button(payload.into())).await
    }

    /// Presses the button of the last replies whose label reads `label`.
    pub async fn tap(&mut self, label: &str) -> Outbound {
        let last = self.last.clone().expect("nothing to tap yet");
        let payload = last
            .replies
            .iter()
            .flat_map(|r| r.buttons.iter().flatten())
            .find(|b| self.engine.localizer().render(&b.label, last.lang) == label)
            .unwrap_or_else(|| panic!("no button {label:?} in {}", render(self.engine, &last)))
            .payload
            .clone();
        self.press(&payload).await
    }

    pub async fn event(&mut self, kind: InboundKind) -> Outbound {
        self.events += 1;
        // Unique across Person values, so two of them for one chat do not replay each other.
        static EVENTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = EVENTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let inbound = self.inbound(kind, &format!("{}-{}-{n}", self.address, self.events));
        let out = self
            .engine
            .handle(&inbound)
            .await
            .unwrap()
            .expect("a new event is handled");
        self.last = Some(out.clone());
        out
    }

    pub fn inbound(&self, kind: InboundKind, event_id: &str) -> Inbound {
        Inbound {
            channel: self.channel.clone(),
            address: self.address.clone(),
            event_id: event_id.into(),
            kind,
            // The made-up "test" channel only answers; real channel names can be messaged later.
            traits: danvan::message::ChatTraits {
                can_push: self.channel != "test",
                numbered: self.numbered,
            },
        }
    }

    /// Starts in Vietnamese and consents, up to the question of where they live.
    pub async fn consent(&mut self) {
        self.send("/start").await;
        self.press("lang:vi").await;
        self.press("consent:yes").await;
    }

    /// Takes `role` on the unit with `unit_code` the way staff do: an invitation code, then `/join`.
    pub async fn take_role(&mut self, role: danvan::domain::access::Role, unit_code: &str) {
        let grant = danvan::domain::access::Grant {
            role,
            unit_id: self.engine.units().by_code(unit_code).unwrap().id,
        };
        let mut tx = self.engine.store().begin().await.unwrap();
        let expires = self.engine.now() + chrono::Duration::days(1);
        let code = tx.create_invite(&grant, 1, expires, "test").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(ids(&self.send(&format!("/join {code}")).await), ["join-ok"]);
    }

    /// Signs up in Vietnamese, typing `place` and confirming the single match.
    pub async fn sign_up(&mut self, place: &str) {
        self.consent().await;
        let found = self.send(place).await;
        assert_eq!(
            ids(&found),
            ["unit-confirm"],
            "{place:?} should find one place"
        );
        let done = self.press("unit:yes").await;
        assert_eq!(ids(&done), ["signup-done"]);
    }
}

/// The text argument `name` of the first reply (a code it shows, say).
pub fn text_arg(out: &Outbound, name: &str) -> String {
    out.replies[0]
        .body
        .args
        .iter()
        .find_map(|(n, arg)| match (*n, arg) {
            (n, danvan::message::Arg::Text(text)) if n == name => Some(text.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the reply shows no {name}"))
}

/// The message ids of the replies, in order.
pub fn ids(out: &Outbound) -> Vec<&'static str> {
    out.replies.iter().map(|r| r.body.id).collect()
}

/// All the replies' text and buttons as a person would read them.
pub fn render(engine: &Engine, out: &Outbound) -> String {
    let l = engine.localizer();
    out.replies
        .iter()
        .map(|r: &Reply| {
            let buttons: Vec<String> = r
                .buttons
                .iter()
                .flatten()
                .map(|b| format!("[{}]", l.render(&b.label, out.lang)))
                .collect();
            format!("{} {}", l.render(&r.body, out.lang), buttons.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Button labels of the replies, rendered.
pub fn button_labels(engine: &Engine, out: &Outbound) -> Vec<String> {
    out.replies
        .iter()
        .flat_map(|r| r.buttons.iter().flatten())
        .map(|b| engine.localizer().render(&b.label, out.lang))
        .collect()
}

/// Runs the danvan binary on the database at `url`; its standard output, failing the test if it fails.
pub fn danvan_ok(args: &[&str], url: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_danvan"))
        .args(args)
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
