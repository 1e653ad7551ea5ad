//! Work that only one process may do at a time across every `serve` (polling a platform that
//! hands each update out once), held as a PostgreSQL session lock.

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use super::Store;

/// A held lock; released when dropped (its connection closes) or when the process dies.
pub struct Held {
    connection: PgConnection,
}

impl Held {
    /// Whether the lock is still held: if its connection was lost, the server released it and
    /// another process may hold it now.
    pub async fn still_held(&mut self) -> bool {
        self.connection.ping().await.is_ok()
    }
}

impl Store {
    /// Takes the lock named `name` if nobody holds it.
    pub async fn try_lock(&self, name: &str) -> anyhow::Result<Option<Held>> {
        // A connection of its own, out of the pool: a session lock must not stay with a pooled
        // connection that someone else gets next.
        let mut connection = self.pool.acquire().await?.detach();
        let taken = sqlx::query_scalar!(
            r#"SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS "taken!""#,
            name
        )
        .fetch_one(&mut connection)
        .await?;
        if taken {
            Ok(Some(Held { connection }))
        } else {
            connection.close().await?;
            Ok(None)
        }
    }
}
