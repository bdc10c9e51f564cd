//! Striped counters: no shared hot lock on the write path.
//!
//! A query always lands in the same shard (its hash picks the shard), so the
//! shards hold disjoint sets of queries and each count lives in exactly one
//! place. Writers on different shards never meet. `top` visits the shards
//! one at a time: the global top k is among the union of the shards' top k,
//! because every query's full count is in its one shard.
//!
//! What it does not fix: under skew, the hottest query lives in one shard,
//! and every thread recording it takes that shard's lock. Striping splits
//! the keys, never one key.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use crossbeam_utils::CachePadded;
use kit::sync::Mutex;

use crate::{TopK, rank, select_top};

/// One shard's counts, on a cache line of its own.
type Shard = CachePadded<Mutex<HashMap<String, u64>>>;

// ANCHOR: exact_sharded
/// Exact counts split over independently locked shards.
#[derive(Debug)]
pub struct ExactSharded<S = RandomState> {
    shards: Box<[Shard]>,
    hasher: S,
}

impl ExactSharded {
    /// Sixty-four shards per core, as the hashmap exercise measured.
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::with_shards((64 * cores).next_power_of_two())
    }
}

impl Default for ExactSharded {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: BuildHasher + Default> ExactSharded<S> {
    pub fn with_shards(shards: usize) -> Self {
        Self {
            shards: (0..shards.max(1))
                .map(|_| CachePadded::new(Mutex::default()))
                .collect(),
            hasher: S::default(),
        }
    }

    fn shard(&self, query: &str) -> &Mutex<HashMap<String, u64>> {
        let index = self.hasher.hash_one(query) as usize % self.shards.len();
        &self.shards[index]
    }
}

impl<S: BuildHasher + Default + Send + Sync> TopK for ExactSharded<S> {
    fn record_n(&self, query: &str, n: u64) {
        let mut counts = self.shard(query).lock();
        match counts.get_mut(query) {
            Some(count) => *count += n,
            None => {
                counts.insert(query.to_string(), n);
            }
        }
    }

    fn top(&self, k: usize) -> Vec<(String, u64)> {
        // One shard at a time, so writers wait for one shard at most, never
        // for all. The best k so far sets a floor: once it is full, a shard
        // only offers queries that could still make the cut, so few strings
        // are copied however many shards there are.
        let mut best: Vec<(String, u64)> = Vec::new();
        if k == 0 {
            return best;
        }
        for shard in self.shards.iter() {
            let floor = if best.len() == k { best[k - 1].1 } else { 0 };
            let counts = shard.lock();
            let contenders = counts
                .iter()
                .filter(|(_, count)| **count >= floor)
                .map(|(q, &c)| (q.as_str(), c));
            best.extend(select_top(contenders, k));
            drop(counts);
            best.sort_by(|a, b| rank((&a.0, a.1), (&b.0, b.1)));
            best.truncate(k);
        }
        best
    }
}
// ANCHOR_END: exact_sharded
