//! The bug zoo: objects that look right and are not. Each is named after
//! its bug, and `tests/bugs.rs` proves the suite catches each one under
//! that name (`FlagOutsideLock`, whose window is nanoseconds wide, is
//! caught by the loom model in `tests/loom.rs`).

use kit::sync::{AtomicUsize, Condvar, Mutex, Ordering, spin_hint};

use crate::InOrder;

/// Prints at once: no turn waits for the one before. Order violated.
#[derive(Debug, Default)]
pub struct NoWaiting;

impl InOrder for NoWaiting {
    fn new() -> Self {
        NoWaiting
    }

    fn first(&self, print: impl FnOnce()) {
        print();
    }

    fn second(&self, print: impl FnOnce()) {
        print();
    }

    fn third(&self, print: impl FnOnce()) {
        print();
    }
}

/// The counter and condition variable of `CondvarInOrder`, with one
/// mistake chosen by `BUG`.
#[derive(Debug, Default)]
pub struct Turns<const BUG: u8> {
    done: Mutex<u8>,
    turn: Condvar,
}

/// Passes the turn on before its own print: the next print can start
/// while this one is still running. Order violated.
pub type SignalBeforePrint = Turns<0>;
/// Waits with `if`, not `while`: a waiter woken for another turn's signal
/// goes on without checking it is its own. Unchecked wake-up.
pub type IfNotWhile = Turns<1>;
/// Wakes one waiter where two may wait for different turns: the wrong one
/// wakes, finds it is not its turn and sleeps again, and the right one is
/// never woken. Lost wake-up.
pub type NotifyOne = Turns<2>;

const SIGNAL_FIRST: u8 = 0;
const IF_NOT_WHILE: u8 = 1;
const NOTIFY_ONE: u8 = 2;

impl<const BUG: u8> Turns<BUG> {
    fn wait_for(&self, before: u8) {
        let mut done = self.done.lock();
        if BUG == IF_NOT_WHILE {
            // One wait, whatever woke it.
            if *done < before {
                drop(self.turn.wait(done));
            }
            return;
        }
        while *done < before {
            done = self.turn.wait(done);
        }
    }

    fn finished(&self, count: u8) {
        *self.done.lock() = count;
        if BUG == NOTIFY_ONE {
            self.turn.notify_one();
        } else {
            self.turn.notify_all();
        }
    }

    fn take_turn(&self, number: u8, print: impl FnOnce()) {
        self.wait_for(number - 1);
        if BUG == SIGNAL_FIRST {
            self.finished(number);
            print();
        } else {
            print();
            self.finished(number);
        }
    }
}

impl<const BUG: u8> InOrder for Turns<BUG> {
    fn new() -> Self {
        Self::default()
    }

    fn first(&self, print: impl FnOnce()) {
        self.take_turn(1, print);
    }

    fn second(&self, print: impl FnOnce()) {
        self.take_turn(2, print);
    }

    fn third(&self, print: impl FnOnce()) {
        self.take_turn(3, print);
    }
}

/// Waits for a signal, with no state that says whether it was already
/// sent: a turn called after the one before it finished sleeps for ever.
/// Lost wake-up.
#[derive(Debug, Default)]
pub struct WaitWithoutState {
    lock: Mutex<()>,
    turn: Condvar,
}

impl WaitWithoutState {
    fn wait(&self) {
        let guard = self.lock.lock();
        drop(self.turn.wait(guard));
    }
}

impl InOrder for WaitWithoutState {
    fn new() -> Self {
        Self::default()
    }

    fn first(&self, print: impl FnOnce()) {
        print();
        self.turn.notify_all();
    }

    fn second(&self, print: impl FnOnce()) {
        self.wait();
        print();
        self.turn.notify_all();
    }

    fn third(&self, print: impl FnOnce()) {
        self.wait();
        print();
        self.turn.notify_all();
    }
}

/// Reads the counter outside the lock, then sleeps under it. Between the
/// read and the sleep, the turn before can finish and notify nobody: the
/// waiter then sleeps for ever. Lost wake-up, in a window of nanoseconds
/// that loom finds and a stress test rarely does.
#[derive(Debug, Default)]
pub struct FlagOutsideLock {
    done: AtomicUsize,
    lock: Mutex<()>,
    turn: Condvar,
}

impl FlagOutsideLock {
    fn take_turn(&self, number: usize, print: impl FnOnce()) {
        while self.done.load(Ordering::Acquire) < number - 1 {
            let guard = self.lock.lock();
            drop(self.turn.wait(guard));
        }
        print();
        self.done.store(number, Ordering::Release);
        self.turn.notify_all();
    }
}

impl InOrder for FlagOutsideLock {
    fn new() -> Self {
        Self::default()
    }

    fn first(&self, print: impl FnOnce()) {
        self.take_turn(1, print);
    }

    fn second(&self, print: impl FnOnce()) {
        self.take_turn(2, print);
    }

    fn third(&self, print: impl FnOnce()) {
        self.take_turn(3, print);
    }
}

/// Right order, wrong waiting: spins on an atomic counter, and a waiting
/// turn keeps a core busy doing nothing. Busy-waiting.
#[derive(Debug, Default)]
pub struct SpinInOrder {
    done: AtomicUsize,
}

impl SpinInOrder {
    fn take_turn(&self, number: usize, print: impl FnOnce()) {
        while self.done.load(Ordering::Acquire) < number - 1 {
            spin_hint();
        }
        print();
        self.done.store(number, Ordering::Release);
    }
}

impl InOrder for SpinInOrder {
    fn new() -> Self {
        Self::default()
    }

    fn first(&self, print: impl FnOnce()) {
        self.take_turn(1, print);
    }

    fn second(&self, print: impl FnOnce()) {
        self.take_turn(2, print);
    }

    fn third(&self, print: impl FnOnce()) {
        self.take_turn(3, print);
    }
}
