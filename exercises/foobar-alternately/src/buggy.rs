//! The bug zoo: objects that look right and are not. Each is named after
//! its bug, and `tests/bugs.rs` proves the suite catches each one under
//! that name (`FlagOutsideLock`, whose window is nanoseconds wide, is
//! caught by the loom model in `tests/loom.rs`).
//!
//! One classic is missing on purpose: `if` instead of `while` around the
//! wait. With two threads, the only notify a waiter gets comes after the
//! other thread handed it the turn, and parking_lot's `Condvar` (which
//! `kit::sync` uses) never wakes a thread spuriously. So an `if` waits
//! exactly as long as a `while` here, and no schedule can show the
//! difference. It is still wrong with std's `Condvar`, which may wake
//! spuriously; Zero Even Odd, with three threads, catches it.

use kit::sync::{AtomicBool, Condvar, Mutex, Ordering, spin_hint};

use crate::FooBar;

/// Whose print comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    Foo,
    Bar,
}

impl Turn {
    fn other(self) -> Turn {
        match self {
            Turn::Foo => Turn::Bar,
            Turn::Bar => Turn::Foo,
        }
    }
}

/// Prints at once: neither method waits for the other. Order violated.
#[derive(Debug)]
pub struct NoWaiting {
    n: usize,
}

impl FooBar for NoWaiting {
    fn new(n: usize) -> Self {
        NoWaiting { n }
    }

    fn foo(&self, mut print: impl FnMut()) {
        for _ in 0..self.n {
            print();
        }
    }

    fn bar(&self, mut print: impl FnMut()) {
        for _ in 0..self.n {
            print();
        }
    }
}

/// The turn and condition variable of `CondvarFooBar`, with one mistake
/// chosen by `BUG`.
#[derive(Debug)]
pub struct Turns<const BUG: u8> {
    n: usize,
    turn: Mutex<Turn>,
    changed: Condvar,
}

/// Hands the turn over before its own print: the other thread's print can
/// start while this one is still running. Order violated.
pub type FlipBeforePrint = Turns<0>;
/// Only `bar` waits: `foo` goes first, so its author thought it never
/// needs to, and it prints all `n` times without waiting for `bar` in
/// between. Order violated.
pub type FooDoesNotWait = Turns<1>;

const FLIP_FIRST: u8 = 0;
const FOO_NEVER_WAITS: u8 = 1;

impl<const BUG: u8> Turns<BUG> {
    fn wait_for(&self, mine: Turn) {
        if BUG == FOO_NEVER_WAITS && mine == Turn::Foo {
            return;
        }
        let mut turn = self.turn.lock();
        while *turn != mine {
            turn = self.changed.wait(turn);
        }
    }

    fn hand_to(&self, next: Turn) {
        *self.turn.lock() = next;
        self.changed.notify_one();
    }

    fn take_turns(&self, mine: Turn, mut print: impl FnMut()) {
        for _ in 0..self.n {
            self.wait_for(mine);
            if BUG == FLIP_FIRST {
                self.hand_to(mine.other());
                print();
            } else {
                print();
                self.hand_to(mine.other());
            }
        }
    }
}

impl<const BUG: u8> FooBar for Turns<BUG> {
    fn new(n: usize) -> Self {
        Turns {
            n,
            turn: Mutex::new(Turn::Foo),
            changed: Condvar::new(),
        }
    }

    fn foo(&self, print: impl FnMut()) {
        self.take_turns(Turn::Foo, print);
    }

    fn bar(&self, print: impl FnMut()) {
        self.take_turns(Turn::Bar, print);
    }
}

/// Waits for a notify, with no state that says whether it was already
/// sent: a `bar` called after `foo` printed sleeps for ever. Lost wake-up.
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

impl FooBar for WaitWithoutState {
    fn new(n: usize) -> Self {
        WaitWithoutState {
            n,
            lock: Mutex::new(()),
            changed: Condvar::new(),
        }
    }

    fn foo(&self, mut print: impl FnMut()) {
        for round in 0..self.n {
            // Foo goes first: it waits only from its second print on.
            if round > 0 {
                self.wait();
            }
            print();
            self.changed.notify_all();
        }
    }

    fn bar(&self, mut print: impl FnMut()) {
        for _ in 0..self.n {
            self.wait();
            print();
            self.changed.notify_all();
        }
    }
}

/// Reads the turn outside the lock, then sleeps under it. Between the read
/// and the sleep, the other thread can hand the turn over and notify
/// nobody: the waiter then sleeps for ever. Lost wake-up, in a window of
/// nanoseconds that loom finds and a stress test rarely does.
#[derive(Debug)]
pub struct FlagOutsideLock {
    n: usize,
    /// `true` when it is bar's turn.
    bars_turn: AtomicBool,
    lock: Mutex<()>,
    changed: Condvar,
}

impl FlagOutsideLock {
    fn take_turns(&self, bar: bool, mut print: impl FnMut()) {
        for _ in 0..self.n {
            while self.bars_turn.load(Ordering::Acquire) != bar {
                let guard = self.lock.lock();
                drop(self.changed.wait(guard));
            }
            print();
            self.bars_turn.store(!bar, Ordering::Release);
            self.changed.notify_all();
        }
    }
}

impl FooBar for FlagOutsideLock {
    fn new(n: usize) -> Self {
        FlagOutsideLock {
            n,
            bars_turn: AtomicBool::new(false),
            lock: Mutex::new(()),
            changed: Condvar::new(),
        }
    }

    fn foo(&self, print: impl FnMut()) {
        self.take_turns(false, print);
    }

    fn bar(&self, print: impl FnMut()) {
        self.take_turns(true, print);
    }
}

/// Right turns, wrong waiting: spins on an atomic flag, and a waiting
/// thread keeps a core busy doing nothing. Busy-waiting.
#[derive(Debug)]
pub struct SpinFooBar {
    n: usize,
    /// `true` when it is bar's turn.
    bars_turn: AtomicBool,
}

impl SpinFooBar {
    fn take_turns(&self, bar: bool, mut print: impl FnMut()) {
        for _ in 0..self.n {
            while self.bars_turn.load(Ordering::Acquire) != bar {
                spin_hint();
            }
            print();
            self.bars_turn.store(!bar, Ordering::Release);
        }
    }
}

impl FooBar for SpinFooBar {
    fn new(n: usize) -> Self {
        SpinFooBar {
            n,
            bars_turn: AtomicBool::new(false),
        }
    }

    fn foo(&self, print: impl FnMut()) {
        self.take_turns(false, print);
    }

    fn bar(&self, print: impl FnMut()) {
        self.take_turns(true, print);
    }
}
