//! The bug zoo: objects that look right and are not. Each is named after
//! its bug, and `tests/bugs.rs` proves the suite catches each one under
//! that name (`FlagOutsideLock`, whose window is nanoseconds wide, is
//! caught by the loom model in `tests/loom.rs`).

use kit::sync::{AtomicUsize, Condvar, Mutex, Ordering, spin_hint};

use crate::ZeroEvenOdd;

/// Which method prints a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Zero,
    Odd,
    Even,
}

/// Who prints at `step` of 0 1 0 2 ... 0 n, and what: the arithmetic of
/// `CondvarZeroEvenOdd`.
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

/// The steps of the sequence that are `who`'s, with what each prints.
fn steps_of(who: Who, n: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..2 * n).filter_map(move |step| {
        let (whose, number) = at(step);
        (whose == who).then_some((step, number))
    })
}

/// Prints at once: no method waits for the print before its own. Order
/// violated.
#[derive(Debug)]
pub struct NoWaiting {
    n: usize,
}

impl ZeroEvenOdd for NoWaiting {
    fn new(n: usize) -> Self {
        NoWaiting { n }
    }

    fn zero(&self, mut print: impl FnMut(usize)) {
        for _ in 0..self.n {
            print(0);
        }
    }

    fn even(&self, mut print: impl FnMut(usize)) {
        for number in (2..=self.n).step_by(2) {
            print(number);
        }
    }

    fn odd(&self, mut print: impl FnMut(usize)) {
        for number in (1..=self.n).step_by(2) {
            print(number);
        }
    }
}

/// The step counter and condition variable of `CondvarZeroEvenOdd`, with
/// one mistake chosen by `BUG`.
#[derive(Debug)]
pub struct Steps<const BUG: u8> {
    n: usize,
    done: Mutex<usize>,
    changed: Condvar,
}

/// Moves the counter on before its own print: the next print can start
/// while this one is still running. Order violated.
pub type SignalBeforePrint = Steps<0>;
/// Waits with `if`, not `while`: a thread woken for another thread's step
/// goes on without checking it is its own. Unchecked wake-up.
pub type IfNotWhile = Steps<1>;
/// Wakes one waiter where two may wait for different steps: after a 0,
/// the wrong one of `odd` and `even` wakes, finds it is not its step and
/// sleeps again, and the right one is never woken. Lost wake-up.
pub type NotifyOne = Steps<2>;
/// Tests the parity the wrong way round: `odd` prints the even numbers and
/// `even` the odd ones. The sequence reads 0 1 0 2 ... as it should; each
/// number comes from the wrong thread. Wrong answer.
pub type WrongParity = Steps<3>;

const SIGNAL_FIRST: u8 = 0;
const IF_NOT_WHILE: u8 = 1;
const NOTIFY_ONE: u8 = 2;
const WRONG_PARITY: u8 = 3;

impl<const BUG: u8> Steps<BUG> {
    fn wait_for(&self, step: usize) {
        let mut done = self.done.lock();
        if BUG == IF_NOT_WHILE {
            // One wait, whatever woke it.
            if *done < step {
                drop(self.changed.wait(done));
            }
            return;
        }
        while *done < step {
            done = self.changed.wait(done);
        }
    }

    fn finished(&self, step: usize) {
        *self.done.lock() = step + 1;
        if BUG == NOTIFY_ONE {
            self.changed.notify_one();
        } else {
            self.changed.notify_all();
        }
    }

    fn take_steps(&self, who: Who, mut print: impl FnMut(usize)) {
        let who = match (BUG, who) {
            (WRONG_PARITY, Who::Odd) => Who::Even,
            (WRONG_PARITY, Who::Even) => Who::Odd,
            _ => who,
        };
        for (step, number) in steps_of(who, self.n) {
            self.wait_for(step);
            if BUG == SIGNAL_FIRST {
                self.finished(step);
                print(number);
            } else {
                print(number);
                self.finished(step);
            }
        }
    }
}

impl<const BUG: u8> ZeroEvenOdd for Steps<BUG> {
    fn new(n: usize) -> Self {
        Steps {
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

/// Waits for a notify, with no state that says whether it was already
/// sent: an `odd` called after `zero` printed its 0 sleeps for ever. Lost
/// wake-up.
#[derive(Debug)]
pub struct WaitWithoutState {
    n: usize,
    lock: Mutex<()>,
    changed: Condvar,
}

impl WaitWithoutState {
    fn wait(&self) {
        let guard = self.lock.lock();
        drop(self.changed.wait(guard));
    }
}

impl ZeroEvenOdd for WaitWithoutState {
    fn new(n: usize) -> Self {
        WaitWithoutState {
            n,
            lock: Mutex::new(()),
            changed: Condvar::new(),
        }
    }

    fn zero(&self, mut print: impl FnMut(usize)) {
        for number in 1..=self.n {
            // Zero goes first: it waits only from its second 0 on.
            if number > 1 {
                self.wait();
            }
            print(0);
            self.changed.notify_all();
        }
    }

    fn even(&self, mut print: impl FnMut(usize)) {
        for number in (2..=self.n).step_by(2) {
            self.wait();
            print(number);
            self.changed.notify_all();
        }
    }

    fn odd(&self, mut print: impl FnMut(usize)) {
        for number in (1..=self.n).step_by(2) {
            self.wait();
            print(number);
            self.changed.notify_all();
        }
    }
}

/// Reads the step counter outside the lock, then sleeps under it. Between
/// the read and the sleep, the step before can finish and notify nobody:
/// the waiter then sleeps for ever. Lost wake-up, in a window of
/// nanoseconds that loom finds and a stress test rarely does.
#[derive(Debug)]
pub struct FlagOutsideLock {
    n: usize,
    done: AtomicUsize,
    lock: Mutex<()>,
    changed: Condvar,
}

impl FlagOutsideLock {
    fn take_steps(&self, who: Who, mut print: impl FnMut(usize)) {
        for (step, number) in steps_of(who, self.n) {
            while self.done.load(Ordering::Acquire) < step {
                let guard = self.lock.lock();
                drop(self.changed.wait(guard));
            }
            print(number);
            self.done.store(step + 1, Ordering::Release);
            self.changed.notify_all();
        }
    }
}

impl ZeroEvenOdd for FlagOutsideLock {
    fn new(n: usize) -> Self {
        FlagOutsideLock {
            n,
            done: AtomicUsize::new(0),
            lock: Mutex::new(()),
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

/// Right order, wrong waiting: spins on an atomic counter, and a waiting
/// thread keeps a core busy doing nothing. Busy-waiting.
#[derive(Debug)]
pub struct SpinZeroEvenOdd {
    n: usize,
    done: AtomicUsize,
}

impl SpinZeroEvenOdd {
    fn take_steps(&self, who: Who, mut print: impl FnMut(usize)) {
        for (step, number) in steps_of(who, self.n) {
            while self.done.load(Ordering::Acquire) < step {
                spin_hint();
            }
            print(number);
            self.done.store(step + 1, Ordering::Release);
        }
    }
}

impl ZeroEvenOdd for SpinZeroEvenOdd {
    fn new(n: usize) -> Self {
        SpinZeroEvenOdd {
            n,
            done: AtomicUsize::new(0),
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
