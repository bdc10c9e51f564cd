//! # Counting semaphore (a primitive)
//!
//! A semaphore hands out a fixed number of permits. `acquire` takes one,
//! and waits while none is free; giving one back lets a waiter in. It
//! bounds how many threads do something at once: requests in flight to
//! one host, connections open to a database, jobs on a GPU. A semaphore
//! of one permit is a lock.
//!
//! It is built in two steps, each a file of its own so that a reader can
//! diff them:
//!
//! - `step1_condvar.rs`: the count of permits in use under a `Mutex`, and
//!   a `Condvar` for waiters to sleep on. The caller releases by hand.
//! - `step2_permit.rs`: `acquire` returns a `Permit`, and dropping it gives
//!   the permit back: a panic or an early `return` cannot skip it.
//!
//! The crawler (`exercises/crawler`) bounds its requests in flight another
//! way: it starts only `concurrency()` workers, and each has at most one
//! request out. A semaphore lets a program keep more threads than that
//! (parsing, say) and still hold the requests to the bound: take a permit
//! around each request. With the crawler's politeness limit of one request
//! per host, that semaphore has one permit, and is a lock.
//!
//! `buggy.rs` holds the bug zoo, and `starter.rs` is the candidate's file.

// ANCHOR: contract
/// Step 1: a semaphore whose caller gives permits back by hand.
///
/// The promises:
/// - at most `permits` threads hold a permit at once;
/// - while fewer than `permits` are held, `acquire` does not wait: one
///   thread can hold them all;
/// - a permit given back lets a waiting thread in: nothing waits while a
///   permit is free;
/// - a waiting thread sleeps: it does not spin on a core.
///
/// `permits` is at least 1. The caller calls `release` once for each
/// `acquire`, after it.
pub trait RawSemaphore: Send + Sync {
    /// A semaphore with `permits` permits, all free.
    fn new(permits: usize) -> Self
    where
        Self: Sized;

    /// Waits until a permit is free, then takes it.
    fn acquire(&self);

    /// Gives a permit back.
    fn release(&self);
}

/// Step 2 and your starter: the permit as a value.
///
/// The promises of [`RawSemaphore`], and:
/// - `acquire` returns a permit, held as long as the value lives;
/// - the permit goes back when the value is dropped, however the holder's
///   code ends: at the end of its scope, by an early `return` or `?`, or by
///   a panic that unwinds through it. [`Semaphore::release`] gives it back
///   early, and is the same as dropping it.
pub trait Semaphore: Send + Sync {
    /// A permit held.
    type Permit<'a>
    where
        Self: 'a;

    /// A semaphore with `permits` permits, all free.
    fn new(permits: usize) -> Self
    where
        Self: Sized;

    /// Waits until a permit is free, then takes it.
    fn acquire(&self) -> Self::Permit<'_>;

    /// Gives the permit back now: the same as dropping it.
    fn release<'a>(permit: Self::Permit<'a>)
    where
        Self: Sized + 'a,
    {
        drop(permit);
    }
}
// ANCHOR_END: contract

pub mod step1_condvar;
pub mod step2_permit;

pub mod buggy;
#[cfg(feature = "starter")]
pub mod starter;

/// Step 1: acquire and release by hand.
pub type RawCondvarSemaphore = step1_condvar::CondvarSemaphore;
/// Step 2: a permit that gives itself back.
pub use step2_permit::{CondvarSemaphore, Permit};
