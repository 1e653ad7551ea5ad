//! Each channel account's pace, shared by every process that sends for it (`send_pace`): send
//! slots reserved in turn, and the pause its platform asked for, told to every process at once.
//! Times are the database's, handed out as durations from its now, so processes need not agree
//! on the time.

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::PgListener;

use super::Store;

/// Where pauses are announced; the payload is [`Pause`] as JSON.
const PAUSES: &str = "danvan_send_pauses";

/// Send slots reserved for one process.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reserved {
    /// When the first slot comes, from the database's now; the others follow it at the spacing
    /// asked for.
    pub first_in: Duration,
    /// The database's now, in seconds since 1970: how its clock and the caller's line up.
    pub now: f64,
    /// The pause in force, if any: how long it still holds.
    pub paused_for: Option<Duration>,
}

/// A pause one process set, as every process hears of it.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Pause {
    pub channel: String,
    /// How long it still held when announced.
    pub seconds: f64,
}

/// Hears the pauses processes set; see [`Store::listen_for_pauses`].
pub struct PauseListener(PgListener);

impl PauseListener {
    /// The next pause announced; None when the connection was lost and made again, so that
    /// pauses announced meanwhile were missed (read them with [`Store::send_pause`]).
    pub async fn next(&mut self) -> anyhow::Result<Option<Pause>> {
        loop {
            let Some(notification) = self.0.try_recv().await? else {
                return Ok(None);
            };
            match serde_json::from_str(notification.payload()) {
                Ok(pause) => return Ok(Some(pause)),
                Err(e) => tracing::warn!(error = %e, "an unreadable pause announcement"),
            }
        }
    }
}

/// Seconds as a duration, none when not positive.
fn ahead(seconds: Option<f64>) -> Option<Duration> {
    seconds
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
}

impl Store {
    /// Reserves `count` send slots `spacing` apart for `channel`: after every slot any process
    /// reserved before, and after its pause. The row's lock orders the reservations; the time is
    /// read once the lock is held (`clock_timestamp()`, not the statement's start).
    pub async fn reserve_slots(
        &self,
        channel: &str,
        count: u32,
        spacing: Duration,
    ) -> anyhow::Result<Reserved> {
        let span = spacing.as_secs_f64() * f64::from(count);
        let row = sqlx::query!(
            r#"INSERT INTO send_pace (channel, next_slot_at)
             VALUES ($1, clock_timestamp() + $2 * interval '1 second')
             ON CONFLICT (channel) DO UPDATE SET next_slot_at =
                 greatest(send_pace.next_slot_at, clock_timestamp(), send_pace.paused_until)
                 + $2 * interval '1 second'
             RETURNING
                 extract(epoch FROM next_slot_at - clock_timestamp())::float8 - $2 AS "first_in!",
                 extract(epoch FROM paused_until - clock_timestamp())::float8 AS paused_for,
                 extract(epoch FROM clock_timestamp())::float8 AS "now!""#,
            channel,
            span
        )
        .fetch_one(&self.pool)
        .await
        .context("reserving send slots")?;
        Ok(Reserved {
            first_in: ahead(Some(row.first_in)).unwrap_or_default(),
            now: row.now,
            paused_for: ahead(row.paused_for),
        })
    }

    /// Pauses every send of `channel` for `wait` (unless a longer pause holds), and tells every
    /// process listening.
    pub async fn pause_sends(&self, channel: &str, wait: Duration) -> anyhow::Result<()> {
        sqlx::query!(
            "WITH paused AS (
                 INSERT INTO send_pace (channel, paused_until)
                 VALUES ($1, clock_timestamp() + $2 * interval '1 second')
                 ON CONFLICT (channel) DO UPDATE
                     SET paused_until = greatest(send_pace.paused_until, EXCLUDED.paused_until)
                 RETURNING channel, paused_until)
             SELECT pg_notify($3, json_build_object('channel', channel, 'seconds',
                        extract(epoch FROM paused_until - clock_timestamp())::float8)::text)
             FROM paused",
            channel,
            wait.as_secs_f64(),
            PAUSES
        )
        .execute(&self.pool)
        .await
        .context("pausing sends")?;
        Ok(())
    }

    /// How long `channel`'s pause still holds, if one does.
    pub async fn send_pause(&self, channel: &str) -> anyhow::Result<Option<Duration>> {
        let seconds = sqlx::query_scalar!(
            "SELECT extract(epoch FROM paused_until - clock_timestamp())::float8
             FROM send_pace WHERE channel = $1",
            channel
        )
        .fetch_optional(&self.pool)
        .await
        .context("reading the send pause")?
        .flatten();
        Ok(ahead(seconds))
    }

    /// Listens for the pauses any process sets, on a connection of its own from the pool.
    pub async fn listen_for_pauses(&self) -> anyhow::Result<PauseListener> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(PAUSES).await?;
        Ok(PauseListener(listener))
    }
}
