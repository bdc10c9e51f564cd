//! The bug zoo: locks that look right and are not. Each is named after its
//! bug, and `tests/bugs.rs` proves the suite catches each one under that
//! name. Two are caught by the loom models in `tests/loom.rs`:
//! `RelaxedLock`, whose bug x86 hides, and `TestThenSet`, whose window is
//! nanoseconds wide. `NoSpinHint`, at the end, is not a bug: it is here to
//! show that it passes.

use kit::sync::{AtomicBool, Ordering, spin_hint};

use crate::{Lock, RawLock};

/// Step 2 with `Relaxed` everywhere. Taking the flag is still one atomic
/// step, so two holders never overlap; but nothing orders the data the
/// holders write around the flag, and the next holder may read a value
/// older than the last holder's write. Stale read, which loom finds and
/// x86 hides.
#[derive(Debug, Default)]
pub struct RelaxedLock {
    locked: AtomicBool,
}

impl RawLock for RelaxedLock {
    fn new() -> Self {
        Self::default()
    }

    fn lock(&self) {
        while self
            .locked
            .compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            while self.locked.load(Ordering::Relaxed) {
                spin_hint();
            }
        }
    }

    fn unlock(&self) {
        self.locked.store(false, Ordering::Relaxed);
    }
}

/// Step 2 with the take split in two: wait until the flag reads `false`,
/// then store `true`. Two waiters can both read `false` before either
/// stores, and both go in. Check-then-act race.
#[derive(Debug, Default)]
pub struct TestThenSet {
    locked: AtomicBool,
}

impl RawLock for TestThenSet {
    fn new() -> Self {
        Self::default()
    }

    fn lock(&self) {
        while self.locked.load(Ordering::Acquire) {
            spin_hint();
        }
        // Another waiter may be right here too.
        self.locked.store(true, Ordering::Relaxed);
    }

    fn unlock(&self) {
        self.locked.store(false, Ordering::Release);
    }
}

/// A guard with no `Drop`: the release is a method the holder calls at the
/// end of its critical section (`Lock::unlock(guard)`). Right when the
/// section ends there; an early `return`, a `?` or a panic skips it, and
/// the lock stays taken for ever. Deadlock: every later `lock` spins.
#[derive(Debug, Default)]
pub struct UnlockByHand {
    locked: AtomicBool,
}

/// What `UnlockByHand::lock` returns: a token that releases nothing when
/// it is dropped.
#[derive(Debug)]
pub struct Token<'a> {
    lock: &'a UnlockByHand,
}

impl Lock for UnlockByHand {
    type Guard<'a> = Token<'a>;

    fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Token<'_> {
        while self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            while self.locked.load(Ordering::Relaxed) {
                spin_hint();
            }
        }
        Token { lock: self }
    }

    fn unlock<'a>(guard: Token<'a>)
    where
        Self: Sized + 'a,
    {
        guard.lock.locked.store(false, Ordering::Release);
    }
}

/// `lock` takes the flag, then builds its guard with a constructor that
/// takes the flag too ("a guard always holds the lock"). The second take
/// waits for the first, which the same thread holds: it spins for ever on
/// its very first `lock`. Self-deadlock.
#[derive(Debug, Default)]
pub struct LockedTwice {
    locked: AtomicBool,
}

/// `LockedTwice`'s guard.
#[derive(Debug)]
pub struct TwiceGuard<'a> {
    lock: &'a LockedTwice,
}

impl LockedTwice {
    fn acquire(&self) {
        while self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            while self.locked.load(Ordering::Relaxed) {
                spin_hint();
            }
        }
    }
}

impl<'a> TwiceGuard<'a> {
    /// Takes the lock and wraps it.
    fn new(lock: &'a LockedTwice) -> Self {
        lock.acquire();
        TwiceGuard { lock }
    }
}

impl Lock for LockedTwice {
    type Guard<'a> = TwiceGuard<'a>;

    fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> TwiceGuard<'_> {
        self.acquire();
        TwiceGuard::new(self)
    }
}

impl Drop for TwiceGuard<'_> {
    fn drop(&mut self) {
        self.lock.locked.store(false, Ordering::Release);
    }
}

/// Not a bug: step 2 without `spin_hint` in its wait. The hint tells the
/// processor that the thread is spinning (x86's `pause`), which can save
/// power and give a sibling hyper-thread the core; it orders nothing and
/// excludes nobody. This lock passes every check; `tests/bugs.rs` says so.
/// (It is left out of the loom models, which need a yield in every spin.)
#[derive(Debug, Default)]
pub struct NoSpinHint {
    locked: AtomicBool,
}

impl RawLock for NoSpinHint {
    fn new() -> Self {
        Self::default()
    }

    // clippy's `missing_spin_loop` (a performance lint) flags this loop:
    // the point of the entry.
    #[allow(clippy::missing_spin_loop)]
    fn lock(&self) {
        while self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            while self.locked.load(Ordering::Relaxed) {}
        }
    }

    fn unlock(&self) {
        self.locked.store(false, Ordering::Release);
    }
}
