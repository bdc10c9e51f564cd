//! One lock per fork, taken in one global order.
//!
//! Each fork is a mutex. A philosopher locks both of its forks, eats, and
//! unlocks them. Taken left first by everyone, five philosophers can each
//! lock their left fork at once and then wait for ever for their right,
//! which the next philosopher holds: a cycle of waits, a lock-order
//! deadlock.
//!
//! The fix is the rule for any set of locks: take them in one global order.
//! Here, the lower-numbered fork first. Philosophers 0 to 3 take their left
//! fork first (fork `p` is lower than fork `p + 1`), but philosopher 4's
//! forks are 4 (left) and 0 (right), so it takes its right fork first.
//! Then no cycle can form: a philosopher holding fork `f` waits only for a
//! fork numbered higher than `f`, and the chain of waits can only climb,
//! so it ends at a philosopher who has both forks and will eat.
//!
//! Each callback runs with its fork's guard held: the pick right after the
//! lock, the put right before the unlock. That is what the contract's "a
//! fork is held from its pick until its put" asks: a neighbour's pick of
//! the same fork comes after our put, because it comes after our unlock.
//!
//! Starvation: the locks are parking_lot's (through `kit::sync`), which
//! unlock unfairly: a thread that unlocks and locks again at once can take
//! the lock before a waiter that was woken. A philosopher who pauses
//! between meals gives the waiter its chance, and that is all the contract
//! asks. Behind a neighbour that never pauses, this table would let a
//! philosopher wait for a long time; `FairStates` (`states.rs`) does not.

use kit::sync::Mutex;

use crate::DiningPhilosophers;

// ANCHOR: ordered
/// One mutex per fork, locked lowest-numbered first.
#[derive(Debug)]
pub struct OrderedForks {
    forks: Vec<Mutex<()>>,
}

impl DiningPhilosophers for OrderedForks {
    fn new(philosophers: usize) -> Self {
        OrderedForks {
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
        // The lower-numbered fork first: left for all but the last
        // philosopher, whose right fork is fork 0.
        let (left_fork, right_fork) = if left < right {
            let left_fork = self.forks[left].lock();
            pick_left();
            let right_fork = self.forks[right].lock();
            pick_right();
            (left_fork, right_fork)
        } else {
            let right_fork = self.forks[right].lock();
            pick_right();
            let left_fork = self.forks[left].lock();
            pick_left();
            (left_fork, right_fork)
        };
        eat();
        // Each put before its unlock: the fork is ours until it returns.
        put_left();
        drop(left_fork);
        put_right();
        drop(right_fork);
    }
}
// ANCHOR_END: ordered
