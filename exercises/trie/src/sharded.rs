//! The trie partitioned by first character, each part behind its own lock.
//!
//! This is how a suggestion service splits across machines: by prefix. A
//! prefix of one character or more names its shard, so a suggestion touches
//! one part only, and an update to "rust" never stops a reader of "go". The
//! costs show at the edges:
//!
//! - the empty prefix, and fuzzy matching (an edit can change the first
//!   character), must ask every shard and merge;
//! - load follows the alphabet, not the shard count: far more queries start
//!   with "s" than with "x", so the "s" shard is hot. On a cluster, the
//!   fix is to split hot prefixes further or to replicate them.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use kit::sync::{RwLock, RwLockReadGuard};

use crate::{Suggester, Trie, rank};

// ANCHOR: sharded
/// A trie split by the first character of each sentence.
#[derive(Debug)]
pub struct ShardedTrie {
    shards: Box<[RwLock<Trie>]>,
    hasher: RandomState,
}

impl ShardedTrie {
    /// 64 shards: more than the letters of most alphabets, so that
    /// different first characters rarely share a lock.
    pub fn new(trie: Trie) -> Self {
        let sharded = Self {
            shards: (0..64).map(|_| RwLock::default()).collect(),
            hasher: RandomState::new(),
        };
        let all = trie.suggest("", usize::MAX);
        let updates: Vec<(&str, u64)> = all.iter().map(|(s, c)| (s.as_str(), *c)).collect();
        sharded.record_batch(&updates);
        sharded
    }

    fn shard_of(&self, text: &str) -> usize {
        text.chars().next().map_or(0, |first| {
            self.hasher.hash_one(first) as usize % self.shards.len()
        })
    }

    /// Every shard, read-locked in index order: one consistent moment of
    /// the whole trie, for queries that must look everywhere.
    fn read_all(&self) -> Vec<RwLockReadGuard<'_, Trie>> {
        self.shards.iter().map(|shard| shard.read()).collect()
    }
}

impl Suggester for ShardedTrie {
    fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)> {
        if !prefix.is_empty() {
            return self.shards[self.shard_of(prefix)].read().suggest(prefix, k);
        }
        merge(self.read_all().iter().map(|trie| trie.suggest("", k)), k)
    }

    fn suggest_fuzzy(&self, prefix: &str, max_edits: usize, k: usize) -> Vec<(String, u64)> {
        merge(
            self.read_all()
                .iter()
                .map(|trie| trie.suggest_fuzzy(prefix, max_edits, k)),
            k,
        )
    }

    fn record_batch(&self, updates: &[(&str, u64)]) {
        // Lock every shard the batch touches, in index order: two batches
        // that touch the same shards queue for the first instead of each
        // holding one and waiting for the other (the hashmap chapter's
        // lock-order lesson).
        let mut touched: Vec<usize> = updates.iter().map(|(s, _)| self.shard_of(s)).collect();
        touched.sort_unstable();
        touched.dedup();
        let mut guards: Vec<_> = touched
            .iter()
            .map(|&i| (i, self.shards[i].write()))
            .collect();
        for (sentence, n) in updates {
            let shard = self.shard_of(sentence);
            if let Some((_, trie)) = guards.iter_mut().find(|(i, _)| *i == shard) {
                trie.record(sentence, *n);
            }
        }
    }
}
// ANCHOR_END: sharded

/// The best `k` of several shards' answers (their sentences are disjoint).
fn merge(parts: impl Iterator<Item = Vec<(String, u64)>>, k: usize) -> Vec<(String, u64)> {
    let mut all: Vec<(String, u64)> = parts.flatten().collect();
    all.sort_by(|a, b| rank((&a.0, a.1), (&b.0, b.1)));
    all.truncate(k);
    all
}
