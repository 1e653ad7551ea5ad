//! The storage layer: the only code that writes SQL. Domain types go in and out; no sqlx type
//! leaks past this module's public functions except the transaction handle [`Tx`].

pub mod activities;
pub mod chats;
pub mod cluster;
pub mod consultations;
pub mod counts;
pub mod demo;
#[cfg(feature = "bench")]
pub mod fixtures;
pub mod households;
pub mod images;
pub mod inbox;
pub mod links;
pub mod locks;
pub mod logins;
pub mod notices;
pub mod overview;
pub mod pace;
pub mod provision;
pub mod surveys;
pub mod tickets;
pub mod tokens;
pub mod units;
pub mod web_chat;

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

pub use chats::ChatRow;
pub use cluster::{ClusterOptions, PrivateCluster};

/// The migrations in `migrations/`, built into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Where the database is.
#[derive(Clone)]
pub enum DatabaseSource {
    Url(String),
    /// A private cluster in this directory, started on demand.
    Private(PathBuf),
}

impl std::fmt::Debug for DatabaseSource {
    // By hand, not a `SecretString`: the password is a part of the URL, and the database and host
    // beside it are worth showing.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseSource::Url(url) => match url.parse::<PgConnectOptions>() {
                Ok(o) => write!(
                    f,
                    "postgres database {:?} on {}",
                    o.get_database().unwrap_or("?"),
                    o.get_host()
                ),
                Err(_) => f.write_str("postgres database (unparsable URL)"),
            },
            DatabaseSource::Private(dir) => write!(f, "private cluster in {}", dir.display()),
        }
    }
}

impl DatabaseSource {
    /// A URL on the server, for creating databases; starts the private cluster if that is the source.
    pub async fn server_url(&self) -> anyhow::Result<String> {
        match self {
            DatabaseSource::Url(url) => Ok(url.clone()),
            DatabaseSource::Private(dir) => {
                let dir = dir.clone();
                let cluster = tokio::task::spawn_blocking(move || {
                    PrivateCluster::start(&dir, ClusterOptions { durable: true })
                })
                .await??;
                Ok(cluster.url("postgres"))
            }
        }
    }
}

/// How long a connection may sit in the pool before it is tested with a ping as it leaves.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

/// How many connections a pool holds and how long each may be waited for and busy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pool {
    pub max_connections: u32,
    /// The longest wait for a free connection before the work fails (and is retried, or answered
    /// 503).
    pub acquire_timeout: Duration,
    /// The longest one statement may run before PostgreSQL cancels it; None: no limit.
    pub statement_timeout: Option<Duration>,
}

impl Pool {
    /// `max_connections` for a command line tool: it waits for its few connections as long as
    /// need be, and its statements (an import, a migration) run as long as they take.
    pub fn tool(max_connections: u32) -> Pool {
        Pool {
            max_connections,
            acquire_timeout: Duration::from_secs(30),
            statement_timeout: None,
        }
    }
}

/// Handle to the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: PgPool,
    /// Inbox rows this process added, and how many it will have added at the next refresh of
    /// the inbox's statistics.
    inbox_growth: Arc<(AtomicU64, AtomicU64)>,
    /// Round trips made in transactions: see [`Store::round_trips`].
    round_trips: Arc<AtomicU64>,
    /// Drafts as read, shared with every transaction: see [`consultations::Drafts`].
    drafts: consultations::Drafts,
}

/// One transaction; every write that belongs together goes through one of these.
pub struct Tx {
    inner: Counted,
    drafts: consultations::Drafts,
}

/// A transaction's connection that counts the statements sent on it: every query of the store
/// reaches the connection as `&mut *tx.inner`, once per statement, so the count needs no
/// bookkeeping at the call sites.
struct Counted {
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    round_trips: Arc<AtomicU64>,
}

impl Deref for Counted {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        &self.tx
    }
}

impl DerefMut for Counted {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        &mut self.tx
    }
}

impl Store {
    /// Opens the database (starting the private cluster if that is the source) and migrates it.
    pub async fn open(source: &DatabaseSource, max_connections: u32) -> anyhow::Result<Store> {
        Store::open_with(source, Pool::tool(max_connections)).await
    }

