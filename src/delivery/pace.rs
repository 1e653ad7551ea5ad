//! Keeps a channel account under its platform's rate and out of the pauses it asks for, across
//! every process that sends for the account (`store::pace`). Sends start in slots the database
//! hands out in turn, evenly spaced 1/rate apart and a little more, so that jitter on the way cannot
//! squeeze one too many into a second at the platform: not N at once then a wait, where a burst's
//! tail and the next burst's head would meet in one platform second, and every send of a burst
//! would be in flight when the platform answers one with a pause. A process reserves as many slots
//! as it has sends waiting, at most a quarter of a second's worth, so the database is asked a few
//! times a second at most; only while the database has been away for a while does a process
//! space its sends alone. A pause one process is asked for is announced to every process at once
//! and read again with each reservation; no slot is used while a pause holds. Replies to people in
//! conversation go before waiting bulk sends.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::store::Store;

/// The spacing is this much longer than 1/rate: a request's way to the platform varies by tens of
/// milliseconds on a busy machine (31 in one second was seen at 3% under the full test suite on
/// two cores), and 6% keeps 60 ms of it from adding up to one send too many in a second.
const SLACK: f64 = 1.06;
/// A slot not used within this long after it came is given up: used later, its send could meet
/// the next slot's in one platform second.
const LATE: Duration = Duration::from_millis(20);
/// Slots reserved at once at most, in seconds' worth.
const RESERVED_AHEAD: f64 = 0.25;
/// How long one reservation may take before it counts as failed.
const RESERVE_WAIT: Duration = Duration::from_secs(1);
/// How long reservations keep failing before this process spaces its sends alone: a database
/// slow for a moment (a busy machine) must not let two processes send in one slot, but one away
/// for long must not stop replies.
const ALONE_AFTER: Duration = Duration::from_secs(5);
/// The wait before trying a failed reservation again.
const RESERVE_AGAIN: Duration = Duration::from_millis(200);
/// How long to wait before listening for pauses again after the database refused.
const LISTEN_AGAIN: Duration = Duration::from_secs(1);

pub struct Pace {
    channel: &'static str,
    store: Store,
    /// Time between two starts; None: no limit.
    spacing: Option<Duration>,
    schedule: Arc<Mutex<Schedule>>,
    /// One reservation at a time in this process: the others wait for its slots.
    reserving: tokio::sync::Mutex<()>,
    /// Hears the pauses other processes set, from the first send on.
    listening: OnceLock<JoinHandle<()>>,
}

/// What this process knows of the account's pace.
#[derive(Default)]
struct Schedule {
    /// Slots reserved and not used yet, in order.
    slots: VecDeque<Instant>,
    /// The last slot reserved: without the database, this process's next goes a spacing after it.
    last: Option<Instant>,
    /// Sends waiting for a slot, and how many of them are replies.
    waiting: usize,
    replies_waiting: usize,
    /// Nobody sends before then.
    paused_until: Option<Instant>,
    /// Since when reservations fail, if they do.
    failing_since: Option<Instant>,
    clocks: Clocks,
}

/// How the database's clock and this process's line up, so that every process starts the slots
/// it reserved when the database meant them: an answer that waited on its way back (a busy
/// machine) would otherwise push this process's slots into the next process's.
#[derive(Default)]
struct Clocks {
    /// When the first reading was taken.
    base: Option<Instant>,
    /// The last readings of (this process's time since `base`) − (the database's time), in
    /// seconds. Each is the true difference plus how long its answer took to be read; the
    /// smallest took least.
    readings: VecDeque<f64>,
}

/// Readings kept: a few seconds' worth for a busy account, so a change of the database's clock
/// is soon followed.
const READINGS: usize = 16;

impl Clocks {
    /// When, on this process's clock, the database read `database_now` (seconds since 1970) in
    /// an answer read at `now` to a question asked at `asked`.
    fn when(&mut self, database_now: f64, asked: Instant, now: Instant) -> Instant {
        let base = *self.base.get_or_insert(now);
        let reading = now.duration_since(base).as_secs_f64() - database_now;
        if self.readings.len() == READINGS {
            self.readings.pop_front();
        }
        self.readings.push_back(reading);
        let least = self.readings.iter().copied().fold(f64::INFINITY, f64::min);
        // The database read its clock after the question left.
        let late = Duration::from_secs_f64(reading - least).min(now - asked);
        now - late
    }
}

/// What a send waiting for a slot does next.
#[derive(Debug, PartialEq)]
enum Turn {
    Go,
    Wait(Instant),
    /// No slot is left: reserve more.
    Reserve,
}

