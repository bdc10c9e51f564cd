//! The bug zoo: semaphores that look right and are not. Each is named after
//! its bug, and `tests/bugs.rs` proves the suite catches each one under
//! that name. Two, whose windows are nanoseconds wide, are caught by the
//! loom models in `tests/loom.rs`: `CheckThenTake` and
//! `ReleaseOutsideLock`.

use kit::sync::{AtomicUsize, Condvar, Mutex, Ordering, spin_hint};

use crate::Semaphore;

/// Step 2's semaphore with one mistake, chosen by `BUG`.
#[derive(Debug)]
pub struct Flawed<const BUG: u8> {
    permits: usize,
    in_use: Mutex<usize>,
    freed: Condvar,
}

/// Finds a permit free under the lock, lets go of the lock, and takes the
/// permit under another acquisition: two threads can find the same last
/// permit free and both take it. Bound exceeded.
pub type CheckThenTake = Flawed<0>;
/// Gives the permit back and wakes nobody: a thread already waiting
/// sleeps on, though a permit is free. Lost wake-up.
pub type NoWakeup = Flawed<1>;
/// Wakes every waiter on a release (`notify_all`) and waits with `if`, not
/// `while`: every waiter that wakes goes in, though one permit came back.
/// Unchecked wake-up.
pub type IfNotWhile = Flawed<2>;

const CHECK_THEN_TAKE: u8 = 0;
const NO_WAKEUP: u8 = 1;
const IF_NOT_WHILE: u8 = 2;

/// A `Flawed` semaphore's permit.
#[derive(Debug)]
pub struct FlawedPermit<'a, const BUG: u8> {
    semaphore: &'a Flawed<BUG>,
}

impl<const BUG: u8> Semaphore for Flawed<BUG> {
    type Permit<'a> = FlawedPermit<'a, BUG>;

    fn new(permits: usize) -> Self {
        assert!(permits > 0, "a semaphore needs at least one permit");
        Flawed {
            permits,
            in_use: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    fn acquire(&self) -> FlawedPermit<'_, BUG> {
        let mut in_use = self.in_use.lock();
        if BUG == IF_NOT_WHILE {
            // One wait, whatever woke it.
            if *in_use >= self.permits {
                in_use = self.freed.wait(in_use);
            }
        } else {
            while *in_use >= self.permits {
                in_use = self.freed.wait(in_use);
            }
        }
        if BUG == CHECK_THEN_TAKE {
            // "A permit is free; now take it."
            drop(in_use);
            in_use = self.in_use.lock();
        }
        *in_use += 1;
        FlawedPermit { semaphore: self }
    }
}

impl<const BUG: u8> Drop for FlawedPermit<'_, BUG> {
    fn drop(&mut self) {
        let semaphore = self.semaphore;
        *semaphore.in_use.lock() -= 1;
        match BUG {
            NO_WAKEUP => {}
            IF_NOT_WHILE => semaphore.freed.notify_all(),
            _ => semaphore.freed.notify_one(),
        }
    }
}

/// The count in an atomic, changed by `release` without the lock, then a
/// `notify_one`. `acquire` checks the count and sleeps under the lock;
/// a release that falls between the check and the sleep notifies nobody,
/// and the waiter sleeps on with a permit free. Lost wake-up, in a window
/// of nanoseconds that loom finds and a stress test rarely does.
#[derive(Debug)]
pub struct ReleaseOutsideLock {
    permits: usize,
    in_use: AtomicUsize,
    lock: Mutex<()>,
    freed: Condvar,
}

/// `ReleaseOutsideLock`'s permit.
#[derive(Debug)]
pub struct OutsidePermit<'a> {
    semaphore: &'a ReleaseOutsideLock,
}

impl Semaphore for ReleaseOutsideLock {
    type Permit<'a> = OutsidePermit<'a>;

    fn new(permits: usize) -> Self {
        assert!(permits > 0, "a semaphore needs at least one permit");
        ReleaseOutsideLock {
            permits,
            in_use: AtomicUsize::new(0),
            lock: Mutex::new(()),
            freed: Condvar::new(),
        }
    }

    fn acquire(&self) -> OutsidePermit<'_> {
        let mut guard = self.lock.lock();
        while self.in_use.load(Ordering::SeqCst) >= self.permits {
            guard = self.freed.wait(guard);
        }
        // Acquirers take under the lock, one at a time.
        self.in_use.fetch_add(1, Ordering::SeqCst);
        drop(guard);
        OutsidePermit { semaphore: self }
    }
}

impl Drop for OutsidePermit<'_> {
    fn drop(&mut self) {
        // "It is atomic, so it needs no lock."
        self.semaphore.in_use.fetch_sub(1, Ordering::SeqCst);
        self.semaphore.freed.notify_one();
    }
}

/// The count in an atomic, taken with `compare_exchange` in a loop that
/// spins while no permit is free: the bound holds, and a waiting thread
/// keeps a core busy for as long as it waits. Busy-waiting.
#[derive(Debug)]
pub struct SpinAcquire {
    permits: usize,
    in_use: AtomicUsize,
}

/// `SpinAcquire`'s permit.
#[derive(Debug)]
pub struct SpinPermit<'a> {
    semaphore: &'a SpinAcquire,
}

impl Semaphore for SpinAcquire {
    type Permit<'a> = SpinPermit<'a>;

    fn new(permits: usize) -> Self {
        assert!(permits > 0, "a semaphore needs at least one permit");
        SpinAcquire {
            permits,
            in_use: AtomicUsize::new(0),
        }
    }

    fn acquire(&self) -> SpinPermit<'_> {
        loop {
            let in_use = self.in_use.load(Ordering::Relaxed);
            if in_use < self.permits
                && self
                    .in_use
                    .compare_exchange(in_use, in_use + 1, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                return SpinPermit { semaphore: self };
            }
            spin_hint();
        }
    }
}

impl Drop for SpinPermit<'_> {
    fn drop(&mut self) {
        self.semaphore.in_use.fetch_sub(1, Ordering::Release);
    }
}

/// A permit with no `Drop`: the holder gives it back with
/// `Semaphore::release(permit)` at the end of its work. Right when the work
/// ends there; an early `return`, a `?` or a panic skips it, and the permit
/// is gone for good. With one permit, every later `acquire` waits for
/// ever. Deadlock.
#[derive(Debug)]
pub struct ReleaseByHand {
    permits: usize,
    in_use: Mutex<usize>,
    freed: Condvar,
}

/// `ReleaseByHand`'s permit: a token that gives nothing back when dropped.
#[derive(Debug)]
pub struct Token<'a> {
    semaphore: &'a ReleaseByHand,
}

impl Semaphore for ReleaseByHand {
    type Permit<'a> = Token<'a>;

    fn new(permits: usize) -> Self {
        assert!(permits > 0, "a semaphore needs at least one permit");
        ReleaseByHand {
            permits,
            in_use: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    fn acquire(&self) -> Token<'_> {
        let mut in_use = self.in_use.lock();
        while *in_use >= self.permits {
            in_use = self.freed.wait(in_use);
        }
        *in_use += 1;
        Token { semaphore: self }
    }

    fn release<'a>(permit: Token<'a>)
    where
        Self: Sized + 'a,
    {
        *permit.semaphore.in_use.lock() -= 1;
        permit.semaphore.freed.notify_one();
    }
}
