//! Every thread counts in a map of its own: map-reduce on one machine.
//!
//! `record` touches only the calling thread's map, so writers share nothing
//! at all: no lock that another writer wants, no cache line that moves. The
//! cost moves to `top`, which must merge every thread's map (the reduce
//! step), and to memory, which holds one copy of a query per thread that saw
//! it. The right answer for batch jobs (count a day of logs, then ask once);
//! the wrong one if `top` is asked every millisecond.

use std::collections::HashMap;

use kit::sync::{Mutex, MutexGuard};
use thread_local::ThreadLocal;

use crate::{TopK, select_top};

// ANCHOR: local_merge
/// Exact counts in one map per recording thread, merged when asked.
#[derive(Debug, Default)]
pub struct LocalMerge {
    /// Each thread's map sits behind a mutex that only its owner and `top`
    /// ever take, so the owner's lock is almost always uncontended.
    per_thread: ThreadLocal<Mutex<HashMap<String, u64>>>,
}

impl LocalMerge {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many threads have recorded into this counter.
    pub fn threads_seen(&self) -> usize {
        self.per_thread.iter().count()
    }
}

impl TopK for LocalMerge {
    fn record_n(&self, query: &str, n: u64) {
        let mut counts = self.per_thread.get_or_default().lock();
        match counts.get_mut(query) {
            Some(count) => *count += n,
            None => {
                counts.insert(query.to_string(), n);
            }
        }
    }

    fn top(&self, k: usize) -> Vec<(String, u64)> {
        // Hold every thread's map while merging, so the answer is one moment
        // of the counts. Only `top` takes more than one of these locks, and
        // always in the same order, so two `top` calls cannot deadlock.
        let maps: Vec<MutexGuard<'_, HashMap<String, u64>>> =
            self.per_thread.iter().map(|map| map.lock()).collect();
        let mut merged: HashMap<&str, u64> = HashMap::new();
        for map in &maps {
            for (query, count) in map.iter() {
                *merged.entry(query.as_str()).or_default() += count;
            }
        }
        select_top(merged, k)
    }
}
// ANCHOR_END: local_merge
