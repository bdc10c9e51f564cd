//! Step 2: a permit that gives itself back.
//!
//! Step 1 trusts the caller to call `release` once for every `acquire`, on
//! every path out. An early `return`, a `?` or a panic in between skips
//! it, and the permit is gone for good: one fewer thread can ever run, and
//! with one permit, none (the zoo's `ReleaseByHand`).
//!
//! Here `acquire` returns a `Permit`, and giving it back is the permit's
//! `Drop`, which Rust runs on every way out of its scope, a panic
//! included. `drop(permit)` still gives it back early.
//!
//! The semaphore itself is step 1's, unchanged.

use kit::sync::{Condvar, Mutex};

use crate::Semaphore;

// ANCHOR: permit
/// A counting semaphore whose `acquire` returns a permit.
#[derive(Debug)]
pub struct CondvarSemaphore {
    permits: usize,
    in_use: Mutex<usize>,
    freed: Condvar,
}

/// A permit held: dropping it gives it back.
#[derive(Debug)]
#[must_use = "the permit goes back as soon as it is dropped"]
pub struct Permit<'a> {
    semaphore: &'a CondvarSemaphore,
}

impl Semaphore for CondvarSemaphore {
    type Permit<'a> = Permit<'a>;

    fn new(permits: usize) -> Self {
        assert!(permits > 0, "a semaphore needs at least one permit");
        CondvarSemaphore {
            permits,
            in_use: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    fn acquire(&self) -> Permit<'_> {
        let mut in_use = self.in_use.lock();
        while *in_use >= self.permits {
            in_use = self.freed.wait(in_use);
        }
        *in_use += 1;
        Permit { semaphore: self }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut in_use = self.semaphore.in_use.lock();
        *in_use -= 1;
        drop(in_use);
        self.semaphore.freed.notify_one();
    }
}
// ANCHOR_END: permit

#[cfg(all(test, not(loom)))]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use super::*;

    /// A holder that panics gives its permit back as the panic unwinds.
    #[test]
    fn a_panic_while_holding_gives_the_permit_back() {
        let semaphore = CondvarSemaphore::new(1);
        let unwound = catch_unwind(AssertUnwindSafe(|| {
            let _permit = semaphore.acquire();
            panic!("a holder panics on purpose");
        }));
        assert!(unwound.is_err());
        // Would wait for ever if the panic had kept the only permit.
        drop(semaphore.acquire());
    }

    /// Permits held at once, up to the limit, on one thread.
    #[test]
    fn one_thread_can_hold_every_permit() {
        let semaphore = CondvarSemaphore::new(3);
        let held: Vec<_> = (0..3).map(|_| semaphore.acquire()).collect();
        drop(held);
        let again: Vec<_> = (0..3).map(|_| semaphore.acquire()).collect();
        assert_eq!(again.len(), 3);
    }
}
