//! An in-process cluster for the suite: replicas that hold their shard's
//! documents and score them with BM25, behind calls that a test can slow
//! down, kill, or make fail the ways a network fails. Not the exercise:
//! the shards a coordinator is tested against.
//!
//! Every delay is a `tokio::time::sleep`, so on tokio's paused clock a
//! scenario with 100 ms delays runs in no real time and the same way every
//! time. A replica counts the calls it gets and the calls in flight now,
//! which is how the suite sees a hedge that nobody cancelled.

use std::collections::{BTreeMap, HashMap};
use std::future::pending;

use kit::sync::{AtomicU64, AtomicUsize, Mutex, Ordering};
use tokio::time::{Duration, Instant, sleep, sleep_until};

use crate::{AddKey, CallError, Cluster, DocId, Hit, Seq, ShardId, Stats, merge, shard_of};

/// Term frequency saturation.
pub const K1: f64 = 1.2;
/// Length normalisation.
pub const B: f64 = 0.75;

/// What a replica does to the calls it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Healthy,
    /// Every `one_in`-th call waits `delay` more (1: every call).
    Slow {
        delay: Duration,
        one_in: u64,
    },
    /// Never answers: the process hangs, or the network lost it. A call
    /// in flight when a replica becomes dead never answers either.
    Dead,
    /// Fails at once: nothing listens.
    Refuses,
    /// Fails after the usual time, before doing anything.
    Resets,
    /// Answers something that does not parse.
    Garbage,
    /// Every `one_in`-th call is carried out and its answer lost.
    LosesAnswers {
        one_in: u64,
    },
    /// Answers statistics, and dies when a search comes: a process killed
    /// between a query's two phases.
    DiesOnSearch,
    /// Statistics calls wait `delay` more; searches do not: a shard that
    /// misses the first round and would answer the second.
    SlowStats {
        delay: Duration,
    },
}

/// The documents of one shard and what happens to calls on the way in.
#[derive(Debug)]
pub struct FakeReplica {
    docs: Mutex<BTreeMap<DocId, Vec<String>>>,
    fault: Mutex<Fault>,
    latency: Duration,
    jitter: Duration,
    /// Calls received: numbers the calls for `one_in` and the jitter.
    calls: AtomicU64,
    in_flight: AtomicUsize,
    /// The requests in flight now, by what they ask, and how often one
    /// came while the same was already in flight here: a hedge sent to
    /// the replica it should have gone around.
    asking: Mutex<HashMap<String, usize>>,
    repeats: AtomicU64,
    /// Adds applied, by key: a repeated key is answered, not applied.
    applied: Mutex<HashMap<AddKey, Seq>>,
    seq: AtomicU64,
    /// This replica's first number, less one: replicas number changes
    /// their own way, as independent processes do.
    base: Seq,
    /// How long an add waits to be visible (a refresh interval), and the
    /// adds still waiting: when, which change, which document, its words.
    refresh: Mutex<Duration>,
    unseen: Mutex<Vec<Unseen>>,
}

/// An add not yet visible: when it will be, its number, the document and
/// its words.
type Unseen = (Instant, Seq, DocId, Vec<String>);

/// `shards` shards of `replicas` replicas each, every replica answering
/// after `latency` plus up to `jitter` more.
#[derive(Debug)]
pub struct FakeCluster {
    replicas: Vec<Vec<FakeReplica>>,
}

impl FakeCluster {
    /// Document `i` is `docs[i]`, on shard `i % shards`.
    pub fn new(docs: &[&str], shards: usize, replicas: usize) -> Self {
        Self::with_latency(
            docs,
            shards,
            replicas,
            Duration::from_millis(1),
            Duration::from_millis(1),
        )
    }

    pub fn with_latency(
        docs: &[&str],
        shards: usize,
        replicas: usize,
        latency: Duration,
        jitter: Duration,
    ) -> Self {
        assert!(shards > 0 && replicas > 0 && replicas <= 64);
        let replicas = (0..shards)
            .map(|shard| {
                let own: BTreeMap<DocId, Vec<String>> = (docs.iter().enumerate())
                    .filter(|&(id, _)| shard_of(id as DocId, shards) == shard)
                    .map(|(id, text)| (id as DocId, tokens(text)))
                    .collect();
                (0..replicas)
                    .map(|replica| FakeReplica {
                        docs: Mutex::new(own.clone()),
                        fault: Mutex::new(Fault::Healthy),
                        latency,
                        jitter,
                        calls: AtomicU64::new(0),
                        in_flight: AtomicUsize::new(0),
                        asking: Mutex::new(HashMap::new()),
                        repeats: AtomicU64::new(0),
                        applied: Mutex::new(HashMap::new()),
                        seq: AtomicU64::new(1000 * replica as Seq),
                        base: 1000 * replica as Seq,
                        refresh: Mutex::new(Duration::ZERO),
                        unseen: Mutex::new(Vec::new()),
                    })
                    .collect()
            })
            .collect();
        Self { replicas }
    }

    pub fn replica(&self, shard: ShardId, replica: usize) -> &FakeReplica {
        &self.replicas[shard][replica]
    }

