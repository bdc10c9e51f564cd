//! Step 2: spin on a load, and try to take the lock only when it looks
//! free (test-and-test-and-set).
//!
//! Step 1 is correct, but every turn of its spin is a `swap`: a write, even
//! when it writes `true` over `true`. A core must own a cache line
//! exclusively to write to it, so waiters that swap pull the line holding
//! the flag back and forth between their cores, and the holder's own
//! release has to wait its turn for the line. A load needs only a shared
//! copy: waiters that read can all keep one, and the line moves when the
//! holder writes it.
//!
//! So: while the lock is taken, read it (`Relaxed`: this load only decides
//! when to try; it takes nothing and publishes nothing). When it looks
//! free, try to take it with `compare_exchange(false, true, Acquire,
//! Relaxed)`: "if it is still `false`, make it `true`", one atomic step
//! that can still lose (the lock was free when read, and another waiter
//! took it first). A lost `compare_exchange` writes nothing; then go back
//! to reading. The read-modify-write, not the load, is what takes the lock:
//! a load that sees `false` followed by a plain store of `true` would let
//! two waiters in at once (the zoo's `TestThenSet`).
//!
//! A `swap` would be as correct here. `compare_exchange` says what is meant
//! ("take it if it is free"), and because a failed one writes nothing, loom
//! can explore this lock: a spin of failed `swap`s is a new write on every
//! turn, and loom's search never ends ("Model exceeded maximum number of
//! branches"), which is why `tests/loom.rs` models steps 2 and 3 and not
//! step 1.
//!
//! Nothing else changes: the same flag, the same `Release` in `unlock`.

use kit::sync::{AtomicBool, Ordering, spin_hint};

use crate::RawLock;

// ANCHOR: ttas
/// A spin lock that reads while it waits and tries to take only when the
/// lock looks free.
#[derive(Debug, Default)]
pub struct SpinLock {
    locked: AtomicBool,
}

impl RawLock for SpinLock {
    fn new() -> Self {
        Self::default()
    }

    fn lock(&self) {
        while self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            // Taken: wait with loads, which share the cache line, until it
            // looks free; then try again.
            while self.locked.load(Ordering::Relaxed) {
                spin_hint();
            }
        }
    }

    fn unlock(&self) {
        self.locked.store(false, Ordering::Release);
    }
}
// ANCHOR_END: ttas

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;

    use super::*;

    /// Four threads add one at a time under the lock, with a load and a
    /// store that are each `Relaxed`: no addition is lost.
    #[test]
    fn counts_under_the_lock_add_up() {
        let lock = Arc::new(SpinLock::new());
        let count = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (lock, count) = (Arc::clone(&lock), Arc::clone(&count));
                thread::spawn(move || {
                    for _ in 0..10_000 {
                        lock.lock();
                        let seen = count.load(Ordering::Relaxed);
                        count.store(seen + 1, Ordering::Relaxed);
                        lock.unlock();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(count.load(Ordering::Relaxed), 40_000);
    }
}
