//! # A search cluster: scatter-gather with deadlines, hedging, and faults
//!
//! The interview question: *design a search system over billions of
//! documents: how do you merge results from many shards, keep the tail
//! latency down, and answer when a shard is slow or dead?*
//!
//! The documents are split over shards (document `id` lives on shard
//! `id % shards`, [`shard_of`]), and every shard has replicas that hold the
//! same documents. The candidate writes the [`Coordinator`]: it fans a
//! query out to one replica of every shard, merges their top-k lists into
//! the global top-k, and answers by the query's deadline, saying which
//! shards it had to leave out.
//!
//! The coordinator reaches shards only through a [`Cluster`]: in tests an
//! in-process [`fake::FakeCluster`] whose replicas a test can slow down,
//! kill, or make answer garbage; under `concur search --processes`, shard
//! processes over HTTP on loopback.
//!
//! - [`ScatterGather`] (`scatter.rs`) is the reference: two phases (term
//!   statistics, then scoring with the whole collection's statistics, as
//!   Elasticsearch's DFS phase), least-outstanding replica choice, retries
//!   on another replica, and hedging at the recent p95.
//! - `merge.rs`, `replicas.rs` and `latency.rs` are its parts: the k-way
//!   merge, the outstanding-request counts, the window of recent latencies.
//! - `buggy.rs` holds the bug zoo and `starter.rs` the candidate's file.
//!
//! Time: every clock and sleep here is `tokio::time`'s. The suite runs on
//! tokio's paused clock, so a 100 ms delay costs no real time and every
//! schedule is the same on every run; a coordinator that reads
//! `std::time::Instant` would see no time pass at all.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

// Loom models only the replica counts, and tokio under `--cfg loom` is
// tokio's own model, without timers: what needs tokio stays out of loom
// builds.
#[cfg(loom)]
pub use std::time::Instant;
#[cfg(not(loom))]
pub use tokio::time::Instant;

#[cfg(not(loom))]
pub mod buggy;
#[cfg(not(loom))]
mod counters;
#[cfg(not(loom))]
pub mod fake;
mod latency;
mod merge;
mod replicas;
#[cfg(not(loom))]
mod scatter;
#[cfg(all(feature = "starter", not(loom)))]
pub mod starter;

#[cfg(not(loom))]
pub use counters::{Counted, Counters};
pub use latency::Latencies;
pub use merge::merge_top_k;
pub use replicas::{Outstanding, Replicas};
#[cfg(not(loom))]
pub use scatter::ScatterGather;

/// A document's id; the CLI uses line numbers.
pub type DocId = u32;
/// A shard's number, from 0.
pub type ShardId = usize;
/// A change's number on one replica: its first add is 1.
pub type Seq = u64;

/// The shard that holds document `id`.
pub fn shard_of(id: DocId, shards: usize) -> ShardId {
    id as usize % shards
}

/// One document in an answer.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    pub doc: DocId,
    pub score: f64,
}

/// BM25's statistics for one query's terms over some documents: a shard's
/// own, or (summed) the whole collection's.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    /// N: live documents.
    pub docs: u64,
    /// Tokens in those documents, for avgdl.
    pub tokens: u64,
    /// n(t) for each distinct query term, in the order the terms first
    /// appear in the query. Every shard tokenizes alike, so the lists of
    /// two shards line up.
    pub containing: Vec<u64>,
}

impl Stats {
    /// Adds a shard's statistics to these: the collection's are the sum of
    /// its shards'.
    pub fn add(&mut self, shard: &Stats) {
        self.docs += shard.docs;
        self.tokens += shard.tokens;
        if self.containing.len() < shard.containing.len() {
            self.containing.resize(shard.containing.len(), 0);
        }
        for (total, n) in self.containing.iter_mut().zip(&shard.containing) {
            *total += n;
        }
    }
}

/// Why a call to a replica failed. Every kind may mean the request was
/// applied (an answer lost on the way back looks like a reset), so only
/// an idempotent request may simply be sent again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// Nothing listens there, or the connection was refused.
    Unreachable(String),
    /// The connection broke before the whole answer came.
    Broken(String),
    /// An answer came, and it is not one.
    Garbage(String),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable(why) => write!(f, "unreachable: {why}"),
            Self::Broken(why) => write!(f, "connection broken: {why}"),
            Self::Garbage(why) => write!(f, "garbage answer: {why}"),
        }
    }
}

impl std::error::Error for CallError {}

/// Names one add across retries: a replica applies each key once and
/// answers a repeat with the first answer's [`Seq`].
pub type AddKey = u64;

