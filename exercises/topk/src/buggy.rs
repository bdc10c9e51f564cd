//! The bug zoo: counters that compile, pass a quick single-threaded test (or
//! a quick look at their output), and are wrong. `tests/bugs.rs` checks that
//! the suite catches every one.

use std::collections::HashMap;

use kit::sync::Mutex;

use crate::{TopK, select_top};

// ANCHOR: lost_count
/// **Lost count.** The count is read under the lock, the lock is released,
/// and the new count is written under a second acquisition. Two threads read
/// 41, both write 42: one occurrence is gone. Exact on one thread.
#[derive(Debug, Default)]
pub struct LostCount {
    counts: Mutex<HashMap<String, u64>>,
}

impl TopK for LostCount {
    fn record_n(&self, query: &str, n: u64) {
        let current = self.counts.lock().get(query).copied().unwrap_or(0);
        // BUG: another thread may have counted `query` since we read it.
        self.counts.lock().insert(query.to_string(), current + n);
    }

    fn top(&self, k: usize) -> Vec<(String, u64)> {
        let counts = self.counts.lock();
        select_top(counts.iter().map(|(q, &c)| (q.as_str(), c)), k)
    }
}
// ANCHOR_END: lost_count

/// How many entries the stale cache keeps.
const CACHED: usize = 100;

// ANCHOR: stale_cache
/// **Stale top-k cache.** To make `top` cheap, a small list of the leaders
/// is kept next to the counts. A query enters the list when its count beats
/// the smallest cached count, but a query that is *already* in the list is
/// never refreshed: the list keeps the count it had when it entered, and the
/// order decays as the stream goes on.
#[derive(Debug, Default)]
pub struct StaleTopCache {
    state: Mutex<CountsAndLeaders>,
}

/// Every count, and the cached leaders.
type CountsAndLeaders = (HashMap<String, u64>, Vec<(String, u64)>);

impl TopK for StaleTopCache {
    fn record_n(&self, query: &str, n: u64) {
        let mut state = self.state.lock();
        let (counts, cache) = &mut *state;
        let count = counts.entry(query.to_string()).or_insert(0);
        *count += n;
        let count = *count;
        // BUG: a cached query's entry keeps its old count.
        if cache.iter().any(|(q, _)| q == query) {
            return;
        }
        if cache.len() < CACHED {
            cache.push((query.to_string(), count));
        } else if let Some(weakest) = cache.iter_mut().min_by_key(|(_, c)| *c)
            && count > weakest.1
        {
            *weakest = (query.to_string(), count);
        }
    }

    fn top(&self, k: usize) -> Vec<(String, u64)> {
        let state = self.state.lock();
        select_top(state.1.iter().map(|(q, c)| (q.as_str(), *c)), k)
    }
}
// ANCHOR_END: stale_cache

// ANCHOR: no_inherit
/// **Space-Saving without inheritance.** A first attempt at the algorithm:
/// when the counters are full, the new query replaces the smallest counter
/// but starts from its own count instead of inheriting the evicted one. It
/// looks harmless, and it breaks both guarantees: counts can now be *under*
/// the truth, and a frequent query that keeps getting evicted while young
/// never accumulates enough to stay.
#[derive(Debug)]
pub struct NoInheritSpaceSaving {
    capacity: usize,
    counters: Mutex<Vec<(String, u64)>>,
}

impl NoInheritSpaceSaving {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            counters: Mutex::new(Vec::new()),
        }
    }
}

impl TopK for NoInheritSpaceSaving {
    fn record_n(&self, query: &str, n: u64) {
        let mut counters = self.counters.lock();
        if let Some(counter) = counters.iter_mut().find(|(q, _)| q == query) {
            counter.1 += n;
        } else if counters.len() < self.capacity {
            counters.push((query.to_string(), n));
        } else if let Some(smallest) = counters.iter_mut().min_by_key(|(_, c)| *c) {
            // BUG: should be (query, smallest.1 + n).
            *smallest = (query.to_string(), n);
        }
    }

    fn top(&self, k: usize) -> Vec<(String, u64)> {
        let counters = self.counters.lock();
        select_top(counters.iter().map(|(q, c)| (q.as_str(), *c)), k)
    }
}
// ANCHOR_END: no_inherit

// ANCHOR: first_record
/// **A first record that writes over another.** Counting an existing query
/// is done in place, under the lock. A new query needs its key allocated,
/// and to keep the allocation out of the critical section the lock is
/// dropped, the `String` made, and the lock taken again to insert it. But
/// another thread may have inserted the same query meanwhile, and the
/// insert, without looking again, sets the count to `n`, wiping theirs.
/// Exact on one thread, and on any query whose first records do not race.
#[derive(Debug, Default)]
pub struct FirstRecordRace {
    counts: Mutex<HashMap<String, u64>>,
}

impl TopK for FirstRecordRace {
    fn record_n(&self, query: &str, n: u64) {
        if let Some(count) = self.counts.lock().get_mut(query) {
            *count += n;
            return;
        }
        let key = query.to_string();
        // BUG: should be `*entry(key).or_insert(0) += n`: the query may have
        // been inserted since the look above.
        self.counts.lock().insert(key, n);
    }

    fn top(&self, k: usize) -> Vec<(String, u64)> {
        let counts = self.counts.lock();
        select_top(counts.iter().map(|(q, &c)| (q.as_str(), c)), k)
    }
}
// ANCHOR_END: first_record
