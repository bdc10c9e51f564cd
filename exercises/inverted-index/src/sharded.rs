//! Documents spread over several indexes, searched together: the
//! in-process rehearsal of a search cluster. Each shard holds the
//! documents whose id falls to it, and a query runs in two phases, as
//! Elasticsearch's `dfs_query_then_fetch` does before its fetch phase:
//!
//! 1. every shard reports its statistics for the query's terms, and the
//!    sums are the collection's (N, avgdl, n(t));
//! 2. every shard scores its documents with those sums and returns its
//!    top k, and the k best of all of them are the answer.
//!
//! Scored with its own statistics instead, a shard weighs a term by how
//! rare it is *in that shard*, and the answer depends on how the documents
//! were spread: the per-shard IDF trap (`buggy::PerShardIdf`).

use std::sync::Arc;

use crate::bm25::{self, Stats};
use crate::{DocId, Hit, Reader, SearchIndex, Tokenize};

#[derive(Debug)]
pub struct Sharded<I> {
    shards: Vec<I>,
    tokenizer: Arc<dyn Tokenize>,
}

impl<I: SearchIndex> Sharded<I> {
    /// `shards` empty indexes (at least one).
    pub fn new(shards: usize, tokenizer: Arc<dyn Tokenize>) -> Self {
        Self {
            shards: (0..shards.max(1))
                .map(|_| I::new(Arc::clone(&tokenizer)))
                .collect(),
            tokenizer,
        }
    }

    pub fn tokenizer(&self) -> &dyn Tokenize {
        &*self.tokenizer
    }

    pub fn shards(&self) -> &[I] {
        &self.shards
    }

    /// The shard that holds document `id`.
    pub fn shard_of(&self, id: DocId) -> &I {
        &self.shards[id as usize % self.shards.len()]
    }

    pub fn add(&self, id: DocId, text: &str) {
        self.shard_of(id).add(id, text);
    }

    pub fn delete(&self, id: DocId) {
        self.shard_of(id).delete(id);
    }

    pub fn refresh(&self) {
        for shard in &self.shards {
            shard.refresh();
        }
    }

    /// The `k` best documents of all shards, each shard scored with the
    /// whole collection's statistics. Each phase runs every shard on a
    /// thread of its own; every reader is taken before the first phase and
    /// kept to the end, so both phases see the same point in each shard.
    // ANCHOR: search
    pub fn search(&self, query: &str, k: usize) -> Vec<Hit> {
        let terms = bm25::query_terms(&*self.tokenizer, query);
        let readers: Vec<I::Reader<'_>> = self.shards.iter().map(SearchIndex::reader).collect();
        // Phase 1: statistics, summed over shards.
        let mut collection = Stats::empty(terms.len());
        for shard in on_every(&readers, |reader| reader.stats(&terms)) {
            collection.add(&shard);
        }
        // Phase 2: every shard's top k under the collection's statistics,
        // then the best k of those.
        let tops = on_every(&readers, |reader| reader.top_k(&terms, &collection, k));
        bm25::top_k(tops.into_iter().flatten(), k)
    }
    // ANCHOR_END: search
}

/// `work` on every reader, each on a thread of its own (none for one).
pub(crate) fn on_every<R: Sync, T: Send>(readers: &[R], work: impl Fn(&R) -> T + Sync) -> Vec<T> {
    if let [reader] = readers {
        return vec![work(reader)];
    }
    std::thread::scope(|scope| {
        let running: Vec<_> = readers
            .iter()
            .map(|reader| scope.spawn(|| work(reader)))
            .collect();
        running
            .into_iter()
            .map(|shard| shard.join().expect("a shard's search panicked"))
            .collect()
    })
}
