//! The state under a mutex, and a condition variable to sleep on.
//!
//! The state is one number: how many prints have finished. A turn waits
//! while the number is below its own, and the loop around `wait` is the
//! whole correctness argument. A thread can wake with nothing to do:
//! `notify_all` wakes `third` when `first` finishes, and std's `Condvar`
//! may also wake a thread spuriously, for no notify at all (its docs say
//! so; parking_lot's, which `kit::sync` uses, promises it does not). Each
//! time it wakes, the thread looks at the number again, under the lock.
//!
//! The number is changed under the same lock the waiters check it under,
//! so no signal falls between a waiter's check and its sleep: `wait`
//! releases the lock and sleeps in one step. A turn that comes after the
//! signal was sent sees the number already there and does not wait at all.
//!
//! `notify_all`, because two threads may be waiting for different turns:
//! `notify_one` could wake the wrong one, which would go back to sleep,
//! and the right one would sleep for ever.

use kit::sync::{Condvar, Mutex};

use crate::InOrder;

// ANCHOR: condvar
/// Three turns on one counter and one condition variable.
#[derive(Debug, Default)]
pub struct CondvarInOrder {
    /// Prints finished so far: 0, 1, 2 or 3.
    done: Mutex<u8>,
    turn: Condvar,
}

impl CondvarInOrder {
    /// Sleeps until `before` prints have finished.
    fn wait_for(&self, before: u8) {
        let mut done = self.done.lock();
        while *done < before {
            done = self.turn.wait(done);
        }
    }

    /// Records that `count` prints have finished and wakes every waiter:
    /// each checks whether it is now its turn.
    fn finished(&self, count: u8) {
        *self.done.lock() = count;
        self.turn.notify_all();
    }
}

impl InOrder for CondvarInOrder {
    fn new() -> Self {
        Self::default()
    }

    fn first(&self, print: impl FnOnce()) {
        print();
        self.finished(1);
    }

    fn second(&self, print: impl FnOnce()) {
        self.wait_for(1);
        print();
        self.finished(2);
    }

    fn third(&self, print: impl FnOnce()) {
        self.wait_for(2);
        print();
        self.finished(3);
    }
}
// ANCHOR_END: condvar
