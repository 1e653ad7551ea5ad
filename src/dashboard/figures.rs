//! Figures many staff watch at once — a notice's reach while it goes out, the notices and surveys
//! of a unit with their counts, a quarterly report — read once per few seconds for all of them,
//! not once per page view: each is a count over up to a million deliveries, invitations or
//! activities. The first request for a figure waits for its read (one read, however many ask:
//! moka's `try_get_with`); after that, a figure older than [`FRESH_FOR`] is still served while one
//! read in the background replaces it, so no viewer waits for a recount. The status page reloads
//! every 3 s, so what it shows is at most one reload and one read old.

use std::collections::HashSet;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use moka::future::Cache;
// Tokio's clock, so that a test can let time pass.
use tokio::time::Instant;

use crate::app::notices::Viewer;
use crate::domain::access::Actor;
use crate::domain::listing::Length;
use crate::domain::notice::NoticeStatus;
use crate::domain::report::Quarter;
use crate::domain::ticket::Figures as TicketFigures;
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::units::Unit;
use crate::message::{Lang, Reply};
use crate::store::Store;
use crate::store::overview::{NoticeLine, SurveyLine};

/// How long a figure is served before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(3);
/// A figure nobody asked for this long is dropped.
const IDLE_FOR: Duration = Duration::from_secs(600);
/// Figures kept at most (each a notice, a unit's lists or a report).
const MAX_KEPT: u64 = 10_000;

/// A figure and when it was read.
struct Read<V> {
    value: V,
    at: Instant,
}

/// Figures of one kind by key, each read again in the background once stale.
struct Live<K, V> {
    kept: Cache<K, Arc<Read<V>>>,
    /// Keys being read again, so that a stale figure starts one read, not one per request.
    reading: Arc<Mutex<HashSet<K>>>,
}

