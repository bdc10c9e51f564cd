//! # Autocomplete: from LeetCode 642 to a concurrent suggestion service
//!
//! The interview questions: *implement an autocomplete system with a trie
//! that returns real-time suggestions as users type*, and its system-design
//! twin, *a search-suggestion service with prefix and fuzzy matching,
//! trending queries updated in real time, and reads never blocked by
//! updates*.
//!
//! - [`Trie`] (`trie.rs`): the data structure. Every node caches the best
//!   sentences below it, so a suggestion costs the length of the prefix, not
//!   the size of the subtree.
//! - [`AutocompleteSystem`] (`leetcode.rs`): LeetCode 642, exactly.
//! - The contract for the concurrent service is [`Suggester`]; each strategy
//!   lives in its own file: [`RwLockTrie`] (one lock), [`ShardedTrie`]
//!   (partitioned by first character, as one partitions across nodes) and
//!   [`SnapshotTrie`] (readers load an immutable version and never wait).
//!
//! `buggy.rs` holds the bug zoo and `starter.rs` is the candidate's file.

use std::cmp::Ordering;

// ANCHOR: contract
/// A suggestion service: many threads ask for completions while others
/// record what users searched.
///
/// Results are `(sentence, count)`, count descending, then sentence
/// ascending by bytes (LeetCode's "ASCII order").
pub trait Suggester: Send + Sync {
    /// The `k` most popular sentences that start with `prefix`.
    fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)>;

    /// The `k` most popular sentences that start with something within
    /// `max_edits` insertions, deletions or substitutions of `prefix`: what
    /// the user meant to type.
    fn suggest_fuzzy(&self, prefix: &str, max_edits: usize, k: usize) -> Vec<(String, u64)>;

    /// Counts `n` more searches for `sentence` (a hot term). With `n = 0`
    /// nothing changes: a sentence never recorded with `n > 0` is never
    /// suggested.
    fn record(&self, sentence: &str, n: u64) {
        self.record_batch(&[(sentence, n)]);
    }

    /// Applies several updates at once, atomically: no `suggest` or
    /// `suggest_fuzzy` sees some of them and not the others.
    fn record_batch(&self, updates: &[(&str, u64)]);
}
// ANCHOR_END: contract

/// `a` ranks before `b`: higher count first, then the smaller sentence.
pub fn rank(a: (&str, u64), b: (&str, u64)) -> Ordering {
    b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0))
}

pub mod buggy;
mod leetcode;
mod rwlock;
mod sharded;
mod snapshot;
#[cfg(feature = "starter")]
pub mod starter;
mod trie;

pub use leetcode::AutocompleteSystem;
pub use rwlock::RwLockTrie;
pub use sharded::ShardedTrie;
pub use snapshot::SnapshotTrie;
pub use trie::{CACHED, Trie};
