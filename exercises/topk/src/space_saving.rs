//! Space-Saving across threads: one summary per thread, merged when asked.
//!
//! Sharing one summary would put a lock on every record, the problem the
//! exact strategies already solve. Instead each thread keeps its own
//! [`Summary`] of `m` counters, and `top` merges them. Space-Saving
//! summaries are *mergeable* (Agarwal, Cormode, Huang, Phillips, Wei and Yi,
//! 2012): for a query, add its count from every summary that monitors it, and
//! from every summary that does not, add that summary's smallest count, the
//! most the query can have occurred there unseen. The bounds survive:
//!
//! - a merged count never undercounts, and overestimates by at most the
//!   merged overestimate, which is at most `N / m` (`N` records in all);
//! - every query with frequency above `N / m` is monitored by at least one
//!   thread, so it is in the merged answer. (If no thread monitored it, it
//!   occurred at most `min_t <= N_t / m` times in each thread's stream, at
//!   most `N / m` in all.)
//!
//! Memory: `m` counters per recording thread, whatever the stream.

use std::collections::HashMap;

use kit::sync::{Mutex, MutexGuard};
use thread_local::ThreadLocal;

use crate::{Estimate, Summary, TopK, select_top};

// ANCHOR: struct
/// Approximate top-k in bounded memory: a Space-Saving [`Summary`] of
/// `capacity` counters per recording thread, merged at query time.
#[derive(Debug)]
pub struct SpaceSaving {
    capacity: usize,
    per_thread: ThreadLocal<Mutex<Summary>>,
}
// ANCHOR_END: struct

impl SpaceSaving {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            per_thread: ThreadLocal::new(),
        }
    }

    // ANCHOR: merge
    /// The `k` queries with the highest merged counts, each with the most it
    /// may overestimate by.
    pub fn top_estimates(&self, k: usize) -> Vec<Estimate> {
        let summaries: Vec<MutexGuard<'_, Summary>> =
            self.per_thread.iter().map(|s| s.lock()).collect();
        // Start every query at the sum of the smallest counts, then swap in
        // a summary's own count wherever it monitors the query.
        let floor: u64 = summaries.iter().map(|s| s.min_count()).sum();
        let mut merged: HashMap<&str, (u64, u64)> = HashMap::new();
        for summary in &summaries {
            let min = summary.min_count();
            for (query, count, overestimate) in summary.counters() {
                let (c, o) = merged.entry(query).or_insert((floor, floor));
                *c = *c - min + count;
                *o = *o - min + overestimate;
            }
        }
        let top = select_top(merged.iter().map(|(q, (c, _))| (*q, *c)), k);
        top.into_iter()
            .map(|(query, count)| {
                let overestimate = merged[query.as_str()].1;
                Estimate {
                    query,
                    count,
                    overestimate,
                }
            })
            .collect()
    }
    // ANCHOR_END: merge

    /// Counters in use across all threads: the memory, which is bounded by
    /// threads x capacity and not by the distinct queries seen.
    pub fn counters_in_use(&self) -> usize {
        self.per_thread.iter().map(|s| s.lock().len()).sum()
    }

    /// Records seen across all threads (N).
    pub fn total(&self) -> u64 {
        self.per_thread.iter().map(|s| s.lock().total()).sum()
    }

    /// The guaranteed bound on any overestimate: N / m.
    pub fn error_bound(&self) -> u64 {
        self.total() / self.capacity as u64
    }
}

impl TopK for SpaceSaving {
    fn record_n(&self, query: &str, n: u64) {
        self.per_thread
            .get_or(|| Mutex::new(Summary::new(self.capacity)))
            .lock()
            .record_n(query, n);
    }

    fn top(&self, k: usize) -> Vec<(String, u64)> {
        self.top_estimates(k)
            .into_iter()
            .map(|e| (e.query, e.count))
            .collect()
    }
}
