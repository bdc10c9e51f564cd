//! The loom shim: one import path for locks, atomics and threads.
//!
//! Exercise code writes `use kit::sync::{Mutex, RwLock, AtomicU64}` and never
//! names `std::sync` or `parking_lot` directly. Built normally, these are
//! parking_lot's locks (no poisoning, small, fast when uncontended) and std's
//! atomics. Built with `RUSTFLAGS="--cfg loom"`, they are loom's instrumented
//! versions, so `tests/loom.rs` can explore every interleaving of the very
//! code the benches time. This is the pattern crossbeam uses.
//!
//! The lock wrappers keep the API small and the same under both builds:
//! `lock()`, `read()` and `write()` return a guard directly. Poisoning is not
//! part of the lesson; a panic while holding a lock is a bug the tests report
//! on their own.

#[cfg(not(loom))]
mod imp {
    pub use parking_lot::{
        Condvar as RawCondvar, Mutex as RawMutex, MutexGuard, RwLock as RawRwLock, RwLockReadGuard,
        RwLockWriteGuard,
    };
    pub use std::sync::Arc;
    pub use std::sync::{atomic, mpsc};
    pub use std::thread;
}

#[cfg(loom)]
mod imp {
    pub use loom::sync::{
        Arc, Condvar as RawCondvar, Mutex as RawMutex, MutexGuard, RwLock as RawRwLock,
        RwLockReadGuard, RwLockWriteGuard, atomic, mpsc,
    };
    pub use loom::thread;
}

pub use imp::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
pub use imp::{Arc, MutexGuard, RwLockReadGuard, RwLockWriteGuard, mpsc, thread};

/// A mutual-exclusion lock: parking_lot's, or loom's under `cfg(loom)`.
#[derive(Debug, Default)]
pub struct Mutex<T>(imp::RawMutex<T>);

impl<T> Mutex<T> {
    pub fn new(value: T) -> Self {
        Self(imp::RawMutex::new(value))
    }

    /// Blocks until the lock is free.
    #[inline]
    pub fn lock(&self) -> MutexGuard<'_, T> {
        #[cfg(not(loom))]
        return self.0.lock();
        #[cfg(loom)]
        return self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }

    pub fn into_inner(self) -> T {
        #[cfg(not(loom))]
        return self.0.into_inner();
        #[cfg(loom)]
        return self
            .0
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }
}

/// A reader-writer lock: parking_lot's, or loom's under `cfg(loom)`.
#[derive(Debug, Default)]
pub struct RwLock<T>(imp::RawRwLock<T>);

impl<T> RwLock<T> {
    pub fn new(value: T) -> Self {
        Self(imp::RawRwLock::new(value))
    }

    /// Shared access: many readers at once, no writer.
    #[inline]
    pub fn read(&self) -> RwLockReadGuard<'_, T> {
        #[cfg(not(loom))]
        return self.0.read();
        #[cfg(loom)]
        return self
            .0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }

    /// Exclusive access.
    #[inline]
    pub fn write(&self) -> RwLockWriteGuard<'_, T> {
        #[cfg(not(loom))]
        return self.0.write();
        #[cfg(loom)]
        return self
            .0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }

    pub fn into_inner(self) -> T {
        #[cfg(not(loom))]
        return self.0.into_inner();
        #[cfg(loom)]
        return self
            .0
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }
}

/// A condition variable whose `wait` takes the guard and gives it back, the
/// shape both parking_lot and loom can offer.
#[derive(Debug, Default)]
pub struct Condvar(imp::RawCondvar);

impl Condvar {
    pub fn new() -> Self {
        Self(imp::RawCondvar::new())
    }

    /// Releases the lock, sleeps until notified, and takes the lock again.
    /// Wake-ups can be spurious: always wait in a loop that re-checks the
    /// condition.
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        #[cfg(not(loom))]
        {
            let mut guard = guard;
            self.0.wait(&mut guard);
            guard
        }
        #[cfg(loom)]
        return self
            .0
            .wait(guard)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }

    /// As [`wait`](Self::wait), but gives up at `deadline`; true if it
    /// timed out. Under loom a timeout is never modelled (loom 0.7 waits
    /// for a notify), so a model must make the awaited notify happen.
    pub fn wait_until<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        deadline: std::time::Instant,
    ) -> (MutexGuard<'a, T>, bool) {
        #[cfg(not(loom))]
        {
            let mut guard = guard;
            let timed_out = self.0.wait_until(&mut guard, deadline).timed_out();
            (guard, timed_out)
        }
        #[cfg(loom)]
        {
            let _ = deadline;
            (self.wait(guard), false)
        }
    }

    pub fn notify_one(&self) {
        self.0.notify_one();
    }

    pub fn notify_all(&self) {
        self.0.notify_all();
    }
}