impl Schedule {
    fn turn(&mut self, now: Instant, reply: bool, spacing: Option<Duration>) -> Turn {
        if let Some(until) = self.paused_until.filter(|until| *until > now) {
            return Turn::Wait(until);
        }
        let Some(spacing) = spacing else {
            return Turn::Go;
        };
        while self.slots.front().is_some_and(|slot| *slot + LATE < now) {
            self.slots.pop_front();
        }
        match self.slots.front() {
            None => Turn::Reserve,
            Some(slot) if *slot > now => Turn::Wait(*slot),
            Some(_) if reply || self.replies_waiting == 0 => {
                self.slots.pop_front();
                Turn::Go
            }
            // The slot is left to a waiting reply.
            Some(_) => Turn::Wait(now + spacing / 2),
        }
    }

    /// Adds `count` slots `spacing` apart from `first`.
    fn add(&mut self, first: Instant, count: u32, spacing: Duration) {
        self.slots.extend((0..count).map(|k| first + spacing * k));
        self.last = self.slots.back().copied().or(self.last);
    }

    fn pause(&mut self, until: Instant) {
        if self.paused_until.is_none_or(|paused| paused < until) {
            self.paused_until = Some(until);
        }
    }
}

/// A send counted as waiting for its slot until dropped.
struct Waiting<'a> {
    schedule: &'a Mutex<Schedule>,
    reply: bool,
}

impl<'a> Waiting<'a> {
    fn count(schedule: &'a Mutex<Schedule>, reply: bool) -> Waiting<'a> {
        let mut s = lock(schedule);
        s.waiting += 1;
        s.replies_waiting += usize::from(reply);
        Waiting { schedule, reply }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut s = lock(self.schedule);
        s.waiting -= 1;
        s.replies_waiting -= usize::from(self.reply);
    }
}

fn lock(schedule: &Mutex<Schedule>) -> MutexGuard<'_, Schedule> {
    schedule.lock().expect("pace lock poisoned")
}

impl Pace {
    /// `per_second`: None (or not positive) for no limit (local fakes, benchmarks); pauses hold
    /// either way.
    pub fn new(channel: &'static str, store: Store, per_second: Option<f64>) -> Pace {
        Pace {
            channel,
            store,
            spacing: per_second
                .filter(|r| *r > 0.0)
                .map(|rate| Duration::from_secs_f64(SLACK / rate)),
            schedule: Arc::default(),
            reserving: tokio::sync::Mutex::new(()),
            listening: OnceLock::new(),
        }
    }

    /// Sends this account lets through per second, if it limits.
    pub fn rate(&self) -> Option<f64> {
        self.spacing.map(|spacing| 1.0 / spacing.as_secs_f64())
    }

    /// Waits for a slot outside any pause; a reply goes before waiting bulk sends. A pause
    /// announced while it waited is waited out, and a new slot taken.
    pub async fn slot(&self, reply: bool) {
        self.listen();
        let _waiting = Waiting::count(&self.schedule, reply);
        loop {
            let turn = lock(&self.schedule).turn(Instant::now(), reply, self.spacing);
            match turn {
                Turn::Go => return,
                Turn::Wait(until) => tokio::time::sleep_until(until).await,
                Turn::Reserve => self.reserve().await,
            }
        }
    }

    /// Holds every send of the account, in every process, for `wait`.
    pub fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        lock(&self.schedule).pause(until);
        let (store, channel) = (self.store.clone(), self.channel);
        // Told to the others for as long as it matters: a process that misses it sends inside
        // the pause.
        tokio::spawn(async move {
            let mut retry = Duration::from_millis(100);
            while let Some(left) = until.checked_duration_since(Instant::now()) {
                match store.pause_sends(channel, left).await {
                    Ok(()) => return,
                    Err(e) => {
                        tracing::warn!(channel, error = %format!("{e:#}"), "sharing a pause failed; trying again");
                        tokio::time::sleep(retry).await;
                        retry = (retry * 2).min(Duration::from_secs(2));
                    }
                }
            }
        });
    }

    /// Reserves slots for the sends waiting, unless another waiter just did.
    async fn reserve(&self) {
        let Some(spacing) = self.spacing else { return };
        let _alone = self.reserving.lock().await;
        let count = {
            let s = lock(&self.schedule);
            if !s.slots.is_empty() {
                return;
            }
            let most = (RESERVED_AHEAD / spacing.as_secs_f64()).ceil().max(1.0) as usize;
            s.waiting.clamp(1, most) as u32
        };
        let asked = Instant::now();
        let reserved = tokio::time::timeout(
            RESERVE_WAIT,
            self.store.reserve_slots(self.channel, count, spacing),
        )
        .await;
        let now = Instant::now();
        let error = match reserved {
            Ok(Ok(reserved)) => {
                let mut s = lock(&self.schedule);
                s.failing_since = None;
                let read_at = s.clocks.when(reserved.now, asked, now);
                s.add(read_at + reserved.first_in, count, spacing);
                if let Some(paused) = reserved.paused_for {
                    s.pause(now + paused);
                }
                return;
            }
            Ok(Err(e)) => format!("{e:#}"),
            Err(_) => "the database took too long".to_owned(),
        };
        let alone = {
            let mut s = lock(&self.schedule);
            let since = *s.failing_since.get_or_insert(now);
            let alone = now.duration_since(since) >= ALONE_AFTER;
            if alone {
                let first = s.last.map_or(now, |last| (last + spacing).max(now));
                s.add(first, 1, spacing);
            }
            alone
        };
        if alone {
            tracing::warn!(channel = self.channel, %error, "no send slot from the database; spacing this process's sends alone");
        } else {
            tracing::debug!(channel = self.channel, %error, "no send slot from the database yet");
            tokio::time::sleep(RESERVE_AGAIN).await;
        }
    }

    /// Starts hearing the pauses other processes set, once.
    fn listen(&self) {
        self.listening.get_or_init(|| {
            tokio::spawn(follow_pauses(
                self.store.clone(),
                self.channel,
                self.schedule.clone(),
            ))
        });
    }
}