    /// [`Store::open`] with a pool of its own settings.
    pub async fn open_with(source: &DatabaseSource, pool: Pool) -> anyhow::Result<Store> {
        let url = match source {
            DatabaseSource::Url(url) => url.clone(),
            DatabaseSource::Private(_) => {
                let server = source.server_url().await?;
                provision::ensure_database(&server, "danvan").await?;
                provision::with_database(&server, "danvan")?
            }
        };
        let store = Store::connect_with(&url, pool).await?;
        store.refuse_pre_baseline_schema(source).await?;
        // On a connection of their own, out of the pool: a migration runs as long as it takes.
        let mut connection = PgConnection::connect_with(&connect_options(&url)?).await?;
        MIGRATOR
            .run(&mut connection)
            .await
            .context("running migrations")?;
        connection.close().await?;
        Ok(store)
    }

    /// A database created before the migrations were squashed into one baseline (December 2026)
    /// records migrations that no longer exist; sqlx would only say "previously applied but missing".
    async fn refuse_pre_baseline_schema(&self, source: &DatabaseSource) -> anyhow::Result<()> {
        // Not checked at build time: sqlx's own table, which the database the build checks
        // against need not have (a new database has none either: that failing is what tells).
        let applied: Vec<(i64, Vec<u8>)> =
            match sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&self.pool)
                .await
            {
                Ok(rows) => rows,
                // No migrations table yet: a new database.
                Err(_) => return Ok(()),
            };
        let baseline = MIGRATOR.iter().next().map(|m| (m.version, &m.checksum[..]));
        let pre_baseline = applied
            .first()
            .is_some_and(|(v, sum)| Some((*v, &sum[..])) != baseline);
        if pre_baseline {
            let how = match source {
                DatabaseSource::Private(dir) => format!(
                    "stop danvan and delete {} (its private cluster), then run it again",
                    dir.display()
                ),
                DatabaseSource::Url(_) => {
                    "drop and re-create that database (or point DATABASE_URL at a new one), then run danvan migrate"
                        .to_owned()
                }
            };
            anyhow::bail!(
                "this database was created by a danvan from before December 2026, whose schema \
                 migrations were since squashed into one baseline; it cannot be upgraded in place: {how}"
            );
        }
        Ok(())
    }

    /// Connects without migrating.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Store> {
        Store::connect_with(url, Pool::tool(max_connections)).await
    }

    /// [`Store::connect`] with a pool of its own settings.
    pub async fn connect_with(url: &str, pool: Pool) -> anyhow::Result<Store> {
        let mut options = connect_options(url)?;
        if let Some(limit) = pool.statement_timeout {
            let ms = limit.as_millis().to_string();
            options = options.options([("statement_timeout", ms.as_str())]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(pool.max_connections)
            .acquire_timeout(pool.acquire_timeout)
            // sqlx pings a connection every time it leaves the pool: a round trip more for every
            // message handled (one in seven). A connection in use moments ago is taken as it is
            // (one the server dropped fails its statement, and the work is retried as any failed
            // work is); one idle for a while, as after a restart of the server, is still tested.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= IDLE_BEFORE_PING {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("connecting to {:?}", DatabaseSource::Url(url.to_owned())))?;
        Ok(Store {
            pool,
            inbox_growth: Arc::new((AtomicU64::new(0), AtomicU64::new(inbox::FIRST_ANALYZE))),
            round_trips: Default::default(),
            drafts: consultations::Drafts::default(),
        })
    }

    pub async fn begin(&self) -> anyhow::Result<Tx> {
        Ok(self.counted(self.pool.begin().await?))
    }

    /// A transaction in which every statement runs on the one plan PostgreSQL keeps for it,
    /// never on one made for the values at hand, set in BEGIN's own round trip. For the inbox's
    /// batches: PostgreSQL judged the claim and the batch's end cheaper planned anew and did so
    /// on nine calls in ten (0.8 ms of planning a claim), for the plan it keeps anyway.
    pub async fn begin_with_kept_plans(&self) -> anyhow::Result<Tx> {
        let tx = self
            .pool
            .begin_with("BEGIN; SET LOCAL plan_cache_mode = force_generic_plan")
            .await?;
        Ok(self.counted(tx))
    }

    fn counted(&self, tx: sqlx::Transaction<'static, sqlx::Postgres>) -> Tx {
        // BEGIN is one.
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        Tx {
            inner: Counted {
                tx,
                round_trips: self.round_trips.clone(),
            },
            drafts: self.drafts.clone(),
        }
    }

    /// Round trips to the database made in transactions so far: each BEGIN, statement and COMMIT
    /// (a statement sqlx has not prepared on that connection yet costs one more, not counted).
    /// Queries outside a transaction are not counted; the engine handles an event in one.
    pub fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether [`Store::close`] was called: nothing more will be done with it.
    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }

    /// Rows in each table that holds personal data, for checks that erasure leaves nothing behind.
    pub async fn personal_data_counts(&self) -> anyhow::Result<Vec<(String, i64)>> {
        let mut counts = Vec::new();
        for table in ["people", "chats", "role_grants"] {
            // Built at run time: the table is named in the statement.
            let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(&self.pool)
                .await?;
            counts.push((table.to_owned(), n));
        }
        Ok(counts)
    }
}

