//! Figures many staff watch at once — a notice's reach while it goes out, the notices and surveys
//! of a unit with their counts — read once per few seconds, not once per page view: each is a
//! count over up to a million deliveries or invitations. One read serves every request that asks
//! while it runs and until it is [`FRESH_FOR`] old (moka's `try_get_with`). The status page
//! reloads every 3 s, so what it shows is never older than one reload.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;

use crate::app::notices::Viewer;
use crate::domain::notice::NoticeStatus;
use crate::domain::unit_directory::UnitDirectory;
use crate::store::Store;
use crate::store::overview::{NoticeLine, SurveyLine};

/// How long a figure is served before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(3);
/// Figures kept at most (each a notice or a unit's lists).
const MAX_KEPT: u64 = 10_000;

#[derive(Clone)]
pub struct Figures {
    /// A notice's reach as the admins of a unit may see it (None: not theirs), by (notice, unit).
    reach: Cache<(i64, i64), Arc<Option<NoticeStatus>>>,
    /// The latest notices within a unit, by (unit, how many).
    notices: Cache<(i64, i64), Arc<Vec<NoticeLine>>>,
    /// The surveys within a unit.
    surveys: Cache<i64, Arc<Vec<SurveyLine>>>,
}

fn cache<K, V>() -> Cache<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    Cache::builder()
        .max_capacity(MAX_KEPT)
        .time_to_live(FRESH_FOR)
        .build()
}

/// moka shares a failed read with every waiter as an `Arc`; a handler wants its own error.
fn shared(e: Arc<anyhow::Error>) -> anyhow::Error {
    anyhow::anyhow!("{e:#}")
}

impl Figures {
    pub fn new() -> Figures {
        Figures {
            reach: cache(),
            notices: cache(),
            surveys: cache(),
        }
    }

    /// Notice `id`'s reach for a login of `scope`, checked by `app::notices::status` with the
    /// login's grants (the same for every login of one unit).
    pub async fn reach(
        &self,
        store: &Store,
        id: i64,
        scope: i64,
        viewer: Viewer<'_>,
        units: &UnitDirectory,
    ) -> anyhow::Result<Arc<Option<NoticeStatus>>> {
        self.reach
            .try_get_with((id, scope), async {
                crate::app::notices::status(store, id, viewer, units)
                    .await
                    .map(Arc::new)
            })
            .await
            .map_err(shared)
    }

    /// The `limit` latest notices addressed within `scope`.
    pub async fn notices(
        &self,
        store: &Store,
        scope: i64,
        units: &UnitDirectory,
        limit: i64,
    ) -> anyhow::Result<Arc<Vec<NoticeLine>>> {
        self.notices
            .try_get_with((scope, limit), async {
                store
                    .notices_within(&units.subtree(scope), limit)
                    .await
                    .map(Arc::new)
            })
            .await
            .map_err(shared)
    }

    /// The surveys addressed within `scope`.
    pub async fn surveys(
        &self,
        store: &Store,
        scope: i64,
        units: &UnitDirectory,
    ) -> anyhow::Result<Arc<Vec<SurveyLine>>> {
        self.surveys
            .try_get_with(scope, async {
                store
                    .surveys_within(&units.subtree(scope))
                    .await
                    .map(Arc::new)
            })
            .await
            .map_err(shared)
    }

    /// Forgets every figure kept, after a change made here (a notice
    /// sent, cancelled or answered; a survey opened or closed): the next page shows it at once.
    pub fn changed(&self) {
        self.reach.invalidate_all();
        self.notices.invalidate_all();
        self.surveys.invalidate_all();
    }
}
