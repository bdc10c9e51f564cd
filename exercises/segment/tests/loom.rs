//! Loom model of the ordered-merge core: two workers finish their chunks in
//! either order, and the output must come out in input order every time.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p segment --test loom --release`
#![cfg(loom)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use kit::sync::{Arc, Mutex, thread};
use segment::reorder::Reorder;

/// Two workers deliver chunks 0 and 1; `deliver` is how a result reaches
/// the output.
fn two_workers(deliver: fn(&Mutex<(Reorder<u64>, Vec<u64>)>, u64)) -> Vec<u64> {
    let shared = Arc::new(Mutex::new((Reorder::new(), Vec::new())));
    let workers: Vec<_> = (0..2u64)
        .map(|seq| {
            let shared = Arc::clone(&shared);
            thread::spawn(move || deliver(&shared, seq))
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let out = shared.lock().1.clone();
    out
}

#[test]
fn output_is_in_input_order_whatever_finishes_first() {
    loom::model(|| {
        let out = two_workers(|shared, seq| {
            let mut guard = shared.lock();
            let (reorder, out) = &mut *guard;
            for ready in reorder.push(seq, seq) {
                out.push(ready);
            }
        });
        assert_eq!(out, vec![0, 1]);
    });
}

/// Loom must find the interleaving that breaks completion-order merging.
#[test]
fn loom_finds_completion_order() {
    let found = catch_unwind(AssertUnwindSafe(|| {
        loom::model(|| {
            let out = two_workers(|shared, seq| shared.lock().1.push(seq));
            assert_eq!(out, vec![0, 1], "merged in completion order");
        })
    }));
    assert!(found.is_err(), "loom found no out-of-order interleaving");
}