impl Tx {
    pub async fn commit(self) -> anyhow::Result<()> {
        self.inner.round_trips.fetch_add(1, Ordering::Relaxed);
        Ok(self.inner.tx.commit().await?)
    }
}

fn connect_options(url: &str) -> anyhow::Result<PgConnectOptions> {
    url.parse().context("parsing the database URL")
}

/// The order of a person's chats (`c`) for a message pushed to one of them: the chat they used
/// last first. Chats the engine never saw a message from come last.
const LAST_USED_FIRST: &str = "c.last_seen_at DESC NULLS LAST, c.channel, c.address";

/// SQL that holds when person `p` has one of the audience `roles` (an SQL text[] expression:
/// 'resident' for people without a role, 'cadre', 'admin'; empty for everyone).
fn in_audience(roles: &str) -> String {
    format!(
        "(cardinality({roles}) = 0
          OR ('resident' = ANY({roles})
              AND NOT EXISTS (SELECT 1 FROM role_grants g WHERE g.person_id = p.id))
          OR EXISTS (SELECT 1 FROM role_grants g WHERE g.person_id = p.id AND g.role = ANY({roles})))"
    )
}

/// A transaction that lost a race with another: the same work succeeds when run again. Nothing
/// else is retried (a unique violation is a bug or a user's mistake, not a race: the inserts that
/// meet concurrently say ON CONFLICT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Race {
    /// SQLSTATE 40001.
    SerializationFailure,
    /// SQLSTATE 40P01.
    Deadlock,
}

impl Race {
    /// The race `error` (or one of its causes) reports, if it is one.
    pub fn of(error: &anyhow::Error) -> Option<Race> {
        error.chain().find_map(|cause| {
            let code = cause
                .downcast_ref::<sqlx::Error>()?
                .as_database_error()?
                .code()?;
            match code.as_ref() {
                "40001" => Some(Race::SerializationFailure),
                "40P01" => Some(Race::Deadlock),
                _ => None,
            }
        })
    }
}

impl Store {
    /// People who have chosen a commune or ward.
    pub async fn registered_in_places(&self) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar!(
            r#"SELECT count(*) AS "people!" FROM people WHERE unit_id IS NOT NULL"#
        )
        .fetch_one(&self.pool)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseSource;
    use super::tokens::Tokens;

    #[test]
    fn a_database_url_and_tokens_printed_for_debugging_show_no_password() {
        let source =
            DatabaseSource::Url("postgres://danvan:password-words@db.example/danvan".into());
        let tokens = Tokens {
            refresh_token: "refresh-token-words".into(),
            access_token: Some("access-token-words".into()),
            access_expires_at: None,
        };
        assert_eq!(
            format!("{source:?}"),
            r#"postgres database "danvan" on db.example"#
        );
        let tokens = format!("{tokens:?}");
        assert!(
            !tokens.contains("-words") && tokens.contains("REDACTED"),
            "{tokens}"
        );
    }
}
