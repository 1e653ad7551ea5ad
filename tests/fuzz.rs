//! Fuzzing on stable Rust (issue #22): every decoder of what strangers send — a Telegram update, a
//! Zalo bot update, a Zalo OA event, a web chat event, a button payload, a notice or survey file,
//! Telex/VNI typing — gets inputs mutated from the seed corpus in `fuzz/corpus/<decoder>/` for a
//! bounded time, and must answer each (with a value or an error) without panicking. cargo-fuzz
//! needs a nightly compiler, which danvan does not use; this is the same loop (mutate a corpus
//! entry, run, keep going) without coverage feedback, so byte-level mutations are mixed with
//! JSON-aware ones that keep inputs decodable deep into each decoder.
//!
//! `cargo test --test fuzz` runs each decoder for 2 s; `DANVAN_FUZZ_SECONDS=300 cargo test
//! --release --test fuzz` for longer, `DANVAN_FUZZ_SEED=n` to vary the inputs. A panicking input
//! is written to `target/fuzz-crashes/` and named in the failure.
//! `fuzzed_http_requests_leave_rss_within_50_mb` sends 2,000 such inputs to a running server.

#[path = "common/mod.rs"]
mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use danvan::channels::web::adapt::{Posted, Stored};
use danvan::channels::{telegram, web, zalo_bot, zalo_oa};
use danvan::domain::{input_method, notice::NoticeFile, payload::Payload, survey::SurveyFile};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

/// A small, seeded generator: the same seed gives the same inputs.
struct Rng(u64);

impl Rng {
    fn seeded(salt: &str) -> Rng {
        let seed: u64 = std::env::var("DANVAN_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(22);
        let salt = salt.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        });
        Rng(seed ^ salt | 1)
    }

    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

fn corpus(decoder: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(decoder);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let seeds: Vec<Vec<u8>> = entries.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

/// Bytes that matter to the formats fuzzed: JSON and TOML punctuation, Telex and VNI keys.
const INTERESTING: &[u8] = b"{}[]\":,\\=#'\n\r\t 0123456789-+.eEsfrxjwdaoSFRXJWDAO\x00\xff\xc3\xe1";

/// Strings that have broken parsers: huge numbers, odd Unicode, long runs, control characters.
fn odd_string(rng: &mut Rng) -> String {
    let choices = [
        String::new(),
        "9".repeat(400),
        "-9223372036854775809".into(),
        "1e400".into(),
        "\u{0}\u{1f}\u{7f}".into(),
        "\u{202e}\u{feff}\u{fffd}𝕏̀́".into(),
        "đ".repeat(5000),
        ":".repeat(70),
        "a\u{300}\u{301}\u{302}\u{303}".repeat(50),
        "cmd:".into(),
        "lang:zz".into(),
    ];
    choices[rng.below(choices.len())].clone()
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 3 { 6 } else { 8 }) {
        0 => Value::Null,
        1 => json!(rng.chance(2)),
        2 => json!(rng.next() as i64),
        3 => json!((rng.next() as i64) as f64 / 1e3),
        4 => json!(odd_string(rng)),
        5 => json!(rng.below(100_000).to_string()),
        6 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut object = serde_json::Map::new();
            for _ in 0..rng.below(4) {
                object.insert(odd_string(rng), random_value(rng, depth + 1));
            }
            Value::Object(object)
        }
    }
}

/// Changes one node of `value` somewhere below: a new value, a key dropped, a node repeated.
fn mutate_value(rng: &mut Rng, value: &mut Value) {
    match value {
        Value::Object(object) if !object.is_empty() && !rng.chance(4) => {
            let keys: Vec<String> = object.keys().cloned().collect();
            let key = &keys[rng.below(keys.len())];
            match rng.below(6) {
                0 => {
                    object.remove(key);
                }
                1 => {
                    object.insert(odd_string(rng), random_value(rng, 0));
                }
                _ => mutate_value(rng, object.get_mut(key).unwrap()),
            }
        }
        Value::Array(items) if !items.is_empty() && !rng.chance(4) => {
            let i = rng.below(items.len());
            match rng.below(5) {
                0 => {
                    items.remove(i);
                }
                1 => {
                    let copy = items[i].clone();
                    items.extend(std::iter::repeat_n(copy, 1 + rng.below(50)));
                }
                _ => mutate_value(rng, &mut items[i]),
            }
        }
        _ => *value = random_value(rng, 0),
    }
}

