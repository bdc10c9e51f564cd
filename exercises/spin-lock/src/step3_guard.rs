//! Step 3: a guard that releases the lock when it is dropped.
//!
//! Steps 1 and 2 trust the caller to call `unlock` once, on every path out
//! of the critical section. An early `return`, a `?`, or a panic in between
//! skips it, and the lock stays taken for ever: every later `lock` spins
//! without end (the zoo's `UnlockByHand`).
//!
//! Here `lock` returns a `SpinGuard`, and the release is the guard's `Drop`.
//! Rust runs `Drop` whenever the guard goes out of scope, on every path,
//! including while a panic unwinds through it. The caller can no longer
//! forget, and can still release early with `drop(guard)`.
//!
//! The lock itself is step 2's, unchanged.
//!
//! In the book the guard also derefs to the data (`&mut T`), kept in an
//! `UnsafeCell`; that needs `unsafe`, forbidden here, so this guard only
//! proves that the lock is held (see the crate's documentation).

use kit::sync::{AtomicBool, Ordering, spin_hint};

use crate::Lock;

// ANCHOR: guard
/// A spin lock whose `lock` returns a guard.
#[derive(Debug, Default)]
pub struct SpinLock {
    locked: AtomicBool,
}

/// Held lock: dropping it releases the lock.
#[derive(Debug)]
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct SpinGuard<'a> {
    lock: &'a SpinLock,
}

impl Lock for SpinLock {
    type Guard<'a> = SpinGuard<'a>;

    fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> SpinGuard<'_> {
        while self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            while self.locked.load(Ordering::Relaxed) {
                spin_hint();
            }
        }
        SpinGuard { lock: self }
    }
}

impl Drop for SpinGuard<'_> {
    fn drop(&mut self) {
        self.lock.locked.store(false, Ordering::Release);
    }
}
// ANCHOR_END: guard

#[cfg(all(test, not(loom)))]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use super::*;

    /// A holder that panics still releases the lock: the guard's `Drop`
    /// runs while the panic unwinds.
    #[test]
    fn a_panic_while_holding_releases_the_lock() {
        let lock = SpinLock::new();
        let unwound = catch_unwind(AssertUnwindSafe(|| {
            let _guard = lock.lock();
            panic!("a holder panics on purpose");
        }));
        assert!(unwound.is_err());
        // Would spin for ever if the panic had skipped the release.
        drop(lock.lock());
    }

    /// An early return drops the guard too.
    #[test]
    fn an_early_return_releases_the_lock() {
        fn section(lock: &SpinLock, give_up: bool) -> Result<(), &'static str> {
            let _guard = lock.lock();
            if give_up {
                return Err("nothing to do");
            }
            Ok(())
        }
        let lock = SpinLock::new();
        assert_eq!(section(&lock, true), Err("nothing to do"));
        drop(lock.lock());
    }
}
