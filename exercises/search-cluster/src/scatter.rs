//! The reference coordinator: scatter-gather in two phases, with a
//! deadline over both, retries on another replica, and hedging.

use std::future::Future;
use std::hash::{BuildHasher, RandomState};

use futures_util::future::join_all;
use futures_util::stream::{FuturesUnordered, StreamExt};
use kit::sync::{Arc, AtomicU64, Ordering};
use tokio::time::{Duration, Instant, sleep, sleep_until, timeout_at};

use crate::{
    AddFailed, AddKey, Added, Answer, CallError, Cluster, Coordinator, Counters, DocId, Latencies,
    Options, Query, Replicas, Seq, ShardId, Stats, merge_top_k, shard_of,
};

/// The first wait before trying a shard again whose every replica failed;
/// it doubles up to [`MAX_BACKOFF`], so a shard that is down costs a few
/// calls per query, not a storm of them.
const BACKOFF: Duration = Duration::from_millis(2);
const MAX_BACKOFF: Duration = Duration::from_millis(50);

/// A coordinator's view of one shard.
#[derive(Debug)]
struct Shard {
    replicas: Replicas,
    latencies: Latencies,
}

/// Scatter-gather with deadlines, least-outstanding replicas, retries and
/// (with [`Options::hedging`]) hedged requests.
#[derive(Debug)]
pub struct ScatterGather<C> {
    cluster: Arc<C>,
    options: Options,
    shards: Vec<Shard>,
    /// Add keys: a random start, so two coordinators do not share keys,
    /// and a count from it.
    keys: AtomicU64,
    counters: Counters,
}

impl<C: Cluster> Coordinator<C> for ScatterGather<C> {
    fn new(cluster: Arc<C>, options: Options) -> Self {
        let shards = (0..cluster.shards())
            .map(|_| Shard {
                replicas: Replicas::new(cluster.replicas()),
                latencies: Latencies::default(),
            })
            .collect();
        Self {
            cluster,
            options,
            shards,
            keys: AtomicU64::new(RandomState::new().hash_one("search-cluster add keys")),
            counters: Counters::default(),
        }
    }

    // ANCHOR: search
    async fn search(&self, query: Query) -> Answer {
        let (text, deadline) = (query.text.as_str(), query.deadline);
        let (cluster, query) = (&*self.cluster, &query);
        // Phase 1: every shard's statistics, summed into the collection's,
        // so that every shard scores as one index would. It gets half the
        // time left: a dead shard must not take the time the others need
        // for phase 2.
        let now = Instant::now();
        let halfway = now + deadline.saturating_duration_since(now) / 2;
        let stats = join_all((0..self.shards.len()).map(|shard| {
            timeout_at(
                halfway,
                self.ask(shard, move |r| {
                    cluster.stats(shard, r, text, query.after_seq(shard, r))
                }),
            )
        }))
        .await;
        let mut total = Stats::default();
        for shard_stats in stats.iter().flatten() {
            total.add(shard_stats);
        }
        // Phase 2: each shard's top k, scored with those statistics. A
        // shard that missed phase 1 is left out: its documents did not
        // count in the statistics either.
        let answered: Vec<ShardId> = (0..stats.len()).filter(|&s| stats[s].is_ok()).collect();
        let total = &total;
        let lists = join_all(answered.iter().map(|&shard| {
            timeout_at(
                deadline,
                self.ask(shard, move |r| {
                    cluster.search(shard, r, text, total, query.k, query.after_seq(shard, r))
                }),
            )
        }))
        .await;
        let mut missing: Vec<ShardId> = (0..stats.len()).filter(|&s| stats[s].is_err()).collect();
        missing.extend(
            (answered.iter().zip(&lists))
                .filter(|(_, l)| l.is_err())
                .map(|(&s, _)| s),
        );
        missing.sort_unstable();
        let lists: Vec<_> = lists.into_iter().flatten().collect();
        self.counters.add(&self.counters.queries);
        if !missing.is_empty() {
            self.counters.add(&self.counters.partial);
        }
        Answer {
            hits: merge_top_k(&lists, query.k),
            partial: !missing.is_empty(),
            missing,
        }
    }
    // ANCHOR_END: search