// ANCHOR: cluster
/// The shards as a coordinator reaches them: `shards()` shards of
/// `replicas()` replicas each. Every call may fail, be slow, or never
/// answer; dropping its future cancels it.
pub trait Cluster: Send + Sync + 'static {
    fn shards(&self) -> usize;
    fn replicas(&self) -> usize;

    /// The replica's statistics for `query`'s terms, once it shows its
    /// change `after` (0: at once).
    fn stats(
        &self,
        shard: ShardId,
        replica: usize,
        query: &str,
        after: Seq,
    ) -> impl Future<Output = Result<Stats, CallError>> + Send;

    /// The replica's `k` best documents for `query`, scored with `stats`
    /// (the whole collection's), ranked by score, ties by lower id, once
    /// it shows its change `after` (0: at once).
    fn search(
        &self,
        shard: ShardId,
        replica: usize,
        query: &str,
        stats: &Stats,
        k: usize,
        after: Seq,
    ) -> impl Future<Output = Result<Vec<Hit>, CallError>> + Send;

    /// Adds document `id` (replacing any with that id) on the replica,
    /// once per `key`: a repeat of a key the replica has applied answers
    /// the first time's number and changes nothing.
    fn add(
        &self,
        shard: ShardId,
        replica: usize,
        key: AddKey,
        id: DocId,
        text: &str,
    ) -> impl Future<Output = Result<Seq, CallError>> + Send;
}
// ANCHOR_END: cluster

/// What a coordinator may do beyond the minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Send a second copy of a shard's request to another replica when the
    /// first has not answered by [`Latencies::hedge_after`] (a tick past
    /// the shard's recent p95 latency, or [`HEDGE_BEFORE_SAMPLES`] while
    /// there are fewer than [`MIN_SAMPLES`] answers to take it from), and
    /// take whichever answers first.
    pub hedging: bool,
}

/// Answers a shard must have given before its p95 means anything.
pub const MIN_SAMPLES: usize = 20;
/// When to hedge before that.
pub const HEDGE_BEFORE_SAMPLES: Duration = Duration::from_millis(10);

/// A query, with the time by which it must be answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub text: String,
    /// Hits wanted, at least 1.
    pub k: usize,
    pub deadline: Instant,
    /// Read your writes: adds the answer must show. A replica of their
    /// shard answers once it shows its own number for them.
    pub after: Vec<Added>,
}

impl Query {
    pub fn new(text: impl Into<String>, k: usize, deadline: Instant) -> Self {
        Self {
            text: text.into(),
            k,
            deadline,
            after: Vec::new(),
        }
    }

    /// The change `replica` of `shard` must show before it answers: its
    /// number for the last of `after` on that shard, or 0.
    pub fn after_seq(&self, shard: ShardId, replica: usize) -> Seq {
        (self.after.iter())
            .filter(|added| added.shard == shard)
            .filter_map(|added| added.seqs.get(replica).copied())
            .max()
            .unwrap_or(0)
    }
}

/// The answer to a [`Query`].
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// At most `k`, ranked by score, ties by lower id: the single-node
    /// answer when nothing is missing.
    pub hits: Vec<Hit>,
    /// True exactly when `missing` is not empty.
    pub partial: bool,
    /// The shards left out, ascending: none of their replicas answered in
    /// time.
    pub missing: Vec<ShardId>,
}

/// An add every replica of its shard applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub shard: ShardId,
    /// Each replica's number for the change, by replica.
    pub seqs: Vec<Seq>,
}

/// An add that not every replica confirmed by the deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddFailed {
    pub shard: ShardId,
    /// Each replica's number for the change, or `None` where no answer
    /// came (the replica may still have applied it).
    pub seqs: Vec<Option<Seq>>,
}

impl fmt::Display for AddFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let missing: Vec<String> = (self.seqs.iter().enumerate())
            .filter(|(_, seq)| seq.is_none())
            .map(|(replica, _)| replica.to_string())
            .collect();
        write!(
            f,
            "shard {}: replica(s) {} did not confirm the add in time",
            self.shard,
            missing.join(", ")
        )
    }
}

impl std::error::Error for AddFailed {}

// ANCHOR: coordinator
/// The candidate's part: scatter-gather over a [`Cluster`].
///
/// The promises the suite holds a coordinator to, under faults:
/// - With every shard answering, the answer is the single-node answer:
///   the same documents, in the same order, with the same scores. Shards
///   must score with the whole collection's statistics.
/// - `search` returns by the query's deadline, whatever the shards do. A
///   shard none of whose replicas answered by then is left out and named
///   in `missing`, and the answer says `partial`. It never claims to be
///   whole when it is not. Both rounds share the deadline: a dead shard
///   must not use up the first round's time and leave the others none for
///   the second.
/// - Searching is idempotent: a replica that fails is retried on another,
///   so one bad replica per shard costs no completeness.
/// - When `search` returns, none of the requests it sent is still running:
///   a hedge that lost, or a request to a dead replica, is cancelled.
/// - Load is spread over replicas (least outstanding requests first);
///   with hedging, no query waits long for one slow replica, and hedges
///   add at most a tenth to the requests sent.
/// - An add is not idempotent by itself: it is applied once per replica,
///   however often it is retried.
/// - Read your writes: an answer shows every add in `query.after`. Each
///   replica numbers changes its own way, so each is asked for its own
///   number ([`Query::after_seq`]).
pub trait Coordinator<C: Cluster>: Send + Sync + 'static {
    fn new(cluster: Arc<C>, options: Options) -> Self
    where
        Self: Sized;

    fn search(&self, query: Query) -> impl Future<Output = Answer> + Send;

    /// Adds document `id` to every replica of its shard, by `deadline`.
    fn add(
        &self,
        id: DocId,
        text: String,
        deadline: Instant,
    ) -> impl Future<Output = Result<Added, AddFailed>> + Send;
}
// ANCHOR_END: coordinator
