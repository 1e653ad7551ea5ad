//! Delivery that knows no platform: the inbox worker (claim, converse, render, queue in one
//! transaction), the outbox of replies and its sweeper, and the broadcast sender of notices and
//! messages, for any [`Channel`]. Each channel account keeps its rate and the pauses its platform
//! asks for, together with every other process sending for it ([`pace`]).

pub mod broadcast;
pub mod inbox;
pub mod lease;
pub mod outbox;
pub mod pace;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{Notify, mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::channels::{Channel, Sent};
use crate::engine::Engine;
use crate::store::Store;
use crate::store::inbox::{Arrival, CLAIM_BATCH};
use pace::Pace;

/// One channel account as delivery runs it: the channel, its pace (message rate and the pause its
/// platform imposed, shared with every process), and the bell intake rings.
pub struct Account {
    pub engine: Arc<Engine>,
    pub channel: Arc<dyn Channel>,
    /// Updates handled at once.
    workers: usize,
    pace: Pace,
    /// Rung when intake commits something, so idle workers look at once.
    arrived: Arc<Notify>,
    /// Where the inbox workers' claims start.
    floor: inbox::Floor,
}

/// Where a channel's intake commits raw events: the inbox, then a word to the idle workers.
#[derive(Clone)]
pub struct Arrivals {
    committer: Committer,
    /// Webhook requests waiting for their commit, shared by every clone; started on first use and
    /// ended when the last clone is dropped.
    queue: Arc<OnceLock<mpsc::UnboundedSender<Queued>>>,
}

#[derive(Clone)]
struct Committer {
    store: Store,
    channel: &'static str,
    workers: usize,
    arrived: Arc<Notify>,
}

/// One webhook event waiting to be committed, and who waits for it.
struct Queued {
    event_id: String,
    chat: String,
    payload: serde_json::Value,
    committed: oneshot::Sender<Result<(), String>>,
}

/// Webhook events committed together at most.
const GROUP_COMMIT: usize = 256;

impl Arrivals {
    /// Commits a batch of raw events (duplicates are ignored); only then may the platform be told
    /// they arrived.
    pub async fn commit(&self, arrivals: &[Arrival<'_>]) -> anyhow::Result<u64> {
        self.committer.commit(arrivals).await
    }

    /// Commits one event (a webhook request's) together with those that arrive while a commit is
    /// under way: each request still waits for its own event's commit, but concurrent requests
    /// share one transaction instead of queueing for one each.
    pub async fn commit_one(
        &self,
        event_id: String,
        chat: String,
        payload: serde_json::Value,
    ) -> anyhow::Result<()> {
        let queue = self.queue.get_or_init(|| {
            let (queue, waiting) = mpsc::unbounded_channel();
            tokio::spawn(group_commits(self.committer.clone(), waiting));
            queue
        });
        let (committed, commit) = oneshot::channel();
        queue
            .send(Queued {
                event_id,
                chat,
                payload,
                committed,
            })
            .map_err(|_| anyhow::anyhow!("intake has stopped"))?;
        commit
            .await
            .map_err(|_| anyhow::anyhow!("intake has stopped"))?
            .map_err(anyhow::Error::msg)
    }
}

impl Committer {
    async fn commit(&self, arrivals: &[Arrival<'_>]) -> anyhow::Result<u64> {
        let added = self.store.intake(self.channel, arrivals).await?;
        // Enough idle workers for the new events (each takes a batch), not all of them.
        for _ in 0..arrivals.len().div_ceil(CLAIM_BATCH).min(self.workers) {
            self.arrived.notify_one();
        }
        Ok(added)
    }
}

/// Commits what waits, as one batch each time, until every sender is gone.
async fn group_commits(committer: Committer, mut waiting: mpsc::UnboundedReceiver<Queued>) {
    while let Some(first) = waiting.recv().await {
        let mut group = vec![first];
        while group.len() < GROUP_COMMIT
            && let Ok(next) = waiting.try_recv()
        {
            group.push(next);
        }
        let arrivals: Vec<Arrival> = group
            .iter()
            .map(|q| Arrival {
                event_id: q.event_id.clone(),
                chat: q.chat.clone(),
                payload: &q.payload,
            })
            .collect();
        let result = committer
            .commit(&arrivals)
            .await
            .map(drop)
            .map_err(|e| format!("{e:#}"));
        for queued in group {
            let _ = queued.committed.send(result.clone());
        }
    }
}

impl Account {
    pub fn new(engine: Arc<Engine>, channel: Arc<dyn Channel>, workers: usize) -> Arc<Account> {
        Arc::new(Account {
            pace: Pace::new(
                channel.name(),
                engine.store().clone(),
                channel.capabilities().rate,
            ),
            engine,
            channel,
            workers: workers.max(1),
            arrived: Arc::new(Notify::new()),
            floor: inbox::Floor::default(),
        })
    }

    pub fn arrivals(&self) -> Arrivals {
        Arrivals {
            committer: Committer {
                store: self.engine.store().clone(),
                channel: self.channel.name(),
                workers: self.workers,
                arrived: self.arrived.clone(),
            },
            queue: Arc::new(OnceLock::new()),
        }
    }

    /// Runs intake (if the channel polls), the inbox workers, the outbox sweeper and, on a channel
    /// that may push, the broadcast sender, until `shutdown`; returns once they have finished
    /// what they had in hand. Call the channel's `register` first.
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) -> anyhow::Result<()> {
        let mut tasks = tokio::task::JoinSet::new();
        if let Some(poll) = self.channel.clone().poll(self.arrivals(), shutdown.clone()) {
            tasks.spawn(poll);
        }
        for _ in 0..self.workers {
            tasks.spawn(inbox::work(self.clone(), shutdown.clone()));
        }
        tasks.spawn(outbox::sweep(self.clone(), shutdown.clone()));
        if self.channel.capabilities().can_push {
            tasks.spawn(broadcast::run(self.clone(), shutdown.clone()));
        }
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        Ok(())
    }

    /// Messages per second this account keeps to, if limited.
    pub fn rate(&self) -> Option<f64> {
        self.pace.rate()
    }

    /// Sends one message of a conversation in the next free slot, ahead of waiting bulk sends.
    async fn send_now(&self, address: &str, message: &serde_json::Value) -> Sent {
        self.pace.slot(true).await;
        self.sent(self.channel.send(address, message).await)
    }

    /// Sends one message of a broadcast in its turn under the rate limit, if `lease` still holds
    /// when the turn comes.
    async fn send_in_turn(
        &self,
        address: &str,
        message: &serde_json::Value,
        lease: &lease::Lease,
    ) -> Option<Sent> {
        self.pace.slot(false).await;
        if !lease.held() {
            return None;
        }
        Some(self.sent(self.channel.send(address, message).await))
    }

    /// Counts the send, and notes a pause the platform asked for.
    fn sent(&self, sent: Sent) -> Sent {
        crate::telemetry::sent(self.channel.name(), &sent);
        if let Sent::RetryAfter(wait) = &sent {
            tracing::warn!(
                channel = self.channel.name(),
                seconds = wait.as_secs(),
                "the platform asked us to slow down; pausing all sends"
            );
            self.pace.pause(*wait);
        }
        sent
    }
}

/// 1 s, 2 s, 4 s … capped at a minute.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.min(6)).min(Duration::from_secs(60))
}