/// One input from the corpus, changed a few times at the byte level or as JSON.
fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut input = seeds[rng.below(seeds.len())].clone();
    if rng.chance(2)
        && let Ok(mut value) = serde_json::from_slice::<Value>(&input)
    {
        for _ in 0..1 + rng.below(3) {
            mutate_value(rng, &mut value);
        }
        return value.to_string().into_bytes();
    }
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(input.len() + 1);
        match rng.below(7) {
            0 if !input.is_empty() => {
                let i = at.min(input.len() - 1);
                input[i] ^= 1 << rng.below(8);
            }
            1 => input.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            2 if at < input.len() => {
                let end = (at + 1 + rng.below(16)).min(input.len());
                input.drain(at..end);
            }
            3 if at < input.len() => {
                // A run repeated: long inputs, deep nesting.
                let end = (at + 1 + rng.below(8)).min(input.len());
                let run = input[at..end].repeat(1 + rng.below(64));
                input.splice(at..at, run);
            }
            4 => {
                // A piece of another seed spliced in.
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let end = (from + 1 + rng.below(32)).min(other.len());
                input.splice(at..at, other[from..end].iter().copied());
            }
            5 => input.truncate(at),
            _ => {
                input.splice(at..at, odd_string(rng).into_bytes());
            }
        }
    }
    input
}

fn budget() -> Duration {
    let seconds = std::env::var("DANVAN_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(seconds)
}

/// Runs `decode` on the corpus, then on mutated inputs until the budget is spent; a panic fails
/// the test with the input kept.
fn fuzz(decoder: &str, decode: impl Fn(&[u8])) {
    let seeds = corpus(decoder);
    let mut rng = Rng::seeded(decoder);
    let started = Instant::now();
    let mut runs = 0_u64;
    // Seeds first, as they are: they must decode.
    let inputs = seeds
        .clone()
        .into_iter()
        .map(Some)
        .chain(std::iter::repeat(None));
    for seed in inputs {
        if seed.is_none() && started.elapsed() >= budget() {
            break;
        }
        let input = seed.unwrap_or_else(|| mutate(&mut rng, &seeds));
        if catch_unwind(AssertUnwindSafe(|| decode(&input))).is_err() {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-crashes");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("{decoder}-{runs}"));
            std::fs::write(&path, &input).unwrap();
            panic!("{decoder} panicked on {} (input kept)", path.display());
        }
        runs += 1;
    }
    eprintln!("{decoder}: {runs} inputs in {:.1?}", started.elapsed());
}

fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

#[test]
fn telegram_updates() {
    fuzz("telegram_update", |bytes| {
        let Ok(raw) = serde_json::from_slice::<Value>(bytes) else {
            return;
        };
        if let Ok(update) = telegram::adapt::parse_update(&raw) {
            telegram::adapt::chat_key(&update);
            telegram::adapt::event(&update);
        }
    });
}

#[test]
fn zalo_bot_updates() {
    fuzz("zalo_bot_update", |bytes| {
        let Ok(raw) = serde_json::from_slice::<Value>(bytes) else {
            return;
        };
        let update = zalo_bot::adapt::unwrap(raw);
        zalo_bot::adapt::key(&update);
        let _ = zalo_bot::adapt::event(&update, Some("bot-1"));
    });
}

#[test]
fn zalo_oa_events() {
    fuzz("zalo_oa_event", |bytes| {
        let Ok(raw) = serde_json::from_slice::<Value>(bytes) else {
            return;
        };
        zalo_oa::adapt::key(&raw);
        let _ = zalo_oa::adapt::event(&raw);
    });
}

#[test]
fn web_chat_events() {
    fuzz("web_chat_event", |bytes| {
        if let Ok(posted) = Posted::read(bytes) {
            let stored = Stored {
                visitor: "0123456789abcdef".into(),
                posted,
            };
            web::adapt::event(&stored);
            // What the inbox keeps is read back by the channel's decoder.
            let kept = serde_json::to_value(&stored).unwrap();
            serde_json::from_value::<Stored>(kept).unwrap();
        }
    });
}

#[test]
fn button_payloads() {
    fuzz("button_payload", |bytes| {
        if let Some(payload) = text(bytes).and_then(Payload::parse) {
            // What a payload prints is a payload again.
            let printed = payload.to_string();
            assert!(Payload::parse(&printed).is_some(), "{printed}");
        }
    });
}

#[test]
fn notice_files() {
    fuzz("notice_toml", |bytes| {
        if let Some(Ok(notice)) = text(bytes).map(NoticeFile::parse) {
            notice.texts();
            let _ = notice.send_time();
            notice.attachment();
        }
    });
}

#[test]
fn survey_files() {
    fuzz("survey_toml", |bytes| {
        if let Some(text) = text(bytes) {
            let _ = SurveyFile::parse(text);
        }
    });
}

#[test]
fn telex_and_vni_typing() {
    fuzz("telex_vni", |bytes| {
        let typed = String::from_utf8_lossy(bytes);
        for word in typed.split_whitespace() {
            input_method::decode(word);
        }
        danvan::domain::text::fold(&typed);
    });
}

/// The process's resident memory, in bytes.
fn resident() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb * 1024
}

/// Requests between the first measure and the second.
const FUZZED_REQUESTS: usize = 2_000;
/// One request in this many carries a 1 MB body: prime to the five kinds of request, so that
/// every kind gets some.
const LARGE_EVERY: usize = 21;

