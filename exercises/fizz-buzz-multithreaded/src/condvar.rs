//! The next item under a mutex, and one condition variable to sleep on.
//!
//! The state is one number: the next item to print, from 1. Item `next`
//! belongs to `Part::of(next)`, so every method can tell from the number
//! alone whether the turn is its own. Past `n`, the number says something
//! more: the sequence is over. A method waits while the number is neither
//! its own item nor past `n`, and that second half is what lets the three
//! methods with nothing left to print return at the end.
//!
//! The printer moves the number on under the same lock the waiters check
//! it under, so no turn falls between a waiter's check and its sleep:
//! `wait` releases the lock and sleeps in one step. A method that arrives
//! late sees the number as it is and does not wait for a signal that was
//! sent before it came.
//!
//! `notify_all`, because the four methods wait for four different things:
//! `notify_one` could wake a method whose item it is not, which would
//! sleep again, while the one whose item it is sleeps on. After the last
//! item, `notify_all` also wakes the three that must see the end.
//!
//! The print runs outside the lock: while item `i` prints, the number
//! still says `i`, which is nobody else's turn, so nobody else moves.

use kit::sync::{Condvar, Mutex};

use crate::{FizzBuzz, Part};

// ANCHOR: condvar
/// Four methods on one counter and one condition variable.
#[derive(Debug)]
pub struct CondvarFizzBuzz {
    /// The last item of the sequence.
    n: u32,
    /// The next item to print: 1 at the start, `n + 1` once all are done.
    next: Mutex<u32>,
    turn: Condvar,
}

impl CondvarFizzBuzz {
    /// Sleeps until the next item is `part`'s or the sequence is over, and
    /// returns the next item.
    fn wait_for_turn(&self, part: Part) -> u32 {
        let mut next = self.next.lock();
        while *next <= self.n && Part::of(*next) != part {
            next = self.turn.wait(next);
        }
        *next
    }

    /// Makes `next` the next item and wakes every method: each checks
    /// whether the item is its own, or the sequence over.
    fn pass_on(&self, next: u32) {
        *self.next.lock() = next;
        self.turn.notify_all();
    }

    /// Prints each of `part`'s items in its turn, then returns once the
    /// sequence is over.
    fn take_turns(&self, part: Part, mut print: impl FnMut(u32)) {
        loop {
            let item = self.wait_for_turn(part);
            if item > self.n {
                return;
            }
            print(item);
            self.pass_on(item + 1);
        }
    }
}

impl FizzBuzz for CondvarFizzBuzz {
    fn new(n: u32) -> Self {
        CondvarFizzBuzz {
            n,
            next: Mutex::new(1),
            turn: Condvar::new(),
        }
    }

    fn fizz(&self, mut print: impl FnMut()) {
        self.take_turns(Part::Fizz, |_| print());
    }

    fn buzz(&self, mut print: impl FnMut()) {
        self.take_turns(Part::Buzz, |_| print());
    }

    fn fizzbuzz(&self, mut print: impl FnMut()) {
        self.take_turns(Part::FizzBuzz, |_| print());
    }

    fn number(&self, print: impl FnMut(u32)) {
        self.take_turns(Part::Number, print);
    }
}
// ANCHOR_END: condvar
