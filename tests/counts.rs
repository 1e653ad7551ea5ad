//! Counts kept as rows change agree with a recount, whatever happens in between: sends that go
//! out, fail, are blocked or not deliverable now and move on to another chat, receipts, "Đã đọc",
//! survey answers (named ones at once, anonymous ones in batches), people erased (/forget) and
//! made one (links), squashes at any moment. And every figure of a notice agrees with every
//! other: its page, the list, sent ≥ delivered ≥ read.

mod common;

use std::collections::BTreeMap;

use common::{TestClock, demo_engine_at};
use danvan::domain::ids::{NoticeId, PersonId, SurveyId};
use danvan::domain::notice::Reach;
use danvan::domain::survey::{Answer, Draft, SurveyFile};
use danvan::domain::survey_results::Tally;
use danvan::engine::Engine;
use danvan::message::Lang;
use danvan::store::notices::{NewNotice, Outcome};
use danvan::store::surveys::Submission;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::PgPool;

const CHANNELS: [&str; 3] = ["zalo_oa", "telegram", "zalo_bot"];
/// Random steps per seed, and seeds: a few thousand operations in all, in well under 30 s.
const STEPS: usize = 250;
const SEEDS: u64 = 6;
const SURVEY: &str = include_str!("../examples/survey.toml");

#[tokio::test]
async fn kept_counts_equal_a_recount_after_any_sends_receipts_answers_erasures_and_links() {
    let clock = TestClock::at("2025-12-01 09:00");
    let (db, engine) = demo_engine_at(clock.shared()).await;
    let store = engine.store();
    let now = clock.now();
    store.add_demo_residents("33", 120, now).await.unwrap();
    let (_, units) = store.unit_directory().await.unwrap();
    let province = units.by_code("33").unwrap().id;
    let subtree = units.subtree(province);
    // Tallies of answers given where no unit is known are kept under 0.
    let tallied: Vec<i64> = subtree.iter().copied().chain([0]).collect();
    let pool = PgPool::connect(&db.url).await.unwrap();
    for seed in 0..SEEDS {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut notices = Vec::new();
        for title in ["Lịch tiếp dân", "Tiêm chủng"] {
            let mut notice = NewNotice::to_units(title, "Thứ Năm hằng tuần.", vec![province]);
            notice.quiet_hours = rng.random_bool(0.5);
            let id = store.create_notice(&notice).await.unwrap();
            store.schedule_notice(id, now).await.unwrap();
            notices.push(id);
        }
        store.fan_out_due(now).await.unwrap();
        let surveys = open_surveys(&engine, province, now).await;
        for step in 0..STEPS {
            let op = rng.random_range(0..100);
            match op {
                0..36 => send_some(&engine, &mut rng).await,
                36..54 => receipt(&engine, &pool, &mut rng).await,
                54..64 => acknowledge(&engine, &pool, &notices, &mut rng).await,
                64..70 => erase(&engine, &pool, &mut rng).await,
                70..76 => merge(&engine, &pool, &mut rng).await,
                76..82 => shown_missed(&engine, &pool, now, &mut rng).await,
                82..86 => {
                    store.squash_counts().await.unwrap();
                }
                86..96 => answer(&engine, &pool, &surveys, &mut rng).await,
                _ => {
                    // The anonymous answers waiting, stored once a batch of them waits.
                    let batch = rng.random_range(1..6);
                    store
                        .store_waiting_responses(batch, std::time::Duration::from_secs(3600))
                        .await
                        .unwrap();
                }
            }
            for &id in &surveys {
                let when = format!("seed {seed}, step {step}, op {op}");
                survey_agrees(&engine, id, &tallied, &when).await;
            }
            for &id in &notices {
                agree(
                    &engine,
                    id,
                    &subtree,
                    &format!("seed {seed}, step {step}, op {op}"),
                )
                .await;
            }
            assert_eq!(
                resident_drift(&pool).await,
                vec![],
                "seed {seed}, step {step}, op {op}"
            );
        }
        store.squash_counts().await.unwrap();
        for &id in &notices {
            agree(&engine, id, &subtree, &format!("seed {seed}, squashed")).await;
        }
        store
            .store_waiting_responses(1, std::time::Duration::ZERO)
            .await
            .unwrap();
        for &id in &surveys {
            survey_agrees(&engine, id, &tallied, &format!("seed {seed}, all stored")).await;
        }
        assert_eq!(resident_drift(&pool).await, vec![], "seed {seed}");
    }
}