    /// Every replica of every shard.
    pub fn all(&self) -> impl Iterator<Item = &FakeReplica> {
        self.replicas.iter().flatten()
    }

    /// Calls in flight now, over the whole cluster.
    pub fn in_flight(&self) -> usize {
        self.all().map(FakeReplica::in_flight).sum()
    }

    /// Calls received so far, over the whole cluster.
    pub fn calls(&self) -> u64 {
        self.all().map(FakeReplica::calls).sum()
    }

    /// Calls that came to a replica already working on the same request,
    /// over the whole cluster.
    pub fn repeats(&self) -> u64 {
        self.all().map(|r| r.repeats.load(Ordering::SeqCst)).sum()
    }
}

impl FakeReplica {
    pub fn set(&self, fault: Fault) {
        *self.fault.lock() = fault;
    }

    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Changes applied: one per add with a key not seen before.
    pub fn changes(&self) -> Seq {
        self.seq.load(Ordering::SeqCst) - self.base
    }

    /// Adds become visible `after` they are applied, not at once.
    pub fn refresh_after(&self, after: Duration) {
        *self.refresh.lock() = after;
    }

    /// Makes visible what is due, then waits until change `after` is
    /// visible too (for ever, for a change this replica never made).
    async fn show(&self, after: Seq) {
        loop {
            // In a block: no guard may be held across the await below.
            let (pending, applied) = {
                let now = Instant::now();
                let mut unseen = self.unseen.lock();
                let mut docs = self.docs.lock();
                unseen.retain(|(due, _, id, words)| {
                    if *due <= now {
                        docs.insert(*id, words.clone());
                    }
                    *due > now
                });
                let pending = (unseen.iter())
                    .find(|(_, seq, _, _)| *seq == after)
                    .map(|u| u.0);
                (pending, self.seq.load(Ordering::SeqCst))
            };
            match pending {
                Some(due) => sleep_until(due).await,
                None if after > applied => pending_forever().await,
                None => return,
            }
        }
    }

    /// Runs `work` (which asks `what`) as the fault says, after the
    /// replica's latency and `extra`, once change `after` is visible.
    async fn serve<T>(
        &self,
        what: String,
        extra: Duration,
        after: Seq,
        work: impl FnOnce(&Self) -> T,
    ) -> Result<T, CallError> {
        let _in_flight = InFlight::count(&self.in_flight);
        let _asking = Asking::count(self, what);
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let fault = *self.fault.lock();
        match fault {
            Fault::Refuses => return Err(CallError::Unreachable("connection refused".into())),
            Fault::Dead => pending::<()>().await,
            _ => {}
        }
        // A spread of times, the same on every run: n times a large odd
        // number, modulo 1000, walks over the thousandths of `jitter`.
        let spread = (n.wrapping_mul(2_654_435_761) % 1000) as u32;
        let mut delay = self.latency + self.jitter * spread / 1000 + extra;
        if let Fault::Slow {
            delay: extra,
            one_in,
        } = fault
            && n % one_in.max(1) == one_in.max(1) - 1
        {
            delay += extra;
        }
        sleep(delay).await;
        // Killed while this call was being served.
        if *self.fault.lock() == Fault::Dead {
            pending::<()>().await;
        }
        self.show(after).await;
        match fault {
            Fault::Resets => Err(CallError::Broken("connection reset by peer".into())),
            Fault::Garbage => Err(CallError::Garbage(
                "expected JSON, got \"\\x17\\x03\\x03\"".into(),
            )),
            Fault::LosesAnswers { one_in } if n.is_multiple_of(one_in.max(1)) => {
                work(self);
                Err(CallError::Broken(
                    "connection reset by peer, after the work".into(),
                ))
            }
            _ => Ok(work(self)),
        }
    }

    fn stats_now(&self, terms: &[String]) -> Stats {
        let docs = self.docs.lock();
        Stats {
            docs: docs.len() as u64,
            tokens: docs.values().map(|d| d.len() as u64).sum(),
            containing: (terms.iter())
                .map(|t| docs.values().filter(|d| d.contains(t)).count() as u64)
                .collect(),
        }
    }

    fn search_now(&self, terms: &[String], stats: &Stats, k: usize) -> Result<Vec<Hit>, CallError> {
        if stats.containing.len() != terms.len() {
            return Err(CallError::Garbage(format!(
                "the shard answered 400: statistics for {} terms, the query has {}",
                stats.containing.len(),
                terms.len()
            )));
        }
        let docs = self.docs.lock();
        Ok(top_k(
            docs.iter().map(|(&id, d)| (id, d.as_slice())),
            terms,
            stats,
            k,
        ))
    }

    fn add_now(&self, key: AddKey, id: DocId, text: &str) -> Seq {
        let mut applied = self.applied.lock();
        if let Some(&seq) = applied.get(&key) {
            return seq;
        }
        let seq = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        let refresh = *self.refresh.lock();
        if refresh.is_zero() {
            self.docs.lock().insert(id, tokens(text));
        } else {
            self.unseen
                .lock()
                .push((Instant::now() + refresh, seq, id, tokens(text)));
        }
        applied.insert(key, seq);
        seq
    }
}

