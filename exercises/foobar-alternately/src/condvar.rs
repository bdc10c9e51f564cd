//! Whose turn it is, under a mutex, and a condition variable to sleep on.
//!
//! The state is one value: whose print comes next. A thread waits while
//! the turn is not its own, prints, then hands the turn to the other and
//! wakes it. The turn is changed under the same lock the waiter checks it
//! under, so no hand-over falls between a waiter's check and its sleep:
//! `wait` releases the lock and sleeps in one step. A thread that arrives
//! after the hand-over finds the turn already its own and does not wait.
//!
//! The wait is in a loop, `while`, not `if`. Here, with two threads, the
//! only notify a waiter gets comes after the turn was handed to it, and
//! parking_lot's `Condvar` (the one `kit::sync` uses) promises no spurious
//! wake-ups. std's `Condvar` makes no such promise: its `wait` may return
//! with no notify at all, and the loop is what makes that harmless.
//!
//! The print runs outside the lock. While it runs, the turn is still ours,
//! and the other thread can only wait: nothing it could do needs the lock
//! to be held.
//!
//! `notify_one`, because only the other thread can be asleep: the one that
//! notifies is awake. (Zero Even Odd, where two threads can wait for
//! different things, needs `notify_all`.)

use kit::sync::{Condvar, Mutex};

use crate::FooBar;

// ANCHOR: condvar
/// Whose print comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    Foo,
    Bar,
}

/// Two threads, one turn, one condition variable.
#[derive(Debug)]
pub struct CondvarFooBar {
    /// How many times each method prints.
    n: usize,
    turn: Mutex<Turn>,
    changed: Condvar,
}

impl CondvarFooBar {
    /// Runs `print` `n` times, each time once the turn is `mine`, and
    /// hands the turn to `next` after each print has returned.
    fn take_turns(&self, mine: Turn, next: Turn, mut print: impl FnMut()) {
        for _ in 0..self.n {
            let mut turn = self.turn.lock();
            while *turn != mine {
                turn = self.changed.wait(turn);
            }
            drop(turn);
            print();
            *self.turn.lock() = next;
            self.changed.notify_one();
        }
    }
}

impl FooBar for CondvarFooBar {
    fn new(n: usize) -> Self {
        CondvarFooBar {
            n,
            turn: Mutex::new(Turn::Foo),
            changed: Condvar::new(),
        }
    }

    fn foo(&self, print: impl FnMut()) {
        self.take_turns(Turn::Foo, Turn::Bar, print);
    }

    fn bar(&self, print: impl FnMut()) {
        self.take_turns(Turn::Bar, Turn::Foo, print);
    }
}
// ANCHOR_END: condvar
