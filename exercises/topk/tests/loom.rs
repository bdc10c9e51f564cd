//! Loom model of the concurrent recording and merging core: two threads
//! record into a sharded counter while a third merges the shards for `top`.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p topk --test loom --release`
//!
//! `LocalMerge` and `SpaceSaving` keep per-thread state in `thread_local`'s
//! `ThreadLocal`, which keys on OS threads; loom runs its threads on one OS
//! thread, so they are covered by the stress tests instead.
#![cfg(loom)]

use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

use kit::sync::{Arc, thread};
use topk::{ExactSharded, TopK};

type Counter = ExactSharded<BuildHasherDefault<DefaultHasher>>;

#[test]
fn merging_while_recording_sees_only_real_moments() {
    loom::model(|| {
        let counter = Arc::new(Counter::with_shards(2));
        let recorders: Vec<_> = ["x", "y"]
            .into_iter()
            .map(|query| {
                let counter = Arc::clone(&counter);
                thread::spawn(move || {
                    counter.record(query);
                    counter.record("x");
                })
            })
            .collect();
        // While they record: x is counted 0..=3 times, y 0..=1, and the
        // answer is in rank order.
        let seen = counter.top(2);
        for (query, count) in &seen {
            let most = if query == "x" { 3 } else { 1 };
            assert!(*count >= 1 && *count <= most, "{seen:?}");
        }
        for recorder in recorders {
            recorder.join().unwrap();
        }
        assert_eq!(
            counter.top(2),
            vec![("x".to_string(), 3), ("y".to_string(), 1)]
        );
    });
}