/// Request `n` of the load: a mutated Telegram update to the webhook (with its secret), a web
/// chat event or photo, a sign-in form, or a page; every `LARGE_EVERY`th with `large` (1 MB) as
/// its body.
fn fuzzed_request(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    rng: &mut Rng,
    corpora: &[Vec<Vec<u8>>; 2],
    large: &axum::body::Bytes,
    n: usize,
) -> reqwest::RequestBuilder {
    let body = |rng: &mut Rng, seeds: &[Vec<u8>]| -> reqwest::Body {
        if n.is_multiple_of(LARGE_EVERY) {
            // The same bytes each time (a cheap clone): what grows is the server, not this client.
            large.clone().into()
        } else {
            mutate(rng, seeds).into()
        }
    };
    match n % 5 {
        0 => http
            .post(format!("{base}{}", telegram::intake::WEBHOOK_PATH))
            .header(telegram::intake::SECRET_HEADER, WEBHOOK_SECRET)
            .header("content-type", "application/json")
            .body(body(rng, &corpora[0])),
        1 => http
            .post(format!("{base}/chat/api/events"))
            .bearer_auth(token)
            .body(body(rng, &corpora[1])),
        2 => http
            .post(format!("{base}/chat/api/photos?id=p{n}"))
            .bearer_auth(token)
            .body(body(rng, &corpora[1])),
        3 => {
            let name = String::from_utf8_lossy(&mutate(rng, &corpora[1])).into_owned();
            http.post(format!("{base}/login")).form(&[
                ("csrf", "x"),
                ("name", name.as_str()),
                ("password", "p"),
            ])
        }
        _ => {
            let path = [
                "/",
                "/login",
                "/chat",
                "/health",
                "/chat/api/messages",
                "/nope",
            ];
            http.get(format!(
                "{base}{}?q={}",
                path[rng.below(path.len())],
                rng.next()
            ))
        }
    }
}

const WEBHOOK_SECRET: &str = "fuzz_secret-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzzed_http_requests_leave_rss_within_50_mb() {
    use danvan::channels::telegram::{Telegram, TelegramConfig};
    use danvan::channels::{Channel, Intake};
    use futures::StreamExt;

    let (_db, engine) = common::demo_engine().await;
    let engine = Arc::new(engine);
    let fake = danvan_fake_telegram::FakeTelegram::start().await;
    let channels: Vec<Arc<dyn Channel>> = vec![
        Telegram::new(TelegramConfig {
            token: "123:TEST".into(),
            api_url: Some(fake.api_url()),
            intake: Intake::Webhook {
                url: "https://danvan.example/telegram/webhook".parse().unwrap(),
                secret: WEBHOOK_SECRET.into(),
            },
            rate: None,
        }),
        web::WebChat::new(Default::default(), engine.store().clone()),
    ];
    let pages = danvan::dashboard::routes(engine.clone(), &Default::default(), &channels)
        .await
        .unwrap();
    let listen = "127.0.0.1:0".parse().unwrap();
    let running = danvan::serve::start_with(engine.clone(), channels, 2, listen, pages)
        .await
        .unwrap();
    let base = format!("http://{}", running.addr);
    let visitor = web::new_visitor(engine.store()).await.unwrap();
    let token = visitor.token.expose_secret();
    let corpora = [corpus("telegram_update"), corpus("web_chat_event")];
    let http = reqwest::Client::new();
    let mut rng = Rng::seeded("http");
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let text = "đ".repeat(512 * 1024);
    let large =
        axum::body::Bytes::from(json!({"update_id": 1, "id": "a1", "text": text}).to_string());
    let mut load =
        async |from: usize, count: usize, statuses: &mut std::collections::BTreeMap<u16, usize>| {
            // Made as they are sent: at most 16 bodies are held at once.
            let mut answers = futures::stream::iter(from..from + count)
                .map(|n| {
                    let request =
                        fuzzed_request(&http, &base, token, &mut rng, &corpora, &large, n);
                    async move { request.send().await.map(|r| r.status().as_u16()) }
                })
                .buffer_unordered(16);
            while let Some(answer) = answers.next().await {
                *statuses.entry(answer.unwrap_or(0)).or_default() += 1;
            }
        };
    // Warmed up (pools, caches, the allocator's arenas), then measured.
    load(0, 200, &mut statuses).await;
    let before = resident();
    load(200, FUZZED_REQUESTS, &mut statuses).await;
    let after = resident();
    let mb = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    eprintln!(
        "RSS {:.1} MB → {:.1} MB over {FUZZED_REQUESTS} fuzzed requests ({} of 1 MB); answers {statuses:?}",
        mb(before),
        mb(after),
        FUZZED_REQUESTS / LARGE_EVERY
    );
    assert!(
        after < before + 50 * 1024 * 1024,
        "RSS grew {:.1} MB",
        mb(after.saturating_sub(before))
    );
    // The server still answers.
    let health = reqwest::get(format!("{base}/health")).await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    running.stop().await.unwrap();
}
