//! Loom model of the snapshot publish/read protocol: a writer builds the next
//! version and publishes it while readers load and read. Every interleaving
//! must show a reader one whole version, old or new.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p trie --test loom --release`
#![cfg(loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use kit::sync::{Arc, thread};
use trie::buggy::TornBatchTrie;
use trie::{SnapshotTrie, Suggester, Trie};

#[test]
fn readers_see_a_whole_version_old_or_new() {
    loom::model(|| pair_model(SnapshotTrie::new));
}

/// Loom must find the interleaving in which a reader sees half a batch.
#[test]
fn loom_finds_the_half_applied_batch() {
    let found = catch_unwind(AssertUnwindSafe(|| {
        loom::model(|| pair_model(TornBatchTrie::new))
    }));
    assert!(
        found.is_err(),
        "loom explored every interleaving and found no half batch"
    );
}

/// A writer bumps two sentences together, twice; a reader reads twice.
fn pair_model<S: Suggester + 'static>(make: fn(Trie) -> S) {
    {
        let service = Arc::new(make(Trie::from_counts([("left", 1), ("right", 1)])));
        let writer = {
            let service = Arc::clone(&service);
            thread::spawn(move || {
                service.record_batch(&[("left", 1), ("right", 1)]);
                service.record_batch(&[("left", 1), ("right", 1)]);
            })
        };
        let reader = {
            let service = Arc::clone(&service);
            thread::spawn(move || {
                let mut last = 0;
                for _ in 0..2 {
                    let seen = service.suggest("", 2);
                    assert_eq!(seen.len(), 2, "{seen:?}");
                    assert_eq!(seen[0].1, seen[1].1, "half a batch: {seen:?}");
                    assert!(seen[0].1 >= last, "a version went backwards: {seen:?}");
                    last = seen[0].1;
                }
            })
        };
        writer.join().unwrap();
        reader.join().unwrap();
        assert_eq!(service.suggest("left", 1), vec![("left".to_string(), 3)]);
    }
}