    // ANCHOR: add
    async fn add(&self, id: DocId, text: String, deadline: Instant) -> Result<Added, AddFailed> {
        let shard = shard_of(id, self.shards.len());
        // One key for every attempt at this add, taken before the first:
        // a replica that applied it and lost the answer sees the retry's
        // key and does not apply it again.
        let key: AddKey = self.keys.fetch_add(1, Ordering::Relaxed);
        let text = text.as_str();
        let seqs: Vec<Option<Seq>> =
            join_all((0..self.cluster.replicas()).map(|replica| async move {
                timeout_at(deadline, self.add_to(shard, replica, key, id, text))
                    .await
                    .ok()
            }))
            .await;
        self.counters.add(&self.counters.adds);
        match seqs.iter().copied().collect::<Option<Vec<Seq>>>() {
            Some(seqs) => Ok(Added { shard, seqs }),
            None => {
                self.counters.add(&self.counters.failed_adds);
                Err(AddFailed { shard, seqs })
            }
        }
    }
    // ANCHOR_END: add
}

impl<C: Cluster> ScatterGather<C> {
    // ANCHOR: ask
    /// Asks one replica of `shard` after another until one answers: the
    /// least loaded first, another when it fails, and (hedging) another
    /// beside it when it is slower than the shard's recent p95. Returns the
    /// first answer; dropping the other attempts cancels them. Never gives
    /// up by itself: the caller's deadline ends it.
    async fn ask<T, F, Fut>(&self, shard: ShardId, call: F) -> T
    where
        F: Fn(usize) -> Fut,
        Fut: Future<Output = Result<T, CallError>>,
    {
        let Shard {
            replicas,
            latencies,
        } = &self.shards[shard];
        let mut attempts = FuturesUnordered::new();
        // Replicas tried since the last backoff, as bits.
        let mut tried = 0u64;
        let mut hedged = false;
        let mut backoff = BACKOFF;
        let mut last_start = Instant::now();
        loop {
            if attempts.is_empty() {
                let Some(outstanding) = replicas.pick(tried) else {
                    // Every replica failed: wait, then go round again.
                    sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    tried = 0;
                    continue;
                };
                tried |= 1 << outstanding.replica;
                last_start = Instant::now();
                attempts.push(self.attempt(outstanding, &call, false));
            }
            let hedge_at = if self.options.hedging && !hedged && attempts.len() == 1 {
                last_start + latencies.hedge_after()
            } else {
                // No hedge to send: a wait that never ends first.
                Instant::now() + Duration::from_secs(86_400)
            };
            tokio::select! {
                Some((result, took, hedge)) = attempts.next() => {
                    if let Ok(answer) = result {
                        latencies.record(took);
                        if hedge {
                            self.counters.add(&self.counters.hedges_won);
                        }
                        return answer;
                    }
                    self.counters.add(&self.counters.failed_calls);
                    // Failed: the next turn waits for the other attempt,
                    // or starts one on a replica not tried yet.
                }
                () = sleep_until(hedge_at) => {
                    hedged = true;
                    if let Some(outstanding) = replicas.pick(tried) {
                        tried |= 1 << outstanding.replica;
                        self.counters.add(&self.counters.hedges_sent);
                        attempts.push(self.attempt(outstanding, &call, true));
                    }
                }
            }
        }
    }
    // ANCHOR_END: ask

    /// One call, counted against its replica while it runs, and timed;
    /// `hedge` comes back with the answer, to count the hedges that won.
    async fn attempt<T, F, Fut>(
        &self,
        outstanding: crate::Outstanding,
        call: &F,
        hedge: bool,
    ) -> (Result<T, CallError>, Duration, bool)
    where
        F: Fn(usize) -> Fut,
        Fut: Future<Output = Result<T, CallError>>,
    {
        self.counters.add(&self.counters.calls);
        let started = Instant::now();
        let result = call(outstanding.replica).await;
        drop(outstanding);
        (result, started.elapsed(), hedge)
    }

    /// What this coordinator has counted so far.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Sends the add to one replica until it confirms, with the same key
    /// every time.
    async fn add_to(
        &self,
        shard: ShardId,
        replica: usize,
        key: AddKey,
        id: DocId,
        text: &str,
    ) -> Seq {
        let mut backoff = BACKOFF;
        loop {
            if let Ok(seq) = self.cluster.add(shard, replica, key, id, text).await {
                return seq;
            }
            sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }
}
