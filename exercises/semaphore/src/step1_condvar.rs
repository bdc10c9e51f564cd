//! Step 1: the count under a mutex, and a condition variable to wait on.
//!
//! The state is one number: how many permits are held now. `acquire`
//! waits while it is at the limit, then adds one; `release` takes one off
//! and wakes a waiter. Three details carry the argument:
//!
//! - **Check and take in one critical section.** The `while` that finds a
//!   permit free and the `+= 1` that takes it run under one lock
//!   acquisition. Let go of the lock in between, and two threads can find
//!   the same last permit free and both take it (the zoo's
//!   `CheckThenTake`).
//! - **The wait is in a loop.** A waiter can wake and find the permit
//!   gone: another thread, arriving just then, took it first, or the wake
//!   was spurious (std's `Condvar::wait` may return with no notify). Each
//!   time it wakes, it checks again (the zoo's `IfNotWhile`).
//! - **Change the count under the lock, then notify.** A waiter checks the
//!   count and goes to sleep in one step (`wait` releases the lock and
//!   sleeps atomically). A release that changed the count without the
//!   lock could fall between a waiter's check and its sleep, and its
//!   notify would find nobody asleep (the zoo's `ReleaseOutsideLock`).
//!   Notifying after the unlock is fine: the count has changed, and the
//!   woken thread does not wake into a lock still held.
//!
//! `notify_one`, not `notify_all`: every waiter waits for the same thing,
//! a free permit, and one permit lets one waiter in. If the thread it wakes
//! finds the permit taken by a newcomer, that newcomer will release it
//! later and notify again.
//!
//! The count is of permits in use, not of permits free: the two are the
//! same (free = permits - in use), and counting up means a mistake shows
//! as what it is, more holders than permits, instead of a count that
//! wraps below zero.

use kit::sync::{Condvar, Mutex};

use crate::RawSemaphore;

// ANCHOR: condvar
/// A counting semaphore on a mutex and a condition variable: the caller
/// releases by hand.
#[derive(Debug)]
pub struct CondvarSemaphore {
    permits: usize,
    /// Permits held now: at most `permits`.
    in_use: Mutex<usize>,
    freed: Condvar,
}

impl RawSemaphore for CondvarSemaphore {
    fn new(permits: usize) -> Self {
        assert!(permits > 0, "a semaphore needs at least one permit");
        CondvarSemaphore {
            permits,
            in_use: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    fn acquire(&self) {
        let mut in_use = self.in_use.lock();
        while *in_use >= self.permits {
            in_use = self.freed.wait(in_use);
        }
        *in_use += 1;
    }

    fn release(&self) {
        let mut in_use = self.in_use.lock();
        *in_use -= 1;
        drop(in_use);
        self.freed.notify_one();
    }
}
// ANCHOR_END: condvar

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::thread;
    use std::time::Duration;

    use super::*;

    /// One thread can hold every permit; the next `acquire` waits until one
    /// comes back.
    #[test]
    fn the_next_acquire_waits_for_a_release() {
        let semaphore = Arc::new(CondvarSemaphore::new(2));
        semaphore.acquire();
        semaphore.acquire();
        let entered = Arc::new(AtomicBool::new(false));
        let third = {
            let (semaphore, entered) = (Arc::clone(&semaphore), Arc::clone(&entered));
            thread::spawn(move || {
                semaphore.acquire();
                entered.store(true, Ordering::SeqCst);
                semaphore.release();
            })
        };
        thread::sleep(Duration::from_millis(50));
        assert!(
            !entered.load(Ordering::SeqCst),
            "a third holder of two permits"
        );
        semaphore.release();
        third.join().unwrap();
        assert!(entered.load(Ordering::SeqCst));
        semaphore.release();
    }
}
