//! # Print in Order (LeetCode 1114)
//!
//! Three threads share one object. One calls `first`, one `second`, one
//! `third`, and nobody controls which thread gets there first. Each method
//! is handed a `print` to run. The prints must happen in the order first,
//! second, third, whatever the order of arrival.
//!
//! The lesson is the smallest piece of every concurrent program: a thread
//! that waits until another has made something true. There are two good
//! ways here, each in its own file:
//!
//! - [`CondvarInOrder`] (`condvar.rs`): the state under a mutex, and a
//!   condition variable to sleep on until the state says "your turn".
//! - [`ChannelInOrder`] (`channels.rs`): a message from each turn to the
//!   next; a receive blocks until the message is there.
//!
//! `buggy.rs` holds the bug zoo (waiting with `if` instead of `while`, a
//! wake-up sent before anyone waits, `notify_one` where two wait, a spin
//! that burns a core), and `starter.rs` is the candidate's file.

// ANCHOR: contract
/// An object whose three methods run their prints in order, whichever
/// threads call them and whenever they arrive.
///
/// The promises:
/// - each method runs its `print` exactly once, before it returns;
/// - `second`'s print starts only after `first`'s print has returned, and
///   `third`'s only after `second`'s;
/// - a method whose turn has come does not wait, in any order of arrival:
///   nothing hangs, even when a turn finished long before the next was
///   called;
/// - a method that waits blocks: it does not spin on a core while the
///   turn before it has not come.
///
/// One object serves one round: each method is called once, each on its
/// own thread (or all three, in order, on one).
pub trait InOrder: Send + Sync {
    fn new() -> Self
    where
        Self: Sized;

    fn first(&self, print: impl FnOnce());

    fn second(&self, print: impl FnOnce());

    fn third(&self, print: impl FnOnce());
}
// ANCHOR_END: contract

mod channels;
mod condvar;

pub mod buggy;
#[cfg(feature = "starter")]
pub mod starter;

pub use channels::ChannelInOrder;
pub use condvar::CondvarInOrder;
