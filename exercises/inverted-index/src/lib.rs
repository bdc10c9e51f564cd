//! # A near-real-time inverted index
//!
//! The interview question: *design an inverted index that stays fresh under
//! load: documents keep arriving while millions of queries read.*
//!
//! This crate answers it on one machine. The contract is [`SearchIndex`];
//! each strategy lives in its own file:
//!
//! - [`RwLockIndex`] (`rwlock.rs`): one reader-writer lock around one
//!   mutable index, a [`PlainIndex`] (which alone, on one thread, is the
//!   baseline every design must beat). An add waits for the searches in
//!   flight, and every search that arrives meanwhile waits for the add.
//! - [`SegmentIndex`] (`segments.rs`): Lucene's near-real-time design.
//!   Adds go to a buffer; a refresh turns the buffer into an immutable
//!   segment and publishes a new list of segments in one pointer swap; a
//!   merge combines segments while searches go on. Searchers never wait.
//! - [`BufferedIndex`] (`buffered.rs`): the same segments, with a buffer
//!   per writer thread that inverts its documents as they are added, so
//!   writers index in parallel and a refresh only collects the buffers.
//!
//! Shared, and not the exercise: the tokenizer (`tokens.rs`), the segment
//! with its compressed postings (`segment.rs`), BM25 and top-k ranking
//! (`bm25.rs`), and waiting for a sequence number (`visible.rs`).
//! [`Sharded`] (`sharded.rs`) spreads documents over several indexes and
//! scores every shard with the whole collection's statistics.
//!
//! `buggy.rs` holds the bug zoo (indexes that look right and are not), and
//! `starter.rs` is the candidate's file.

use std::fmt;
use std::time::Duration;

pub mod bm25;
mod buffered;
pub mod buggy;
mod rwlock;
pub mod segment;
mod segments;
mod sharded;
#[cfg(feature = "starter")]
pub mod starter;
mod tokens;
pub mod visible;

pub use bm25::Stats;
pub use buffered::BufferedIndex;
pub use rwlock::{PlainIndex, RwLockIndex};
pub use segments::{SegmentIndex, SegmentReader};
pub use sharded::Sharded;
pub use tokens::{Tokenize, Words};

/// A document's id, chosen by the caller (the CLI uses line numbers).
pub type DocId = u32;

/// A change's place in the order the index applies changes: the first add
/// or delete is 1, and 0 is the empty index.
pub type Seq = u64;

/// One document in an answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub doc: DocId,
    pub score: f64,
}

/// A query's answer, and the point in time it reflects: exactly the changes
/// numbered up to `seq`, none after. Never a mix of two points.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub seq: Seq,
    pub hits: Vec<Hit>,
}

/// A wait for a sequence number that ran out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
    pub wanted: Seq,
    /// What searches could see when the wait gave up.
    pub visible: Seq,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "change {} was not visible in time (searches saw up to {}): is anything refreshing?",
            self.wanted, self.visible
        )
    }
}

impl std::error::Error for TimedOut {}

// ANCHOR: contract
/// An inverted index that many threads search while others write it,
/// through `&self`.
///
/// Writes are numbered: [`add`](Self::add) and [`delete`](Self::delete)
/// return their change's [`Seq`], in the order the index applies them.
/// Searches see changes from the [`refresh`](Self::refresh) that covers
/// them (an index may show them sooner), and always whole: every answer
/// is the answer of one prefix of the changes, the one its `seq` names.
/// That is the promise a near-real-time index makes, and the suite holds
/// every strategy to it while writers, refreshes and merges run.
pub trait SearchIndex: Send + Sync {
    /// One point in time of the index, for one query's statistics and
    /// postings alike.
    type Reader<'a>: Reader + Sync
    where
        Self: 'a;

    fn new(tokenizer: std::sync::Arc<dyn Tokenize>) -> Self
    where
        Self: Sized;

    fn tokenizer(&self) -> &dyn Tokenize;

    /// Adds `text` as document `id`, replacing any document with that id
    /// (an update is a delete and an add, applied as one change).
    fn add(&self, id: DocId, text: &str) -> Seq;

    /// Deletes document `id`, if there is one.
    fn delete(&self, id: DocId) -> Seq;

    /// Makes every change numbered before the call visible to searches
    /// that start after it returns. Returns the last change now visible.
    fn refresh(&self) -> Seq;

    /// Combines segments into fewer, dropping deleted documents for good.
    /// Changes nothing a search can see, and stops no search or write for
    /// the time the merge takes.
    fn merge(&self);

    /// The index as it is now, for as long as the reader lives.
    fn reader(&self) -> Self::Reader<'_>;

    /// How many segments searches read now, for an index made of segments;
    /// `None` for one that is not (one lock around one map). After a merge
    /// with nothing else running, at most one.
    fn segments(&self) -> Option<usize> {
        None
    }

    /// Waits until change `seq` is visible to searches, or `timeout` has
    /// passed; returns the last visible change.
    fn wait_for(&self, seq: Seq, timeout: Duration) -> Result<Seq, TimedOut>;

    /// The `k` best documents for `query`: BM25 over the query's distinct
    /// terms, ranked by score, ties by lower id.
    fn search(&self, query: &str, k: usize) -> Answer {
        let terms = bm25::query_terms(self.tokenizer(), query);
        let reader = self.reader();
        let stats = reader.stats(&terms);
        Answer {
            seq: reader.seq(),
            hits: reader.top_k(&terms, &stats, k),
        }
    }

    /// Read-your-writes: [`search`](Self::search), once change `seq` is
    /// visible.
    fn search_after(
        &self,
        query: &str,
        k: usize,
        seq: Seq,
        timeout: Duration,
    ) -> Result<Answer, TimedOut> {
        self.wait_for(seq, timeout)?;
        Ok(self.search(query, k))
    }
}

/// One point in time of an index: every change up to [`seq`](Self::seq)
/// and none after, for as long as it lives.
pub trait Reader {
    fn seq(&self) -> Seq;

    /// BM25's statistics for `terms`: live documents, their tokens, and
    /// how many contain each term.
    fn stats(&self, terms: &[String]) -> Stats;

    /// The `k` best documents for `terms`, scored with `stats`: this
    /// reader's own, or the whole collection's when this index is one
    /// shard of several.
    fn top_k(&self, terms: &[String], stats: &Stats, k: usize) -> Vec<Hit>;
}
// ANCHOR_END: contract
