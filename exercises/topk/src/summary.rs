//! Space-Saving (Metwally, Agrawal and El Abbadi, 2005) on one thread.
//!
//! Keep `m` counters. A query already counted adds to its counter. A new
//! query takes a free counter if there is one; otherwise it *replaces the
//! smallest counter and inherits its count*, remembering that count as its
//! possible overestimate. That one rule gives the guarantees:
//!
//! - every count is an upper bound: the true frequency `f` of a monitored
//!   query satisfies `count - overestimate <= f <= count`;
//! - an unmonitored query occurred at most `min` times, the smallest count;
//! - the counts always sum to `N`, the records seen, so `min <= N / m`, and
//!   every query with `f > N / m` is monitored.
//!
//! Memory is `m` counters whatever the stream: a billion distinct queries
//! cost what a thousand do.
//!
//! The smallest counter is found through a binary min-heap of counters, so a
//! record costs `O(log m)` at worst, and `O(1)` for the common case of a hot
//! query (already at the bottom of the heap, it has nowhere to sink).

use std::collections::HashMap;

/// A query with its estimated count: the true count lies in
/// `count - overestimate ..= count`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    pub query: String,
    pub count: u64,
    pub overestimate: u64,
}

#[derive(Debug, Clone)]
struct Counter {
    query: String,
    count: u64,
    overestimate: u64,
    /// Where this counter sits in `Summary::heap`.
    at: usize,
}

// ANCHOR: summary
/// A Space-Saving summary with a fixed number of counters.
#[derive(Debug, Clone)]
pub struct Summary {
    capacity: usize,
    counters: Vec<Counter>,
    /// Indices into `counters`, a min-heap by count: `heap[0]` is the
    /// smallest counter, the one a new query replaces.
    heap: Vec<usize>,
    /// Query -> index into `counters`.
    index: HashMap<String, usize>,
    /// Records seen: N.
    total: u64,
}
// ANCHOR_END: summary

impl Summary {
    /// A summary of `capacity` counters (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            capacity,
            counters: Vec::with_capacity(capacity),
            heap: Vec::with_capacity(capacity),
            index: HashMap::with_capacity(capacity),
            total: 0,
        }
    }

    // ANCHOR: record
    pub fn record_n(&mut self, query: &str, n: u64) {
        self.total += n;
        if let Some(&slot) = self.index.get(query) {
            self.counters[slot].count += n;
            self.sink(self.counters[slot].at);
            return;
        }
        if self.counters.len() < self.capacity {
            let slot = self.counters.len();
            self.counters.push(Counter {
                query: query.to_string(),
                count: n,
                overestimate: 0,
                at: slot,
            });
            self.heap.push(slot);
            self.rise(slot);
            self.index.insert(query.to_string(), slot);
            return;
        }
        // Full: the newcomer replaces the smallest counter and inherits its
        // count. It may have occurred up to `min` times unseen, so `min` is
        // both added to its count (never undercount) and its overestimate.
        let slot = self.heap[0];
        let min = self.counters[slot].count;
        let evicted = std::mem::replace(&mut self.counters[slot].query, query.to_string());
        self.index.remove(&evicted);
        self.index.insert(query.to_string(), slot);
        self.counters[slot].count = min + n;
        self.counters[slot].overestimate = min;
        self.sink(0);
    }
    // ANCHOR_END: record

    /// Records seen (N).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Counters in use: at most the capacity.
    pub fn len(&self) -> usize {
        self.counters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counters.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The most an unmonitored query can have occurred: the smallest count
    /// once every counter is in use, zero before.
    pub fn min_count(&self) -> u64 {
        if self.counters.len() < self.capacity {
            0
        } else {
            self.counters[self.heap[0]].count
        }
    }

    /// `(query, count, overestimate)` of every monitored query.
    pub fn counters(&self) -> impl Iterator<Item = (&str, u64, u64)> {
        self.counters
            .iter()
            .map(|c| (c.query.as_str(), c.count, c.overestimate))
    }

    /// The estimate for one query, if it is monitored.
    pub fn estimate(&self, query: &str) -> Option<Estimate> {
        self.index.get(query).map(|&slot| {
            let c = &self.counters[slot];
            Estimate {
                query: c.query.clone(),
                count: c.count,
                overestimate: c.overestimate,
            }
        })
    }

    /// A counter whose count grew moves down, towards the leaves.
    fn sink(&mut self, mut at: usize) {
        loop {
            let (left, right) = (2 * at + 1, 2 * at + 2);
            let mut smallest = at;
            for child in [left, right] {
                if child < self.heap.len() && self.count_at(child) < self.count_at(smallest) {
                    smallest = child;
                }
            }
            if smallest == at {
                return;
            }
            self.swap(at, smallest);
            at = smallest;
        }
    }

    /// A new counter moves up while it is smaller than its parent.
    fn rise(&mut self, mut at: usize) {
        while at > 0 {
            let parent = (at - 1) / 2;
            if self.count_at(at) >= self.count_at(parent) {
                return;
            }
            self.swap(at, parent);
            at = parent;
        }
    }

    fn count_at(&self, at: usize) -> u64 {
        self.counters[self.heap[at]].count
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        self.counters[self.heap[a]].at = a;
        self.counters[self.heap[b]].at = b;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_while_there_is_room() {
        let mut s = Summary::new(3);
        for q in ["a", "b", "a", "c", "a", "b"] {
            s.record_n(q, 1);
        }
        assert_eq!(
            s.estimate("a").map(|e| (e.count, e.overestimate)),
            Some((3, 0))
        );
        assert_eq!(
            s.estimate("c").map(|e| (e.count, e.overestimate)),
            Some((1, 0))
        );
        assert_eq!(s.min_count(), 1);
    }

    #[test]
    fn a_newcomer_inherits_the_smallest_count() {
        let mut s = Summary::new(2);
        s.record_n("a", 5);
        s.record_n("b", 2);
        s.record_n("c", 1);
        assert_eq!(s.estimate("b"), None, "b had the smallest count");
        let c = s.estimate("c").unwrap();
        assert_eq!((c.count, c.overestimate), (3, 2));
        assert_eq!(
            s.counters().map(|(_, count, _)| count).sum::<u64>(),
            s.total()
        );
    }
}
