//! The bug zoo: coordinators that look right and are not. Each is the
//! reference with one mistake a candidate makes, named after it; the suite
//! must catch every one (`tests/bugs.rs`).
//!
//! They share one body, [`Flawed`], which is the reference's logic with a
//! switch at each place a mistake goes. Its calls own what they use
//! (`'static` futures), so that one flaw can hand them to `tokio::spawn`.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use futures_util::future::join_all;
use futures_util::stream::{FuturesUnordered, StreamExt};
use kit::sync::{Arc, AtomicU64, AtomicUsize, Ordering};
use tokio::time::{Duration, Instant, sleep, sleep_until, timeout_at};

use crate::{
    AddFailed, Added, Answer, CallError, Cluster, Coordinator, DocId, Hit, Latencies, Options,
    Query, Replicas, Seq, ShardId, Stats, merge_top_k, shard_of,
};

/// The mistake a [`Flawed`] coordinator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flaw {
    /// Each shard scores with its own statistics: no statistics phase.
    PerShardIdf,
    /// The merge keys hits by score, so equal scores overwrite each other.
    MergeDropsTies,
    /// No deadline: waits for every shard, however long.
    WaitsForever,
    /// Leaves a missing shard out and says nothing.
    PartialAsWhole,
    /// The first failure leaves the shard out; no other replica is asked.
    NoRetry,
    /// Always asks replica 0 first.
    AlwaysFirstReplica,
    /// Sends the hedge at once: every request twice.
    HedgesEverything,
    /// Hedges with `tokio::spawn` and drops the loser's `JoinHandle`,
    /// which detaches the task instead of cancelling it.
    UncancelledHedge,
    /// Counts a request outstanding, and uncounts it after the `.await`:
    /// a request cancelled there stays counted for ever.
    LeaksOutstanding,
    /// Makes a new add key for every attempt, so a replica that applied
    /// an add and lost the answer applies the retry too.
    NewKeyPerAttempt,
    /// Asks the shards one after another, each under the deadline.
    AsksShardsInTurn,
    /// Sends the search to every shard, even one that missed the
    /// statistics round, and counts as missing only the search's.
    SearchesEveryShard,
    /// Makes the add key from the document, so a later add of an earlier
    /// text is taken for a retry and not applied.
    KeysFromContent,
    /// Lets go of the outstanding count as soon as it is taken: replicas
    /// take turns, and a slow one gets its full share.
    TakesTurns,
    /// Sends the hedge to the replica that is already slow.
    HedgesSameReplica,
    /// Leaves `query.after` out of the calls: no read-your-writes.
    IgnoresAfter,
    /// Asks every replica for replica 0's number of the add, though each
    /// numbers changes its own way.
    FirstReplicasNumber,
}

/// The reference with `FLAW`.
#[derive(Debug)]
pub struct Flawed<C, const FLAW: u8> {
    cluster: Arc<C>,
    options: Options,
    shards: Vec<(Replicas, Latencies, Arc<Vec<AtomicUsize>>)>,
    keys: AtomicU64,
}

const FLAWS: [Flaw; 17] = [
    Flaw::PerShardIdf,
    Flaw::MergeDropsTies,
    Flaw::WaitsForever,
    Flaw::PartialAsWhole,
    Flaw::NoRetry,
    Flaw::AlwaysFirstReplica,
    Flaw::HedgesEverything,
    Flaw::UncancelledHedge,
    Flaw::LeaksOutstanding,
    Flaw::NewKeyPerAttempt,
    Flaw::AsksShardsInTurn,
    Flaw::SearchesEveryShard,
    Flaw::KeysFromContent,
    Flaw::TakesTurns,
    Flaw::HedgesSameReplica,
    Flaw::IgnoresAfter,
    Flaw::FirstReplicasNumber,
];

