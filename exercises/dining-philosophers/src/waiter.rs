//! A waiter who seats at most four.
//!
//! The forks are locks, taken left first as in the deadlock, but nobody
//! picks up a fork before a waiter has given them a seat, and the waiter
//! seats at most `n - 1` of the `n` philosophers. A deadlock needs a cycle
//! of waits round the whole table: each philosopher holding its left fork
//! and waiting for its right, which its right-hand neighbour holds. Follow
//! that chain with a chair empty, and it stops at the philosopher just
//! before the empty chair: its right fork is shared only with the empty
//! chair, so nobody holds it. That philosopher eats, and gives back its
//! forks and its seat.
//!
//! The seats are a counting semaphore. `kit::sync` has none, so it is a
//! count under a mutex and a condition variable, as in Building H2O. Every philosopher waiting for a seat wants the same thing,
//! and any one of them can use a seat that comes free: `notify_one` is
//! enough.
//!
//! The waiter costs a lock that every meal passes through twice, the very
//! thing one lock per fork avoided. It is the simplest argument, not the
//! fastest table.

use kit::sync::{Condvar, Mutex};

use crate::DiningPhilosophers;

// ANCHOR: waiter
/// A counting semaphore: `take` waits for a free seat, `give_back` frees
/// one.
#[derive(Debug)]
struct Seats {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Seats {
    fn new(seats: usize) -> Self {
        Seats {
            free: Mutex::new(seats),
            freed: Condvar::new(),
        }
    }

    fn take(&self) {
        let mut free = self.free.lock();
        while *free == 0 {
            free = self.freed.wait(free);
        }
        *free -= 1;
    }

    fn give_back(&self) {
        *self.free.lock() += 1;
        self.freed.notify_one();
    }
}

/// Forks taken left first, by at most `n - 1` seated philosophers.
#[derive(Debug)]
pub struct Waiter {
    seats: Seats,
    forks: Vec<Mutex<()>>,
}

impl DiningPhilosophers for Waiter {
    fn new(philosophers: usize) -> Self {
        Waiter {
            // One chair fewer than philosophers: the cycle cannot close.
            seats: Seats::new(philosophers - 1),
            forks: (0..philosophers).map(|_| Mutex::new(())).collect(),
        }
    }

    fn wants_to_eat(
        &self,
        philosopher: usize,
        pick_left: impl FnOnce(),
        pick_right: impl FnOnce(),
        eat: impl FnOnce(),
        put_left: impl FnOnce(),
        put_right: impl FnOnce(),
    ) {
        let left = philosopher;
        let right = (philosopher + 1) % self.forks.len();
        self.seats.take();
        let left_fork = self.forks[left].lock();
        pick_left();
        let right_fork = self.forks[right].lock();
        pick_right();
        eat();
        put_left();
        drop(left_fork);
        put_right();
        drop(right_fork);
        self.seats.give_back();
    }
}
// ANCHOR_END: waiter