impl<K, V> Live<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn new() -> Live<K, V> {
        Live {
            kept: Cache::builder()
                .max_capacity(MAX_KEPT)
                .time_to_idle(IDLE_FOR)
                .build(),
            reading: Arc::default(),
        }
    }

    /// The figure for `key`: kept, or read by `read` (owning what it needs, since a stale figure
    /// is read again by a task of its own).
    async fn get<F, Fut>(&self, key: K, read: F) -> anyhow::Result<V>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = anyhow::Result<V>> + Send + 'static,
    {
        if let Some(kept) = self.kept.get(&key).await {
            let stale = kept.at.elapsed() >= FRESH_FOR;
            if stale && self.lock().insert(key.clone()) {
                let (kept_all, reading) = (self.kept.clone(), self.reading.clone());
                tokio::spawn(async move {
                    match read().await {
                        Ok(value) => {
                            let at = Instant::now();
                            kept_all
                                .insert(key.clone(), Arc::new(Read { value, at }))
                                .await;
                        }
                        Err(e) => {
                            tracing::warn!(error = %format!("{e:#}"), "a figure's read failed")
                        }
                    }
                    reading.lock().expect("figure keys poisoned").remove(&key);
                });
            }
            return Ok(kept.value.clone());
        }
        let kept = self
            .kept
            .try_get_with(key, async {
                let value = read().await?;
                anyhow::Ok(Arc::new(Read {
                    value,
                    at: Instant::now(),
                }))
            })
            .await
            // moka shares a failed read with every waiter as an `Arc`.
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        Ok(kept.value.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<K>> {
        self.reading.lock().expect("figure keys poisoned")
    }

    fn forget(&self) {
        self.kept.invalidate_all();
    }
}

/// Ticket figures by unit id.
pub type TicketsByUnit = Arc<Vec<(i64, TicketFigures)>>;

pub struct Figures {
    /// A notice's reach as the admins of a unit may see it (None: not theirs), by (notice, unit):
    /// every login of a unit has the same grants.
    reach: Live<(i64, i64), Arc<Option<NoticeStatus>>>,
    /// The latest notices within a unit, by (unit, how many).
    notices: Live<(i64, i64), Arc<Vec<NoticeLine>>>,
    /// The surveys within a unit.
    surveys: Live<i64, Arc<Vec<SurveyLine>>>,
    /// A unit's quarterly report (paragraph, then charts), by (unit, quarter, language).
    reports: Live<(i64, String, Lang), Arc<Vec<Reply>>>,
    /// Residents' tickets of a quarter for a unit and each unit below it, by (unit, quarter).
    tickets: Live<(i64, String), TicketsByUnit>,
}

impl Figures {
    pub fn new() -> Figures {
        Figures {
            reach: Live::new(),
            notices: Live::new(),
            surveys: Live::new(),
            reports: Live::new(),
            tickets: Live::new(),
        }
    }

    /// Notice `id`'s reach for a login of unit `scope` acting as `actor`, through
    /// `app::notices::status` (which checks the login may follow it).
    pub async fn reach(
        &self,
        store: &Store,
        id: i64,
        scope: i64,
        actor: &Actor,
        units: Arc<UnitDirectory>,
    ) -> anyhow::Result<Arc<Option<NoticeStatus>>> {
        let (store, actor) = (store.clone(), actor.clone());
        self.reach
            .get((id, scope), move || async move {
                let status =
                    crate::app::notices::status(&store, id, Viewer::Person(&actor), &units).await?;
                Ok(Arc::new(status))
            })
            .await
    }

    /// The `limit` latest notices addressed within `scope`.
    pub async fn notices(
        &self,
        store: &Store,
        scope: i64,
        units: Arc<UnitDirectory>,
        limit: i64,
    ) -> anyhow::Result<Arc<Vec<NoticeLine>>> {
        let store = store.clone();
        self.notices
            .get((scope, limit), move || async move {
                let lines = store.notices_within(&units.subtree(scope), limit).await?;
                Ok(Arc::new(lines))
            })
            .await
    }

    /// The surveys addressed within `scope`.
    pub async fn surveys(
        &self,
        store: &Store,
        scope: i64,
        units: Arc<UnitDirectory>,
    ) -> anyhow::Result<Arc<Vec<SurveyLine>>> {
        let store = store.clone();
        self.surveys
            .get(scope, move || async move {
                let lines = store.surveys_within(&units.subtree(scope)).await?;
                Ok(Arc::new(lines))
            })
            .await
    }

    /// The quarterly report of `unit` in `lang`, every child unit listed.
    pub async fn report(
        &self,
        store: &Store,
        unit: &Unit,
        quarter: Quarter,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Arc<Vec<Reply>>> {
        let (store, unit) = (store.clone(), unit.clone());
        self.reports
            .get((unit.id, quarter.code(), lang), move || async move {
                let mut tx = store.begin().await?;
                let replies = crate::app::reports::quarterly(
                    &mut tx,
                    &unit,
                    quarter,
                    lang,
                    Length::Full,
                    now,
                )
                .await?;
                tx.commit().await?;
                Ok(Arc::new(replies))
            })
            .await
    }

    /// Residents' tickets received in `quarter` in `scope` itself and in each unit below it, as
    /// handled by `now`.
    pub async fn tickets(
        &self,
        store: &Store,
        scope: i64,
        quarter: Quarter,
        now: DateTime<Utc>,
    ) -> anyhow::Result<TicketsByUnit> {
        let store = store.clone();
        self.tickets
            .get((scope, quarter.code()), move || async move {
                let (from, to) = quarter.bounds();
                let mut tx = store.begin().await?;
                let rows = tx.ticket_figures_by_unit(scope, from, to, now).await?;
                tx.commit().await?;
                Ok(Arc::new(rows))
            })
            .await
    }

    /// Forgets every figure, after a change made here (a notice sent, cancelled or answered; a
    /// survey created, opened or closed; a ticket moved): the next page reads them afresh.
    pub fn changed(&self) {
        self.reach.forget();
        self.notices.forget();
        self.surveys.forget();
        self.reports.forget();
        self.tickets.forget();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// A read that counts the reads so far (its figure).
    fn counting(
        reads: &Arc<AtomicU32>,
    ) -> impl FnOnce() -> std::future::Ready<anyhow::Result<u32>> + use<> {
        let reads = reads.clone();
        move || std::future::ready(Ok(reads.fetch_add(1, Ordering::SeqCst) + 1))
    }

    #[tokio::test(start_paused = true)]
    async fn a_stale_figure_is_served_while_one_read_replaces_it() {
        let live: Live<u8, u32> = Live::new();
        let reads = Arc::new(AtomicU32::new(0));
        assert_eq!(live.get(0, counting(&reads)).await.unwrap(), 1);
        assert_eq!(
            live.get(0, counting(&reads)).await.unwrap(),
            1,
            "fresh: kept"
        );
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        tokio::time::advance(FRESH_FOR).await;
        // Stale: still served at once, while a single read replaces it.
        for _ in 0..3 {
            assert_eq!(live.get(0, counting(&reads)).await.unwrap(), 1);
        }
        let mut replaced = false;
        for _ in 0..1000 {
            tokio::task::yield_now().await;
            if live.get(0, counting(&reads)).await.unwrap() == 2 {
                replaced = true;
                break;
            }
        }
        assert!(replaced, "the stale figure was read again");
        assert_eq!(
            reads.load(Ordering::SeqCst),
            2,
            "one read for every stale request"
        );
        // A change made here: the next request waits for a new read.
        live.forget();
        assert_eq!(live.get(0, counting(&reads)).await.unwrap(), 3);
    }
}
