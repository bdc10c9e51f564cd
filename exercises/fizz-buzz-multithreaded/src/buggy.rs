//! The bug zoo: objects that look right and are not. Each is named after
//! its bug, and `tests/bugs.rs` proves the suite catches each one under
//! that name (`CheckThenSleep`, whose window is nanoseconds wide, is caught
//! by the loom model in `tests/loom.rs`).

use kit::sync::{AtomicU64, Condvar, Mutex, Ordering, spin_hint};

use crate::{FizzBuzz, Part};

/// The counter and condition variable of `CondvarFizzBuzz`, with one
/// mistake chosen by `BUG`.
#[derive(Debug)]
pub struct Turns<const BUG: u8> {
    n: u32,
    next: Mutex<u32>,
    turn: Condvar,
}

/// Moves the turn on before its own print: the next item's print can
/// start while this one is still running. Order violated.
pub type AdvanceBeforePrint = Turns<0>;
/// Wakes one waiter where four wait for different items: the wrong one
/// wakes, finds the item is not its own and sleeps again, and the one
/// whose item it is is never woken. Lost wake-up.
pub type NotifyOne = Turns<1>;
/// Waits for its next item without asking whether the sequence is over:
/// after the last item, three methods sleep for ever. Missed termination.
pub type WaitsPastTheEnd = Turns<2>;
/// Tests "multiple of 3" before "multiple of 15": item 15 goes to `fizz`,
/// and `fizzbuzz` never prints. Wrong answer.
pub type ThreeBeforeFifteen = Turns<3>;
/// Checks its turn under the lock, lets the lock go, then takes it again
/// to sleep: the turn can come, and its notify be sent, in between, and
/// the method sleeps for ever. Lost wake-up, in a window of nanoseconds
/// that loom finds and a stress test rarely does.
pub type CheckThenSleep = Turns<4>;

const ADVANCE_BEFORE_PRINT: u8 = 0;
const NOTIFY_ONE: u8 = 1;
const WAITS_PAST_THE_END: u8 = 2;
const THREE_BEFORE_FIFTEEN: u8 = 3;
const CHECK_THEN_SLEEP: u8 = 4;

impl<const BUG: u8> Turns<BUG> {
    /// Whose item `i` is: `Part::of`, or the tests in the wrong order.
    fn owner(i: u32) -> Part {
        if BUG != THREE_BEFORE_FIFTEEN {
            return Part::of(i);
        }
        // 15 is a multiple of 3: it never gets to the third test.
        if i.is_multiple_of(3) {
            Part::Fizz
        } else if i.is_multiple_of(5) {
            Part::Buzz
        } else if i.is_multiple_of(15) {
            Part::FizzBuzz
        } else {
            Part::Number
        }
    }

    /// Whether `part` may stop waiting when `next` is the next item.
    fn may_go(&self, part: Part, next: u32) -> bool {
        if BUG == WAITS_PAST_THE_END {
            // Forgets the end: past n, only the owner of item n + 1 goes.
            return Self::owner(next) == part;
        }
        next > self.n || Self::owner(next) == part
    }

    fn wait_for_turn(&self, part: Part) -> u32 {
        if BUG == CHECK_THEN_SLEEP {
            loop {
                let next = *self.next.lock();
                if self.may_go(part, next) {
                    return next;
                }
                // The lock is let go here: the turn can pass to us, with
                // its notify, before we sleep.
                let guard = self.next.lock();
                drop(self.turn.wait(guard));
            }
        }
        let mut next = self.next.lock();
        while !self.may_go(part, *next) {
            next = self.turn.wait(next);
        }
        *next
    }

    fn pass_on(&self, next: u32) {
        *self.next.lock() = next;
        if BUG == NOTIFY_ONE {
            self.turn.notify_one();
        } else {
            self.turn.notify_all();
        }
    }

    fn take_turns(&self, part: Part, mut print: impl FnMut(u32)) {
        loop {
            let item = self.wait_for_turn(part);
            if item > self.n {
                return;
            }
            if BUG == ADVANCE_BEFORE_PRINT {
                self.pass_on(item + 1);
                print(item);
            } else {
                print(item);
                self.pass_on(item + 1);
            }
        }
    }
}

impl<const BUG: u8> FizzBuzz for Turns<BUG> {
    fn new(n: u32) -> Self {
        Turns {
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

/// Right sequence, wrong waiting: spins on an atomic counter, and every
/// waiting method keeps a core busy doing nothing. Busy-waiting.
#[derive(Debug)]
pub struct SpinFizzBuzz {
    n: u32,
    next: AtomicU64,
}

impl SpinFizzBuzz {
    fn take_turns(&self, part: Part, mut print: impl FnMut(u32)) {
        loop {
            let next = self.next.load(Ordering::Acquire);
            if next > u64::from(self.n) {
                return;
            }
            // At most n here, so it fits a u32.
            let item = next as u32;
            if Part::of(item) == part {
                print(item);
                self.next.store(next + 1, Ordering::Release);
            } else {
                spin_hint();
            }
        }
    }
}

impl FizzBuzz for SpinFizzBuzz {
    fn new(n: u32) -> Self {
        SpinFizzBuzz {
            n,
            next: AtomicU64::new(1),
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