impl Cluster for FakeCluster {
    fn shards(&self) -> usize {
        self.replicas.len()
    }

    fn replicas(&self) -> usize {
        self.replicas[0].len()
    }

    async fn stats(
        &self,
        shard: ShardId,
        replica: usize,
        query: &str,
        after: Seq,
    ) -> Result<Stats, CallError> {
        let terms = query_terms(query);
        let replica = &self.replicas[shard][replica];
        let extra = match *replica.fault.lock() {
            Fault::SlowStats { delay } => delay,
            _ => Duration::ZERO,
        };
        let what = format!("stats {query}");
        replica
            .serve(what, extra, after, |r| r.stats_now(&terms))
            .await
    }

    async fn search(
        &self,
        shard: ShardId,
        replica: usize,
        query: &str,
        stats: &Stats,
        k: usize,
        after: Seq,
    ) -> Result<Vec<Hit>, CallError> {
        let terms = query_terms(query);
        let replica = &self.replicas[shard][replica];
        if *replica.fault.lock() == Fault::DiesOnSearch {
            replica.set(Fault::Dead);
        }
        let what = format!("search {query} {k}");
        replica
            .serve(what, Duration::ZERO, after, |r| {
                r.search_now(&terms, stats, k)
            })
            .await?
    }

    async fn add(
        &self,
        shard: ShardId,
        replica: usize,
        key: AddKey,
        id: DocId,
        text: &str,
    ) -> Result<Seq, CallError> {
        self.replicas[shard][replica]
            .serve(format!("add {key}"), Duration::ZERO, 0, |r| {
                r.add_now(key, id, text)
            })
            .await
    }
}

async fn pending_forever() {
    pending::<()>().await;
}

/// Counts a request in flight at a replica by what it asks, until dropped.
struct Asking<'a>(&'a FakeReplica, String);

impl<'a> Asking<'a> {
    fn count(replica: &'a FakeReplica, what: String) -> Self {
        let mut asking = replica.asking.lock();
        let now = asking.entry(what.clone()).or_insert(0);
        if *now > 0 {
            replica.repeats.fetch_add(1, Ordering::SeqCst);
        }
        *now += 1;
        drop(asking);
        Self(replica, what)
    }
}

impl Drop for Asking<'_> {
    fn drop(&mut self) {
        let mut asking = self.0.asking.lock();
        if let Some(now) = asking.get_mut(&self.1) {
            *now -= 1;
            if *now == 0 {
                asking.remove(&self.1);
            }
        }
    }
}

/// Counts a call in flight until dropped: answered, failed or cancelled.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn count(in_flight: &'a AtomicUsize) -> Self {
        in_flight.fetch_add(1, Ordering::SeqCst);
        Self(in_flight)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Lower-case runs of letters and digits.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The query's distinct terms, in the order they first appear.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for token in tokens(query) {
        if !terms.contains(&token) {
            terms.push(token);
        }
    }
    terms
}

/// BM25 over `docs` with `stats`, ranked, at most `k`: what one shard does.
pub fn top_k<'a>(
    docs: impl Iterator<Item = (DocId, &'a [String])>,
    terms: &[String],
    stats: &Stats,
    k: usize,
) -> Vec<Hit> {
    if stats.docs == 0 {
        return Vec::new();
    }
    let avgdl = stats.tokens as f64 / stats.docs as f64;
    let idf: Vec<f64> = (stats.containing.iter())
        .map(|&nt| {
            let (n, nt) = (stats.docs as f64, nt as f64);
            (1.0 + (n - nt + 0.5) / (nt + 0.5)).ln()
        })
        .collect();
    let mut hits: Vec<Hit> = docs
        .filter_map(|(doc, words)| {
            let len = words.len() as f64;
            let mut score = 0.0;
            let mut found = false;
            for (t, term) in terms.iter().enumerate() {
                let tf = words.iter().filter(|w| *w == term).count() as f64;
                if tf > 0.0 {
                    found = true;
                    score += idf[t] * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avgdl));
                }
            }
            found.then_some(Hit { doc, score })
        })
        .collect();
    hits.sort_by(merge::rank);
    hits.truncate(k);
    hits
}

/// The single-node answer over `docs` (document `i` is `docs[i]`): what a
/// coordinator's answer must equal when no shard is missing.
pub fn single_node(docs: &[(DocId, &str)], query: &str, k: usize) -> Vec<Hit> {
    let terms = query_terms(query);
    let docs: Vec<(DocId, Vec<String>)> =
        docs.iter().map(|&(id, text)| (id, tokens(text))).collect();
    let mut stats = Stats {
        docs: docs.len() as u64,
        tokens: docs.iter().map(|(_, d)| d.len() as u64).sum(),
        containing: vec![0; terms.len()],
    };
    for (t, term) in terms.iter().enumerate() {
        stats.containing[t] = docs.iter().filter(|(_, d)| d.contains(term)).count() as u64;
    }
    top_k(
        docs.iter().map(|(id, d)| (*id, d.as_slice())),
        &terms,
        &stats,
        k,
    )
}