// ANCHOR: snapshot
/// A value that readers load without waiting and a writer replaces whole.
///
/// Readers see one complete version or the next, never a mix: the writer
/// builds the new version where no reader can see it, then publishes it with
/// one pointer swap. Normally this is arc-swap's `ArcSwap` (reads take no
/// lock at all); under loom, an `RwLock<Arc<T>>` with the same protocol, so
/// the model checks the publishing logic rather than arc-swap's insides.
pub struct Snapshot<T> {
    #[cfg(not(loom))]
    current: arc_swap::ArcSwap<T>,
    #[cfg(loom)]
    current: RwLock<Arc<T>>,
}

impl<T> Snapshot<T> {
    pub fn new(value: T) -> Self {
        Self {
            #[cfg(not(loom))]
            current: arc_swap::ArcSwap::from_pointee(value),
            #[cfg(loom)]
            current: RwLock::new(Arc::new(value)),
        }
    }

    /// Runs `read` on the current version. Keep it short: the version it
    /// sees stays alive until it returns.
    #[inline]
    pub fn read<R>(&self, read: impl FnOnce(&T) -> R) -> R {
        #[cfg(not(loom))]
        return read(&self.current.load());
        #[cfg(loom)]
        {
            let current = Arc::clone(&self.current.read());
            read(&current)
        }
    }

    /// The current version, kept alive for as long as the caller holds it:
    /// for a reader that must see one version from its first read to its
    /// last.
    pub fn load(&self) -> Arc<T> {
        #[cfg(not(loom))]
        return self.current.load_full();
        #[cfg(loom)]
        Arc::clone(&self.current.read())
    }

    /// Makes `value` the version every later `read` sees.
    pub fn publish(&self, value: Arc<T>) {
        drop(self.swap(value));
    }

    /// Publishes `value` and hands back the version it replaced, for the
    /// caller to drop when it chooses (outside a critical section, say).
    pub fn swap(&self, value: Arc<T>) -> Arc<T> {
        #[cfg(not(loom))]
        return self.current.swap(value);
        #[cfg(loom)]
        std::mem::replace(&mut *self.current.write(), value)
    }
}
// ANCHOR_END: snapshot

impl<T: std::fmt::Debug> std::fmt::Debug for Snapshot<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.read(|value| f.debug_tuple("Snapshot").field(value).finish())
    }
}

/// Inside a spin loop: a CPU hint on real threads, a yield under loom (which
/// otherwise explores the spinning thread forever).
#[inline]
pub fn spin_hint() {
    #[cfg(not(loom))]
    std::hint::spin_loop();
    #[cfg(loom)]
    loom::thread::yield_now();
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn condvar_wakes_a_waiter() {
        let pair = Arc::new((Mutex::new(false), Condvar::new()));
        let other = Arc::clone(&pair);
        let waker = thread::spawn(move || {
            *other.0.lock() = true;
            other.1.notify_one();
        });
        let mut ready = pair.0.lock();
        while !*ready {
            ready = pair.1.wait(ready);
        }
        drop(ready);
        waker.join().unwrap();
    }

    #[test]
    fn a_snapshot_reader_sees_the_last_published_version() {
        let snapshot = Snapshot::new(vec![1]);
        assert_eq!(snapshot.read(|v| v.clone()), vec![1]);
        snapshot.publish(Arc::new(vec![1, 2]));
        assert_eq!(snapshot.read(|v| v.len()), 2);
    }

    #[test]
    fn rwlock_admits_two_readers_at_once() {
        let lock = RwLock::new(7);
        let a = lock.read();
        let b = lock.read();
        assert_eq!(*a + *b, 14);
    }
}
