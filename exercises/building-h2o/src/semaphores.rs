//! Two hydrogen permits, one oxygen permit, and a barrier for three.
//!
//! The textbook answer. A hydrogen takes one of two hydrogen permits, an
//! oxygen the one oxygen permit, so at most three atoms hold permits at any
//! time, and they are two hydrogens and an oxygen. Each then waits at a
//! barrier until three have arrived: the three that get through together
//! all hold permits at that moment, so they are a molecule. Each releases,
//! and only then gives its permit back.
//!
//! Giving the permit back after the release is what keeps molecules apart:
//! the next molecule needs all three permits before its three can meet at
//! the barrier, and it gets the last of them only when the last release of
//! this molecule has returned.
//!
//! Neither the semaphore nor the barrier comes from `kit::sync`: both are a
//! mutex and a condition variable here. (std has a `Barrier`, but loom's is
//! a stub that panics, and the loom model must run this very code.)

use kit::sync::{Condvar, Mutex};

use crate::H2O;

// ANCHOR: semaphores
/// A counting semaphore: `acquire` takes a permit, waiting while there is
/// none; `release` gives one back.
#[derive(Debug)]
struct Semaphore {
    permits: Mutex<usize>,
    freed: Condvar,
}

impl Semaphore {
    fn new(permits: usize) -> Self {
        Semaphore {
            permits: Mutex::new(permits),
            freed: Condvar::new(),
        }
    }

    fn acquire(&self) {
        let mut permits = self.permits.lock();
        while *permits == 0 {
            permits = self.freed.wait(permits);
        }
        *permits -= 1;
    }

    fn release(&self) {
        *self.permits.lock() += 1;
        // Every waiter wants the same thing, a permit, and any one of them
        // can use it: waking one is enough.
        self.freed.notify_one();
    }
}

/// A barrier for three, used again for every molecule: `wait` returns once
/// three threads have called it.
#[derive(Debug, Default)]
struct Barrier {
    gathering: Mutex<Gathering>,
    all_here: Condvar,
}

#[derive(Debug, Default)]
struct Gathering {
    /// Threads waiting for the group being gathered.
    arrived: u8,
    /// Groups that have gone through so far.
    passed: u64,
}

impl Barrier {
    fn wait(&self) {
        let mut gathering = self.gathering.lock();
        let mine = gathering.passed;
        gathering.arrived += 1;
        if gathering.arrived == 3 {
            // The third: the group goes, and the next starts from none.
            gathering.arrived = 0;
            gathering.passed += 1;
            self.all_here.notify_all();
        }
        // Until our group has gone: a count, not the number arrived, so a
        // thread slow to wake still sees that its group went, even after
        // the next group has begun to gather.
        while gathering.passed == mine {
            gathering = self.all_here.wait(gathering);
        }
    }
}

/// Atoms let through by permits and a barrier.
#[derive(Debug)]
pub struct SemaphoreH2O {
    hydrogen: Semaphore,
    oxygen: Semaphore,
    molecule: Barrier,
}

impl SemaphoreH2O {
    fn bond(&self, permit: &Semaphore, release: impl FnOnce()) {
        permit.acquire();
        self.molecule.wait();
        release();
        // Only now: the next molecule forms after this one is through.
        permit.release();
    }
}

impl H2O for SemaphoreH2O {
    fn new() -> Self {
        SemaphoreH2O {
            hydrogen: Semaphore::new(2),
            oxygen: Semaphore::new(1),
            molecule: Barrier::default(),
        }
    }

    fn hydrogen(&self, release: impl FnOnce()) {
        self.bond(&self.hydrogen, release);
    }

    fn oxygen(&self, release: impl FnOnce()) {
        self.bond(&self.oxygen, release);
    }
}
// ANCHOR_END: semaphores
