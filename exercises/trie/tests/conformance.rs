//! One suite, run over every implementation (and over the starter with
//! `--features starter`). The checks live in `suite/mod.rs`.

mod suite;

use trie::{RwLockTrie, ShardedTrie, SnapshotTrie, Trie};

use kit::stress::assert_passes as pass;

/// A module of tests per implementation, so a failure names both the
/// service and the check: `starter::fuzzy_matches_brute_force`.
macro_rules! conformance {
    ($($module:ident: $make:expr),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[test]
            fn sequential_matches_a_model() {
                pass(|| suite::sequential_matches_model($make));
            }

            #[test]
            fn leetcode_semantics() {
                pass(|| suite::leetcode_semantics($make));
            }

            #[test]
            fn fuzzy_matches_brute_force() {
                pass(|| suite::fuzzy_matches_brute_force($make));
            }

            #[test]
            fn readers_see_only_real_states() {
                pass(|| suite::readers_see_only_real_states($make));
            }

            #[test]
            fn writers_together_lose_nothing() {
                pass(|| suite::writers_together_lose_nothing($make));
            }
        }
    )*};
}

conformance! {
    rwlock: RwLockTrie::new,
    sharded: ShardedTrie::new,
    snapshot: SnapshotTrie::new,
    snapshot_batched: |trie: Trie| {
        // Batches of 16, published after each write so that a check sees
        // its own writes; a batch of several updates is still published
        // whole.
        Flushing(SnapshotTrie::with_batch(trie, 16))
    },
}

#[cfg(feature = "starter")]
conformance! {
    starter: trie::starter::StarterTrie::new,
}

/// A batched snapshot trie that publishes after each write, so that the
/// checks see their own writes. (Publishing before each read instead would
/// have every reader take the writer's lock, and starve the writer.)
struct Flushing(SnapshotTrie);

impl trie::Suggester for Flushing {
    fn suggest(&self, prefix: &str, k: usize) -> Vec<(String, u64)> {
        self.0.suggest(prefix, k)
    }
    fn suggest_fuzzy(&self, prefix: &str, max_edits: usize, k: usize) -> Vec<(String, u64)> {
        self.0.suggest_fuzzy(prefix, max_edits, k)
    }
    fn record_batch(&self, updates: &[(&str, u64)]) {
        self.0.record_batch(updates);
        self.0.flush();
    }
}

/// Until flushed, a batched snapshot trie serves the previous version: the
/// staleness its documentation promises, and no more.
#[test]
fn a_batched_snapshot_is_stale_until_published() {
    use trie::Suggester;
    let service = SnapshotTrie::with_batch(Trie::from_counts([("a", 1)]), 3);
    service.record("a", 1);
    service.record("b", 1);
    assert_eq!(
        service.suggest("", 5),
        vec![("a".to_string(), 1)],
        "not yet published"
    );
    service.record("c", 1);
    assert_eq!(
        service.suggest("", 5).len(),
        3,
        "the third update publishes the batch"
    );
    service.record("c", 5);
    service.flush();
    assert_eq!(service.suggest("", 1), vec![("c".to_string(), 6)]);
}