/// The kept counts equal the recount; the page's figures hold together and equal the list's.
async fn agree(engine: &Engine, id: i64, subtree: &[i64], when: &str) {
    let store = engine.store();
    let kept = store.kept_notice_counts(id).await.unwrap();
    let recount = store.recount_notice(id).await.unwrap();
    assert_eq!(kept, recount, "notice {id}, {when}");
    let status = store.notice_status(id).await.unwrap().unwrap();
    for (unit, r) in
        std::iter::once((None, &status.totals)).chain(status.units.iter().map(|(u, r)| (*u, r)))
    {
        assert!(
            r.targeted >= r.sent && r.sent >= r.delivered && r.delivered >= r.read,
            "notice {id}, unit {unit:?}, {when}: {r:?}"
        );
        let outcomes = r.pending + r.sent + r.failed + r.undeliverable + r.blocked + r.cancelled;
        assert!(
            outcomes >= r.targeted,
            "every person has a row: {r:?}, {when}"
        );
    }
    let listed = store.notices_within(subtree, 10).await.unwrap();
    let line = listed.iter().find(|l| l.id == id).expect("listed");
    let without_questions = Reach {
        questions: 0,
        ..status.totals.clone()
    };
    assert_eq!(line.reach, without_questions, "list and page, {when}");
}

