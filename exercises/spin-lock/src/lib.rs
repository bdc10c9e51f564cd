//! # Spin lock (a primitive)
//!
//! A lock that waits by spinning: a thread that finds it taken tries again,
//! and again, on its core, until the holder lets go. It is built here in
//! three steps, the way chapter 4 of Rust Atomics and Locks (Mara Bos)
//! builds one, each step a file of its own so that a reader can diff them:
//!
//! - `step1_swap.rs`: one `AtomicBool`; `swap(true, Acquire)` takes it,
//!   `store(false, Release)` releases it. The caller unlocks by hand.
//! - `step2_ttas.rs`: while the lock is taken, spin on a plain load, and
//!   try to take it (`compare_exchange`) only when it looks free
//!   (test-and-test-and-set). The same lock, kinder to the cache.
//! - `step3_guard.rs`: `lock` returns a guard, and dropping the guard
//!   releases the lock: a panic or an early `return` cannot skip it.
//!
//! ## What the lock guards, without `unsafe`
//!
//! The book's `SpinLock<T>` keeps its data in an `UnsafeCell` and hands out
//! `&mut T` to the holder. That takes `unsafe` code, and this workspace
//! forbids it (`unsafe_code = "forbid"`, which no module can relax). So the
//! lock here guards no data of its own: it is a raw lock, like a `Mutex<()>`,
//! and the data it protects lives beside it, in atomics that the holder
//! reads and writes with `Relaxed`. That is not a workaround of the lesson
//! but the lesson itself: a `Relaxed` access orders nothing, so the only
//! thing that makes one holder's writes visible to the next is the lock's
//! own `Release` (when it is released) and `Acquire` (when it is taken).
//! The suite and the loom models check exactly that.
//!
//! `buggy.rs` holds the bug zoo, and `starter.rs` is the candidate's file.

// ANCHOR: contract
/// Steps 1 and 2: a lock whose caller releases it by hand.
///
/// The promises:
/// - at most one thread holds the lock at a time: `lock` returns only once
///   no other thread holds it, and then the caller does;
/// - everything a holder wrote before `unlock` is visible to the next
///   thread whose `lock` returns (`unlock` releases, `lock` acquires);
/// - a released lock is taken by a thread waiting for it: nothing hangs
///   while the lock is free.
///
/// The caller must call `unlock` once for each `lock`, on a lock it holds.
/// The lock is not reentrant: a thread that calls `lock` while it holds the
/// lock waits for itself for ever.
pub trait RawLock: Send + Sync {
    /// A lock nobody holds.
    fn new() -> Self
    where
        Self: Sized;

    /// Waits (spinning) until no thread holds the lock, then takes it.
    fn lock(&self);

    /// Releases the lock, which the caller holds.
    fn unlock(&self);
}

/// Step 3 and your starter: the lock as its users should meet it.
///
/// The promises of [`RawLock`], and:
/// - `lock` returns a guard, and the lock is held as long as the guard
///   lives;
/// - the lock is released when the guard is dropped, however the holder's
///   code ends: at the end of its scope, by an early `return` or `?`, or
///   by a panic that unwinds through it. [`Lock::unlock`] ends the hold
///   early, and is the same as dropping the guard.
pub trait Lock: Send + Sync {
    /// The proof that the caller holds the lock.
    type Guard<'a>
    where
        Self: 'a;

    /// A lock nobody holds.
    fn new() -> Self
    where
        Self: Sized;

    /// Waits (spinning) until no thread holds the lock, then takes it.
    fn lock(&self) -> Self::Guard<'_>;

    /// Releases the lock now: the same as dropping the guard.
    fn unlock<'a>(guard: Self::Guard<'a>)
    where
        Self: Sized + 'a,
    {
        drop(guard);
    }
}
// ANCHOR_END: contract

pub mod step1_swap;
pub mod step2_ttas;
pub mod step3_guard;

pub mod buggy;
#[cfg(feature = "starter")]
pub mod starter;

/// Step 1: `swap` to take, `store` to release.
pub type SwapLock = step1_swap::SpinLock;
/// Step 2: spin on a load, `compare_exchange` when the lock looks free.
pub type TtasLock = step2_ttas::SpinLock;
/// Step 3: the step-2 lock behind a guard that releases it when dropped.
pub use step3_guard::{SpinGuard, SpinLock};
