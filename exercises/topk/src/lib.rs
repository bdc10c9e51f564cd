//! # Top-K frequent queries from a concurrent stream
//!
//! The interview question: *continuously track the top K most frequent
//! queries from an incoming stream, efficient in time and space as the stream
//! grows without bound; handle spikes; writes arrive concurrently.*
//!
//! The contract is [`TopK`]; each strategy lives in its own file:
//!
//! - [`ExactGlobal`] (`exact_global.rs`): one mutex around one count map.
//! - [`ExactSharded`] (`exact_sharded.rs`): striped counters, merged when
//!   asked.
//! - [`LocalMerge`] (`local_merge.rs`): every thread counts in a map of its
//!   own; the maps are merged when asked. Map-reduce on one machine.
//! - [`SpaceSaving`] (`space_saving.rs`): a fixed number of counters per
//!   thread (the [`Summary`] of `summary.rs`), approximate, with a stated
//!   error bound, in memory that does not grow with the stream.
//!
//! `stream.rs` runs any of them over lines of text with a reader thread and
//! worker threads (the `concur topk` command). `buggy.rs` holds the bug zoo
//! and `starter.rs` is the candidate's file.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

// ANCHOR: contract
/// Counts queries from many threads at once and answers "which K are the most
/// frequent?" while the counting goes on.
pub trait TopK: Send + Sync {
    /// Counts one occurrence of `query`.
    fn record(&self, query: &str) {
        self.record_n(query, 1);
    }

    /// Counts `n` occurrences of `query` at once (a batch, or a spike).
    /// With `n = 0` no count changes; a query only ever recorded that way
    /// has count 0, and `top` may list it (last) or leave it out.
    fn record_n(&self, query: &str, n: u64);

    /// The `k` most frequent queries with their counts: count descending,
    /// then query ascending by bytes, so that ties have one right answer.
    /// Fewer than `k` if fewer queries were seen; any `k` will do, however
    /// large (`usize::MAX`: all of them). Callable while other
    /// threads record: the answer reflects some recent moment (each count
    /// includes every record of its query that finished before the call,
    /// and none that had not begun when it returned), and a count never
    /// goes backwards between two calls.
    fn top(&self, k: usize) -> Vec<(String, u64)>;
}
// ANCHOR_END: contract

/// `a` ranks before `b`: higher count first, then the smaller query.
pub fn rank(a: (&str, u64), b: (&str, u64)) -> Ordering {
    b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0))
}

/// A candidate for the top k; "greater" means "ranks higher".
#[derive(PartialEq, Eq)]
struct Ranked<'a>(u64, Reverse<&'a str>);

impl Ord for Ranked<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0).then_with(|| self.1.cmp(&other.1))
    }
}

impl PartialOrd for Ranked<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

// ANCHOR: select
/// The `k` highest-ranked of `counts`, in rank order.
///
/// Heap selection: keep the best `k` seen so far in a min-heap whose top is
/// the worst of them, so each of `n` candidates costs at most `O(log k)`, and
/// only the `k` winners are copied into owned strings. Sorting everything
/// would cost `O(n log n)` and copy every query.
pub fn select_top<'a>(
    counts: impl IntoIterator<Item = (&'a str, u64)>,
    k: usize,
) -> Vec<(String, u64)> {
    if k == 0 {
        return Vec::new();
    }
    let mut best: BinaryHeap<Reverse<Ranked<'a>>> = BinaryHeap::with_capacity(k.min(4096) + 1);
    for (query, count) in counts {
        let candidate = Ranked(count, Reverse(query));
        if best.len() < k {
            best.push(Reverse(candidate));
        } else if best.peek().is_some_and(|Reverse(worst)| candidate > *worst) {
            best.pop();
            best.push(Reverse(candidate));
        }
    }
    let mut top: Vec<(String, u64)> = best
        .into_iter()
        .map(|Reverse(Ranked(count, Reverse(query)))| (query.to_string(), count))
        .collect();
    top.sort_by(|a, b| rank((&a.0, a.1), (&b.0, b.1)));
    top
}
// ANCHOR_END: select

pub mod buggy;
mod exact_global;
mod exact_sharded;
mod local_merge;
mod space_saving;
#[cfg(feature = "starter")]
pub mod starter;
pub mod stream;
mod summary;

pub use exact_global::ExactGlobal;
pub use exact_sharded::ExactSharded;
pub use local_merge::LocalMerge;
pub use space_saving::SpaceSaving;
pub use summary::{Estimate, Summary};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_top_orders_by_count_then_bytes() {
        let counts = [("b", 3), ("a", 3), ("c", 5), ("d", 1), ("B", 3)];
        assert_eq!(
            select_top(counts, 3),
            vec![
                ("c".to_string(), 5),
                ("B".to_string(), 3),
                ("a".to_string(), 3)
            ]
        );
        assert_eq!(select_top(counts, 0), vec![]);
        assert_eq!(select_top(counts, 10).len(), 5);
    }
}