/// A named survey and an anonymous one, open to the province's residents.
async fn open_surveys(
    engine: &Engine,
    province: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<i64> {
    let mut opened = Vec::new();
    for anonymous in [false, true] {
        let text = SURVEY.replace("anonymous = true", &format!("anonymous = {anonymous}"));
        let file = SurveyFile::parse(&text).unwrap();
        let mut tx = engine.store().begin().await.unwrap();
        let id = danvan::app::surveys::create(&mut tx, &file, &[province], None, now)
            .await
            .unwrap();
        danvan::app::surveys::open(&mut tx, id, now)
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        opened.push(id);
    }
    opened
}

/// A person answers a survey, all of it (a comment now and then); a second answer of the same
/// person is turned away.
async fn answer(engine: &Engine, pool: &PgPool, surveys: &[i64], rng: &mut StdRng) {
    let Some(person) = some_person(pool, rng).await else {
        return;
    };
    let survey = surveys[rng.random_range(0..surveys.len())];
    let agree = if rng.random_bool(0.7) { "yes" } else { "no" };
    let mut answers = vec![("agree".to_owned(), Answer::Choice(agree.into()))];
    if agree == "no" {
        answers.push((
            "concerns".into(),
            Answer::Choices(vec!["units".into(), "cost".into()]),
        ));
    }
    answers.extend([
        (
            "rating".into(),
            Answer::Choice(rng.random_range(1..=5).to_string()),
        ),
        ("age".into(), Answer::Number(rng.random_range(16..=90))),
        (
            "comment".into(),
            match rng.random_bool(0.3) {
                true => Answer::Text("Cần làm rõ thời gian chuyển đổi.".into()),
                false => Answer::Skipped,
            },
        ),
    ]);
    let draft = Draft {
        consented: true,
        answers,
        ticked: vec![],
    };
    let mut tx = engine.store().begin().await.unwrap();
    let pseudonyms = danvan::app::surveys::pseudonyms(
        &mut tx,
        engine.survey_key(),
        SurveyId(survey),
        PersonId(person),
    )
    .await
    .unwrap();
    tx.submit_survey(&Submission {
        survey,
        person,
        lang: Lang::Vi,
        channel: "telegram",
        draft: &draft,
        pseudonyms: &pseudonyms,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// The survey's kept tallies (invitations aside) equal a count of its stored answers.
async fn survey_agrees(engine: &Engine, survey: i64, units: &[i64], when: &str) {
    let store = engine.store();
    let mut tx = store.begin().await.unwrap();
    let mut kept: Vec<Tally> = tx
        .survey_tallies(survey, units)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.question != "+")
        .collect();
    tx.commit().await.unwrap();
    let mut recount = store.recount_survey(survey).await.unwrap();
    let order = |t: &Tally| (t.unit_id, t.question.clone(), t.choice.clone());
    kept.sort_by_key(order);
    recount.sort_by_key(order);
    assert_eq!(kept, recount, "survey {survey}, {when}");
}

/// A sender claims a few deliveries on a channel and records what happened to each.
async fn send_some(engine: &Engine, rng: &mut StdRng) {
    let store = engine.store();
    let channel = CHANNELS[rng.random_range(0..CHANNELS.len())];
    let claimed = store
        .claim_deliveries(channel, rng.random_range(1..12), false)
        .await
        .unwrap();
    let outcomes: Vec<(i64, Outcome)> = claimed
        .deliveries
        .iter()
        .map(|d| {
            let outcome = match rng.random_range(0..10) {
                0..5 => Outcome::Sent {
                    message_id: format!("m{}", d.id),
                },
                5 => Outcome::Failed("network timeout".into()),
                6 => Outcome::Blocked,
                7 => Outcome::Undeliverable("outside the 7-day window".into()),
                8 => Outcome::Retry {
                    error: "502".into(),
                    after: std::time::Duration::ZERO,
                    parts_sent: 0,
                },
                _ => Outcome::Requeue { parts_sent: 0 },
            };
            (d.id, outcome)
        })
        .collect();
    // Now and then a sender crashes before writing: its claim stays until it lapses.
    if !rng.random_bool(0.1) {
        store
            .record_deliveries(claimed.token, &outcomes)
            .await
            .unwrap();
    }
}

/// The platform reports a message on the phone, or read — for any row that has a message id,
/// whatever became of it since (a receipt may come late).
async fn receipt(engine: &Engine, pool: &PgPool, rng: &mut StdRng) {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT channel, address, message_id FROM deliveries
         WHERE message_id IS NOT NULL ORDER BY id OFFSET $1 LIMIT 1",
    )
    .bind(rng.random_range(0..50i64))
    .fetch_optional(pool)
    .await
    .unwrap();
    let Some((channel, address, message)) = row else {
        return;
    };
    let mut tx = engine.store().begin().await.unwrap();
    tx.record_receipts(&channel, &address, &[message], rng.random_bool(0.5))
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// A person presses "Đã đọc", whether the notice reached them or not.
async fn acknowledge(engine: &Engine, pool: &PgPool, notices: &[i64], rng: &mut StdRng) {
    let Some(person) = some_person(pool, rng).await else {
        return;
    };
    let notice = notices[rng.random_range(0..notices.len())];
    let mut tx = engine.store().begin().await.unwrap();
    tx.acknowledge(PersonId(person), NoticeId(notice))
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// /forget.
async fn erase(engine: &Engine, pool: &PgPool, rng: &mut StdRng) {
    let Some(person) = some_person(pool, rng).await else {
        return;
    };
    let mut tx = engine.store().begin().await.unwrap();
    danvan::app::people::erase(&mut tx, person).await.unwrap();
    tx.commit().await.unwrap();
}

/// Two people linked into one.
async fn merge(engine: &Engine, pool: &PgPool, rng: &mut StdRng) {
    let (Some(a), Some(b)) = (some_person(pool, rng).await, some_person(pool, rng).await) else {
        return;
    };
    if a == b {
        return;
    }
    let mut tx = engine.store().begin().await.unwrap();
    tx.merge_people(a, b).await.unwrap();
    tx.commit().await.unwrap();
}

/// A person writes again and sees the notices no chat could take.
async fn shown_missed(
    engine: &Engine,
    pool: &PgPool,
    now: chrono::DateTime<chrono::Utc>,
    rng: &mut StdRng,
) {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT person_id, channel, address FROM deliveries WHERE status = 'undeliverable'
         ORDER BY id OFFSET $1 LIMIT 1",
    )
    .bind(rng.random_range(0..5i64))
    .fetch_optional(pool)
    .await
    .unwrap();
    let Some((person, channel, address)) = row else {
        return;
    };
    let mut tx = engine.store().begin().await.unwrap();
    tx.take_missed_notices(PersonId(person), &channel, &address, now, 3)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn some_person(pool: &PgPool, rng: &mut StdRng) -> Option<i64> {
    sqlx::query_scalar("SELECT id FROM people ORDER BY id OFFSET $1 LIMIT 1")
        .bind(rng.random_range(0..120i64))
        .fetch_optional(pool)
        .await
        .unwrap()
}

/// Residents by unit and channel as kept, against a count made now: the differences.
async fn resident_drift(pool: &PgPool) -> Vec<(i64, String, i64, i64)> {
    let counted: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT p.unit_id, c.channel, count(DISTINCT p.id) FROM people p
         JOIN chats c ON c.person_id = p.id WHERE p.unit_id IS NOT NULL GROUP BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let kept: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT unit_id, channel, people FROM resident_counts WHERE people <> 0")
            .fetch_all(pool)
            .await
            .unwrap();
    let counted: BTreeMap<(i64, String), i64> =
        counted.into_iter().map(|(u, c, n)| ((u, c), n)).collect();
    let kept: BTreeMap<(i64, String), i64> =
        kept.into_iter().map(|(u, c, n)| ((u, c), n)).collect();
    counted
        .keys()
        .chain(kept.keys())
        .filter(|k| counted.get(*k) != kept.get(*k))
        .map(|k| {
            let (u, c) = k.clone();
            (
                u,
                c,
                kept.get(k).copied().unwrap_or(0),
                counted.get(k).copied().unwrap_or(0),
            )
        })
        .collect()
}

#[tokio::test]
async fn report_counts_equal_a_recount_after_logs_edits_deletions_and_models_stopped() {
    let clock = TestClock::at("2025-12-01 09:00");
    let (db, engine) = demo_engine_at(clock.shared()).await;
    let store = engine.store();
    let photos: [String; 6] = std::array::from_fn(|i| format!("photo-{i}"));
    store
        .add_demo_logs("33", clock.now(), &photos)
        .await
        .unwrap();
    let pool = PgPool::connect(&db.url).await.unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    // Edits as the chat and the dashboard make them: a date, the participants, a deletion, a
    // model stopped or deleted; each a statement of its own, some of several rows.
    let edits = [
        "UPDATE activities SET held_on = held_on - 40 WHERE id % 17 = $1",
        "UPDATE activities SET participants = participants + 3 WHERE id % 11 = $1",
        "UPDATE activities SET deleted_at = now() WHERE id % 23 = $1",
        "DELETE FROM activities WHERE id % 29 = $1",
        "UPDATE models SET stopped_on = started_on + 100, status = 'stopped' WHERE id % 7 = $1",
        "UPDATE models SET deleted_at = now() WHERE id % 13 = $1",
    ];
    for step in 0..40 {
        let edit = edits[rng.random_range(0..edits.len())];
        sqlx::query(edit)
            .bind(rng.random_range(0..7i64))
            .execute(&pool)
            .await
            .unwrap();
        if rng.random_bool(0.2) {
            store.squash_counts().await.unwrap();
        }
        let kept: Vec<(i64, String, String, String, String, i64)> =
            sqlx::query_as(
                "SELECT unit_id, sector, kind, since::text, until::text, sum(n)::bigint FROM report_counts
                 GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
        let recount: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(
            "SELECT unit_id, sector, kind, since::text, until::text, n FROM (
                     SELECT a.unit_id, a.sector, k.kind, k.since, k.until, sum(k.n)::bigint AS n
                     FROM activities a, activity_kinds(a.held_on, a.participants, a.deleted_at) k
                     GROUP BY 1, 2, 3, 4, 5
                     UNION ALL
                     SELECT m.unit_id, m.sector, k.kind, k.since, k.until, sum(k.n)::bigint
                     FROM models m, model_kinds(m.started_on, m.stopped_on, m.deleted_at) k
                     GROUP BY 1, 2, 3, 4, 5) c
                 WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(kept, recount, "step {step}: {edit}");
    }
}