macro_rules! zoo {
    ($($(#[$doc:meta])* $name:ident = $flaw:ident;)*) => {$(
        $(#[$doc])*
        pub type $name<C> = Flawed<C, { Flaw::$flaw as u8 }>;
    )*};
}

zoo! {
    /// Scores each shard with its own IDF: answers differ from one index.
    PerShardIdf = PerShardIdf;
    /// Merges by score alone and loses hits with equal scores.
    MergeDropsTies = MergeDropsTies;
    /// Waits for a dead shard for ever.
    WaitsForever = WaitsForever;
    /// Answers without a shard and calls the answer whole.
    PartialAsWhole = PartialAsWhole;
    /// Gives a shard up at its first failed call.
    NoRetry = NoRetry;
    /// Sends every request to replica 0 first: a hot replica.
    AlwaysFirstReplica = AlwaysFirstReplica;
    /// Hedges every request at once: twice the load.
    HedgesEverything = HedgesEverything;
    /// Lets the losing hedge run on.
    UncancelledHedge = UncancelledHedge;
    /// Loses count of cancelled requests, so replicas look busier and
    /// busier.
    LeaksOutstanding = LeaksOutstanding;
    /// Retries an add under a new key: applied twice.
    NewKeyPerAttempt = NewKeyPerAttempt;
    /// Asks one shard after another: slow, and a hung shard starves the
    /// rest.
    AsksShardsInTurn = AsksShardsInTurn;
    /// Merges a shard that missed the statistics, and calls it whole.
    SearchesEveryShard = SearchesEveryShard;
    /// Keys adds by their content: a document put back is not applied.
    KeysFromContent = KeysFromContent;
    /// Takes turns between replicas, however slow one is.
    TakesTurns = TakesTurns;
    /// Hedges to the same slow replica.
    HedgesSameReplica = HedgesSameReplica;
    /// Answers without the writes the query asked to see.
    IgnoresAfter = IgnoresAfter;
    /// Waits on each replica for another replica's number.
    FirstReplicasNumber = FirstReplicasNumber;
}

type Call<T> = Pin<Box<dyn Future<Output = Result<T, CallError>> + Send>>;

impl<C: Cluster, const FLAW: u8> Flawed<C, FLAW> {
    fn flaw(&self) -> Flaw {
        FLAWS[FLAW as usize]
    }

    /// Every future's output, all at once, or (the flaw) one after another.
    async fn each<F: Future>(&self, futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
        if self.flaw() == Flaw::AsksShardsInTurn {
            let mut outputs = Vec::new();
            for future in futures {
                outputs.push(future.await);
            }
            outputs
        } else {
            join_all(futures).await
        }
    }

    async fn within<T>(&self, deadline: Instant, work: impl Future<Output = T>) -> Result<T, ()> {
        if self.flaw() == Flaw::WaitsForever {
            Ok(work.await)
        } else {
            timeout_at(deadline, work).await.map_err(|_| ())
        }
    }

    /// The reference's `ask`, with the flaws that live there.
    async fn ask<T: Send + 'static>(
        &self,
        shard: ShardId,
        call: impl Fn(usize) -> Call<T>,
    ) -> Result<T, ()> {
        let (replicas, latencies, leaky) = &self.shards[shard];
        let mut attempts: FuturesUnordered<Pin<Box<dyn Future<Output = _> + Send>>> =
            FuturesUnordered::new();
        let mut tried = 0u64;
        let mut hedged = false;
        let mut last_start = Instant::now();
        // An attempt holds its replica's count (where the flaw keeps one)
        // until it is dropped, as the reference's does.
        let start = |(replica, counted): (usize, Option<crate::Outstanding>)| -> Pin<Box<dyn Future<Output = _> + Send>> {
            let work = call(replica);
            match self.flaw() {
                Flaw::UncancelledHedge => {
                    let task = tokio::spawn(work);
                    let started = Instant::now();
                    Box::pin(async move {
                        let result = task
                            .await
                            .unwrap_or_else(|e| Err(CallError::Broken(e.to_string())));
                        (result, started.elapsed())
                    })
                }
                Flaw::LeaksOutstanding => {
                    let leaky = Arc::clone(leaky);
                    leaky[replica].fetch_add(1, Ordering::Relaxed);
                    let started = Instant::now();
                    Box::pin(async move {
                        let result = work.await;
                        leaky[replica].fetch_sub(1, Ordering::Relaxed);
                        (result, started.elapsed())
                    })
                }
                _ => {
                    let started = Instant::now();
                    Box::pin(async move {
                        let result = work.await;
                        drop(counted);
                        (result, started.elapsed())
                    })
                }
            }
        };
        let pick = |tried: u64| -> Option<(usize, Option<crate::Outstanding>)> {
            match self.flaw() {
                Flaw::AlwaysFirstReplica => (0..self.cluster.replicas())
                    .find(|r| tried & (1 << r) == 0)
                    .map(|r| (r, None)),
                Flaw::LeaksOutstanding => (0..self.cluster.replicas())
                    .filter(|r| tried & (1 << r) == 0)
                    .min_by_key(|&r| leaky[r].load(Ordering::Relaxed))
                    .map(|r| (r, None)),
                // The count is let go at once: every replica looks idle,
                // and the choice only takes turns.
                Flaw::TakesTurns => replicas.pick(tried).map(|o| (o.replica, None)),
                _ => replicas.pick(tried).map(|o| (o.replica, Some(o))),
            }
        };
        let mut backoff = Duration::from_millis(2);
        let mut first = 0;
        loop {
            if attempts.is_empty() {
                let Some((replica, counted)) = pick(tried) else {
                    if self.flaw() == Flaw::NoRetry {
                        return Err(());
                    }
                    sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_millis(50));
                    tried = 0;
                    continue;
                };
                tried |= 1 << replica;
                last_start = Instant::now();
                first = replica;
                attempts.push(start((replica, counted)));
            }
            let hedge_after = match self.flaw() {
                Flaw::HedgesEverything => Duration::ZERO,
                _ => latencies.hedge_after(),
            };
            let hedge_at = if self.options.hedging && !hedged && attempts.len() == 1 {
                last_start + hedge_after
            } else {
                Instant::now() + Duration::from_secs(86_400)
            };
            tokio::select! {
                Some((result, took)) = attempts.next() => match result {
                    Ok(answer) => {
                        latencies.record(took);
                        return Ok(answer);
                    }
                    Err(_) if self.flaw() == Flaw::NoRetry => return Err(()),
                    Err(_) => {}
                },
                () = sleep_until(hedge_at) => {
                    hedged = true;
                    if self.flaw() == Flaw::HedgesSameReplica {
                        attempts.push(start((first, None)));
                    } else if let Some((replica, counted)) = pick(tried) {
                        tried |= 1 << replica;
                        attempts.push(start((replica, counted)));
                    }
                }
            }
        }
    }
}

