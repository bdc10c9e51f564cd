//! # One-shot channel (a primitive)
//!
//! One value, sent once from one thread to another: the sender puts it in,
//! the receiver waits until it is there and takes it. It is the smallest
//! channel, and the smallest case of every hand-off between threads: a
//! value, a flag that says "it is there", and a way for the receiver to
//! sleep until the flag is up.
//!
//! It is built in three steps, the way chapter 5 of Rust Atomics and Locks
//! (Mara Bos) builds its channels, each a file of its own so that a reader
//! can diff them:
//!
//! - `step1_condvar.rs`: the value under a `Mutex`, and a `Condvar` for the
//!   receiver to sleep on.
//! - `step2_park.rs`: a `ready` flag in an `AtomicBool`, and the receiver's
//!   own thread parked (`thread::park`) instead of a condition variable;
//!   the receiver registers its thread before it checks the flag.
//! - `step3_typed.rs`: a `Sender` and a `Receiver`. `send` takes the sender
//!   by value, so a second `send` does not compile; a sender dropped
//!   without sending wakes the receiver with `None`.
//!
//! ## Safe Rust only
//!
//! The book keeps the value in an `UnsafeCell<MaybeUninit<T>>` and lets the
//! `ready` flag's `Release` and `Acquire` carry it from one thread to the
//! other. That needs `unsafe`, which this workspace forbids. Here the value
//! sits in a `Mutex<Option<T>>`, and the mutex carries it: its `unlock`
//! releases and its `lock` acquires. The flag still says when to look, and
//! the parked receiver still depends on it; `step2_park.rs` explains what
//! its orderings do here, and what they would do with an `UnsafeCell`.
//!
//! `buggy.rs` holds the bug zoo, and `starter.rs` is the candidate's file.

// ANCHOR: contract
/// Steps 1 and 2: one object that the sender and the receiver share.
///
/// The promises:
/// - `receive` returns the value once `send` has put it in: a receiver
///   that comes first waits, and a value sent before anyone receives is
///   kept until `receive` takes it;
/// - the receiver sees everything the sender did before `send`;
/// - a waiting receiver sleeps, and only `send` makes it return: a
///   spurious wake-up, or an `unpark` from elsewhere, does not.
///
/// `send` is called once (a second call panics) and `receive` once, by
/// one thread.
pub trait SharedOneShot<T>: Send + Sync {
    /// A channel with nothing sent yet.
    fn new() -> Self
    where
        Self: Sized;

    /// Puts the value in and wakes the receiver.
    fn send(&self, value: T);

    /// Waits until the value is there, then takes it.
    fn receive(&self) -> T;
}

/// Step 3 and your starter: the sending half. `send` takes the sender by
/// value: it sends once, and a second `send` does not compile.
pub trait SendHalf<T>: Send {
    /// Puts the value in and wakes the receiver.
    fn send(self, value: T);
}

/// Step 3 and your starter: the receiving half.
///
/// The promises of [`SharedOneShot`], and: once the sender is dropped
/// without sending (before `receive` is called, or while it waits),
/// `receive` returns `None` instead of waiting for ever.
pub trait ReceiveHalf<T>: Send {
    /// Waits until the value is there and takes it, or until the sender is
    /// gone without sending (`None`).
    fn receive(self) -> Option<T>;
}
// ANCHOR_END: contract

pub mod step1_condvar;
pub mod step2_park;
pub mod step3_typed;

pub mod buggy;
#[cfg(feature = "starter")]
pub mod starter;

pub use step3_typed::{Receiver, Sender, channel};