impl Drop for Pace {
    fn drop(&mut self) {
        if let Some(listening) = self.listening.get() {
            listening.abort();
        }
    }
}

/// Notes every pause set for `channel`, for as long as the account lives and its store is open.
async fn follow_pauses(store: Store, channel: &'static str, schedule: Arc<Mutex<Schedule>>) {
    loop {
        let listened = listen_for_pauses(&store, channel, &schedule).await;
        if store.is_closed() {
            return;
        }
        if let Err(e) = listened {
            tracing::warn!(channel, error = %format!("{e:#}"), "listening for pauses failed");
        }
        tokio::time::sleep(LISTEN_AGAIN).await;
    }
}

async fn listen_for_pauses(
    store: &Store,
    channel: &'static str,
    schedule: &Mutex<Schedule>,
) -> anyhow::Result<()> {
    let note = |left: Duration| lock(schedule).pause(Instant::now() + left);
    let mut listener = store.listen_for_pauses().await?;
    loop {
        // A pause set while nobody listened: before the first, or while the connection was lost.
        if let Some(left) = store.send_pause(channel).await? {
            note(left);
        }
        while let Some(pause) = listener.next().await? {
            if pause.channel == channel && pause.seconds > 0.0 {
                note(Duration::from_secs_f64(pause.seconds));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPACING: Duration = Duration::from_millis(100);

    #[test]
    fn slots_go_in_their_time_and_one_missed_is_given_up() {
        let start = Instant::now();
        let mut s = Schedule::default();
        assert_eq!(s.turn(start, false, Some(SPACING)), Turn::Reserve);
        s.add(start, 3, SPACING);
        assert_eq!(s.turn(start, false, Some(SPACING)), Turn::Go);
        assert_eq!(
            s.turn(start, false, Some(SPACING)),
            Turn::Wait(start + SPACING)
        );
        // The second slot is missed; the third comes.
        let late = start + SPACING * 2 + LATE / 2;
        assert_eq!(s.turn(late, false, Some(SPACING)), Turn::Go);
        assert_eq!(s.turn(late, false, Some(SPACING)), Turn::Reserve);
        assert_eq!(s.last, Some(start + SPACING * 2));
    }

    #[test]
    fn replies_go_before_waiting_bulk_sends() {
        let now = Instant::now();
        let mut s = Schedule {
            replies_waiting: 1,
            ..Schedule::default()
        };
        s.add(now, 2, SPACING);
        assert_eq!(
            s.turn(now, false, Some(SPACING)),
            Turn::Wait(now + SPACING / 2)
        );
        assert_eq!(s.turn(now, true, Some(SPACING)), Turn::Go);
    }

    #[test]
    fn no_slot_is_used_inside_a_pause_even_without_a_rate() {
        let now = Instant::now();
        let mut s = Schedule::default();
        s.add(now, 2, SPACING);
        s.pause(now + Duration::from_secs(3));
        s.pause(now + Duration::from_secs(1));
        let until = now + Duration::from_secs(3);
        assert_eq!(s.turn(now, true, Some(SPACING)), Turn::Wait(until));
        assert_eq!(s.turn(now, true, None), Turn::Wait(until));
        assert_eq!(s.turn(until, true, None), Turn::Go);
        // The slots that came during the pause are gone.
        assert_eq!(s.turn(until, true, Some(SPACING)), Turn::Reserve);
    }

    #[test]
    fn an_answer_read_late_does_not_move_the_slots_it_brings() {
        let start = Instant::now();
        let mut clocks = Clocks::default();
        let ms = Duration::from_millis;
        let at = |after: Duration| start + after;
        // The database's clock reads 1000.0 s when this process's reads `start`.
        assert_eq!(clocks.when(1000.0, at(ms(0)), at(ms(0))), at(ms(0)));
        // An answer read 40 ms after the database read its clock, at 1000.5 s.
        assert_eq!(clocks.when(1000.5, at(ms(490)), at(ms(540))), at(ms(500)));
        // At most back to when the question was asked.
        assert_eq!(
            clocks.when(1001.0, at(ms(1030)), at(ms(1041))),
            at(ms(1030))
        );
    }
}
