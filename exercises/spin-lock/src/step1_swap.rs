//! Step 1: the smallest spin lock that is correct.
//!
//! One flag says whether the lock is taken. `lock` swaps `true` into it and
//! looks at what was there before: `false` means this thread took the lock;
//! `true` means another holds it, so try again. The swap is one atomic
//! read-modify-write, so of two threads that swap at the same moment
//! exactly one reads `false`. A load followed by a store would not do:
//! both threads could load `false` before either stores (the zoo's
//! `TestThenSet`).
//!
//! The orderings are the other half. The flag's atomicity keeps two
//! holders apart, but the data a holder writes lives elsewhere, and
//! `Relaxed` would let the next holder see it stale. `unlock` stores with
//! `Release`, and a `lock` whose swap reads that store, with `Acquire`,
//! sees everything the previous holder wrote before it (std's
//! `Ordering::Acquire`: "all subsequent loads will see data written before
//! the store"). The zoo's `RelaxedLock` (step 2 with `Relaxed`) drops both,
//! and loom shows a holder reading a stale value.
//!
//! `spin_hint` is `std::hint::spin_loop` (loom's `yield_now` under loom): it
//! tells the processor the thread is spinning, which may save power or let
//! a sibling hyper-thread run. It is a hint, not a correctness matter: the
//! lock is right without it (the zoo's `NoSpinHint` passes every check).
//!
//! This step is checked on real threads only: loom 0.7 cannot finish
//! exploring a spin of `swap`s (see step 2, which loom does explore).

use kit::sync::{AtomicBool, Ordering, spin_hint};

use crate::RawLock;

// ANCHOR: swap
/// A spin lock that swaps to take: the caller unlocks by hand.
#[derive(Debug, Default)]
pub struct SpinLock {
    locked: AtomicBool,
}

impl RawLock for SpinLock {
    fn new() -> Self {
        Self::default()
    }

    fn lock(&self) {
        // `true` back: someone else holds it. Acquire: once this returns
        // `false`, we see what the last holder wrote before it let go.
        while self.locked.swap(true, Ordering::Acquire) {
            spin_hint();
        }
    }

    fn unlock(&self) {
        // Release: what we wrote while holding the lock goes with it.
        self.locked.store(false, Ordering::Release);
    }
}
// ANCHOR_END: swap

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::thread;
    use std::time::Duration;

    use super::*;

    /// A held lock keeps a second thread out until it is released.
    #[test]
    fn a_held_lock_keeps_a_second_thread_out() {
        let lock = Arc::new(SpinLock::new());
        let entered = Arc::new(AtomicBool::new(false));
        lock.lock();
        let other = {
            let (lock, entered) = (Arc::clone(&lock), Arc::clone(&entered));
            thread::spawn(move || {
                lock.lock();
                entered.store(true, Ordering::SeqCst);
                lock.unlock();
            })
        };
        thread::sleep(Duration::from_millis(50));
        assert!(!entered.load(Ordering::SeqCst), "got in while it was held");
        lock.unlock();
        other.join().unwrap();
        assert!(entered.load(Ordering::SeqCst));
    }
}
