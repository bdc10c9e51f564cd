//! How far the sequence has got, under a mutex, and a condition variable
//! to sleep on.
//!
//! The sequence 0 1 0 2 ... 0 n is `2n` steps. Step `s` prints 0 when `s`
//! is even, and the number `s / 2 + 1` when it is odd; that number's
//! parity says whether `odd` or `even` prints it. So the whole state is one
//! counter, the steps done so far. Each thread walks the steps that are
//! its own: it waits while the counter is below the step, prints, and
//! moves the counter on.
//!
//! The counter is changed under the same lock the waiters check it under,
//! so no change falls between a waiter's check and its sleep: `wait`
//! releases the lock and sleeps in one step. A thread that comes late
//! finds the counter already there and does not wait at all.
//!
//! `notify_all`, because after a 0 both `odd` and `even` may be asleep,
//! waiting for different steps. `notify_one` wakes one of them (parking_lot
//! wakes the one that has waited longest); if that is the wrong one, it
//! goes back to sleep, and the right one sleeps for ever.
//!
//! The wait is in a loop for the same reason: `notify_all` wakes the
//! thread whose step has not come, and it must look at the counter again
//! and go back to sleep. (std's `Condvar` may also wake a thread for no
//! notify at all; parking_lot's, which `kit::sync` uses, promises it does
//! not.)

use kit::sync::{Condvar, Mutex};

use crate::ZeroEvenOdd;

// ANCHOR: condvar
/// Which method prints a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Zero,
    Odd,
    Even,
}

/// Who prints at `step` of the sequence, and what.
fn at(step: usize) -> (Who, usize) {
    if step.is_multiple_of(2) {
        return (Who::Zero, 0);
    }
    let number = step / 2 + 1;
    if number % 2 == 1 {
        (Who::Odd, number)
    } else {
        (Who::Even, number)
    }
}

/// Three threads, one counter of steps, one condition variable.
#[derive(Debug)]
pub struct CondvarZeroEvenOdd {
    /// How far the numbers go.
    n: usize,
    /// Steps done so far: 0 to `2n`.
    done: Mutex<usize>,
    changed: Condvar,
}

impl CondvarZeroEvenOdd {
    /// Prints each step that is `who`'s, once the steps before it are
    /// done.
    fn take_steps(&self, who: Who, mut print: impl FnMut(usize)) {
        for step in 0..2 * self.n {
            let (whose, number) = at(step);
            if whose != who {
                continue;
            }
            let mut done = self.done.lock();
            while *done < step {
                done = self.changed.wait(done);
            }
            drop(done);
            print(number);
            *self.done.lock() = step + 1;
            self.changed.notify_all();
        }
    }
}

impl ZeroEvenOdd for CondvarZeroEvenOdd {
    fn new(n: usize) -> Self {
        CondvarZeroEvenOdd {
            n,
            done: Mutex::new(0),
            changed: Condvar::new(),
        }
    }

    fn zero(&self, print: impl FnMut(usize)) {
        self.take_steps(Who::Zero, print);
    }

    fn even(&self, print: impl FnMut(usize)) {
        self.take_steps(Who::Even, print);
    }

    fn odd(&self, print: impl FnMut(usize)) {
        self.take_steps(Who::Odd, print);
    }
}
// ANCHOR_END: condvar