impl<C: Cluster, const FLAW: u8> Coordinator<C> for Flawed<C, FLAW> {
    fn new(cluster: Arc<C>, options: Options) -> Self {
        let replicas = cluster.replicas();
        let shards = (0..cluster.shards())
            .map(|_| {
                let leaky = (0..replicas).map(|_| AtomicUsize::new(0)).collect();
                (
                    Replicas::new(replicas),
                    Latencies::default(),
                    Arc::new(leaky),
                )
            })
            .collect();
        Self {
            cluster,
            options,
            shards,
            keys: AtomicU64::new(1),
        }
    }

    async fn search(&self, query: Query) -> Answer {
        let shards = self.shards.len();
        let text: Arc<str> = query.text.as_str().into();
        // What each replica must show first, by shard and replica.
        let replicas = self.cluster.replicas();
        let seen: Arc<Vec<Vec<Seq>>> = Arc::new(
            (0..shards)
                .map(|s| {
                    (0..replicas)
                        .map(|r| match self.flaw() {
                            Flaw::IgnoresAfter => 0,
                            Flaw::FirstReplicasNumber => query.after_seq(s, 0),
                            _ => query.after_seq(s, r),
                        })
                        .collect()
                })
                .collect(),
        );
        let stats_of = |shard: ShardId| {
            let (cluster, text, seen) = (
                Arc::clone(&self.cluster),
                Arc::clone(&text),
                Arc::clone(&seen),
            );
            move |r: usize| -> Call<Stats> {
                let (cluster, text, after) =
                    (Arc::clone(&cluster), Arc::clone(&text), seen[shard][r]);
                Box::pin(async move { cluster.stats(shard, r, &text, after).await })
            }
        };
        let now = Instant::now();
        let halfway = now + query.deadline.saturating_duration_since(now) / 2;
        let stats = self
            .each((0..shards).map(|s| self.within(halfway, self.ask(s, stats_of(s)))))
            .await;
        let stats: Vec<Option<Stats>> = stats
            .into_iter()
            .map(|s| s.ok().and_then(Result::ok))
            .collect();
        let mut total = Stats::default();
        for shard_stats in stats.iter().flatten() {
            total.add(shard_stats);
        }
        let answered: Vec<ShardId> = match self.flaw() {
            Flaw::SearchesEveryShard => (0..shards).collect(),
            _ => (0..shards).filter(|&s| stats[s].is_some()).collect(),
        };
        let search_of = |shard: ShardId| {
            let stats = match self.flaw() {
                Flaw::PerShardIdf => stats[shard].clone().unwrap_or_default(),
                _ => total.clone(),
            };
            let (cluster, text, stats, k, seen) = (
                Arc::clone(&self.cluster),
                Arc::clone(&text),
                Arc::new(stats),
                query.k,
                Arc::clone(&seen),
            );
            move |r: usize| -> Call<Vec<Hit>> {
                let (cluster, text, stats, after) = (
                    Arc::clone(&cluster),
                    Arc::clone(&text),
                    Arc::clone(&stats),
                    seen[shard][r],
                );
                Box::pin(async move { cluster.search(shard, r, &text, &stats, k, after).await })
            }
        };
        let lists = self
            .each(
                answered
                    .iter()
                    .copied()
                    .map(|s| self.within(query.deadline, self.ask(s, search_of(s)))),
            )
            .await;
        let lists: Vec<Option<Vec<Hit>>> = lists
            .into_iter()
            .map(|l| l.ok().and_then(Result::ok))
            .collect();
        let mut missing: Vec<ShardId> = match self.flaw() {
            Flaw::SearchesEveryShard => Vec::new(),
            _ => (0..shards).filter(|&s| stats[s].is_none()).collect(),
        };
        missing.extend(
            answered
                .iter()
                .zip(&lists)
                .filter(|(_, l)| l.is_none())
                .map(|(&s, _)| s),
        );
        missing.sort_unstable();
        let lists: Vec<Vec<Hit>> = lists.into_iter().flatten().collect();
        let hits = match self.flaw() {
            Flaw::MergeDropsTies => {
                let by_score: BTreeMap<u64, Hit> = lists
                    .iter()
                    .flatten()
                    .map(|h| (h.score.to_bits(), *h))
                    .collect();
                by_score.into_values().rev().take(query.k).collect()
            }
            _ => merge_top_k(&lists, query.k),
        };
        if self.flaw() == Flaw::PartialAsWhole {
            missing.clear();
        }
        Answer {
            hits,
            partial: !missing.is_empty(),
            missing,
        }
    }

    async fn add(&self, id: DocId, text: String, deadline: Instant) -> Result<Added, AddFailed> {
        let shard = shard_of(id, self.shards.len());
        let key = match self.flaw() {
            Flaw::KeysFromContent => {
                std::hash::BuildHasher::hash_one(&std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default(), (id, &text))
            }
            _ => self.keys.fetch_add(1, Ordering::Relaxed),
        };
        let text = text.as_str();
        let seqs: Vec<Option<Seq>> =
            join_all((0..self.cluster.replicas()).map(|replica| async move {
                timeout_at(deadline, async {
                    let mut key = key;
                    loop {
                        if let Ok(seq) = self.cluster.add(shard, replica, key, id, text).await {
                            return seq;
                        }
                        if self.flaw() == Flaw::NewKeyPerAttempt {
                            key = self.keys.fetch_add(1, Ordering::Relaxed);
                        }
                        sleep(Duration::from_millis(2)).await;
                    }
                })
                .await
                .ok()
            }))
            .await;
        match seqs.iter().copied().collect::<Option<Vec<Seq>>>() {
            Some(seqs) => Ok(Added { shard, seqs }),
            None => Err(AddFailed { shard, seqs }),
        }
    }
}
